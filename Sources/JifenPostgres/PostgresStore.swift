import Foundation
public import JifenCore
public import Logging
import PostgresNIO

/// The server store: one PostgreSQL database (or schema) shared by several `jifen` processes on
/// several machines. It carries out the very same ledger operations as the SQLite store, through
/// `JifenCore.Ledger`; only the SQL and the way writers are kept apart differ.
///
/// A write transaction runs at READ COMMITTED and takes row locks (accounts in sorted order,
/// then the chain head). A transaction that PostgreSQL aborts for a deadlock, a serialisation
/// failure or a lost race on a unique key (two writers with the same idempotency key) is rolled
/// back and run again from the start, up to `maxAttempts` times: the rerun reads the winner's rows
/// and answers as the rules say (a replay, or a refusal).
public struct PostgresStore: Store {
    /// One transaction per write: on PostgreSQL, writes from a pool of connections in parallel
    /// measured faster than batches through one writer connection (110 against 38 transfers/s at
    /// 32 clients), so `jifen serve` batches only when `--batch-max` asks.
    public var defaultWriteBatch: Int { 1 }
    let pool: PostgresPool
    public let target: PostgresTarget
    public var maxAttempts = 20

    init(target: PostgresTarget, logger: Logger) {
        self.target = target
        pool = PostgresPool(target: target, logger: logger)
    }

