import Foundation
import GRDB
public import JifenCore

/// The ledger's reads and writes as SQL on one connection inside one transaction.
/// Plain queries only: what they mean is decided in `JifenCore.Ledger`.
struct SQLiteLedgerTransaction: LedgerWriting, LedgerAuditing {
    let db: Database
    /// What this transaction has already read and need not ask again.
    let memo = Memo()

    /// Names of volunteers and merchants, read with their accounts (for the transfer's event).
    final class Memo {
        var names: [String: String?] = [:]
        /// The service record INSERT an import binds a row at a time.
        var recordInsert: Statement?
    }

    func one(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func all(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    // MARK: Reading

    /// The account with the name of the volunteer or merchant behind it, in one statement: a
    /// transfer's event names both sides, and names never change.
    func account(_ id: String) throws -> Account? {
        guard
            let row = try one(
                """
                SELECT a.id, a.kind, a.community, a.balance, COALESCE(v.name, m.name) FROM account a
                LEFT JOIN volunteer v ON v.id = a.id LEFT JOIN merchant m ON m.id = a.id WHERE a.id = ?
                """, [id])
        else { return nil }
        let name: String? = row[4]
        memo.names[id] = .some(name)
        return Self.account(row)
    }

    func accountName(_ id: String) throws -> String? {
        if let known = memo.names[id] { return known }
        return try String.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT name FROM volunteer WHERE id = ? UNION ALL SELECT name FROM merchant WHERE id = ? LIMIT 1
                    """), arguments: [id, id])
    }

    func heldAmount(account: String, nowMillis: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COALESCE(SUM(amount), 0) FROM hold WHERE debit = ? AND status = 'pending' AND expires_at > ?
                    """), arguments: [account, nowMillis]) ?? 0
    }

    func pendingHolds(account: String, nowMillis: Int64) throws -> [PendingHold] {
        try all(
            "SELECT id, amount, created_at, expires_at FROM hold WHERE debit = ? AND status = 'pending' AND expires_at > ? ORDER BY id",
            [account, nowMillis]
        ).map { PendingHold(id: $0[0], amount: $0[1], createdAtMillis: $0[2], expiresAtMillis: $0[3]) }
    }

    static let transferColumns =
        "id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prev_hash, hash"

    func transfer(id: Int64) throws -> Transfer? {
        try one("SELECT \(Self.transferColumns) FROM transfer WHERE id = ?", [id]).map(Self.transfer)
    }

    func transfer(key: String) throws -> Transfer? {
        try one("SELECT \(Self.transferColumns) FROM transfer WHERE key = ?", [key]).map(Self.transfer)
    }

    func reversals(of id: Int64) throws -> [Transfer] {
        try all("SELECT \(Self.transferColumns) FROM transfer WHERE reverses = ? ORDER BY id", [id]).map(Self.transfer)
    }

    func chainHead() throws -> ChainLink? {
        try one("SELECT id, hash FROM transfer ORDER BY id DESC LIMIT 1").map { ChainLink(seq: $0[0], hash: $0[1]) }
    }

    func openLots(account: String, limit: Int) throws -> [Lot] {
        try all(
            """
            SELECT id, account, expires_on, remaining FROM lot
            WHERE account = ? AND remaining > 0 ORDER BY expires_on, id LIMIT ?
            """, [account, limit]
        ).map(Self.lot)
    }

    func lot(account: String, expiresOn: String) throws -> Lot? {
        try one(
            "SELECT id, account, expires_on, remaining FROM lot WHERE account = ? AND expires_on = ?",
            [account, expiresOn]
        ).map(Self.lot)
    }

    func lot(id: Int64) throws -> Lot? {
        try one("SELECT id, account, expires_on, remaining FROM lot WHERE id = ?", [id]).map(Self.lot)
    }

