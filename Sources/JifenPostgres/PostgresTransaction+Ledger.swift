import Foundation
import JifenCore
import PostgresNIO

/// Accounts, transfers, lots, holds, expiry notices and the outbox's events as SQL, and the bulk
/// reads `verify` makes (`LedgerAuditing`). What they mean is decided in `JifenCore.Ledger`.
/// A locked account's row, holds and open lots are kept in `session.locked` and answer reads
/// without another round trip.
extension PostgresTransaction {
    static let transferColumns =
        "id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prev_hash, hash, seq, community, memo_digest, memo_salt"

    static let holdColumns =
        "id, kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer"

    static func account(_ row: PostgresRow) throws -> Account {
        let (id, kind, community, balance) = try row.decode((String, String, String, Int64).self)
        return Account(id: id, kind: AccountKind(rawValue: kind) ?? .volunteer, community: community, balance: balance)
    }

    static func transfer(_ row: PostgresRow) throws -> Transfer {
        let (id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prevHash, hash, seq) =
            try row.decode(
                (
                    Int64, String, String, String, Int64, String, String, String, String, Int64?, Int64?, Int64, String,
                    String, Int64?
                ).self)
        // The columns after the first 15, by position (one tuple decode stays within its size).
        let cells = row.makeRandomAccess()
        return Transfer(
            id: id, kind: TransferKind(rawValue: kind) ?? .adjust, debit: debit, credit: credit, amount: amount,
            key: key,
            reference: reference, actor: actor, memo: memo, reverses: reverses, hold: hold, atMillis: at,
            prevHash: prevHash, hash: hash, seq: seq ?? 0, community: try cells[15].decode(String.self),
            memoDigest: try cells[16].decode(String.self), memoSalt: try cells[17].decode(String?.self))
    }

    static func lot(_ row: PostgresRow) throws -> Lot {
        let (id, account, day, remaining) = try row.decode((Int64, String, String, Int64).self)
        return Lot(id: id, account: account, expiresOn: day, remaining: remaining)
    }

    static func hold(_ row: PostgresRow) throws -> Hold {
        let (id, kind, debit, credit, amount, key, reference, actor, memo, status, created, expires, transfer) =
            try row.decode(
                (Int64, String, String, String, Int64, String, String, String, String, String, Int64, Int64, Int64?)
                    .self)
        return Hold(
            id: id, kind: TransferKind(rawValue: kind) ?? .redeem, debit: debit, credit: credit, amount: amount,
            key: key,
            reference: reference, actor: actor, memo: memo, status: HoldStatus(rawValue: status) ?? .pending,
            createdAtMillis: created, expiresAtMillis: expires, transfer: transfer)
    }

    func account(_ id: String) throws -> Account? {
        if let locked = session.locked.accounts[id] { return locked }
        return try session.rows("SELECT id, kind, community, balance FROM account WHERE id = $1", [id]).first.map(
            Self.account)
    }

    func accountName(_ id: String) throws -> String? {
        // A locked account's name came with its lock (no round trip); any other is read.
        if let name = session.locked.names[id] { return name.isEmpty ? nil : name }
        return try session.rows(
            """
            SELECT name FROM volunteer WHERE id = $1 UNION ALL SELECT name FROM merchant WHERE id = $1 LIMIT 1
            """, [id]
        ).first.map { try $0.decode(String.self) }
    }

    func heldAmount(account: String, nowMillis: Int64) throws -> Int64 {
        if let held = session.locked.held(account, nowMillis: nowMillis) { return held }
        return try session.scalar(
            Int64.self,
            """
            SELECT COALESCE(SUM(amount), 0)::BIGINT FROM hold WHERE debit = $1 AND status = 'pending' AND expires_at > $2
            """, [account, nowMillis]) ?? 0
    }

    func pendingHolds(account: String, nowMillis: Int64) throws -> [PendingHold] {
        if let holds = session.locked.pendingHolds(account, nowMillis: nowMillis) { return holds }
        return try session.rows(
            """
            SELECT id, amount, created_at, expires_at FROM hold WHERE debit = $1 AND status = 'pending' AND expires_at > $2 ORDER BY id
            """, [account, nowMillis]
        ).map { row in
            let (id, amount, created, expires) = try row.decode((Int64, Int64, Int64, Int64).self)
            return PendingHold(id: id, amount: amount, createdAtMillis: created, expiresAtMillis: expires)
        }
    }

