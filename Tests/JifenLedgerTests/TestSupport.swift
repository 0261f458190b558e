import Foundation
import JifenCore
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

/// The stores the conformance suite runs against. A PostgreSQL store joins this list and must
/// pass every test unchanged.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    var testDescription: String { rawValue }
}

/// A fresh ledger with one community, an admin, three volunteers and a merchant.
struct Fixture {
    let store: any LedgerStore
    let database: JifenDatabase
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
            let db = try JifenDatabase.create(path: directory.appendingPathComponent("ledger.sqlite").path)
            _ = try db.initialise(communityName: "测试社区", admin: "admin", nowMillis: clock.now.millis)
            var volunteers: [String] = []
            for name in ["甲", "乙", "丙"] {
                volunteers.append(try db.addVolunteer(Volunteer(community: "C01", name: "志愿者\(name)", phone: "13800000000"),
                                                      actor: "admin", nowMillis: clock.now.millis).id)
            }
            let merchant = try db.addMerchant(Merchant(community: "C01", name: "测试商户"), actor: "admin", nowMillis: clock.now.millis).id
            return Fixture(store: db, database: db, clock: clock, ledger: Ledger(store: db, now: { clock.now }),
                           directory: directory, volunteers: volunteers, merchant: merchant)
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