    /// A logger that drops everything: the CLI reports errors itself.
    public static func quietLogger() -> Logger {
        Logger(label: "jifen.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Creates the Jifen tables in an empty database (or schema, created when missing).
    /// - Throws: `JifenError` (refused) when it already holds Jifen or other tables.
    public static func create(url: String, logger: Logger = quietLogger()) throws -> PostgresStore {
        try create(url: url, logger: logger, through: nil)
    }

    /// `create`, applying the migrations only up to and including `last` (tests that build a
    /// database as an older Jifen left it, then open it to migrate it forward).
    static func create(url: String, logger: Logger = quietLogger(), through last: String?) throws -> PostgresStore {
        let store = PostgresStore(target: try PostgresTarget(url: url), logger: logger)
        try store.session { session in
            if let schema = store.target.schema {
                try session.execute("CREATE SCHEMA IF NOT EXISTS \(PostgresTarget.quoted(schema))")
            }
            if try session.scalar(Bool.self, "SELECT to_regclass('jifen_migration') IS NOT NULL") == true {
                throw JifenError.refused(
                    .alreadyInitialised, zh: "\(store.target.display) 已经是积分数据库，无需再次初始化。",
                    en: "\(store.target.display) is already a Jifen database; there is nothing to initialise.")
            }
            let tables =
                try session.scalar(
                    Int64.self,
                    """
                    SELECT count(*)::BIGINT FROM information_schema.tables WHERE table_schema = current_schema()
                    """) ?? 0
            guard tables == 0 else {
                throw JifenError.refused(
                    .notEmpty,
                    zh: "\(store.target.display) 里已有 \(tables) 张别的表。请换一个空数据库（createdb）或 ?schema=，不会改动它。",
                    en: "\(store.target.display) already holds \(tables) other tables. "
                        + "Use an empty database (createdb) or a ?schema=; Jifen will not touch it."
                )
            }
        }
        try store.migrate(through: last)
        return store
    }

    /// Opens an existing Jifen database, applying migrations a newer Jifen added.
    /// - Throws: `JifenError` (fault) when it cannot be reached or holds no Jifen ledger.
    public static func open(url: String, logger: Logger = quietLogger()) throws -> PostgresStore {
        let store = PostgresStore(target: try PostgresTarget(url: url), logger: logger)
        let ready = try store.session {
            try $0.scalar(Bool.self, "SELECT to_regclass('jifen_migration') IS NOT NULL") == true
        }
        guard ready else {
            throw JifenError.fault(
                .noDatabase, zh: "\(store.target.display) 里还没有积分账本。请先运行 jifen init --db \(store.target.display)。",
                en:
                    "There is no Jifen ledger in \(store.target.display). Run `jifen init --db \(store.target.display)` first."
            )
        }
        try store.migrate()
        return store
    }

    /// Applies the migrations not yet recorded, in order, in one transaction under an advisory
    /// lock, so processes starting together migrate once.
    func migrate(through last: String? = nil) throws {
        try transaction(readOnly: false) { session in
            try session.execute("SELECT pg_advisory_xact_lock($1)", [PostgresSchema.migrationLock])
            try session.execute(
                "CREATE TABLE IF NOT EXISTS jifen_migration (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let done = Set(try session.rows("SELECT name FROM jifen_migration").map { try $0.decode(String.self) })
            for migration in PostgresSchema.migrations where !done.contains(migration.name) {
                for statement in migration.statements { try session.execute(statement) }
                try migration.then?(session)
                try session.execute(
                    "INSERT INTO jifen_migration (name, applied_at) VALUES ($1, $2)", [migration.name, Date().millis])
                if migration.name == last { break }
            }
        }
    }

    /// Runs one statement in its own transaction, outside the ledger's rules: for maintenance,
    /// and for tests that show what the database itself refuses.
    /// - Throws: `JifenError` (fault) with PostgreSQL's message when it refuses the statement.
    public func execute(unsafeSQL sql: String) throws {
        _ = try transaction(readOnly: false) { try $0.execute(sql) }
    }

    /// Statements sent and round trips made by this store's connections so far (tests and
    /// `jifen-pg-bench` divide their growth by the transfers written).
    public var wireCounts: PostgresWireCounts { pool.counts }

    // MARK: Store

    /// Returns once transfer `id` (committed) is sealed: by this caller when no one else is
    /// sealing, else by the sealer at work, whose next turn finds it. Writers thus never queue
    /// behind one another for the chain; one of them seals for all.
    /// Gives up after `patience` seconds (a sealer stuck on a huge backlog): the transfer is
    /// committed all the same and is sealed by that sealer's next turn.
    func seal(through id: Int64, patience: TimeInterval = 5) throws {
        var pause: UInt32 = 200
        let deadline = Date().addingTimeInterval(patience)
        while Date() < deadline {
            let done: Bool = try session { session in
                try sealTurn(session, look: try session.rows(together: Self.sealLook(id)))
            }
            if done { return }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// How many transfers one sealing turn reads at a time (`Chain.seal`'s batch).
    static let sealBatch = 1000

    /// Two statements outside any transaction, sent together: is transfer `id` sealed already, and
    /// if not, may this connection seal (a session advisory lock, taken only when no one else holds
    /// it; `jifen.sealer` says whether it was)? Then, when it may, the transfers awaiting their
    /// seal with their chains' heads: read once the lock is held (a statement of their own, so its
    /// snapshot is taken after the lock), and outside a transaction, as only the lock's holder
    /// changes what they read.
    static func sealLook(_ id: Int64) -> [(sql: String, values: [any PostgresBindable])] {
        [
            (
                """
                SELECT COALESCE((SELECT seq IS NOT NULL FROM transfer WHERE id = $1), true),
                    set_config('jifen.sealer', COALESCE((SELECT CASE WHEN seq IS NULL THEN pg_try_advisory_lock($2)
                        ELSE false END FROM transfer WHERE id = $1), false)::TEXT, false) = 'true'
                """,
                [id, PostgresSchema.sealLock]
            ),
            PostgresTransaction.unsealedQuery(limit: sealBatch, onlySealer: true),
        ]
    }

    /// Gives the sealer's lock back, sent right behind the sealing turn's COMMIT.
    static let sealUnlock: (sql: String, values: [any PostgresBindable]) = (
        "SELECT pg_advisory_unlock($1) AND set_config('jifen.sealer', 'false', false) = 'false'",
        [PostgresSchema.sealLock]
    )

    /// Acts on a `sealLook` answer: true when the transfer is sealed (already, or now by this
    /// connection, which then held the lock and releases it), false when another is sealing.
    func sealTurn(_ session: PostgresSession, look answers: [[PostgresRow]]) throws -> Bool {
        guard answers.count == 2, let (sealed, sealer) = try answers[0].first?.decode((Bool, Bool).self) else {
            return true
        }
        if sealed { return true }
        guard sealer else { return false }
        // A connection that cannot give the lock back is closed, which gives it back: a pooled
        // connection must never keep every other writer from sealing.
        session.locked.reset()
        session.waitingToSeal = (Self.sealBatch, answers[1])
        session.send("BEGIN")
        do {
            try Chain.seal(in: PostgresTransaction(session: session, writing: true))
            session.waitingToSeal = nil
            let unlocked = try session.commit(then: [Self.sealUnlock])
            if (try? unlocked?.first?.first?.decode(Bool.self)) != true { session.close() }
        } catch {
            session.waitingToSeal = nil
            session.settle()
            _ = try? session.execute("ROLLBACK")
            if (try? session.scalar(Bool.self, Self.sealUnlock.sql, Self.sealUnlock.values)) != true { session.close() }
            throw error
        }
        return true
    }

    /// Gives every committed transfer that awaits it a place in the hash chain (`JifenCore.Chain`),
    /// as the only sealer: an advisory lock makes concurrent sealers take turns, and a turn finds
    /// and seals everything committed before it, so under load one turn seals many transfers.
    /// - Returns: how many transfers were sealed.
    @discardableResult
    public func sealPending() throws -> Int {
        if let batch = PostgresBatch.current, batch.pool == ObjectIdentifier(pool) {
            // A group commit holds the sealer's lock from its start: it seals inside its transaction.
            return try batch.savepoint(readOnly: false) {
                try Chain.seal(in: PostgresTransaction(session: $0, writing: true))
            }
        }
        return try transaction(readOnly: false) { session in
            // Waits for a sealer at work (session lock, see `seal(through:)`), then is the sealer.
            session.send("SELECT pg_advisory_xact_lock($1)", [PostgresSchema.sealLock])
            return try Chain.seal(in: PostgresTransaction(session: session, writing: true))
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction, retried from the start when PostgreSQL aborted it for a
    /// reason a rerun can resolve. Reads run at REPEATABLE READ, so `verify` sees one snapshot.
    /// - Throws: the body's `JifenError` unchanged; database errors translated to `JifenError`.
    ///
    /// A transaction that posted transfers (a ledger write, an approval, an import…) has them
    /// sealed into the hash chain right after its commit (`seal(through:)`).
    func transaction<T>(readOnly: Bool, _ body: (PostgresSession) throws -> T) throws -> T {
        if let batch = PostgresBatch.current, batch.pool == ObjectIdentifier(pool) {
            return try batch.savepoint(readOnly: readOnly, body)
        }
        var posted: Int64?
        var sealed = false
        let result = try attempts(readOnly: readOnly) { session in
            session.postedTransfer = nil
            let result = try body(session)
            posted = session.postedTransfer
            return result
        } sealing: { session, look in
            // Right after the COMMIT, on the same connection (the look came with the COMMIT).
            sealed = (try? sealTurn(session, look: look)) ?? false
        }
        if let posted, !sealed {
            // The transfer is committed: a failure to seal it now must not report the write as
            // failed. It then waits for the next write's seal, or `jifen verify`'s.
            try? seal(through: posted)
        }
        return result
    }

    private func attempts<T>(
        readOnly: Bool, _ body: (PostgresSession) throws -> T,
        sealing: (PostgresSession, [[PostgresRow]]) -> Void
    ) throws -> T {
        var attempt = 0
        var reconnected = false
        while true {
            attempt += 1
            var committing = false
            do {
                return try session { session in
                    // Sent without waiting: the body's first query carries its error, if any.
                    session.locked.reset()
                    session.reservedTransferID = nil
                    session.send(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
                    do {
                        let result = try body(session)
                        committing = true
                        if let posted = session.postedTransfer {
                            let look = try session.commit(then: Self.sealLook(posted))
                            if let look { sealing(session, look) }
                        } else {
                            try session.commit()
                        }
                        return result
                    } catch {
                        session.settle()
                        _ = try? session.execute("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PSQLError where PostgresFailure.isRetryable(error) && attempt < maxAttempts {
                // Back off a little, more each time, with jitter, so the rerun meets fewer rivals.
                usleep(UInt32.random(in: 100...(500 * UInt32(min(attempt, 20)))))
            } catch  where PostgresFailure.losesPrimary(error) {
                // The primary is gone (or is a standby now): the next connection looks for it again.
                pool.primaryLost()
                if committing && !readOnly && PostgresFailure.mayHaveCommitted(error) {
                    // Never reported as done, never rerun here: a retry with the same key finds it
                    // on the new primary if it was written, and writes it once if it was not.
                    throw PostgresFailure.commitUnknown(target)
                }
                // Nothing was committed: one rerun, on the new primary if there is one by now.
                if reconnected { throw PostgresFailure.noPrimary(target, reasons: [PostgresFailure.brief(error)]) }
                reconnected = true
            } catch {
                throw PostgresFailure.translate(error, target: target)
            }
        }
    }

    /// Runs `body` on a pooled connection; a connection that failed is closed, not reused.
    func session<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let session: PostgresSession
        do {
            session = try pool.take()
        } catch {
            throw PostgresFailure.translate(error, target: target)
        }
        do {
            let result = try body(session)
            pool.give(session)
            return result
        } catch let error as JifenError {
            pool.give(session)
            throw error
        } catch let error as PSQLError where error.code == .server {
            pool.give(session)
            throw error
        } catch {
            session.close()
            throw error
        }
    }
}

/// Open connections kept for reuse within one process; new ones are opened on demand.
final class PostgresPool: @unchecked Sendable {
    let target: PostgresTarget
    let logger: Logger
    /// What every connection of this pool sent and waited for.
    let counts = PostgresWireCounts()
    private let lock = NSLock()
    private var idle: [PostgresSession] = []
    private var opened = 0

    init(target: PostgresTarget, logger: Logger) {
        self.target = target
        self.logger = logger
    }

    /// The host that last took a connection: tried first.
    private var preferred = 0
    /// Bumped when the primary is lost: connections opened before go back to no pool.
    private var generation = 0

    func take() throws -> PostgresSession {
        let (reused, id, generation): (PostgresSession?, Int, Int) = lock.withLock {
            while let session = idle.popLast() {
                if !session.isClosed { return (session, 0, self.generation) }
            }
            opened += 1
            return (nil, opened, self.generation)
        }
        if let reused { return reused }
        let session = try connect(id: id)
        session.generation = generation
        session.counts = counts
        return session
    }

    /// A connection to the first host, in order from the one that last answered, that accepts
    /// writes (when the target asks for one: several hosts, or `target_session_attrs=read-write`).
    /// - Throws: the connection's error with one host; with several, a configuration fault
    ///   (login refused, no such database) as it is, else `PostgresFailure.noPrimary`.
    private func connect(id: Int) throws -> PostgresSession {
        let hosts = target.hosts
        let start = lock.withLock { preferred }
        var reasons: [String] = []
        var lastError: (any Error)?
        for offset in 0..<hosts.count {
            let index = (start + offset) % hosts.count
            let host = hosts[index]
            do {
                let session = try PostgresSession.connect(target, host: host, id: id, logger: logger)
                if !target.requiresWritable {
                    lock.withLock { preferred = index }
                    return session
                }
                let writable: Bool
                do {
                    writable = try session.acceptsWrites()
                } catch {
                    session.close()
                    throw error
                }
                if writable {
                    lock.withLock { preferred = index }
                    return session
                }
                session.close()
                reasons.append("\(host) read-only")
            } catch {
                if hosts.count == 1 { throw error }
                if let psql = error as? PSQLError, let state = PostgresFailure.state(psql),
                    state.hasPrefix("28") || state == "3D000"
                {
                    throw error
                }
                lastError = error
                reasons.append("\(host) \(PostgresFailure.brief(error))")
            }
        }
        if hosts.count == 1, let lastError { throw lastError }
        throw PostgresFailure.noPrimary(target, reasons: reasons)
    }

    func give(_ session: PostgresSession) {
        let kept = lock.withLock {
            if session.generation == generation { idle.append(session) }
            return session.generation == generation
        }
        if !kept { session.close() }
    }

    /// The primary was lost (its connection failed, or it refused a write as read-only): every
    /// connection opened so far is closed, idle now or when given back, and the next `take`
    /// looks for the primary again, host by host.
    func primaryLost() {
        let dropped: [PostgresSession] = lock.withLock {
            generation += 1
            let all = idle
            idle.removeAll()
            return all
        }
        for session in dropped { session.close() }
    }

    deinit {
        for session in idle { session.close() }
    }
}
