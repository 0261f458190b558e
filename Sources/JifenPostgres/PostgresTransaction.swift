import Foundation
public import JifenCore
import PostgresNIO

/// One transaction's reads and writes as SQL on one connection: every area's rows, one file per
/// area of the core (`PostgresTransaction+Ledger.swift`, `+Merchants`, …), as for SQLite. Plain
/// queries only: what they mean is decided in the core.
///
/// Concurrency, the PostgreSQL way (READ COMMITTED): `lock(accounts:)` takes the row locks of
/// the accounts an operation touches, sorted, before the core reads their balances. Each
/// statement reads the latest committed rows, so what is read after a lock is current.
/// Transfers are chained after commit (`Chaining.afterCommit`): nothing global is locked while
/// a transfer is written, and `PostgresStore` seals them right after the commit
/// (`PostgresTransaction+Sealing.swift`). In a write (`writing`), the rows the core reads to
/// change (activities, records, offers, redemptions, wishes) are read `FOR UPDATE`.
struct PostgresTransaction: WriteTransaction, LedgerAuditing {
    let session: PostgresSession
    /// True in a write transaction: the rows the core reads to change are then read `FOR UPDATE`.
    let writing: Bool
}

extension PostgresStore {
    public func write<T>(_ body: (any WriteTransaction) throws -> T) throws -> T {
        // An hour sheet refused for its bad rows (`ImportRefusal`) carries the rows' report to the
        // caller, as on SQLite: the transaction is rolled back and the refusal passes through
        // unchanged, instead of being taken for a failure to reach the server.
        var refusal: ImportRefusal?
        do {
            return try transaction(readOnly: false) { session in
                do {
                    return try body(PostgresTransaction(session: session, writing: true))
                } catch let error as ImportRefusal {
                    refusal = error
                    throw JifenError.usage(
                        .badRows, zh: "导入的文件有问题，未写入任何记录。", en: "The sheet has bad rows; nothing was written.")
                }
            }
        } catch {
            if let refusal { throw refusal }
            throw error
        }
    }

    public func read<T>(_ body: (any ReadTransaction & LedgerAuditing) throws -> T) throws -> T {
        try transaction(readOnly: true) { try body(PostgresTransaction(session: $0, writing: false)) }
    }
}
