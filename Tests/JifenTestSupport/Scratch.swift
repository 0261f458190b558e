import Foundation
import JifenApp
import JifenCore
import JifenPostgres

/// A scratch place for one test's ledger: a fresh temp folder and, for PostgreSQL, a fresh
/// schema on the test server. `location` is what `--db` and `Stores.create/open` take (the
/// SQLite file's path, or the server URL with `?schema=`). When the last reference goes, the
/// folder is removed and the schema dropped, so a run leaves neither behind.
public final class Scratch: Sendable {
    public let kind: StoreKind
    public let directory: URL
    public let location: String
    /// The PostgreSQL schema, nil for SQLite.
    public let schema: String?

    /// - Parameters:
    ///   - folderPrefix: the temp folder's name before its UUID.
    ///   - file: the SQLite file's name inside the folder.
    ///   - schemaPrefix: the PostgreSQL schema's name before its UUID.
    /// - Throws: the `no-test-postgres` fault for `.postgres` when `JIFEN_TEST_POSTGRES` is unset.
    public init(
        _ kind: StoreKind, folderPrefix: String = "jifen-test-", file: String = "jifen.sqlite",
        schemaPrefix: String = "t_"
    ) throws {
        self.kind = kind
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(folderPrefix + UUID().uuidString)
        switch kind {
        case .sqlite:
            location = directory.appendingPathComponent(file).path
            schema = nil
        case .postgres:
            let schema = TestPostgres.freshSchema(prefix: schemaPrefix)
            location = TestPostgres.url(try TestPostgres.requireURL(), schema: schema)
            self.schema = schema
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    /// Creates the (empty) store: its tables only.
    public func create() throws -> any Store { try Stores.create(location) }

    /// Another handle on the same store with connections of its own, as another process has.
    public func open() throws -> any Store { try Stores.open(location) }

    /// Removes the folder and drops the schema now (also done when the last reference goes).
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
        if let schema, let store = try? PostgresStore.open(url: location) {
            try? store.execute(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    deinit { remove() }
}
