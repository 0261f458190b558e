import Foundation
import GRDB
import JifenCore
import JifenPostgres
import JifenSQLite

/// A fresh ledger with one community, an admin, three volunteers and a merchant, on either
/// store, written against the `Store` protocol only.
public struct Fixture: Sendable {
    public let kind: StoreKind
    /// The folder and (PostgreSQL) schema; removed and dropped when the test lets go of them.
    public let scratch: Scratch
    public let store: any Store
    public let clock: TestClock
    public let ledger: Ledger
    public let community = "C01"
    public let volunteers: [String]
    public let merchant: String

    /// The facade level both stores have: offers, rules, teams, activities and records.
    public var facade: any Store { store }
    public var directory: URL { scratch.directory }
    /// The SQLite file's path or the PostgreSQL URL with its schema: what `--db` takes.
    public var location: String { scratch.location }

    public static func make(_ kind: StoreKind = .sqlite) throws -> Fixture {
        let scratch = try Scratch(kind, folderPrefix: "jifen-test-", file: "ledger.sqlite", schemaPrefix: "t_")
        let clock = TestClock()
        let store = try scratch.create()
        _ = try Registry(store: store).initialise(communityName: "测试社区", admin: "admin", nowMillis: clock.now.millis)
        var volunteers: [String] = []
        for name in ["甲", "乙", "丙"] {
            volunteers.append(
                try Registry(store: store).addVolunteer(
                    Volunteer(community: "C01", name: "志愿者\(name)", phone: "13800000000"),
                    actor: "admin", nowMillis: clock.now.millis, allowDuplicate: false
                ).id)
        }
        let merchant = try Registry(store: store).addMerchant(
            Merchant(community: "C01", name: "测试商户"), actor: "admin", nowMillis: clock.now.millis
        ).id
        return Fixture(
            kind: kind, scratch: scratch, store: store, clock: clock, ledger: Ledger(store: store, now: { clock.now }),
            volunteers: volunteers, merchant: merchant)
    }

    /// The outbox's events, oldest first. Read below the `Store` protocol (which has no read of
    /// the outbox), once here for both stores.
    private func outbox() throws -> [OutboxEvent] {
        switch kind {
        case .sqlite:
            return try (store as! SQLiteStore).readTransaction { db in
                try Row.fetchAll(db, sql: "SELECT type, payload, created_at FROM event ORDER BY id").map {
                    OutboxEvent(type: $0["type"], payload: $0["payload"], atMillis: $0["created_at"])
                }
            }
        case .postgres:
            return try (store as! PostgresStore).outboxEvents().map(\.event)
        }
    }

    /// The first column of the rows of `sql`, as text: for tests that look at rows the `Store`
    /// protocol does not show (the same SQL must read the same on both stores).
    public func strings(_ sql: String) throws -> [String] {
        switch kind {
        case .sqlite:
            try (store as! SQLiteStore).readTransaction { try String.fetchAll($0, sql: sql) }
        case .postgres:
            try (store as! PostgresStore).textColumn(sql)
        }
    }

    /// The types of the outbox events, oldest first.
    public func eventTypes() throws -> [String] { try outbox().map(\.type) }

    /// The payloads of the outbox events of one type, oldest first.
    public func eventPayloads(_ type: String) throws -> [String] {
        try outbox().filter { $0.type == type }.map(\.payload)
    }

    /// Registers another merchant through the store's own registry.
    public func addMerchant(_ name: String) throws -> String {
        try Registry(store: store).addMerchant(
            Merchant(community: community, name: name), actor: "admin", nowMillis: clock.now.millis
        )
        .id
    }

    public var issuance: String { Account.issuance(community) }
    public var expirySink: String { Account.expiry(community) }

    public func balance(_ account: String) throws -> Int64 { try store.read { try $0.account(account)?.balance ?? -1 } }

    public func grant(_ account: String, _ amount: Int64, key: String = UUID().uuidString) throws -> Posted {
        try ledger.grant(to: account, amount: amount, reason: "test", key: key, actor: "admin")
    }

    /// Everything a refused operation must leave as it was.
    public func snapshot() throws -> Snapshot {
        try store.read { r in
            var transfers = 0
            try r.forEachTransfer { _ in
                transfers += 1; return true
            }
            return Snapshot(
                accounts: try r.allAccounts(), lots: try r.allLots(), transfers: transfers,
                holds: try r.pendingHolds(nowMillis: 0))
        }
    }

    public func verify() throws -> VerifyReport { try Verifier.verify(store, nowMillis: clock.now.millis) }
}

public struct Snapshot: Equatable, Sendable {
    public var accounts: [Account]
    public var lots: [Lot]
    public var transfers: Int
    public var holds: [Hold]
}

/// The `JifenError` `body` throws, nil when it returns (any other error becomes an `unexpected` fault).
public func refusal(_ body: () throws -> Any) -> JifenError? {
    do {
        _ = try body()
        return nil
    } catch let error as JifenError {
        return error
    } catch {
        return JifenError.fault(.unexpected, zh: "\(error)", en: "\(error)")
    }
}
