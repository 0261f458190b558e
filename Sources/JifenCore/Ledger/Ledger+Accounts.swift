import Foundation

/// An account, its balance and its statement, read inside one transaction each.
extension Ledger {
    public func account(_ id: String) throws -> Account {
        try store.read { tx in
            guard let account = try tx.account(id) else {
                throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id)
            }
            return account
        }
    }

    /// Balance, holds and open lots: one indexed lookup each, whatever the size of the ledger.
    public func balance(_ id: String, nowMillis: Int64) throws -> BalanceView {
        try store.read { try BalanceView.read(id, nowMillis: nowMillis, in: $0) }
    }

    /// Transfers touching an account between two instants, oldest first, with running balances.
    /// The opening balance is the stored balance less everything at or after `from`, so the cost
    /// grows with the lines shown, not with the ledger.
    public func statement(
        _ id: String, fromMillis: Int64?, toMillis: Int64?, limit: Int = 10_000
    ) throws -> (opening: Int64, lines: [StatementLine]) {
        try store.read { tx in
            guard let account = try tx.account(id) else {
                throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id)
            }
            let since = fromMillis ?? Int64.min
            let moved = try tx.movedSince(account: id, sinceMillis: since)
            let opening = account.balance - moved
            let transfers = try tx.transfers(
                touching: id, fromMillis: since, toMillis: toMillis ?? Int64.max, limit: limit)
            return (opening, StatementLine.lines(transfers, account: id, opening: opening))
        }
    }
}