    func lotEntries(transfer: Int64) throws -> [LotEntry] {
        try all(
            "SELECT lot, account, transfer, delta, expires_on FROM lot_entry WHERE transfer = ? ORDER BY id", [transfer]
        ).map {
            LotEntry(lot: $0[0], account: $0[1], transfer: $0[2], delta: $0[3], expiresOn: $0[4])
        }
    }

    static let holdColumns =
        "id, kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer"

    func hold(id: Int64) throws -> Hold? {
        try one("SELECT \(Self.holdColumns) FROM hold WHERE id = ?", [id]).map(Self.hold)
    }

    func hold(key: String) throws -> Hold? {
        try one("SELECT \(Self.holdColumns) FROM hold WHERE key = ?", [key]).map(Self.hold)
    }

    func accountsWithLapsedLots(onOrBefore day: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT DISTINCT account FROM lot WHERE remaining > 0 AND expires_on <= ? ORDER BY account
                    """), arguments: [day])
    }

    func lapsedHolds(nowMillis: Int64) throws -> [Hold] {
        try all(
            "SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at <= ? ORDER BY id", [nowMillis]
        ).map(Self.hold)
    }

    func settings() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try all("SELECT key, value FROM setting") { result[row["key"]] = row["value"] }
        return result
    }

    func isAdmin(_ actor: String) throws -> Bool {
        try one("SELECT 1 FROM actor_role WHERE actor = ? AND role = 'admin'", [actor]) != nil
    }

    // MARK: Writing

    /// Nothing to lock: every write transaction is `BEGIN IMMEDIATE`, so it runs alone.
    func lock(accounts: [String], posting: Bool) throws {}

    /// SQLite serialises writers, so each transfer is chained as it is posted: id and place are one number.
    var chaining: Chaining { .inline }

    func newTransferID() throws -> Int64 { (try chainHead()?.seq ?? 0) + 1 }

    func createAccount(_ account: Account) throws {
        try run(
            "INSERT INTO account (id, kind, community, balance) VALUES (?, ?, ?, ?)",
            [account.id, account.kind.rawValue, account.community, account.balance])
    }

    func insert(transfer t: Transfer) throws -> Int64 {
        try run(
            """
            INSERT INTO transfer (\(Self.transferColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                t.id, t.kind.rawValue, t.debit, t.credit, t.amount, t.key, t.reference, t.actor, t.memo, t.reverses,
                t.hold, t.atMillis, t.prevHash, t.hash,
            ])
        return t.id
    }

    func addToBalance(account: String, delta: Int64) throws {
        try run("UPDATE account SET balance = balance + ? WHERE id = ?", [delta, account])
    }

    func moveBalance(amount: Int64, from debit: String, to credit: String) throws {
        try run(
            "UPDATE account SET balance = balance + CASE id WHEN ? THEN -? ELSE ? END WHERE id IN (?, ?)",
            [debit, amount, amount, debit, credit])
    }

