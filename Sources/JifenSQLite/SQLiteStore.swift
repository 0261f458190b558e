public import Foundation
public import GRDB
public import JifenCore

/// The embedded store: one SQLite file, shared by several `jifen` processes.
///
/// One `DatabaseQueue` (a single connection) per process, not a `DatabasePool`: a CLI process
/// does one thing at a time, and GRDB's pool writes a scratch table when it opens a WAL file,
/// which would change the file on every read-only command. WAL and the synchronous level are
/// set here; every write is a `BEGIN IMMEDIATE` transaction, waiting up to the busy timeout for
/// other processes.
///
/// A server adds read connections of its own (`withReaders`, `SQLiteReaders`): then `queue` is
/// the writer's connection and every read outside a write runs on one of the readers, beside the
/// writer and beside the other reads.
public struct SQLiteStore: Sendable {
    /// The writer's connection (and, without `readers`, the readers' too).
    let queue: DatabaseQueue
    /// Read connections of their own (`jifen serve`); nil: reads on `queue`.
    let readers: SQLiteReaders?
    public let path: String
    public let busyTimeout: TimeInterval

    /// Creates a new Jifen database at `path`.
    /// - Throws: `JifenError` when the file exists and is not empty, or cannot be created.
    public static func create(path: String, busyTimeout: TimeInterval = 5) throws -> SQLiteStore {
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
            if (try? Self.header(path))?.isJifen == true {
                throw JifenError.refused(
                    .alreadyInitialised, zh: "\(path) 已经是积分数据库，无需再次初始化。",
                    en: "\(path) is already a Jifen database; there is nothing to initialise.")
            }
            throw JifenError.refused(
                .fileExists, zh: "\(path) 已存在且不是积分数据库。请换一个文件名，不会覆盖它。",
                en: "\(path) exists and is not a Jifen database. Choose another path; Jifen will not overwrite it.")
        }
        let database = try SQLiteStore(path: path, busyTimeout: busyTimeout)
        try database.mapErrors {
            try database.queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try Schema.migrator.migrate(database.queue)
            // Moves the schema (and application id) from the WAL into the file, so other
            // processes opening it by path recognise it at once.
            try database.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        // Owner-only: the file holds phone numbers, ID numbers and (later) webhook secrets.
        chmod(path, 0o600)
        return database
    }

