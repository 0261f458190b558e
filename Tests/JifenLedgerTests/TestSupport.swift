import Foundation
import GRDB
import JifenCore
import JifenPostgres
import JifenSQLite
import Synchronization
import Testing

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(minutes: Double) { current.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }
    func advance(days: Double) { advance(minutes: days * 24 * 60) }
}

/// The stores the conformance suite runs against; each must pass every test unchanged.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    /// A real server named by `JIFEN_TEST_POSTGRES`; each fixture gets a schema of its own.
    case postgres
    var testDescription: String { rawValue }
}

/// The PostgreSQL server the `.postgres` cases use. Missing, they fail: they never skip.
func testPostgresURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["JIFEN_TEST_POSTGRES"], !url.isEmpty else {
        throw JifenError.fault("no-test-postgres",
                               zh: "没有设置 JIFEN_TEST_POSTGRES，PostgreSQL 的测试无法运行。请用 scripts/test 运行测试（它会启动一个临时 PostgreSQL），或设为 postgres://用户@127.0.0.1:端口/数据库。",
                               en: "JIFEN_TEST_POSTGRES is not set, so the PostgreSQL cases cannot run. Run the tests with scripts/test (it starts a throwaway PostgreSQL), or set it to postgres://user@127.0.0.1:port/database.")
    }
    return url
}

/// A fresh, empty schema on the test server.
func freshPostgresStore() throws -> PostgresStore {
    let url = try testPostgresURL()
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    return try PostgresStore.create(url: url + (url.contains("?") ? "&" : "?") + "schema=\(schema)")
}

/// A fresh ledger with one community, an admin, three volunteers and a merchant.
struct Fixture {
    let kind: StoreKind
    let store: any Store
    /// The SQLite facade, for the tests that only SQLite can run.
    let sqlite: SQLiteStore?
    /// The facade level both stores have: offers, rules, teams, activities and records.
    let facade: any Store
    let clock: TestClock
    let ledger: Ledger
    let directory: URL
    let community = "C01"
    let volunteers: [String]
    let merchant: String

    static func make(_ kind: StoreKind = .sqlite) throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let clock = TestClock()
        switch kind {
        case .sqlite:
            let db = try SQLiteStore.create(path: directory.appendingPathComponent("ledger.sqlite").path)
            _ = try db.initialise(communityName: "测试社区", admin: "admin", nowMillis: clock.now.millis)
            var volunteers: [String] = []
            for name in ["甲", "乙", "丙"] {
                volunteers.append(try db.addVolunteer(Volunteer(community: "C01", name: "志愿者\(name)", phone: "13800000000"),
                                                      actor: "admin", nowMillis: clock.now.millis).id)
            }
            let merchant = try db.addMerchant(Merchant(community: "C01", name: "测试商户"), actor: "admin", nowMillis: clock.now.millis).id
            return Fixture(kind: kind, store: db, sqlite: db, facade: db, clock: clock, ledger: Ledger(store: db, now: { clock.now }),
                           directory: directory, volunteers: volunteers, merchant: merchant)
        case .postgres:
            let db = try freshPostgresStore()
            _ = try db.initialise(communityName: "测试社区", admin: "admin", nowMillis: clock.now.millis)
            var volunteers: [String] = []
            for name in ["甲", "乙", "丙"] {
                volunteers.append(try db.addVolunteer(Volunteer(community: "C01", name: "志愿者\(name)", phone: "13800000000"),
                                                      actor: "admin", nowMillis: clock.now.millis).id)
            }
            let merchant = try db.addMerchant(Merchant(community: "C01", name: "测试商户"), actor: "admin", nowMillis: clock.now.millis).id
            return Fixture(kind: kind, store: db, sqlite: nil, facade: db, clock: clock, ledger: Ledger(store: db, now: { clock.now }),
                           directory: directory, volunteers: volunteers, merchant: merchant)
        }
    }

    /// The SQLite facade of a `.sqlite` fixture.
    var database: SQLiteStore {
        guard let sqlite else { preconditionFailure("only a .sqlite fixture has a SQLite database") }
        return sqlite
    }

    /// The types of the outbox events, oldest first.
    func eventTypes() throws -> [String] {
        switch store {
        case let db as SQLiteStore:
            try db.readTransaction { db in try String.fetchAll(db, sql: "SELECT type FROM event ORDER BY id") }
        case let db as PostgresStore:
            try db.outboxEvents().map(\.event.type)
        default:
            []
        }
    }

    /// The payloads of the outbox events of one type, oldest first.
    func eventPayloads(_ type: String) throws -> [String] {
        switch store {
        case let db as SQLiteStore:
            try db.readTransaction { try String.fetchAll($0, sql: "SELECT payload FROM event WHERE type = ? ORDER BY id", arguments: [type]) }
        case let db as PostgresStore:
            try db.outboxEvents().map(\.event).filter { $0.type == type }.map(\.payload)
        default:
            []
        }
    }

    /// Registers another merchant through the store's own registry.
    func addMerchant(_ name: String) throws -> String {
        let input = Merchant(community: community, name: name)
        switch store {
        case let db as SQLiteStore: return try db.addMerchant(input, actor: "admin", nowMillis: clock.now.millis).id
        case let db as PostgresStore: return try db.addMerchant(input, actor: "admin", nowMillis: clock.now.millis).id
        default: preconditionFailure("unknown store")
        }
    }

    var issuance: String { Account.issuance(community) }
    var expirySink: String { Account.expiry(community) }

    func balance(_ account: String) throws -> Int64 { try store.read { try $0.account(account)?.balance ?? -1 } }

    func grant(_ account: String, _ amount: Int64, key: String = UUID().uuidString) throws -> Posted {
        try ledger.grant(to: account, amount: amount, reason: "test", key: key, actor: "admin")
    }

    /// Everything a refused operation must leave as it was.
    func snapshot() throws -> Snapshot {
        try store.read { r in
            var transfers = 0
            try r.forEachTransfer { _ in transfers += 1; return true }
            return Snapshot(accounts: try r.allAccounts(), lots: try r.allLots(), transfers: transfers,
                            holds: try r.pendingHolds(nowMillis: 0))
        }
    }

    func verify() throws -> VerifyReport { try Verifier.verify(store, nowMillis: clock.now.millis) }
}

struct Snapshot: Equatable {
    var accounts: [Account]
    var lots: [Lot]
    var transfers: Int
    var holds: [Hold]
}

/// Deterministic random numbers for property tests: a failing seed reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func refusal(_ body: () throws -> Any) -> JifenError? {
    do {
        _ = try body()
        return nil
    } catch let error as JifenError {
        return error
    } catch {
        return JifenError.fault("unexpected", zh: "\(error)", en: "\(error)")
    }
}
