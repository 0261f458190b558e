import Foundation
import GRDB
import JifenCore

extension SQLiteStore {
    /// Copies the whole database into a new file with SQLite's online backup API, while other
    /// processes keep writing. The copy is one consistent snapshot (one read transaction, all pages
    /// in one step): every transfer committed before it began, with its balances, lots and outbox,
    /// and nothing half-written. Unlike `cp`, it includes what is still in the `-wal` file.
    ///
    /// - Parameter path: the new file; it must not exist (never overwritten), and is created
    ///   readable by its owner only, like the database.
    /// - Throws: `JifenError` — refused when `path` exists, a fault when it cannot be written
    ///   (nothing is left behind then).
    public func backup(to path: String) throws {
        guard createExclusively(path) else {
            if errno == EEXIST {
                throw JifenError.refused(
                    .fileExists, zh: "\(path) 已存在。备份不会覆盖已有文件，请换一个文件名。",
                    en: "\(path) already exists. A backup never overwrites a file; choose another name.")
            }
            let reason = String(cString: strerror(errno))
            throw JifenError.fault(
                .cannotWrite, zh: "无法创建 \(path)（\(reason)）。请检查路径和权限。",
                en: "Cannot create \(path) (\(reason)). Check the path and permissions.")
        }
        do {
            let copy = try DatabaseQueue(path: path)
            do {
                try mapErrors { try queue.backup(to: copy) }
                // The copy is in WAL mode like its source: fold its WAL into the file, so the
                // backup is the one file (closing the last connection removes -wal and -shm).
                try copy.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                try copy.close()
            } catch {
                try? copy.close()
                throw error
            }
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            if let error = error as? JifenError { throw error }
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        }
    }
}

/// Creates an empty file that must not exist yet (`O_EXCL`: no race with another process), owner-only.
private func createExclusively(_ path: String) -> Bool {
    let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    guard fd >= 0 else { return false }
    close(fd)
    return true
}