    func transfer(id: Int64) throws -> Transfer? {
        try sealedRead {
            try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE id = $1", [id]).map(Self.transfer)
        }.first
    }

    func transfer(key: String) throws -> Transfer? {
        try sealedRead {
            try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE key = $1", [key]).map(Self.transfer)
        }.first
    }

    func reversals(of id: Int64) throws -> [Transfer] {
        if writing {
            // Two corrections of one transfer (a reversal, partial refunds) must see each other:
            // the original's row lock makes the second wait until the first has committed.
            try session.execute("SELECT 1 FROM transfer WHERE id = $1 FOR UPDATE", [id])
        }
        return try sealedRead {
            try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE reverses = $1 ORDER BY id", [id])
                .map(Self.transfer)
        }
    }

    func chainHead() throws -> ChainLink? {
        let row = try session.rows("SELECT last_seq, last_hash FROM chain_head").first
        guard let (seq, hash) = try row?.decode((Int64, String).self), seq > 0 else { return nil }
        return ChainLink(seq: seq, hash: hash)
    }

    func chainHead(community: String) throws -> ChainLink? {
        if let head = session.locked.chainHeads[community] { return head }
        let row = try session.rows(
            "SELECT seq, hash FROM transfer WHERE community = $1 AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
            [community]
        ).first
        guard let (seq, hash) = try row?.decode((Int64, String).self) else { return nil }
        return ChainLink(seq: seq, hash: hash)
    }

    func openLots(account: String, limit: Int) throws -> [Lot] {
        if let lots = session.locked.openLots(account, limit: limit) { return lots }
        return try session.rows(
            """
            SELECT id, account, expires_on, remaining FROM lot
            WHERE account = $1 AND remaining > 0 ORDER BY expires_on, id LIMIT $2
            """, [account, limit]
        ).map(Self.lot)
    }

    func lot(account: String, expiresOn: String) throws -> Lot? {
        if let lot = session.locked.lot(account, expiresOn: expiresOn) { return lot }
        let lot = try session.rows(
            "SELECT id, account, expires_on, remaining FROM lot WHERE account = $1 AND expires_on = $2",
            [account, expiresOn]
        ).first.map(Self.lot)
        if let lot { session.locked.remember(lot) }
        return lot
    }

    func lot(id: Int64) throws -> Lot? {
        if let lot = session.locked.lot(id: id) { return lot }
        let lot = try session.rows("SELECT id, account, expires_on, remaining FROM lot WHERE id = $1", [id]).first.map(
            Self.lot)
        if let lot { session.locked.remember(lot) }
        return lot
    }

    func lotEntries(transfer: Int64) throws -> [LotEntry] {
        try session.rows(
            "SELECT lot, account, transfer, delta, expires_on FROM lot_entry WHERE transfer = $1 ORDER BY id",
            [transfer]
        )
        .map { row in
            let (lot, account, transfer, delta, day) = try row.decode((Int64, String, Int64, Int64, String).self)
            return LotEntry(lot: lot, account: account, transfer: transfer, delta: delta, expiresOn: day)
        }
    }

    func lotsNeedingNotice(afterDay: String, throughDay: String) throws -> [Lot] {
        try session.rows(
            """
            SELECT l.id, l.account, l.expires_on, l.remaining FROM lot l
            WHERE l.remaining > 0 AND l.expires_on > $1 AND l.expires_on <= $2
              AND NOT EXISTS (SELECT 1 FROM expiry_notice n WHERE n.lot = l.id)
            ORDER BY l.expires_on, l.id
            """, [afterDay, throughDay]
        ).map(Self.lot)
    }

    func hold(id: Int64) throws -> Hold? {
        try session.rows("SELECT \(Self.holdColumns) FROM hold WHERE id = $1", [id]).first.map(Self.hold)
    }

    func hold(key: String) throws -> Hold? {
        try session.rows("SELECT \(Self.holdColumns) FROM hold WHERE key = $1", [key]).first.map(Self.hold)
    }

