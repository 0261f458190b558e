import Foundation
import JifenCore
import PostgresNIO

/// The ledger's reads and writes as SQL on one connection inside one transaction.
/// Plain queries only: what they mean is decided in `JifenCore.Ledger`, as for SQLite.
///
/// Concurrency, the PostgreSQL way (READ COMMITTED): `lock(accounts:)` takes the row locks of
/// the accounts an operation touches, sorted, before the core reads their balances; in a write
/// transaction `lastTransfer()` locks the single `chain_head` row, last, just before the
/// transfer is inserted, so the hash chain is serialised while the lock is held only to commit.
/// Each statement reads the latest committed rows, so what is read after a lock is current.
struct PostgresLedgerTransaction: LedgerWriting, LedgerAuditing {
    let session: PostgresSession
    let writing: Bool

    // MARK: Reading

    func account(_ id: String) throws -> Account? {
        try session.rows("SELECT id, kind, community, balance FROM account WHERE id = $1", [id]).first.map(Self.account)
    }

    func heldAmount(account: String, nowMillis: Int64) throws -> Int64 {
        try session.scalar(Int64.self, """
            SELECT COALESCE(SUM(amount), 0)::BIGINT FROM hold WHERE debit = $1 AND status = 'pending' AND expires_at > $2
            """, [account, nowMillis]) ?? 0
    }

    static let transferColumns = "id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prev_hash, hash"

    func transfer(id: Int64) throws -> Transfer? {
        try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE id = $1", [id]).first.map(Self.transfer)
    }

    func transfer(key: String) throws -> Transfer? {
        try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE key = $1", [key]).first.map(Self.transfer)
    }

    func reversals(of id: Int64) throws -> [Transfer] {
        if writing {
            // Two corrections of one transfer (a reversal, partial refunds) must see each other:
            // the original's row lock makes the second wait until the first has committed.
            try session.execute("SELECT 1 FROM transfer WHERE id = $1 FOR UPDATE", [id])
        }
        return try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE reverses = $1 ORDER BY id", [id]).map(Self.transfer)
    }

    func lastTransfer() throws -> (id: Int64, hash: String)? {
        if writing {
            let row = try session.rows("SELECT last_id, last_hash FROM chain_head FOR UPDATE").first
            guard let (id, hash) = try row?.decode((Int64, String).self), id > 0 else { return nil }
            return (id, hash)
        }
        return try session.rows("SELECT id, hash FROM transfer ORDER BY id DESC LIMIT 1").first?.decode((Int64, String).self)
    }

    func openLots(account: String, limit: Int) throws -> [Lot] {
        try session.rows("""
            SELECT id, account, expires_on, remaining FROM lot
            WHERE account = $1 AND remaining > 0 ORDER BY expires_on, id LIMIT $2
            """, [account, limit]).map(Self.lot)
    }

    func lot(account: String, expiresOn: String) throws -> Lot? {
        try session.rows("SELECT id, account, expires_on, remaining FROM lot WHERE account = $1 AND expires_on = $2",
                         [account, expiresOn]).first.map(Self.lot)
    }

    func lot(id: Int64) throws -> Lot? {
        try session.rows("SELECT id, account, expires_on, remaining FROM lot WHERE id = $1", [id]).first.map(Self.lot)
    }

    func lotEntries(transfer: Int64) throws -> [LotEntry] {
        try session.rows("SELECT lot, account, transfer, delta, expires_on FROM lot_entry WHERE transfer = $1 ORDER BY id", [transfer])
            .map { row in
                let (lot, account, transfer, delta, day) = try row.decode((Int64, String, Int64, Int64, String).self)
                return LotEntry(lot: lot, account: account, transfer: transfer, delta: delta, expiresOn: day)
            }
    }

    static let holdColumns = "id, kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer"

    func hold(id: Int64) throws -> Hold? {
        try session.rows("SELECT \(Self.holdColumns) FROM hold WHERE id = $1", [id]).first.map(Self.hold)
    }

    func hold(key: String) throws -> Hold? {
        try session.rows("SELECT \(Self.holdColumns) FROM hold WHERE key = $1", [key]).first.map(Self.hold)
    }

    func accountsWithLapsedLots(onOrBefore day: String) throws -> [String] {
        try session.rows("SELECT DISTINCT account FROM lot WHERE remaining > 0 AND expires_on <= $1 ORDER BY account", [day])
            .map { try $0.decode(String.self) }
    }

    func lapsedHolds(nowMillis: Int64) throws -> [Hold] {
        try session.rows("SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at <= $1 ORDER BY id", [nowMillis])
            .map(Self.hold)
    }

