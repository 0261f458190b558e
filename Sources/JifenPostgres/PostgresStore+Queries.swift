import Foundation
import JifenCore
import PostgresNIO

/// What the read-only commands show, from PostgreSQL.
extension PostgresStore {
    public func account(_ id: String) throws -> Account {
        try read { tx in
            guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
            return account
        }
    }

    /// Balance, holds and open lots, as the core reads them.
    public func balance(_ id: String, nowMillis: Int64) throws -> BalanceView {
        try read { try BalanceView.read(id, nowMillis: nowMillis, in: $0) }
    }

    /// Transfers touching an account between two instants, oldest first, with running balances;
    /// the opening balance is the stored one less everything at or after `from`.
    public func statement(_ id: String, fromMillis: Int64?, toMillis: Int64?, limit: Int = 10_000) throws -> (opening: Int64, lines: [StatementLine]) {
        try transaction(readOnly: true) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: false)
            guard let account = try tx.account(id) else { throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id) }
            let since = fromMillis ?? Int64.min
            let movedSince = try session.scalar(Int64.self, """
                SELECT COALESCE(SUM(CASE WHEN credit = $1 THEN amount ELSE -amount END), 0)::BIGINT FROM (
                    SELECT credit, amount FROM transfer WHERE debit = $1 AND at >= $2
                    UNION ALL SELECT credit, amount FROM transfer WHERE credit = $1 AND at >= $2) moved
                """, [id, since]) ?? 0
            let opening = account.balance - movedSince
            let transfers = try session.rows("""
                SELECT \(PostgresLedgerTransaction.transferColumns) FROM (
                    SELECT * FROM transfer WHERE debit = $1 AND at >= $2 AND at < $3
                    UNION ALL SELECT * FROM transfer WHERE credit = $1 AND at >= $2 AND at < $3) touching
                ORDER BY id LIMIT $4
                """, [id, since, toMillis ?? Int64.max, limit]).map(PostgresLedgerTransaction.transfer)
            return (opening, StatementLine.lines(transfers, account: id, opening: opening))
        }
    }

    /// Hours and records of a volunteer's approved service.
    public func serviceTotals(volunteer: String) throws -> ServiceTotals {
        try transaction(readOnly: true) { session in
            guard let row = try session.rows("""
                SELECT COALESCE(SUM(minutes), 0)::BIGINT, COUNT(*)::BIGINT FROM service_record WHERE volunteer = $1 AND status = 'approved'
                """, [volunteer]).first else { return ServiceTotals(minutes: 0, records: 0) }
            let (minutes, records) = try row.decode((Int64, Int64).self)
            return ServiceTotals(minutes: minutes, records: Int(records))
        }
    }

    public func isVolunteer(_ id: String) throws -> Bool {
        try transaction(readOnly: true) { try !$0.rows("SELECT 1 FROM volunteer WHERE id = $1", [id]).isEmpty }
    }

    /// The rules in force, from the stored settings and the core's defaults.
    public func rules() throws -> Rules {
        try read { try Rules(settings: $0.settings()) }
    }

    /// Outbox events after `id`, oldest first: what a notifier reads.
    public func outboxEvents(after id: Int64 = 0, limit: Int = 1000) throws -> [(id: Int64, event: OutboxEvent)] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT id, type, payload, created_at FROM event WHERE id > $1 ORDER BY id LIMIT $2", [id, limit]).map {
                let (id, type, payload, at) = try $0.decode((Int64, String, String, Int64).self)
                return (id, OutboxEvent(type: type, payload: payload, atMillis: at))
            }
        }
    }
}
