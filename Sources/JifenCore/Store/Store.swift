import Foundation

/// The store: one SQLite file (JifenSQLite's `SQLiteStore`) or one PostgreSQL database
/// (JifenPostgres's `PostgresStore`). This is the whole seam between the rules and the storage:
/// transactions over every area's rows (`ReadTransaction`, `WriteTransaction`, plus
/// `LedgerAuditing` for `verify` and `ChainSealing` for a store that seals after commit), and
/// each area's listings outside a transaction (`RegistryQueries`, `ServiceQueries`,
/// `SettingQueries`, `ReportQueries`, `WebhookQueries`), each answered by one store with its own
/// SQL. Every rule (who may, what is valid, what a listing shows) lives in the core and the
/// application layer, written once; a requirement here is SQL and row mapping only.
/// ARCHITECTURE.md says where a new rule or store goes.
public protocol Store:
    Sendable, RegistryQueries, ServiceQueries, SettingQueries, ReportQueries, WebhookQueries
{
    /// Runs `body` in a write transaction; writers are serialised by the store (SQLite: BEGIN
    /// IMMEDIATE; PostgreSQL: row locks in a fixed order), so the rules checked inside hold at commit.
    func write<T>(_ body: (any WriteTransaction) throws -> T) throws -> T
    func read<T>(_ body: (any ReadTransaction & LedgerAuditing) throws -> T) throws -> T
    /// Runs `body` on `workers` read transactions at once, each on its own connection and thread,
    /// all reading ONE snapshot of the store; then `finish` with their results (in no set order) on
    /// a transaction of that same snapshot. The bodies share out their work themselves (`verify
    /// --full` hands communities out from a queue). A store that cannot read in parallel (or a call
    /// inside a group commit) runs `body` once and `finish` in one read transaction.
    func readConcurrently<T: Sendable, U: Sendable>(
        workers: Int, _ body: @escaping @Sendable (any ReadTransaction & LedgerAuditing) throws -> T,
        finish: @escaping @Sendable ([T], any ReadTransaction & LedgerAuditing) throws -> U
    ) throws -> U
    /// Seals transfers committed but not yet chained (PostgreSQL; SQLite chains as it posts).
    func sealPending() throws -> Int
    /// Runs `operations` in order inside ONE write transaction made durable by one commit (group
    /// commit). While an operation runs, every `write` it calls is a savepoint of that transaction
    /// (a refusal rolls back only that write, as a rolled-back transaction would), and every
    /// `read` reads inside it, so each operation sees exactly the ones before it: its answer is
    /// what one-at-a-time execution in this order gives. Returns once the commit is durable (or
    /// has failed: then every operation fails with that error and none of them is in the store).
    /// - Returns: each operation's result or error, in order.
    func writeBatch<T>(_ operations: [() throws -> T]) -> [Result<T, any Error>]
    /// Runs `body` as one write transaction, every `write` and `read` it calls inside it (inside a
    /// group commit: inside the batch's), writers serialised as `writeBatch` serialises them: what
    /// it reads cannot change before what it writes is committed.
    func atomically<T>(_ body: () throws -> T) throws -> T
    /// The batch cap `jifen serve` uses when none is given: what measured best on this store
    /// (`scripts/bench serve`, `scripts/bench postgres`); 1 means one transaction per write.
    var defaultWriteBatch: Int { get }
}

extension Store {
    /// One read transaction: `body` once, then `finish`.
    public func readConcurrently<T: Sendable, U: Sendable>(
        workers: Int, _ body: @escaping @Sendable (any ReadTransaction & LedgerAuditing) throws -> T,
        finish: @escaping @Sendable ([T], any ReadTransaction & LedgerAuditing) throws -> U
    ) throws -> U {
        try read { tx in try finish([try body(tx)], tx) }
    }

    /// One transaction per operation: for a store that does not group commits.
    public func writeBatch<T>(_ operations: [() throws -> T]) -> [Result<T, any Error>] {
        operations.map { operation in Result { try operation() } }
    }
    /// Group commit pays on a store whose commit is an fsync (SQLite): 64 writes a commit.
    public var defaultWriteBatch: Int { 64 }
}