    /// Opens an existing Jifen database without changing it.
    /// - Throws: `JifenError` (fault) when it is missing ("run jifen init"), not a Jifen database,
    ///   or unreadable.
    public static func open(path: String, busyTimeout: TimeInterval = 5) throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw JifenError.fault(
                .noDatabase, zh: "找不到数据库 \(path)。请先运行 jifen init 创建，或用 --db 指定已有的文件。",
                en:
                    "There is no database at \(path). Run `jifen init` to create one, or point --db at an existing file."
            )
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw JifenError.fault(
                .unreadable, zh: "无法读取 \(path)，请检查文件权限。",
                en: "\(path) cannot be read; check the file's permissions.")
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: path),
            FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
        else {
            // WAL needs the -wal and -shm files beside the database, even to read it safely.
            throw JifenError.fault(
                .readOnly,
                zh: "数据库 \(path)（或其所在目录）是只读的。积分需要写入该文件并在旁边创建 -wal 和 -shm 文件。"
                    + "请检查权限，或把文件复制到可写的位置再查看。",
                en:
                    "The database \(path) (or its folder) is read-only. Jifen needs to write it and to create its -wal and -shm files "
                    + "beside it. Check the permissions, or copy the file somewhere writable to inspect it."
            )
        }
        guard (try? header(path))?.isJifen == true else {
            throw JifenError.fault(
                .notJifen, zh: "\(path) 不是积分数据库（可能是别的文件）。请检查 --db 的路径。",
                en: "\(path) is not a Jifen database (it may be some other file). Check the --db path.")
        }
        let database = try SQLiteStore(path: path, busyTimeout: busyTimeout)
        try database.mapErrors {
            // Upgrades a database written by an older Jifen; a current one is only read.
            if try !database.queue.read({ try Schema.migrator.hasCompletedMigrations($0) }) {
                try Schema.migrator.migrate(database.queue)
            }
        }
        return database
    }

    private init(path: String, busyTimeout: TimeInterval) throws {
        let config = Self.configuration(busyTimeout: busyTimeout)
        self.path = path
        self.busyTimeout = busyTimeout
        readers = nil
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        }
    }

    private init(_ store: SQLiteStore, readers: SQLiteReaders) {
        queue = store.queue; path = store.path; busyTimeout = store.busyTimeout
        self.readers = readers
    }

    /// The same store, its reads on `count` read connections of their own (WAL lets them read
    /// beside the writer and each other): for a server, whose reads would otherwise queue on
    /// the writer's connection. Opening them writes nothing.
    /// - Throws: `JifenError` when a connection cannot be opened.
    public func withReaders(_ count: Int) throws -> SQLiteStore {
        guard count >= 1 else { return self }
        let readers = try mapErrors {
            try SQLiteReaders(
                path: path, count: count, configuration: Self.configuration(busyTimeout: busyTimeout))
        }
        return SQLiteStore(self, readers: readers)
    }

    /// How many read connections the store reads on besides the writer's (0: none, reads on its one connection).
    public var readerCount: Int { readers?.count ?? 0 }

    /// How every connection to the file is set up.
    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "jifen"
        config.prepareDatabase { db in
            // The durability setting lowers FULL to NORMAL only when an admin chose it.
            let level = (try? String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'durability'")) ?? nil
            try db.execute(sql: level == "normal" ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL")
            // Up to 256 MiB of page cache (allocated only as used): a large import's transaction
            // then stays in memory instead of spilling pages to the WAL and reading them back.
            try db.execute(sql: "PRAGMA cache_size = -262144")
            // Personal data overwritten (an ID number sealed, a person erased) must not linger in a
            // page's free space: FAST zeroes it on the b-tree pages being written anyway, at no extra I/O.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
        }
        return config
    }

    struct Header {
        var isSQLite: Bool
        var applicationID: Int32
        var isJifen: Bool { isSQLite && applicationID == Schema.applicationID }
    }

    /// Reads the SQLite header directly, so telling a foreign file from ours writes nothing.
    static func header(_ path: String) throws -> Header {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoPermission) }
        defer { try? handle.close() }
        let bytes = [UInt8](try handle.read(upToCount: 100) ?? Data())
        guard bytes.count == 100 else { return Header(isSQLite: false, applicationID: 0) }
        let magic = Array("SQLite format 3\u{0}".utf8)
        let id = bytes[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Header(isSQLite: Array(bytes[0..<16]) == magic, applicationID: Int32(bitPattern: id))
    }

    // MARK: Transactions

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first, so the
    /// balances read inside cannot change before commit. Rolled back when `body` throws.
    /// Inside a group commit (`writeBatch`), a savepoint of the batch's transaction instead.
    public func writeTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        if let batch = SQLiteBatch.current, batch.queue == ObjectIdentifier(queue) {
            return try mapErrors {
                var result: T?
                try batch.db.inSavepoint {
                    result = try body(batch.db)
                    return .commit
                }
                return result!
            }
        }
        return try mapErrors {
            try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Inside a group commit (`writeBatch`), reads in the batch's transaction: what the
    /// operations before have written, as one-at-a-time execution would have committed it.
    /// Otherwise one read transaction (one snapshot), on a reader when the store has them.
    public func readTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        if let batch = SQLiteBatch.current, batch.queue == ObjectIdentifier(queue) {
            return try mapErrors { try body(batch.db) }
        }
        if let readers { return try mapErrors { try readers.read(body) } }
        return try mapErrors { try queue.read(body) }
    }

    func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        }
    }

    static func translate(_ error: any Error, path: String, busyTimeout: TimeInterval) -> JifenError {
        guard let dbError = error as? DatabaseError else {
            return .fault(.database, zh: "数据库出错：\(error)", en: "Database error: \(error)")
        }
        switch dbError.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return JifenError(
                .busy, .busy, zh: "数据库 \(path) 正被其他进程占用，等了 \(Int(busyTimeout)) 秒仍未释放。请稍后再试。",
                en:
                    "The database \(path) was locked by another process for more than \(Int(busyTimeout)) s. Try again shortly.",
                cause: dbError)
        case .SQLITE_READONLY, .SQLITE_PERM:
            return .fault(
                .readOnly, zh: "数据库 \(path) 是只读的，无法写入。请检查文件及其目录的权限。",
                en:
                    "The database \(path) is read-only and cannot be written. Check the permissions of the file and its folder.",
                cause: dbError)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .fault(
                .corrupt, zh: "\(path) 已损坏或不是数据库。请从备份恢复。",
                en: "\(path) is damaged or not a database. Restore it from a backup.", cause: dbError)
        case .SQLITE_FULL:
            return .fault(
                .diskFull, zh: "磁盘已满，写入未完成（未做任何更改）。请腾出空间后重试。",
                en: "The disk is full; nothing was written. Free some space and try again.", cause: dbError)
        case .SQLITE_CANTOPEN, .SQLITE_IOERR:
            return .fault(
                .cannotOpen, zh: "无法打开或读写数据库 \(path)：\(dbError.message ?? "")。请检查路径和权限。",
                en:
                    "Cannot open or access the database \(path): \(dbError.message ?? ""). Check the path and permissions.",
                cause: dbError)
        default:
            if dbError.resultCode == .SQLITE_CONSTRAINT, dbError.message?.contains("balance >= 0") == true {
                return .balanceConstraint
            }
            return .fault(
                .database, zh: "数据库出错：\(dbError.message ?? "\(dbError)")",
                en: "Database error: \(dbError.message ?? "\(dbError)")", cause: dbError)
        }
    }
}

// The facade level front ends use besides the ledger, with the rules in the core (`StoreFacades.swift`).
extension SQLiteStore: Store {}

extension SQLiteStore {
    /// SQLite chains each transfer as it posts: nothing is ever left to seal.
    public func sealPending() throws -> Int { 0 }
}