    func settings() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try session.rows("SELECT key, value FROM setting") {
            let (key, value) = try row.decode((String, String).self)
            result[key] = value
        }
        return result
    }

    func isAdmin(_ actor: String) throws -> Bool {
        try !session.rows("SELECT 1 FROM actor_role WHERE actor = $1 AND role = 'admin'", [actor]).isEmpty
    }

    // MARK: Writing

    func lock(accounts ids: [String]) throws {
        // Rows are locked in the order the sort emits them: every transaction takes them in the
        // same order, so two transfers between the same accounts cannot deadlock.
        session.send("SELECT id FROM account WHERE id = ANY($1) ORDER BY id COLLATE \"C\" FOR UPDATE", [ids])
    }

    func createAccount(_ account: Account) throws {
        session.send("INSERT INTO account (id, kind, community, balance) VALUES ($1, $2, $3, $4)",
                            [account.id, account.kind.rawValue, account.community, account.balance])
    }

    func insert(transfer t: Transfer) throws -> Int64 {
        // One statement: the transfer and the chain head move together.
        session.send("""
            WITH t AS (
                INSERT INTO transfer (\(Self.transferColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                RETURNING id, hash)
            UPDATE chain_head SET last_id = t.id, last_hash = t.hash FROM t
            """, [t.id, t.kind.rawValue, t.debit, t.credit, t.amount, t.key, t.reference, t.actor, t.memo, t.reverses,
                  t.hold, t.atMillis, t.prevHash, t.hash])
        return t.id
    }

    func addToBalance(account: String, delta: Int64) throws {
        session.send("UPDATE account SET balance = balance + $1 WHERE id = $2", [delta, account])
    }

    func insert(lot: Lot) throws -> Int64 {
        try session.scalar(Int64.self, "INSERT INTO lot (account, expires_on, remaining) VALUES ($1, $2, $3) RETURNING id",
                           [lot.account, lot.expiresOn, lot.remaining]) ?? 0
    }

    func addToLot(id: Int64, delta: Int64) throws {
        session.send("UPDATE lot SET remaining = remaining + $1 WHERE id = $2", [delta, id])
    }

    func insert(lotEntry e: LotEntry) throws {
        session.send("INSERT INTO lot_entry (lot, account, transfer, delta, expires_on) VALUES ($1, $2, $3, $4, $5)",
                            [e.lot, e.account, e.transfer, e.delta, e.expiresOn])
    }

    func insert(hold h: Hold) throws -> Int64 {
        try session.scalar(Int64.self, """
            INSERT INTO hold (kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
            """, [h.kind.rawValue, h.debit, h.credit, h.amount, h.key, h.reference, h.actor, h.memo, h.status.rawValue,
                  h.createdAtMillis, h.expiresAtMillis, h.transfer]) ?? 0
    }

    func resolve(hold id: Int64, to status: HoldStatus, transfer: Int64?) throws -> Bool {
        try session.execute("UPDATE hold SET status = $1, transfer = $2 WHERE id = $3 AND status = 'pending'",
                            [status.rawValue, transfer, id]) == 1
    }

    func insert(event: OutboxEvent) throws {
        session.send("INSERT INTO event (type, payload, created_at) VALUES ($1, $2, $3)", [event.type, event.payload, event.atMillis])
    }

    // MARK: Auditing

    func forEachTransfer(_ body: (Transfer) throws -> Bool) throws {
        // Pages by id, so verify's memory does not grow with the ledger.
        var after: Int64 = 0
        while true {
            let page = try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE id > $1 ORDER BY id LIMIT 5000", [after])
            for row in page {
                let transfer = try Self.transfer(row)
                if try !body(transfer) { return }
                after = transfer.id
            }
            if page.count < 5000 { return }
        }
    }

    func allAccounts() throws -> [Account] {
        try session.rows("SELECT id, kind, community, balance FROM account ORDER BY id COLLATE \"C\"").map(Self.account)
    }

    func allLots() throws -> [Lot] {
        try session.rows("SELECT id, account, expires_on, remaining FROM lot ORDER BY id").map(Self.lot)
    }

    func lotEntrySums() throws -> [Int64: Int64] {
        var sums: [Int64: Int64] = [:]
        for row in try session.rows("SELECT lot, SUM(delta)::BIGINT FROM lot_entry GROUP BY lot") {
            let (lot, total) = try row.decode((Int64, Int64).self)
            sums[lot] = total
        }
        return sums
    }

    func pendingHolds(nowMillis: Int64) throws -> [Hold] {
        try session.rows("SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at > $1 ORDER BY id", [nowMillis])
            .map(Self.hold)
    }

    // MARK: Rows

    static func account(_ row: PostgresRow) throws -> Account {
        let (id, kind, community, balance) = try row.decode((String, String, String, Int64).self)
        return Account(id: id, kind: AccountKind(rawValue: kind) ?? .volunteer, community: community, balance: balance)
    }

    static func transfer(_ row: PostgresRow) throws -> Transfer {
        let (id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prevHash, hash) =
            try row.decode((Int64, String, String, String, Int64, String, String, String, String, Int64?, Int64?, Int64, String, String).self)
        return Transfer(id: id, kind: TransferKind(rawValue: kind) ?? .adjust, debit: debit, credit: credit, amount: amount, key: key,
                        reference: reference, actor: actor, memo: memo, reverses: reverses, hold: hold, atMillis: at,
                        prevHash: prevHash, hash: hash)
    }

    static func lot(_ row: PostgresRow) throws -> Lot {
        let (id, account, day, remaining) = try row.decode((Int64, String, String, Int64).self)
        return Lot(id: id, account: account, expiresOn: day, remaining: remaining)
    }

    static func hold(_ row: PostgresRow) throws -> Hold {
        let (id, kind, debit, credit, amount, key, reference, actor, memo, status, created, expires, transfer) =
            try row.decode((Int64, String, String, String, Int64, String, String, String, String, String, Int64, Int64, Int64?).self)
        return Hold(id: id, kind: TransferKind(rawValue: kind) ?? .redeem, debit: debit, credit: credit, amount: amount, key: key,
                    reference: reference, actor: actor, memo: memo, status: HoldStatus(rawValue: status) ?? .pending,
                    createdAtMillis: created, expiresAtMillis: expires, transfer: transfer)
    }
}
