import Foundation
import GRDB
public import JifenCore

/// Reads on several connections at once, all of one snapshot (`verify --full`: communities in parallel).
extension SQLiteStore {
    /// Opens `workers` extra read connections (WAL lets readers run beside each other and beside a
    /// writer) and starts a read transaction on each while this process holds the write lock
    /// (`BEGIN IMMEDIATE`, only for the moment they take to start), so no commit falls between
    /// them: every worker, and `finish` (on the first worker's transaction, once every body has
    /// returned), reads the same snapshot. Each connection keeps a small page cache: a scan of the
    /// whole history must not fill a large one on every connection.
    public func readConcurrently<T: Sendable, U: Sendable>(
        workers: Int, _ body: @escaping @Sendable (any ReadTransaction & LedgerAuditing) throws -> T,
        finish: @escaping @Sendable ([T], any ReadTransaction & LedgerAuditing) throws -> U
    ) throws -> U {
        if workers <= 1 || SQLiteBatch.current != nil {
            return try read { tx in try finish([try body(tx)], tx) }
        }
        var config = Self.configuration(busyTimeout: busyTimeout)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -8192") }
        let connections = try mapErrors {
            try (0..<workers).map { _ in try DatabaseQueue(path: path, configuration: config) }
        }
        let run = ConcurrentRun<T>(workers: workers)
        let output = Output<U>()
        try writeTransaction { _ in
            run.spawn { index in
                try connections[index].read { db in
                    // The first read fixes this connection's snapshot, while no one can commit.
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM community")
                    run.started(index)
                    let tx = SQLiteTransaction(db: db)
                    run.add(index, try body(tx))
                    guard index == 0 else { return }
                    run.waitBodies()
                    output.set(try finish(try run.results(), tx))
                }
            }
            run.waitStarted()
        }
        run.waitThreads()
        return try mapErrors {
            _ = try run.results()
            return try output.get()
        }
    }
}

/// One value set by another thread.
final class Output<U: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: U?
    func set(_ value: U) { lock.withLock { self.value = value } }
    func get() throws -> U {
        guard let value = lock.withLock({ value }) else { throw CancellationError() }
        return value
    }
}
