import Foundation
import GRDB
import JifenCore

/// Accounts, transfers, lots, holds, expiry notices and the outbox's events as SQL, and the bulk
/// reads `verify` makes (`LedgerAuditing`). What they mean is decided in `JifenCore.Ledger`.
extension SQLiteTransaction {
    static let transferColumns =
        "id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prev_hash, hash, seq, community, memo_digest, memo_salt"

    static let holdColumns =
        "id, kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer"

    // Rows are read by position (the SELECT lists above fix the order): GRDB's lookup by name
    // lowercases every column name, a measurable share of a transfer's CPU time.
    static func account(_ row: Row) -> Account {
        Account(id: row[0], kind: AccountKind(rawValue: row[1]) ?? .volunteer, community: row[2], balance: row[3])
    }

    static func transfer(_ row: Row) -> Transfer {
        Transfer(
            id: row[0], kind: TransferKind(rawValue: row[1]) ?? .adjust, debit: row[2], credit: row[3],
            amount: row[4], key: row[5], reference: row[6], actor: row[7], memo: row[8],
            reverses: row[9], hold: row[10], atMillis: row[11], prevHash: row[12], hash: row[13], seq: row[14],
            community: row[15], memoDigest: row[16], memoSalt: row[17])
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

    /// The account with the name of the volunteer or merchant behind it, in one statement: a
    /// transfer's event names both sides, and names never change.
    func account(_ id: String) throws -> Account? {
        if let p = prefetch, let known = p.accounts.removeValue(forKey: id) { return known }
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
        if let holds = takeHolds(account: account, nowMillis: nowMillis) { return holds.reduce(0) { $0 + $1.amount } }
        return try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COALESCE(SUM(amount), 0) FROM hold WHERE debit = ? AND status = 'pending' AND expires_at > ?
                    """), arguments: [account, nowMillis]) ?? 0
    }

    func pendingHolds(account: String, nowMillis: Int64) throws -> [PendingHold] {
        if let holds = takeHolds(account: account, nowMillis: nowMillis) { return holds }
        return try all(
            "SELECT id, amount, created_at, expires_at FROM hold WHERE debit = ? AND status = 'pending' AND expires_at > ? ORDER BY id",
            [account, nowMillis]
        ).map { PendingHold(id: $0[0], amount: $0[1], createdAtMillis: $0[2], expiresAtMillis: $0[3]) }
    }

    func transfer(id: Int64) throws -> Transfer? {
        try one("SELECT \(Self.transferColumns) FROM transfer WHERE id = ?", [id]).map(Self.transfer)
    }

    func transfer(key: String) throws -> Transfer? {
        if let p = prefetch, p.reads.key == key, let known = p.keyTransfer {
            p.keyTransfer = nil
            return known
        }
        return try one("SELECT \(Self.transferColumns) FROM transfer WHERE key = ?", [key]).map(Self.transfer)
    }

    func reversals(of id: Int64) throws -> [Transfer] {
        try all("SELECT \(Self.transferColumns) FROM transfer WHERE reverses = ? ORDER BY id", [id]).map(Self.transfer)
    }

    func chainHead() throws -> ChainLink? {
        try one("SELECT seq, hash FROM transfer ORDER BY id DESC LIMIT 1").map { ChainLink(seq: $0[0], hash: $0[1]) }
    }

    func chainHead(community: String) throws -> ChainLink? {
        if let p = prefetch, p.community == community, let known = p.head {
            p.head = nil
            return known
        }
        return try one("SELECT seq, hash FROM transfer WHERE community = ? ORDER BY seq DESC LIMIT 1", [community]).map
        {
            ChainLink(seq: $0[0], hash: $0[1])
        }
    }

    func openLots(account: String, limit: Int) throws -> [Lot] {
        if let p = prefetch, p.reads.debit == account, let lots = p.lots {
            p.lots = nil
            return Array(lots.prefix(limit))
        }
        return try all(
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

    func lotsNeedingNotice(afterDay: String, throughDay: String) throws -> [Lot] {
        try all(
            """
            SELECT l.id, l.account, l.expires_on, l.remaining FROM lot l
            WHERE l.remaining > 0 AND l.expires_on > ? AND l.expires_on <= ?
              AND NOT EXISTS (SELECT 1 FROM expiry_notice n WHERE n.lot = l.id)
            ORDER BY l.expires_on, l.id
            """, [afterDay, throughDay]
        ).map(Self.lot)
    }

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

    func movedSince(account id: String, sinceMillis: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(CASE WHEN credit = ?1 THEN amount ELSE -amount END), 0) FROM (
                    SELECT credit, amount FROM transfer WHERE debit = ?1 AND at >= ?2
                    UNION ALL SELECT credit, amount FROM transfer WHERE credit = ?1 AND at >= ?2)
                """, arguments: [id, sinceMillis]) ?? 0
    }

