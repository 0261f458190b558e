public import Foundation
public import JifenCore

/// Who acts. Every operation takes one, and every write records its `id` as the actor.
///
/// Where it comes from is the front end's business, but never what a caller merely types to a
/// server: the local CLI acts for the owner of the database file (who may name any person with
/// `--as`, since whoever holds the file is its administrator); `jifen serve` will take it from a
/// verified credential.
public struct Principal: Sendable, Equatable, Hashable, Codable {
    public let id: String
    /// The role of the credential it signed in with; nil for the local owner of the database.
    public let role: CredentialRole?
    /// The credential it signed in with (its public id); nil locally.
    public let credential: String?
    /// The holder of the database file acting without naming anyone (the local CLI without
    /// `--as`): the file's administrator, who may read everything. Never set for remote use.
    public let isOwner: Bool
    /// Acting with the person's own credential (`Credential.isPersonsOwn`), which may spend her
    /// points; false for a device credential someone else issued for her and she has not
    /// confirmed. Always true locally: whoever holds the database file is its administrator.
    public let consented: Bool
    public init(
        _ id: String, role: CredentialRole? = nil, credential: String? = nil, isOwner: Bool = false,
        consented: Bool = true
    ) {
        self.id = id; self.role = role; self.credential = credential; self.isOwner = isOwner && credential == nil
        self.consented = consented || credential == nil
    }
    /// Signed in with a credential (remote use), not the local owner.
    public var isRemote: Bool { credential != nil }
}

/// The application layer: every use case a front end offers (the CLI today, `jifen serve`
/// next) is one method here that takes the acting `Principal` and a plain input value, and
/// returns a `Codable` result or throws a `JifenError`. Permissions (read filters included),
/// defaults (periods, date ranges as calendar days in the community's zone, robot rates) and
/// policies (the webhook URL policy, the migration's checks) are applied here or in the core,
/// never in a front end. A front end parses, calls one operation, and renders.
public struct JifenApp: Sendable {
    private let opener: StoreOpener
    /// The store, opened on first use: an operation checks its input first, so a malformed
    /// argument is reported as such even when the store is missing.
    public var store: any Store { get throws { try opener.store() } }
    /// How many writes `jifen serve` carries in one commit unless told: the store's measured best.
    public var defaultWriteBatch: Int { (try? store.defaultWriteBatch) ?? WriteBatcher.defaultMaxBatch }
    /// The clock; `JIFEN_NOW` or a test clock fixes it.
    public let clock: @Sendable () -> Date
    /// The community's time zone: days (expiry, periods, `--to`) are calendar days in it.
    public let zone: TimeZone

    /// The file with the key ID numbers are sealed with (`IDKeyFile`); nil when none is named.
    public let idKeyFile: IDKeyFile?

    public init(
        store: any Store, clock: @escaping @Sendable () -> Date = { Date() }, zone: TimeZone,
        idKeyFile: IDKeyFile? = nil
    ) {
        self.opener = StoreOpener(store)
        self.clock = clock
        self.zone = zone
        self.idKeyFile = idKeyFile
    }

    /// Opens the store at `location` (a SQLite path or a `postgres://` URL).
    /// - Parameter idKeyFile: the ID-number key file; nil: `IDKeyFile.resolve`'s default for `location`.
    public static func open(
        _ location: String, busyTimeout: TimeInterval = 5, clock: @escaping @Sendable () -> Date = { Date() },
        zone: TimeZone, idKeyFile: IDKeyFile? = nil
    ) throws -> JifenApp {
        JifenApp(
            opener: StoreOpener { try Stores.open(location, busyTimeout: busyTimeout) }, clock: clock, zone: zone,
            idKeyFile: idKeyFile ?? IDKeyFile.resolve(named: nil, location: location, environment: [:]))
    }

    init(opener: StoreOpener, clock: @escaping @Sendable () -> Date, zone: TimeZone, idKeyFile: IDKeyFile? = nil) {
        self.opener = opener
        self.clock = clock
        self.zone = zone
        self.idKeyFile = idKeyFile
    }

    /// The same application for a server: its store reads on `readers` connections of their own
    /// (SQLite; nil: `Defaults.readers`), beside the writer and each other (`Stores.serving`).
    /// The CLI keeps one connection: a command does one thing at a time.
    public func serving(readers: Int? = nil) -> JifenApp {
        let base = opener
        let count = max(1, readers ?? Defaults.readers)
        return JifenApp(
            opener: StoreOpener { try Stores.serving(try base.store(), readers: count) }, clock: clock, zone: zone,
            idKeyFile: idKeyFile)
    }

    /// What a front end uses when its user says nothing.
    public enum Defaults {
        /// The store when none is named: a SQLite file in the current folder.
        public static let location = "jifen.sqlite"
        /// The local owner's name for themself (`init --admin`, and the actor when `--as` is not given).
        public static let owner = "admin"
        /// Read connections a server's SQLite store reads on besides the writer's (`serving`):
        /// as many as `jifen serve` has threads for store operations, so no read waits for another.
        public static let readers = 8
        /// Seconds to wait for another process's write lock.
        public static let busyTimeout: TimeInterval = 5
        /// The community's zone when the environment names none.
        public static let zone = TimeZone(identifier: "Asia/Shanghai")!
        /// The first community's name when `init` is given none.
        public static let communityName = "我的社区"
        /// How many deliveries a listing shows.
        public static let deliveriesShown = 50
        /// The events a new subscription selects: all of them.
        public static let webhookEvents = "*"
        /// Hours the old and new secrets both sign after a rotation.
        public static let secretOverlapHours = 24
        /// A certificate's file format: Markdown (`md`) or `html`.
        public static let certificateFormat = "md"
        /// The consent text's version when a recording names none.
        public static let consentVersion = "1"
    }

    var nowMillis: Int64 { clock().millis }
    var ledger: Ledger { get throws { Ledger(store: try store, now: clock) } }
    var service: Service { get throws { Service(store: try store, now: clock) } }
    var wishes: Wishes { get throws { Wishes(store: try store, now: clock) } }
    var registry: Registry { get throws { Registry(store: try store) } }
    var settings: Settings { get throws { Settings(store: try store) } }
    var merchants: Merchants { get throws { Merchants(store: try store, now: clock) } }
    var credentials: Credentials { get throws { Credentials(store: try store) } }
    var webhooks: Webhooks { get throws { Webhooks(store: try store) } }
    /// The service rules for one principal: its credential's role limits what it may do.
    func service(_ principal: Principal) throws -> Service {
        Service(store: try store, now: clock, role: principal.role)
    }
}

/// Opens a store once, when it is first needed, and keeps it.
final class StoreOpener: @unchecked Sendable {
    private let lock = NSLock()
    private var opened: (any Store)?
    private let open: @Sendable () throws -> any Store

    init(_ store: any Store) { opened = store; open = { store } }
    init(_ open: @escaping @Sendable () throws -> any Store) { self.open = open }

    func store() throws -> any Store {
        lock.lock(); defer { lock.unlock() }
        if let opened { return opened }
        let store = try open()
        opened = store
        return store
    }
}
