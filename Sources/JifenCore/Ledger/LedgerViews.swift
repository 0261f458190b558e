import Foundation

// What `balance` and `statement` show, the same from every store.

/// A line of a statement: a transfer seen from one account, with the balance after it.
public struct StatementLine: Sendable, Codable, Equatable {
    public var transfer: Transfer
    /// Positive when points came in, negative when they went out.
    public var change: Int64
    public var balanceAfter: Int64
    public var counterparty: String

    public init(transfer: Transfer, change: Int64, balanceAfter: Int64, counterparty: String) {
        self.transfer = transfer
        self.change = change
        self.balanceAfter = balanceAfter
        self.counterparty = counterparty
    }

    /// Lines for `transfers` of `account`, oldest first, from the balance before the first one.
    public static func lines(_ transfers: [Transfer], account: String, opening: Int64) -> [StatementLine] {
        var running = opening
        return transfers.map { t in
            let change = t.credit == account ? t.amount : -t.amount
            running += change
            return StatementLine(
                transfer: t, change: change, balanceAfter: running,
                counterparty: t.credit == account ? t.debit : t.credit)
        }
    }
}

/// What `balance` shows.
public struct BalanceView: Sendable, Codable, Equatable {
    public var account: String
    public var balance: Int64
    public var held: Int64
    public var available: Int64
    /// Lots still holding usable points, soonest expiry first (lapsed ones are counted in `lapsed`).
    public var lots: [Lot]
    /// Points lapsing within `points.expiring_notice_days` of today (day lapsing on or before `expiringBy`).
    public var expiringSoon: Int64 = 0
    public var expiringBy: String = ""
    /// Points whose day has come that `expire` has not moved yet: no longer spendable.
    public var lapsed: Int64 = 0

    public init(account: String, balance: Int64, held: Int64, available: Int64, lots: [Lot]) {
        self.account = account
        self.balance = balance
        self.held = held
        self.available = available
        self.lots = lots
    }

    /// Balance, holds and open lots: one indexed lookup each, whatever the size of the ledger.
    /// Lapsed points (their day has come, `expire` has not moved them yet) are not available and
    /// are shown apart; expiring-soon counts only points still usable today.
    /// - Throws: `JifenError` (refused) for an unknown account.
    public static func read(_ id: String, nowMillis: Int64, in tx: any ReadTransaction) throws -> BalanceView {
        guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
        guard account.kind.keepsLots else {
            let held = try tx.heldAmount(account: id, nowMillis: nowMillis)
            return BalanceView(
                account: id, balance: account.balance, held: held, available: account.balance - held, lots: [])
        }
        let standing = try Lots.standing(account: id, nowMillis: nowMillis, in: tx)
        var view = BalanceView(
            account: id, balance: account.balance, held: standing.held,
            available: standing.available(balance: account.balance),
            lots: standing.lots.filter { !standing.isLapsed($0) })
        view.lapsed = standing.lapsed
        let rules = try Rules(settings: tx.settings())
        view.expiringBy = try DayFormat.adding(days: rules.expiringNoticeDays, to: standing.today, in: rules.timeZone)
        view.expiringSoon = view.lots.filter { $0.expiresOn <= view.expiringBy }
            .reduce(0) { $0 + $1.remaining }
        return view
    }
}

/// Totals of a volunteer's approved service.
public struct ServiceTotals: Sendable, Codable, Equatable {
    public var minutes: Int64
    public var records: Int
    public init(minutes: Int64, records: Int) { self.minutes = minutes; self.records = records }
}