    func accountsWithLapsedLots(onOrBefore day: String) throws -> [String] {
        try session.rows(
            "SELECT DISTINCT account FROM lot WHERE remaining > 0 AND expires_on <= $1 ORDER BY account", [day]
        )
        .map { try $0.decode(String.self) }
    }

    func lapsedHolds(nowMillis: Int64) throws -> [Hold] {
        try session.rows(
            "SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at <= $1 ORDER BY id",
            [nowMillis]
        )
        .map(Self.hold)
    }

    func movedSince(account id: String, sinceMillis: Int64) throws -> Int64 {
        try session.scalar(
            Int64.self,
            """
            SELECT COALESCE(SUM(CASE WHEN credit = $1 THEN amount ELSE -amount END), 0)::BIGINT FROM (
                SELECT credit, amount FROM transfer WHERE debit = $1 AND at >= $2
                UNION ALL SELECT credit, amount FROM transfer WHERE credit = $1 AND at >= $2) moved
            """, [id, sinceMillis]) ?? 0
    }

    func transfers(touching id: String, fromMillis: Int64, toMillis: Int64, limit: Int) throws -> [Transfer] {
        try sealedRead {
            try session.rows(
                """
                SELECT \(Self.transferColumns) FROM (
                    SELECT * FROM transfer WHERE debit = $1 AND at >= $2 AND at < $3
                    UNION ALL SELECT * FROM transfer WHERE credit = $1 AND at >= $2 AND at < $3) touching
                ORDER BY id LIMIT $4
                """, [id, fromMillis, toMillis, limit]
            ).map(Self.transfer)
        }
    }

    func lock(accounts ids: [String], posting: Bool) throws {
        // Rows are locked in the order the sort emits them: every transaction takes them in the
        // same order, so two transfers between the same accounts cannot deadlock. A locked row
        // cannot change under us, so it is kept and answers `account(_:)` without another query.
        // The rows, their pending holds and open lots are read by a second statement, whose
        // snapshot is taken once the locks are held (the first statement's snapshot predates any
        // wait for them); the two are sent together and answered in one wake-up. A posting's
        // statement also reads the stored settings (its rules), and reserves its transfer's id.
        session.send("SELECT 1 FROM account WHERE id = ANY($1) ORDER BY id COLLATE \"C\" FOR UPDATE", [ids])
        let rows = try session.rows(
            """
            SELECT a.id, a.kind, a.community, a.balance,
                COALESCE(h.ids, '{}'), COALESCE(h.amounts, '{}'), COALESCE(h.expiries, '{}'), COALESCE(h.created, '{}'),
                COALESCE(l.ids, '{}'), COALESCE(l.days, '{}'), COALESCE(l.remaining, '{}'),
                CASE WHEN $2 AND a.id = $1[1] THEN nextval('transfer_id_seq') END,
                COALESCE((SELECT name FROM volunteer WHERE id = a.id), (SELECT name FROM merchant WHERE id = a.id), ''),
                CASE WHEN $2 AND a.id = $1[1] THEN
                    (SELECT COALESCE(array_agg(key || chr(1) || value), '{}') FROM setting) END
            FROM account a
            CROSS JOIN LATERAL (
                SELECT array_agg(id ORDER BY id) AS ids, array_agg(amount ORDER BY id) AS amounts,
                       array_agg(expires_at ORDER BY id) AS expiries, array_agg(created_at ORDER BY id) AS created
                FROM hold WHERE debit = a.id AND status = 'pending') h
            CROSS JOIN LATERAL (
                SELECT array_agg(id ORDER BY expires_on, id) AS ids, array_agg(expires_on ORDER BY expires_on, id) AS days,
                       array_agg(remaining ORDER BY expires_on, id) AS remaining
                FROM lot WHERE account = a.id AND remaining > 0) l
            WHERE a.id = ANY($1)
            """, [ids, posting])
        for row in rows {
            let (
                id, kind, community, balance, holdIDs, holdAmounts, holdExpiries, holdCreated, lotIDs, lotDays,
                lotRemaining, reserved, name, settings
            ) =
                try row.decode(
                    (
                        String, String, String, Int64, [Int64], [Int64], [Int64], [Int64], [Int64], [String], [Int64],
                        Int64?, String, [String]?
                    ).self)
            if let reserved { session.reservedTransferID = reserved }
            if let settings {
                // The posting's rules are read with its locks: `settings()` asks no more.
                var stored: [String: String] = [:]
                for pair in settings {
                    guard let cut = pair.firstIndex(of: "\u{1}") else { continue }
                    stored[String(pair[..<cut])] = String(pair[pair.index(after: cut)...])
                }
                session.locked.settings = stored
            }
            let account = Account(
                id: id, kind: AccountKind(rawValue: kind) ?? .volunteer, community: community, balance: balance)
            let holds = holdIDs.indices.map {
                PendingHold(
                    id: holdIDs[$0], amount: holdAmounts[$0], createdAtMillis: holdCreated[$0],
                    expiresAtMillis: holdExpiries[$0])
            }
            let lots = lotIDs.indices.map {
                Lot(id: lotIDs[$0], account: id, expiresOn: lotDays[$0], remaining: lotRemaining[$0])
            }
            session.locked.locked(account, holds: holds, openLots: lots, name: name)
        }
    }

