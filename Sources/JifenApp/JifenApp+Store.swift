public import Foundation
public import JifenCore
import JifenPostgres
import JifenSQLite

/// Setting up, copying and moving a whole store.
extension JifenApp {
    /// What `init` asks for.
    public struct InitInput: Codable, Sendable {
        public var location: String
        public var communityName: String
        public var admin: String
        public var busyTimeout: TimeInterval
        public init(location: String, communityName: String, admin: String, busyTimeout: TimeInterval = 5) {
            self.location = location; self.communityName = communityName; self.admin = admin;
            self.busyTimeout = busyTimeout
        }
    }

    public struct InitResult: Codable, Sendable {
        public var database: String
        public var community: String
        public var communityName: String
        public var admin: String
        /// The ID-number key file made for it (nil when none is named, as for PostgreSQL without one).
        public var keyFile: String?
    }

    /// Creates a store at a new location (file or PostgreSQL URL) with its first community and admin.
    /// Nobody is acting yet: the admin named here is the first person.
    /// - Parameter idKeyFile: where to make the ID-number key (`IDKeyFile.create`; one already there is kept).
    public static func initialise(
        _ input: InitInput, clock: @escaping @Sendable () -> Date = { Date() }, idKeyFile: IDKeyFile? = nil
    ) throws -> InitResult {
        let store = try Stores.create(input.location, busyTimeout: input.busyTimeout)
        let created = try Registry(store: store).initialise(
            communityName: input.communityName, admin: input.admin, nowMillis: clock().millis)
        if let idKeyFile { try idKeyFile.create() }
        return InitResult(
            database: input.location, community: created.id, communityName: created.name, admin: input.admin,
            keyFile: idKeyFile?.path)
    }

    public struct BackupResult: Codable, Sendable {
        public var file: String
        public var bytes: Int
        public var verify: VerifyReport
        public var chainHead: ChainLink?
    }

    /// Copies the SQLite store to a new file while others keep writing, then verifies the copy.
    /// - Throws: usage on PostgreSQL, which has its own tools (pg_dump, pg_restore).
    public func backup(_ principal: Principal, to file: String) throws -> BackupResult {
        guard let sqlite = try store as? SQLiteStore else {
            throw JifenError.usage(
                .usePGDump,
                zh:
                    "PostgreSQL 数据库请用 pg_dump 备份、pg_restore 恢复，例如 pg_dump --format=custom --file jifen.dump "
                    + "postgres://…（见 docs/DEPLOYMENT.md）。jifen backup 只用于 SQLite 文件。",
                en:
                    "Back up a PostgreSQL database with pg_dump and restore it with pg_restore, e.g. pg_dump "
                    + "--format=custom --file jifen.dump postgres://… (see docs/DEPLOYMENT.md). jifen backup is "
                    + "for SQLite files."
            )
        }
        try sqlite.backup(to: file)
        let copy = try SQLiteStore.open(path: file, busyTimeout: sqlite.busyTimeout)
        let report = try Verifier.verify(copy, nowMillis: nowMillis)
        let head = try copy.read { try $0.chainHead() }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        return BackupResult(file: file, bytes: bytes, verify: report, chainHead: head)
    }

    /// Copies a whole ledger from a SQLite file to an empty PostgreSQL database (verify, copy,
    /// verify, compare: see `LedgerMigration`).
    public static func migrate(
        from source: String, to target: String, busyTimeout: TimeInterval = 5,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> MigrationReport {
        guard Stores.isServer(target) else {
            throw JifenError.usage(
                .badTarget, zh: "--to 必须是 postgres://用户@主机:端口/数据库 形式的地址。",
                en: "--to must be a PostgreSQL URL: postgres://user@host:port/database.")
        }
        guard !Stores.isServer(source) else {
            throw JifenError.usage(
                .badSource, zh: "--from 必须是 SQLite 数据库文件的路径。", en: "--from must be the path of a SQLite database file.")
        }
        let from = try SQLiteStore.open(path: source, busyTimeout: busyTimeout)
        return try LedgerMigration.run(from: from, to: target, nowMillis: clock().millis)
    }
}
