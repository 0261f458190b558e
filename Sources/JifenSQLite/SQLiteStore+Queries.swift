import Foundation
import GRDB
import JifenCore

extension SQLiteStore {
    public func account(_ id: String) throws -> Account {
        try read { tx in
            guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
            return account
        }
    }

    /// Balance, holds and open lots: one indexed lookup each, whatever the size of the ledger.
    public func balance(_ id: String, nowMillis: Int64) throws -> BalanceView {
        try read { try BalanceView.read(id, nowMillis: nowMillis, in: $0) }
    }

    /// Transfers touching an account between two instants, oldest first, with running balances.
    /// The opening balance is the stored balance less everything at or after `from`, so the cost
    /// grows with the lines shown, not with the ledger.
    public func statement(_ id: String, fromMillis: Int64?, toMillis: Int64?, limit: Int = 10_000) throws -> (opening: Int64, lines: [StatementLine]) {
        try readTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
            let since = fromMillis ?? Int64.min
            let movedSince = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(CASE WHEN credit = ?1 THEN amount ELSE -amount END), 0) FROM (
                    SELECT credit, amount FROM transfer WHERE debit = ?1 AND at >= ?2
                    UNION ALL SELECT credit, amount FROM transfer WHERE credit = ?1 AND at >= ?2)
                """, arguments: [id, since]) ?? 0
            let opening = account.balance - movedSince
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(SQLiteLedgerTransaction.transferColumns) FROM (
                    SELECT * FROM transfer WHERE debit = ?1 AND at >= ?2 AND at < ?3
                    UNION ALL SELECT * FROM transfer WHERE credit = ?1 AND at >= ?2 AND at < ?3)
                ORDER BY id LIMIT ?4
                """, arguments: [id, since, toMillis ?? Int64.max, limit])
            return (opening, StatementLine.lines(rows.map(SQLiteLedgerTransaction.transfer), account: id, opening: opening))
        }
    }
}