    var chaining: Chaining { .afterCommit }

    func newTransferID() throws -> Int64 {
        if let id = session.reservedTransferID {
            session.reservedTransferID = nil
            return id
        }
        return try session.scalar(Int64.self, "SELECT nextval('transfer_id_seq')") ?? 0
    }

    func createAccount(_ account: Account) throws {
        session.send(
            "INSERT INTO account (id, kind, community, balance) VALUES ($1, $2, $3, $4)",
            [account.id, account.kind.rawValue, account.community, account.balance])
    }

    func insert(transfer t: Transfer) throws -> Int64 {
        session.batch(
            """
            INSERT INTO transfer (\(Self.transferColumns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """,
            [
                t.id, t.kind.rawValue, t.debit, t.credit, t.amount, t.key, t.reference, t.actor, t.memo, t.reverses,
                t.hold, t.atMillis, t.prevHash, t.hash, t.isSealed ? t.seq : nil, t.community, t.memoDigest,
                t.memoSalt,
            ])
        session.postedTransfer = max(session.postedTransfer ?? 0, t.id)
        return t.id
    }

    func addToBalance(account: String, delta: Int64) throws {
        session.batch(
            "UPDATE account SET balance = balance + $1 WHERE id = $2", [delta, account], row: "account:\(account)")
        session.locked.addToBalance(account, delta)
    }

    func insert(lot: Lot) throws -> Int64 {
        let id =
            try session.scalar(
                Int64.self, "INSERT INTO lot (account, expires_on, remaining) VALUES ($1, $2, $3) RETURNING id",
                [lot.account, lot.expiresOn, lot.remaining]) ?? 0
        var stored = lot
        stored.id = id
        session.locked.remember(stored)
        return id
    }

    func addToLot(id: Int64, delta: Int64) throws {
        session.batch("UPDATE lot SET remaining = remaining + $1 WHERE id = $2", [delta, id], row: "lot:\(id)")
        session.locked.addToLot(id: id, delta)
    }

    func insert(lotEntry e: LotEntry) throws {
        session.batch(
            "INSERT INTO lot_entry (lot, account, transfer, delta, expires_on) VALUES ($1, $2, $3, $4, $5)",
            [e.lot, e.account, e.transfer, e.delta, e.expiresOn])
    }

    func recordExpiryNotice(lot: Lot, atMillis: Int64) throws {
        try session.execute(
            "INSERT INTO expiry_notice (lot, account, expires_on, points, created_at) VALUES ($1, $2, $3, $4, $5)",
            [lot.id, lot.account, lot.expiresOn, lot.remaining, atMillis])
    }

    func insert(hold h: Hold) throws -> Int64 {
        let id =
            try session.scalar(
                Int64.self,
                """
                INSERT INTO hold (kind, debit, credit, amount, key, reference, actor, memo, status, created_at, expires_at, transfer)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
                """,
                [
                    h.kind.rawValue, h.debit, h.credit, h.amount, h.key, h.reference, h.actor, h.memo,
                    h.status.rawValue,
                    h.createdAtMillis, h.expiresAtMillis, h.transfer,
                ]) ?? 0
        var stored = h
        stored.id = id
        session.locked.holdAdded(stored)
        return id
    }

