import Foundation
import GRDB
import JifenCore

/// The read connections of a server's store (`SQLiteStore.withReaders`): each a connection of its
/// own to the WAL file, so a read never waits for the writer's connection (busy inside a group
/// commit) nor for another read. A read takes an idle connection, runs in one read transaction on
/// it (`DatabaseQueue.read`: `BEGIN DEFERRED`, one snapshot from its first statement to its end),
/// and gives it back; it waits only when every connection is reading.
///
/// A read starts after the commits acknowledged before it: WAL's index is updated before COMMIT
/// returns, so a caller that got the answer of its write and then reads sees that write.
///
/// Nothing is written when they open (GRDB's `DatabasePool` would write a scratch table): the
/// store's own connection (the writer) set WAL when the file was created.
final class SQLiteReaders: @unchecked Sendable {
    let count: Int
    private let condition = NSCondition()
    private var idle: [DatabaseQueue]

    init(path: String, count: Int, configuration: Configuration) throws {
        self.count = max(1, count)
        var config = configuration
        config.label = "jifen-reader"
        // A small page cache each: the OS caches the file for all of them, and several large
        // caches would grow the server's memory with its reader count.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -16384") }
        idle = try (0..<self.count).map { _ in try DatabaseQueue(path: path, configuration: config) }
    }

    /// Runs `body` in one read transaction on an idle connection.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        condition.lock()
        while idle.isEmpty { condition.wait() }
        let connection = idle.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            idle.append(connection)
            condition.signal()
            condition.unlock()
        }
        return try connection.read(body)
    }
}
