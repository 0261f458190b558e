import Foundation
import GRDB

/// What a stretch of work cost the store: for `scripts/bench ledger`, which prints the pages a
/// commit writes and the statements a transfer runs next to its rate.
public struct SQLiteCost: Sendable, Equatable {
    /// Statements the connection ran, BEGIN and COMMIT included (not those inside triggers).
    public var statements = 0
    /// Statements run inside triggers.
    public var triggerStatements = 0
    /// Pages appended to the WAL: each commit appends every page it changed.
    public var walFrames = 0
}

extension SQLiteStore {
    /// Runs `body` (which uses this store) and counts what it cost: the WAL is emptied first and
    /// not checkpointed meanwhile, so its frames are exactly the pages `body`'s commits wrote.
    /// A benchmark's instrument, not for the product's paths.
    public func measuringCost(_ body: () throws -> Void) throws -> SQLiteCost {
        var cost = SQLiteCost()
        let counter = Counter()
        let pageSize = try queue.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } ?? 4096
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            let echo = ProcessInfo.processInfo.environment["JIFEN_TRACE_SQL"] != nil
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event {
                    // JIFEN_TRACE_SQL=1 prints each statement to stderr: which ones a transfer runs.
                    if echo { FileHandle.standardError.write(Data((statement.sql + "\n").utf8)) }
                    if statement.sql.hasPrefix("--") { counter.triggers += 1 } else { counter.statements += 1 }
                }
            }
        }
        defer {
            try? queue.writeWithoutTransaction { db in
                db.trace(options: [])
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000")
            }
        }
        try body()
        cost.statements = counter.statements
        cost.triggerStatements = counter.triggers
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        // A WAL file is a 32-byte header and frames of a 24-byte header and one page each.
        cost.walFrames = max(0, size - 32) / (pageSize + 24)
        return cost
    }

    private final class Counter: @unchecked Sendable {
        var statements = 0
        var triggers = 0
    }
}
