import Foundation
import GRDB
public import JifenCore

/// One transaction's reads and writes as SQL on one connection: every area's rows, one file per
/// area of the core (`SQLiteTransaction+Ledger.swift`, `+Merchants`, …). Plain queries only:
/// what they mean is decided in the core. Every write transaction is `BEGIN IMMEDIATE`, so it
/// runs alone: nothing here locks rows.
struct SQLiteTransaction: WriteTransaction, LedgerAuditing {
    let db: Database

    /// What this transaction has already read and need not ask again.
    let memo = Memo()

    /// Names of volunteers and merchants, read with their accounts (for the transfer's event).
    final class Memo {
        var names: [String: String?] = [:]
        /// The service record INSERT an import binds a row at a time.
        var recordInsert: Statement?
        /// What `prefetchPosting` read, until the next write.
        var prefetched: Prefetched?
    }

    func one(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func all(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func run(_ sql: String, _ arguments: StatementArguments) throws {
        memo.prefetched = nil
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension SQLiteStore {
    public func write<T>(_ body: (any WriteTransaction) throws -> T) throws -> T {
        try writeTransaction { db in try body(SQLiteTransaction(db: db)) }
    }

    public func read<T>(_ body: (any ReadTransaction & LedgerAuditing) throws -> T) throws -> T {
        try readTransaction { db in try body(SQLiteTransaction(db: db)) }
    }
}
