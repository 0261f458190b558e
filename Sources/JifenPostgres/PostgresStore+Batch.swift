import Foundation
import JifenCore
import PostgresNIO

/// The group commit's transaction, while its operations run on the writer's thread: the store's
/// `transaction(readOnly:)` and `sealPending` find it here and work inside it.
final class PostgresBatch: @unchecked Sendable {
    @TaskLocal static var current: PostgresBatch?
    let session: PostgresSession
    /// The store's pool: another store's transactions are not ours.
    let pool: ObjectIdentifier
    /// A savepoint could not be rolled back: the transaction is lost and must not commit.
    var broken = false
    /// Earlier operations posted transfers not sealed yet: the batch seals them before an
    /// operation reads one back unsealed (`sealedRead`), else once at its end.
    var unsealed = false

    init(session: PostgresSession, pool: ObjectIdentifier) {
        self.session = session
        self.pool = pool
    }

    /// Runs a transaction's body as a savepoint of the batch's transaction: on an error, what it
    /// wrote is rolled back (and the rows it had locked, as this session remembers them, are
    /// as before it), as a rolled-back transaction would leave them.
    func savepoint<T>(readOnly: Bool, _ body: (PostgresSession) throws -> T) throws -> T {
        let before = session.locked.snapshot()
        let reserved = session.reservedTransferID
        let posted = session.postedTransfer
        let unsealedBefore = unsealed
        session.postedTransfer = nil
        session.send("SAVEPOINT jifen_op")
        do {
            let result = try body(session)
            if readOnly {
                session.send("RELEASE SAVEPOINT jifen_op")
            } else {
                // Transfers it posted take their place in the chain before a later operation of
                // the batch reads a transfer back (the batch is the sealer: a replay answers with
                // the chain's hash, as after their own commit and seal one at a time), else with
                // the others' at the batch's end: one sealing for many operations.
                if session.postedTransfer != nil { unsealed = true }
                // Waits for the writes sent without waiting: an error of theirs is this body's.
                try session.execute("RELEASE SAVEPOINT jifen_op")
            }
            if let posted { session.postedTransfer = max(posted, session.postedTransfer ?? posted) }
            return result
        } catch {
            session.postedTransfer = posted
            unsealed = unsealedBefore
            session.settle()
            do {
                try session.execute("ROLLBACK TO SAVEPOINT jifen_op")
            } catch {
                broken = true
                throw error
            }
            session.send("RELEASE SAVEPOINT jifen_op")
            session.locked.restore(before)
            session.reservedTransferID = reserved
            throw error
        }
    }
}

extension PostgresTransaction {
    /// Reads transfers with `read`; inside a group commit, when one came back unsealed while
    /// earlier operations' transfers await their seal (`PostgresBatch.unsealed`), seals them and
    /// reads again, so what is read back is in the chain, as one at a time.
    func sealedRead(_ read: () throws -> [Transfer]) throws -> [Transfer] {
        let transfers = try read()
        guard transfers.contains(where: { !$0.isSealed }), let batch = PostgresBatch.current,
            batch.session === session, batch.unsealed
        else { return transfers }
        batch.unsealed = false
        try Chain.seal(in: PostgresTransaction(session: session, writing: true))
        return try read()
    }
}

extension PostgresStore {
    /// Group commit: the operations run in order in one transaction, each of their transactions
    /// a savepoint of it, and one COMMIT (one WAL flush) makes them all durable.
    ///
    /// The batch takes the chain's sealing lock first, before any account lock, and holds it to
    /// its commit: batches of several `jifen serve` processes therefore run one after another and
    /// never wait on each other's account locks (no deadlock between batches); within a batch each
    /// posting locks its accounts in sorted order, as always. Holding the lock, the batch seals
    /// its own transfers (and any others waiting) inside its transaction, so what it answers
    /// carries the chain's place and hash. When PostgreSQL aborts the batch for a reason a rerun
    /// resolves (a deadlock with a one-at-a-time writer, a race on a unique key), the batch is
    /// rolled back and its operations run again one at a time, each with the usual retries.
    public func writeBatch<T>(_ operations: [() throws -> T]) -> [Result<T, any Error>] {
        var committing = false
        do {
            return try session { session in
                session.locked.reset()
                session.reservedTransferID = nil
                session.postedTransfer = nil
                session.send("BEGIN")
                session.send("SELECT pg_advisory_xact_lock($1)", [PostgresSchema.sealLock])
                do {
                    var results: [Result<T, any Error>] = []
                    results.reserveCapacity(operations.count)
                    let batch = PostgresBatch(session: session, pool: ObjectIdentifier(pool))
                    try PostgresBatch.$current.withValue(batch) {
                        for operation in operations {
                            do {
                                results.append(.success(try operation()))
                            } catch let error as PSQLError where PostgresFailure.isRetryable(error) {
                                throw error
                            } catch {
                                if batch.broken { throw error }
                                // A database error is translated; the operation's own refusal (a rule's
                                // JifenError, the sign-in limit's wait) is its answer, unchanged.
                                results.append(
                                    .failure(
                                        error is PSQLError ? PostgresFailure.translate(error, target: target) : error))
                            }
                        }
                        if session.postedTransfer != nil {
                            try Chain.seal(in: PostgresTransaction(session: session, writing: true))
                        }
                    }
                    // An aborted transaction's COMMIT answers ROLLBACK without an error: then
                    // nothing of the batch is in, and no operation may be told otherwise.
                    committing = true
                    guard try session.commitReportingSuccess() else {
                        throw JifenError.fault(
                            .database, zh: "PostgreSQL 回滚了这一批操作，均未写入。",
                            en: "PostgreSQL rolled this batch back; none of it was written.")
                    }
                    return results
                } catch {
                    session.settle()
                    _ = try? session.execute("ROLLBACK")
                    throw error
                }
            }
        } catch let error as PSQLError where PostgresFailure.isRetryable(error) {
            return operations.map { operation in Result { try operation() } }
        } catch  where PostgresFailure.losesPrimary(error) {
            pool.primaryLost()
            if committing && PostgresFailure.mayHaveCommitted(error) {
                let unknown = PostgresFailure.commitUnknown(target)
                return operations.map { _ in .failure(unknown) }
            }
            // Nothing of the batch was committed: each runs again alone, on the new primary if any.
            return operations.map { operation in Result { try operation() } }
        } catch {
            let failure = PostgresFailure.translate(error, target: target)
            return operations.map { _ in .failure(failure) }
        }
    }

    /// One write transaction around `body` (a batch of one: it takes the sealer's lock first, so
    /// such transactions of every process run one at a time); inside a group commit, the batch's.
    public func atomically<T>(_ body: () throws -> T) throws -> T {
        if let batch = PostgresBatch.current, batch.pool == ObjectIdentifier(pool) { return try body() }
        return try withoutActuallyEscaping(body) { body in try writeBatch([body])[0].get() }
    }
}