    func resolve(hold id: Int64, to status: HoldStatus, transfer: Int64?) throws -> Bool {
        let changed =
            try session.execute(
                "UPDATE hold SET status = $1, transfer = $2 WHERE id = $3 AND status = 'pending'",
                [status.rawValue, transfer, id]) == 1
        if changed { session.locked.holdResolved(id) }
        return changed
    }

    func insert(event: OutboxEvent) throws {
        session.batch(
            "INSERT INTO event (type, payload, created_at) VALUES ($1, $2, $3)",
            [event.type, event.payload, event.atMillis])
    }

    func forEachTransfer(_ body: (Transfer) throws -> Bool) throws {
        // Pages, so verify's memory does not grow with the ledger: the chain by place, then the
        // transfers still awaiting their seal by id.
        // chain by chain (the index transfer_chain), each in its order.
        var afterCommunity = "", afterSeq: Int64 = 0
        while true {
            let page = try session.rows(
                """
                SELECT \(Self.transferColumns) FROM transfer
                WHERE seq IS NOT NULL AND (community, seq) > ($1, $2) ORDER BY community, seq LIMIT 5000
                """, [afterCommunity, afterSeq])
            for row in page {
                let transfer = try Self.transfer(row)
                if try !body(transfer) { return }
                afterCommunity = transfer.community
                afterSeq = transfer.seq
            }
            if page.count < 5000 { break }
        }
        var after: Int64 = 0
        while true {
            let page = try session.rows(
                "SELECT \(Self.transferColumns) FROM transfer WHERE seq IS NULL AND id > $1 ORDER BY id LIMIT 5000",
                [after])
            for row in page {
                let transfer = try Self.transfer(row)
                if try !body(transfer) { return }
                after = transfer.id
            }
            if page.count < 5000 { return }
        }
    }

    func eraseTransferMemos(account: String, replacement: String) throws -> Int {
        try session.execute(
            """
            UPDATE transfer SET memo = $1, memo_salt = NULL
            WHERE id IN (SELECT id FROM transfer WHERE debit = $2 UNION SELECT id FROM transfer WHERE credit = $2)
              AND memo_salt IS NOT NULL
            """, [replacement, account])
    }

    func forEachUnsealedTransfer(_ body: (Transfer) throws -> Bool) throws {
        var after: Int64 = 0
        while true {
            let page = try session.rows(
                "SELECT \(Self.transferColumns) FROM transfer WHERE seq IS NULL AND id > $1 ORDER BY id LIMIT 5000",
                [after])
            for row in page {
                let transfer = try Self.transfer(row)
                if try !body(transfer) { return }
                after = transfer.id
            }
            if page.count < 5000 { return }
        }
    }

    static let checkpointColumns =
        "community, month, seq, head, transfers, accounts, balances, previous, hash, sealed_at"

    func checkpoints(community: String) throws -> [Checkpoint] {
        try session.rows(
            """
            SELECT \(Self.checkpointColumns) FROM checkpoint WHERE community = $1
            ORDER BY seq, month = 'genesis' DESC, month
            """, [community]
        ).map { row in
            let (community, month, seq, head, transfers, accounts, balances, previous, hash, at) = try row.decode(
                (String, String, Int64, String, Int64, Int64, String, String, String, Int64).self)
            return Checkpoint.stored(
                community: community, month: month, seq: seq, head: head, transfers: transfers, accounts: accounts,
                balancesText: balances, previous: previous, hash: hash, sealedAtMillis: at)
        }
    }

    static func checkpoint(_ row: PostgresRow) throws -> Checkpoint {
        let (community, month, seq, head, transfers, accounts, balances, previous, hash, at) = try row.decode(
            (String, String, Int64, String, Int64, Int64, String, String, String, Int64).self)
        return Checkpoint.stored(
            community: community, month: month, seq: seq, head: head, transfers: transfers, accounts: accounts,
            balancesText: balances, previous: previous, hash: hash, sealedAtMillis: at)
    }

