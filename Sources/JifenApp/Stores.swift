public import Foundation
public import JifenCore
import JifenPostgres
import JifenSQLite

/// Opening a store is a library call: a file path is the embedded SQLite store, a
/// `postgres://…` URL the server store. No front end chooses a store itself.
public enum Stores {
    /// True when `location` names a PostgreSQL server rather than a SQLite file.
    public static func isServer(_ location: String) -> Bool { PostgresTarget.isURL(location) }

    /// Opens an existing store without changing it.
    /// - Throws: `JifenError` (fault) when it is missing ("run jifen init"), not Jifen's, or unreachable.
    public static func open(_ location: String, busyTimeout: TimeInterval = 5) throws -> any Store {
        isServer(location)
            ? try PostgresStore.open(url: location) : try SQLiteStore.open(path: location, busyTimeout: busyTimeout)
    }

    /// Creates a new, empty store (its schema only; `JifenApp.initialise` then adds the first community).
    /// - Throws: refused when `location` already holds a ledger or another file.
    public static func create(_ location: String, busyTimeout: TimeInterval = 5) throws -> any Store {
        isServer(location)
            ? try PostgresStore.create(url: location) : try SQLiteStore.create(path: location, busyTimeout: busyTimeout)
    }

    /// The store as a server reads it: a SQLite store with `readers` read connections of its own
    /// besides the writer's (`SQLiteStore.withReaders`), so reads run beside the writer and each
    /// other; a PostgreSQL store as it is (its sessions already read in parallel).
    public static func serving(_ store: any Store, readers: Int) throws -> any Store {
        guard let sqlite = store as? SQLiteStore, sqlite.readerCount == 0 else { return store }
        return try sqlite.withReaders(readers)
    }
}
