import Foundation
public import JifenCore
import PostgresNIO

/// Reads for the notifier, tests and diagnostics that are no part of the `Store` seam.
extension PostgresStore {
    /// Outbox events after `id`, oldest first: what a notifier reads.
    public func outboxEvents(after id: Int64 = 0, limit: Int = 1000) throws -> [(id: Int64, event: OutboxEvent)] {
        try transaction(readOnly: true) { session in
            try session.rows(
                "SELECT id, type, payload, created_at FROM event WHERE id > $1 ORDER BY id LIMIT $2", [id, limit]
            ).map {
                let (id, type, payload, at) = try $0.decode((Int64, String, String, Int64).self)
                return (id, OutboxEvent(type: type, payload: payload, atMillis: at))
            }
        }
    }

    /// The first column of the rows of a read-only `sql`, as text: for tests and diagnostics that
    /// look at rows the `Store` protocol does not show (the test support is not a test target, so
    /// it reads through this, not through a testable import).
    public func textColumn(_ sql: String) throws -> [String] {
        try transaction(readOnly: true) { try $0.rows(sql).map { try $0.decode(String.self) } }
    }
}
