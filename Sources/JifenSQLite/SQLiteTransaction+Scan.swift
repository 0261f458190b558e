import GRDB
import GRDBSQLite

/// Scans of the whole history (`verify`, `export`) on a small page cache.
///
/// Every connection is opened with a page cache of up to 256 MiB (`SQLiteStore.configuration`),
/// which keeps a large import's transaction in memory. A scan of the whole transfer table, or a
/// GROUP BY over every lot entry (SQLite's sorter takes as much memory as the cache allows),
/// would fill it, so the process's memory would grow with the history. Inside a scan the cache
/// is lowered to `scanCacheKiB` (SQLite frees the pages above it), and restored afterwards.
/// A write transaction keeps its cache: lowering it there would spill its dirty pages.
extension SQLiteTransaction {
    /// The page cache of a scan, in KiB: the memory a scan may hold, whatever the history's length
    /// (a test lowers it to see the bound on a small ledger).
    nonisolated(unsafe) static var scanCacheKiB = 8 * 1024

    /// Bytes of page cache this connection holds now.
    var pageCacheBytes: Int {
        var current: Int32 = 0
        var highest: Int32 = 0
        sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
        return Int(current)
    }

    func scanning<T>(_ body: () throws -> T) throws -> T {
        guard sqlite3_txn_state(db.sqliteConnection, nil) != SQLITE_TXN_WRITE,
            let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size"),
            case let limit = Self.scanCacheKiB,
            previous < 0 ? -previous > limit : previous * 4 > limit
        else { return try body() }
        try db.execute(sql: "PRAGMA cache_size = -\(limit)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(previous)") }
        return try body()
    }
}