    func checkpointMarks(community: String) throws -> [CheckpointMark] {
        try session.rows(
            "SELECT month, seq FROM checkpoint WHERE community = $1 ORDER BY seq, month = 'genesis' DESC, month",
            [community]
        ).map { row in
            let (month, seq) = try row.decode((String, Int64).self)
            return CheckpointMark(month: month, seq: seq)
        }
    }

    func checkpoint(community: String, month: String) throws -> Checkpoint? {
        try session.rows(
            "SELECT \(Self.checkpointColumns) FROM checkpoint WHERE community = $1 AND month = $2", [community, month]
        ).first.map(Self.checkpoint)
    }

    func chainCommunities() throws -> [String] {
        try session.rows("SELECT id FROM community ORDER BY id").map { try $0.decode(String.self) }
    }

    func forEachChainTransfer(community: String, afterSeq: Int64, _ body: (Transfer) throws -> Bool) throws {
        var after = afterSeq
        while true {
            let page = try session.rows(
                """
                SELECT \(Self.transferColumns) FROM transfer WHERE community = $1 AND seq > $2 ORDER BY seq LIMIT 5000
                """, [community, after])
            for row in page {
                let transfer = try Self.transfer(row)
                if try !body(transfer) { return }
                after = transfer.seq
            }
            if page.count < 5000 { return }
        }
    }

    func insert(checkpoint c: Checkpoint) throws {
        _ = try session.execute(
            """
            INSERT INTO checkpoint (\(Self.checkpointColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (community, month) DO NOTHING
            """,
            [
                c.community, c.month, c.seq, c.head, c.transfers, c.accounts, c.balancesText, c.previous, c.hash,
                c.sealedAtMillis,
            ])
    }

    func allAccounts() throws -> [Account] {
        try session.rows("SELECT id, kind, community, balance FROM account ORDER BY id COLLATE \"C\"").map(Self.account)
    }

    func allLots() throws -> [Lot] {
        try session.rows("SELECT id, account, expires_on, remaining FROM lot ORDER BY id").map(Self.lot)
    }

    func lots(accounts: [String]) throws -> [Lot] {
        try session.rows(
            "SELECT id, account, expires_on, remaining FROM lot WHERE account = ANY($1) ORDER BY id", [accounts]
        ).map(Self.lot)
    }

    func lotEntrySums() throws -> [Int64: Int64] {
        var sums: [Int64: Int64] = [:]
        for row in try session.rows("SELECT lot, SUM(delta)::BIGINT FROM lot_entry GROUP BY lot") {
            let (lot, total) = try row.decode((Int64, Int64).self)
            sums[lot] = total
        }
        return sums
    }

    func lotAudit() throws -> LotAudit {
        let count = try session.scalar(Int64.self, "SELECT count(*) FROM lot") ?? 0
        var totals: [String: Int64] = [:]
        for row in try session.rows("SELECT account, SUM(remaining)::BIGINT FROM lot GROUP BY account") {
            let (account, total) = try row.decode((String, Int64).self)
            totals[account] = total
        }
        let mismatched = try session.rows(
            """
            SELECT l.id, l.account, l.expires_on, l.remaining, COALESCE(s.total, 0)::BIGINT FROM lot l
            LEFT JOIN (SELECT lot, SUM(delta) AS total FROM lot_entry GROUP BY lot) s ON s.lot = l.id
            WHERE l.remaining <> COALESCE(s.total, 0) OR l.remaining < 0 ORDER BY l.id
            """
        ).map { row in
            let (id, account, expiresOn, remaining, entries) = try row.decode(
                (Int64, String, String, Int64, Int64).self)
            return (lot: Lot(id: id, account: account, expiresOn: expiresOn, remaining: remaining), entries: entries)
        }
        return LotAudit(count: Int(count), totals: totals, mismatched: mismatched)
    }

    func pendingHolds(nowMillis: Int64) throws -> [Hold] {
        try session.rows(
            "SELECT \(Self.holdColumns) FROM hold WHERE status = 'pending' AND expires_at > $1 ORDER BY id", [nowMillis]
        )
        .map(Self.hold)
    }
}