    func transfers(touching id: String, fromMillis: Int64, toMillis: Int64, limit: Int) throws -> [Transfer] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.transferColumns) FROM (
                    SELECT * FROM transfer WHERE debit = ?1 AND at >= ?2 AND at < ?3
                    UNION ALL SELECT * FROM transfer WHERE credit = ?1 AND at >= ?2 AND at < ?3)
                ORDER BY id LIMIT ?4
                """, arguments: [id, fromMillis, toMillis, limit]
        ).map(Self.transfer)
    }

    /// Nothing to lock: every write transaction is `BEGIN IMMEDIATE`, so it runs alone.
    func lock(accounts: [String], posting: Bool) throws {}

    /// SQLite serialises writers, so each transfer is chained as it is posted.
    var chaining: Chaining { .inline }

    func newTransferID() throws -> Int64 {
        if let p = prefetch, let id = p.nextID {
            p.nextID = nil
            return id
        }
        return (try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM transfer")) ?? 0) + 1
    }

    func createAccount(_ account: Account) throws {
        try run(
            "INSERT INTO account (id, kind, community, balance) VALUES (?, ?, ?, ?)",
            [account.id, account.kind.rawValue, account.community, account.balance])
    }

    func insert(transfer t: Transfer) throws -> Int64 {
        try run(
            """
            INSERT INTO transfer (\(Self.transferColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                t.id, t.kind.rawValue, t.debit, t.credit, t.amount, t.key, t.reference, t.actor, t.memo, t.reverses,
                t.hold, t.atMillis, t.prevHash, t.hash, t.seq, t.community, t.memoDigest, t.memoSalt,
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

    func insert(lot: Lot) throws -> Int64 {
        try run(
            "INSERT INTO lot (account, expires_on, remaining) VALUES (?, ?, ?)",
            [lot.account, lot.expiresOn, lot.remaining])
        return db.lastInsertedRowID
    }

    func addToLot(id: Int64, delta: Int64) throws {
        try run("UPDATE lot SET remaining = remaining + ? WHERE id = ?", [delta, id])
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

    /// A transfer's lot changes as one statement: an upsert of `(id, account, day)` a change.
    /// A taken lot exists, so its row conflicts on its id and its delta (chosen by id) is added; a
    /// day's lot is inserted, or conflicts on `(account, expires_on)` and adds its points. A new
    /// row's id is above every existing one, so it never matches a taken lot's id. (The inserted
    /// `remaining` of a taken lot is 0 so the row passes `remaining >= 0` before it conflicts.)
    func apply(lotChanges: [LotChange]) throws -> [Int64] {
        guard lotChanges.count > 1 else {
            switch lotChanges.first {
            case .lot(let id, let delta):
                try addToLot(id: id, delta: delta)
                return [id]
            case .day(let account, let day, let amount):
                return [try addToLot(account: account, expiresOn: day, amount: amount)]
            case nil: return []
            }
        }
        var values: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        var deltas: [String] = []
        var deltaArguments: [(any DatabaseValueConvertible)?] = []
        for change in lotChanges {
            switch change {
            case .lot(let id, let delta):
                values.append(
                    "(?, (SELECT account FROM lot WHERE id = ?), (SELECT expires_on FROM lot WHERE id = ?), 0)")
                arguments += [id, id, id]
                deltas.append("WHEN ? THEN ?")
                deltaArguments += [id, delta]
            case .day(let account, let day, let amount):
                values.append("(NULL, ?, ?, ?)")
                arguments += [account, day, amount]
            }
        }
        memo.prefetched = nil
        let cases =
            deltas.isEmpty
            ? "excluded.remaining" : "CASE id \(deltas.joined(separator: " ")) ELSE excluded.remaining END"
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    INSERT INTO lot (id, account, expires_on, remaining) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT DO UPDATE SET remaining = remaining + \(cases)
                    RETURNING id, account, expires_on
                    """), arguments: StatementArguments(arguments + deltaArguments))
        var ids: [String: Int64] = [:]
        for row in rows { ids["\(row[1] as String)\u{0}\(row[2] as String)"] = row[0] }
        return try lotChanges.map { change in
            switch change {
            case .lot(let id, _): return id
            case .day(let account, let day, _):
                guard let id = ids["\(account)\u{0}\(day)"] else {
                    throw JifenError.fault(.database, zh: "数据库没有返回批次编号。", en: "The database returned no lot id.")
                }
                return id
            }
        }
    }

    /// A transfer's lot entries as one statement.
    func insert(lotEntries: [LotEntry]) throws {
        guard lotEntries.count > 1 else {
            if let entry = lotEntries.first { try insert(lotEntry: entry) }
            return
        }
        memo.prefetched = nil
        try db.cachedStatement(
            sql: "INSERT INTO lot_entry (lot, account, transfer, delta, expires_on) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?)", count: lotEntries.count).joined(separator: ", ")
        ).execute(
            arguments: StatementArguments(
                lotEntries.flatMap { e -> [(any DatabaseValueConvertible)?] in
                    [e.lot, e.account, e.transfer, e.delta, e.expiresOn]
                }))
    }

    func insert(lotEntry e: LotEntry) throws {
        try run(
            "INSERT INTO lot_entry (lot, account, transfer, delta, expires_on) VALUES (?, ?, ?, ?, ?)",
            [e.lot, e.account, e.transfer, e.delta, e.expiresOn])
    }

    func recordExpiryNotice(lot: Lot, atMillis: Int64) throws {
        try run(
            "INSERT INTO expiry_notice (lot, account, expires_on, points, created_at) VALUES (?, ?, ?, ?, ?)",
            [lot.id, lot.account, lot.expiresOn, lot.remaining, atMillis])
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

    func forEachTransfer(_ body: (Transfer) throws -> Bool) throws {
        // Chain by chain, each in its order (the index transfer_chain), on a cursor and a small
        // page cache: memory stays flat however long the history.
        try scanning {
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT \(Self.transferColumns) FROM transfer ORDER BY community, seq")
            while let row = try cursor.next() {
                if try !body(Self.transfer(row)) { break }
            }
        }
    }

    func eraseTransferMemos(account: String, replacement: String) throws -> Int {
        try db.execute(
            sql: """
                UPDATE transfer SET memo = ?, memo_salt = NULL
                WHERE id IN (SELECT id FROM transfer WHERE debit = ?2 UNION SELECT id FROM transfer WHERE credit = ?2)
                  AND memo_salt IS NOT NULL
                """, arguments: [replacement, account])
        return db.changesCount
    }

    func forEachUnsealedTransfer(_ body: (Transfer) throws -> Bool) throws {
        // SQLite seals each transfer as it posts: none waits.
    }

    static let checkpointColumns =
        "community, month, seq, head, transfers, accounts, balances, previous, hash, sealed_at"

    static func checkpoint(_ row: Row) -> Checkpoint {
        Checkpoint.stored(
            community: row[0], month: row[1], seq: row[2], head: row[3], transfers: row[4], accounts: row[5],
            balancesText: row[6], previous: row[7], hash: row[8], sealedAtMillis: row[9])
    }

    func checkpoints(community: String) throws -> [Checkpoint] {
        try all(
            """
            SELECT \(Self.checkpointColumns) FROM checkpoint WHERE community = ?
            ORDER BY seq, month = 'genesis' DESC, month
            """, [community]
        ).map(Self.checkpoint)
    }

    func checkpointMarks(community: String) throws -> [CheckpointMark] {
        try all(
            "SELECT month, seq FROM checkpoint WHERE community = ? ORDER BY seq, month = 'genesis' DESC, month",
            [community]
        ).map { CheckpointMark(month: $0[0], seq: $0[1]) }
    }

    func checkpoint(community: String, month: String) throws -> Checkpoint? {
        try one(
            "SELECT \(Self.checkpointColumns) FROM checkpoint WHERE community = ? AND month = ?", [community, month]
        ).map(Self.checkpoint)
    }

    func chainCommunities() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT id FROM community ORDER BY id")
    }

    func forEachChainTransfer(community: String, afterSeq: Int64, _ body: (Transfer) throws -> Bool) throws {
        try scanning {
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT \(Self.transferColumns) FROM transfer WHERE community = ? AND seq > ? ORDER BY seq",
                arguments: [community, afterSeq])
            while let row = try cursor.next() {
                if try !body(Self.transfer(row)) { break }
            }
        }
    }

    func insert(checkpoint c: Checkpoint) throws {
        try run(
            """
            INSERT INTO checkpoint (\(Self.checkpointColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (community, month) DO NOTHING
            """,
            [
                c.community, c.month, c.seq, c.head, c.transfers, c.accounts, c.balancesText, c.previous, c.hash,
                c.sealedAtMillis,
            ])
    }

    func allAccounts() throws -> [Account] {
        try all("SELECT id, kind, community, balance FROM account ORDER BY id").map(Self.account)
    }

    func allLots() throws -> [Lot] {
        try all("SELECT id, account, expires_on, remaining FROM lot ORDER BY id").map(Self.lot)
    }

    func lots(accounts: [String]) throws -> [Lot] {
        var lots: [Lot] = []
        // By the index of (account, expires_on), a few hundred accounts a statement.
        for start in stride(from: 0, to: accounts.count, by: 500) {
            let chunk = Array(accounts[start..<min(start + 500, accounts.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            lots += try Row.fetchAll(
                db, sql: "SELECT id, account, expires_on, remaining FROM lot WHERE account IN (\(marks))",
                arguments: StatementArguments(chunk)
            ).map(Self.lot)
        }
        return lots.sorted { $0.id < $1.id }
    }

    func lotEntrySums() throws -> [Int64: Int64] {
        var sums: [Int64: Int64] = [:]
        for row in try all("SELECT lot, SUM(delta) AS total FROM lot_entry GROUP BY lot") {
            sums[row["lot"]] = row["total"]
        }
        return sums
    }

    func lotAudit() throws -> LotAudit {
        // The GROUP BY over every lot entry sorts them: on the small cache, the sort spills to a
        // temporary file instead of holding the history in memory.
        try scanning { try lotAuditScan() }
    }

    private func lotAuditScan() throws -> LotAudit {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM lot") ?? 0
        var totals: [String: Int64] = [:]
        for row in try all("SELECT account, SUM(remaining) FROM lot GROUP BY account") { totals[row[0]] = row[1] }
        let mismatched = try all(
            """
            SELECT l.id, l.account, l.expires_on, l.remaining, COALESCE(s.total, 0) FROM lot l
            LEFT JOIN (SELECT lot, SUM(delta) AS total FROM lot_entry GROUP BY lot) s ON s.lot = l.id
            WHERE l.remaining <> COALESCE(s.total, 0) OR l.remaining < 0 ORDER BY l.id
            """
        ).map { (lot: Self.lot($0), entries: $0[4] as Int64) }
        return LotAudit(count: count, totals: totals, mismatched: mismatched)
    }

    func pendingHolds(nowMillis: Int64) throws -> [Hold] {
        try all(
            "SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at > ? ORDER BY id", [nowMillis]
        ).map(Self.hold)
    }

    private func takeHolds(account: String, nowMillis: Int64) -> [PendingHold]? {
        guard let p = prefetch, p.reads.debit == account, p.reads.nowMillis == nowMillis, let holds = p.holds
        else { return nil }
        p.holds = nil
        return holds
    }
}