    func addToLot(account: String, expiresOn day: String, amount: Int64) throws -> Int64 {
        guard
            let id = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO lot (account, expires_on, remaining) VALUES (?, ?, ?)
                        ON CONFLICT (account, expires_on) DO UPDATE SET remaining = remaining + excluded.remaining RETURNING id
                        """), arguments: [account, day, amount])
        else {
            throw JifenError.fault(.database, zh: "数据库没有返回批次编号。", en: "The database returned no lot id.")
        }
        return id
    }

    func insert(lot: Lot) throws -> Int64 {
        try run(
            "INSERT INTO lot (account, expires_on, remaining) VALUES (?, ?, ?)",
            [lot.account, lot.expiresOn, lot.remaining])
        return db.lastInsertedRowID
    }

    func addToLot(id: Int64, delta: Int64) throws {
        try run("UPDATE lot SET remaining = remaining + ? WHERE id = ?", [delta, id])
    }

    func insert(lotEntry e: LotEntry) throws {
        try run(
            "INSERT INTO lot_entry (lot, account, transfer, delta, expires_on) VALUES (?, ?, ?, ?, ?)",
            [e.lot, e.account, e.transfer, e.delta, e.expiresOn])
    }

    func insert(hold h: Hold) throws -> Int64 {
        try run(
            """
            INSERT INTO hold (kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                h.kind.rawValue, h.debit, h.credit, h.amount, h.key, h.reference, h.actor, h.memo, h.status.rawValue,
                h.createdAtMillis, h.expiresAtMillis, h.transfer,
            ])
        return db.lastInsertedRowID
    }

    func resolve(hold id: Int64, to status: HoldStatus, transfer: Int64?) throws -> Bool {
        try run(
            "UPDATE hold SET status = ?, transfer = ? WHERE id = ? AND status = 'pending'",
            [status.rawValue, transfer, id])
        return db.changesCount == 1
    }

    func insert(event: OutboxEvent) throws {
        try run(
            "INSERT INTO event (type, payload, created_at) VALUES (?, ?, ?)",
            [event.type, event.payload, event.atMillis])
    }

    // MARK: Auditing

    func forEachTransfer(_ body: (Transfer) throws -> Bool) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(Self.transferColumns) FROM transfer ORDER BY id")
        while let row = try cursor.next() {
            if try !body(Self.transfer(row)) { break }
        }
    }

    func allAccounts() throws -> [Account] {
        try all("SELECT id, kind, community, balance FROM account ORDER BY id").map(Self.account)
    }

    func allLots() throws -> [Lot] {
        try all("SELECT id, account, expires_on, remaining FROM lot ORDER BY id").map(Self.lot)
    }

    func lotEntrySums() throws -> [Int64: Int64] {
        var sums: [Int64: Int64] = [:]
        for row in try all("SELECT lot, SUM(delta) AS total FROM lot_entry GROUP BY lot") {
            sums[row["lot"]] = row["total"]
        }
        return sums
    }

    func pendingHolds(nowMillis: Int64) throws -> [Hold] {
        try all(
            "SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at > ? ORDER BY id", [nowMillis]
        ).map(Self.hold)
    }

    // MARK: Rows

    // Rows are read by position (the SELECT lists above fix the order): GRDB's lookup by name
    // lowercases every column name, a measurable share of a transfer's CPU time.

    static func account(_ row: Row) -> Account {
        Account(id: row[0], kind: AccountKind(rawValue: row[1]) ?? .volunteer, community: row[2], balance: row[3])
    }

    static func transfer(_ row: Row) -> Transfer {
        Transfer(
            id: row[0], kind: TransferKind(rawValue: row[1]) ?? .adjust, debit: row[2], credit: row[3],
            amount: row[4], key: row[5], reference: row[6], actor: row[7], memo: row[8],
            reverses: row[9], hold: row[10], atMillis: row[11], prevHash: row[12], hash: row[13], seq: row[0])
    }

    static func lot(_ row: Row) -> Lot {
        Lot(id: row[0], account: row[1], expiresOn: row[2], remaining: row[3])
    }

    static func hold(_ row: Row) -> Hold {
        Hold(
            id: row[0], kind: TransferKind(rawValue: row[1]) ?? .redeem, debit: row[2], credit: row[3],
            amount: row[4], key: row[5], reference: row[6], actor: row[7], memo: row[8],
            status: HoldStatus(rawValue: row[9]) ?? .pending, createdAtMillis: row[10],
            expiresAtMillis: row[11], transfer: row[12])
    }
}

extension SQLiteStore {
    public func write<T>(_ body: (any ServiceWriting) throws -> T) throws -> T {
        try writeTransaction { db in try body(SQLiteLedgerTransaction(db: db)) }
    }

    public func read<T>(_ body: (any LedgerReading & LedgerAuditing) throws -> T) throws -> T {
        try readTransaction { db in try body(SQLiteLedgerTransaction(db: db)) }
    }
}
