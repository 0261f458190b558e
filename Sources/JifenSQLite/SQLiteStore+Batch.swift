import Foundation
import GRDB
import JifenCore

/// The group commit's transaction, while its operations run on the writer's thread: the store's
/// `writeTransaction` and `readTransaction` find it here and work inside it.
final class SQLiteBatch: @unchecked Sendable {
    @TaskLocal static var current: SQLiteBatch?
    let db: Database
    /// The connection it belongs to: another store's transactions are not ours.
    let queue: ObjectIdentifier

    init(db: Database, queue: ObjectIdentifier) {
        self.db = db
        self.queue = queue
    }
}

extension SQLiteStore {
    /// Group commit: the operations run in order in one `BEGIN IMMEDIATE` transaction, each of
    /// their writes a savepoint (`writeTransaction`), and one COMMIT (one fsync at
    /// synchronous=FULL) makes them all durable. An operation that throws keeps its error; the
    /// others are not affected. When the transaction itself fails (the lock is not had in time,
    /// the disk is full, SQLite rolled it back), nothing of the batch is in the file and every
    /// operation gets that error.
    public func writeBatch<T>(_ operations: [() throws -> T]) -> [Result<T, any Error>] {
        var results: [Result<T, any Error>] = []
        results.reserveCapacity(operations.count)
        do {
            try mapErrors {
                try queue.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        let batch = SQLiteBatch(db: db, queue: ObjectIdentifier(queue))
                        try SQLiteBatch.$current.withValue(batch) {
                            for operation in operations {
                                results.append(Result { try operation() })
                                // Some errors (I/O, a full disk) make SQLite roll the whole
                                // transaction back: then the earlier answers would be untrue.
                                if !db.isInsideTransaction {
                                    if case .failure(let error) = results.last! { throw error }
                                    throw JifenError.fault(
                                        .database, zh: "数据库事务被中止，本批操作均未写入。",
                                        en: "The database transaction was aborted; nothing of this batch was written.")
                                }
                            }
                        }
                        return .commit
                    }
                }
            }
        } catch {
            let failure = (error as? JifenError) ?? Self.translate(error, path: path, busyTimeout: busyTimeout)
            return operations.map { _ in .failure(failure) }
        }
        return results
    }

    /// One write transaction around `body` (a batch of one); inside a group commit, the batch's.
    public func atomically<T>(_ body: () throws -> T) throws -> T {
        if let batch = SQLiteBatch.current, batch.queue == ObjectIdentifier(queue) { return try body() }
        return try withoutActuallyEscaping(body) { body in try writeBatch([body])[0].get() }
    }
}
