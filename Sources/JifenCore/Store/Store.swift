import Foundation

/// The store: one SQLite file (JifenSQLite's `SQLiteStore`) or one PostgreSQL database
/// (JifenPostgres's `PostgresStore`). This is the whole seam between the rules and the storage:
/// transactions over row-level reads and writes (`LedgerReading`, `LedgerWriting`,
/// `ServiceWriting`, `ChainSealing`, `LedgerAuditing`), and the bulk reads and writes below,
/// each answered by one store with its own SQL. Every rule (who may, what is valid, what a
/// listing shows) lives in the core and the application layer, written once; a requirement
/// here is SQL and row mapping only. ARCHITECTURE.md says where a new rule or store goes.
/// The operations that carry rules (registry, offers, settings, certificates, statements,
/// webhook admin) are `extension Store` in Store+Registry.swift, Store+Rules.swift and
/// Store+Webhooks.swift, written once over `write`/`read` and the row-level protocols.
public protocol Store: Sendable {
    // MARK: Transactions

    /// Runs `body` in a write transaction; writers are serialised by the store (SQLite: BEGIN
    /// IMMEDIATE; PostgreSQL: row locks in a fixed order), so the rules checked inside hold at commit.
    func write<T>(_ body: (any ServiceWriting) throws -> T) throws -> T
    func read<T>(_ body: (any LedgerReading & LedgerAuditing) throws -> T) throws -> T
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

    // MARK: Rules and roles

    func settingChanges() throws -> [SettingChange]
    func isAdmin(_ actor: String) throws -> Bool
    func isVolunteer(_ id: String) throws -> Bool
    /// Teams the actor organizes (exact id match), none when not an organizer.
    func organizedTeams(_ actor: String) throws -> [String]

    // MARK: Registry

    func resolveCommunity(_ id: String?) throws -> Community
    func volunteers(community: String?, team: String?) throws -> [Volunteer]
    func merchants(community: String?) throws -> [Merchant]
    func teams() throws -> [Team]

    // MARK: Points

    /// - Parameters:
    ///   - startMillis, endMillis: the month, `[start, end)`.
    ///   - firstDay, lastDay: the month's days in the community's zone (for service records).
    ///   - sinceMillis: the month's end when it has passed: read `movedSince` from it; else nil.
    func reportSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?
    ) throws -> ReportSums

    // MARK: Service

    /// Activities ordered by start, then id; `startingAfter`: ending after it; `endingBefore`: ended by it.
    func activities(team: String?, startingAfter: Int64?, endingBefore: Int64?) throws -> [Activity]
    /// The volunteer a service record belongs to, nil when there is no such record.
    func recordVolunteer(_ id: String) throws -> String?
    func serviceTotals(volunteer: String) throws -> ServiceTotals

    // MARK: Webhooks and the notifier

    /// Every subscription, oldest first. Secrets are in the values: render them nowhere.
    func webhooks() throws -> [WebhookEndpoint]
    /// Deliveries, newest first; of one subscription, or only the dead ones, when asked.
    func deliveries(endpoint: Int64?, deadOnly: Bool, limit: Int) throws -> [DeliveryView]
    /// Records finished attempts, then leases up to `limit` due deliveries to `owner`.
    /// - Parameters:
    ///   - records: attempts finished since the last call; recorded only under the owner's lease.
    ///   - leaseMillis: how long the claim holds; past it another notifier may take the delivery.
    /// - Returns: the deliveries now leased to `owner`, oldest due first.
    func recordAndClaim(
        _ records: [AttemptRecord], owner: String, nowMillis: Int64, limit: Int,
        leaseMillis: Int64
    ) throws -> [ClaimedDelivery]
}

extension Store {
    /// One transaction per operation: for a store that does not group commits.
    public func writeBatch<T>(_ operations: [() throws -> T]) -> [Result<T, any Error>] {
        operations.map { operation in Result { try operation() } }
    }
    /// Group commit pays on a store whose commit is an fsync (SQLite): 64 writes a commit.
    public var defaultWriteBatch: Int { 64 }
}
