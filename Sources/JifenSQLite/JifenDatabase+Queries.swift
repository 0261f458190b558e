import Foundation
import GRDB
import JifenCore

/// A line of a statement: a transfer seen from one account, with the balance after it.
public struct StatementLine: Sendable, Codable, Equatable {
    public var transfer: Transfer
    /// Positive when points came in, negative when they went out.
    public var change: Int64
    public var balanceAfter: Int64
    public var counterparty: String
}

/// What `balance` shows.
public struct BalanceView: Sendable, Codable, Equatable {
    public var account: String
    public var balance: Int64
    public var held: Int64
    public var available: Int64
    /// Lots still holding points, soonest expiry first.
    public var lots: [Lot]
    /// Points lapsing within `points.expiring_notice_days` of today (day lapsing on or before `expiringBy`).
    public var expiringSoon: Int64 = 0
    public var expiringBy: String = ""
}

extension JifenDatabase {
    public func account(_ id: String) throws -> Account {
        try read { tx in
            guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
            return account
        }
    }

    /// Balance, holds and open lots: one indexed lookup each, whatever the size of the ledger.
    public func balance(_ id: String, nowMillis: Int64) throws -> BalanceView {
        try read { tx in
            guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
            let held = try tx.heldAmount(account: id, nowMillis: nowMillis)
            let lots = account.kind.keepsLots ? try tx.openLots(account: id, limit: 100) : []
            var view = BalanceView(account: id, balance: account.balance, held: held, available: account.balance - held, lots: lots)
            if account.kind.keepsLots {
                let rules = try Rules(settings: tx.settings())
                let today = DayFormat.string(Date(millis: nowMillis), in: rules.timeZone)
                view.expiringBy = try DayFormat.adding(days: rules.expiringNoticeDays, to: today, in: rules.timeZone)
                view.expiringSoon = lots.filter { $0.expiresOn <= view.expiringBy }.reduce(0) { $0 + $1.remaining }
            }
            return view
        }
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
            var running = opening
            let lines = rows.map { row -> StatementLine in
                let t = SQLiteLedgerTransaction.transfer(row)
                let change = t.credit == id ? t.amount : -t.amount
                running += change
                return StatementLine(transfer: t, change: change, balanceAfter: running, counterparty: t.credit == id ? t.debit : t.credit)
            }
            return (opening, lines)
        }
    }
}
