import Foundation
import GRDB

extension SQLiteStore {
    /// Copies the WAL into the database file and empties it, so page images written before a
    /// change (a plain ID number before it was sealed) are no longer in the -wal file.
    public func truncateWAL() throws {
        try mapErrors {
            try queue.writeWithoutTransaction { _ = try Row.fetchAll($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
    }
}
