public import Foundation
public import JifenCore
import JifenSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file that holds the key ID numbers are sealed with (`IDNumberKey`): 32 random bytes as one
/// line of base64, readable by its owner only (0600). It lives outside the database so a copy of
/// the database (a backup, a dump, a stolen disk image of it) does not say anyone's ID number.
///
/// Where: `--key-file`, else `JIFEN_KEY_FILE`, else beside a SQLite database as `<db>.key`
/// (`jifen backup` copies the database file only, never the key); a PostgreSQL database has no
/// default, since its data is not on this machine's disk: name the file (docs/DEPLOYMENT.md:
/// `/etc/jifen/id.key`, outside the data directory and its backups).
public struct IDKeyFile: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The environment variable that names the key file.
    public static let environmentName = "JIFEN_KEY_FILE"

    /// The key file for the database at `location`: the named one, else the default.
    public static func resolve(named: String?, location: String, environment: [String: String]) -> IDKeyFile? {
        if let named, !named.isEmpty { return IDKeyFile(path: named) }
        if let env = environment[environmentName], !env.isEmpty { return IDKeyFile(path: env) }
        return Stores.isServer(location) ? nil : IDKeyFile(path: location + ".key")
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The key.
    /// - Throws: `id-key-missing` when there is no file, `id-key-wrong` when it holds no key.
    public func load() throws -> IDNumberKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw IDNumberKey.missingKey(path: path) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let material = Data(base64Encoded: text) else {
            throw IDNumberKey.wrongKey(path: path, detail: "not base64")
        }
        do { return try IDNumberKey(material: material) } catch {
            throw IDNumberKey.wrongKey(path: path, detail: "\(material.count) bytes")
        }
    }

    /// Makes a new key file readable by its owner only; never replaces one.
    /// - Returns: true when it made one, false when one was there already.
    /// - Throws: a fault when the file cannot be written.
    @discardableResult public func create() throws -> Bool {
        if exists { return false }
        let line = IDNumberKey.generateMaterial().base64EncodedString() + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return false }
            throw JifenError.fault(
                .cannotWrite, zh: "无法创建身份证号的加密密钥文件 \(path)（errno \(errno)）。请检查目录和权限。",
                en:
                    "Cannot create the ID-number key file \(path) (errno \(errno)). Check the folder and its permissions."
            )
        }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw JifenError.fault(
                .cannotWrite, zh: "无法写入身份证号的加密密钥文件 \(path)。", en: "Cannot write the ID-number key file \(path).")
        }
        return true
    }
}

extension JifenApp {
    /// The ID-number key, read from the key file when needed.
    /// - Throws: `id-key-missing` (no file named, or none there), `id-key-wrong`.
    func idKey() throws -> IDNumberKey {
        guard let file = idKeyFile else { throw IDNumberKey.missingKey(path: nil) }
        return try file.load()
    }

    /// The volunteer with her ID number opened for masking: with the key the number (then masked by
    /// `.masked`); without it, or with another key, still sealed (masked as `IDNumberKey.unreadable`),
    /// so a listing still works when the key is away (the rest of her row needs no key).
    func opened(_ v: Volunteer, key: IDNumberKey?) -> Volunteer {
        var copy = v
        copy.idNumber = Self.opened(v.idNumber, key: key)
        return copy
    }

    func opened(_ r: Resident, key: IDNumberKey?) -> Resident {
        var copy = r
        copy.idNumber = Self.opened(r.idNumber, key: key)
        return copy
    }

    static func opened(_ stored: String?, key: IDNumberKey?) -> String? {
        guard let stored, IDNumberKey.isSealed(stored) else { return stored }
        // Left sealed when it cannot be opened: `Masking.idNumber` shows it as `IDNumberKey.unreadable`.
        guard let key, let plain = try? key.open(stored) else { return stored }
        return plain
    }

    /// The key for opening, nil when it is away: reads never fail for want of it.
    var idKeyIfAtHand: IDNumberKey? { try? idKey() }

    /// What `seal-ids` did.
    public struct SealIDsResult: Codable, Sendable, Equatable {
        public var keyFile: String
        /// True when the key file was made now.
        public var keyCreated: Bool
        public var sealed: Int
        public var duplicates: [String]
    }

    /// Seals every ID number still in plain text (a database from before sealing), making the key
    /// file first when the database has no key yet (admin; locally the database's owner).
    /// - Throws: `id-key-missing` when the database has a key and the file is not there (a new key
    ///   would not open its numbers), `id-key-wrong`.
    public func sealIDNumbers(_ principal: Principal) throws -> SealIDsResult {
        guard let file = idKeyFile else { throw IDNumberKey.missingKey(path: nil) }
        var created = false
        if !file.exists {
            guard try store.read({ try $0.idKeyFingerprint() }) == nil else {
                throw IDNumberKey.missingKey(path: file.path)
            }
            created = try file.create()
        }
        let report = try registry.sealIDNumbers(key: try file.load(), actor: principal.id, nowMillis: nowMillis)
        // The plain numbers' old page images leave the SQLite WAL too.
        if report.sealed > 0, let sqlite = try store as? SQLiteStore { try sqlite.truncateWAL() }
        return SealIDsResult(
            keyFile: file.path, keyCreated: created, sealed: report.sealed, duplicates: report.duplicates)
    }
}
