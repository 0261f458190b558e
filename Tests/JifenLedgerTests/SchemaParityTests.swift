import Foundation
import GRDB
import JifenCore
import JifenSQLite
import JifenTestSupport
import Testing

@testable import JifenPostgres

/// The two stores keep the same tables and columns: a column added to one store only fails
/// here until the other store has it too, or it is listed below with the reason it differs.
@Suite struct SchemaParityTests {
    /// Tables `jifen migrate` leaves out on purpose, each with why; every other table must be in
    /// `LedgerTables.ordered`, or a migration would silently drop it (or fail on its foreign keys).
    static let notCopied: [String: String] = [
        "grdb_migrations": "the store's own record of its schema",
        "webhook_endpoint": "webhooks hold secrets and per-process leases: set up again on the new store",
        "webhook_filter": "webhooks are set up again on the new store",
        "webhook_delivery": "webhooks are set up again on the new store",
        "webhook_attempt": "webhooks are set up again on the new store",
        "code_wrong": "a merchant's recent wrong pay codes: a guessing limit's window, not the ledger",
    ]

    @Test func migrateCopiesEveryTableButThoseLeftOutOnPurpose() throws {
        let f = try Fixture.make(.sqlite)
        let tables = Set(
            try f.strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        let copied = Set(LedgerTables.ordered)
        #expect(tables.subtracting(copied).subtracting(Self.notCopied.keys).sorted() == [])
        #expect(copied.subtracting(tables).sorted() == [])
        // Parents before children: an office before the communities under it, a transfer before its checkpoint.
        let order = LedgerTables.ordered
        #expect(order.firstIndex(of: "office")! < order.firstIndex(of: "community")!)
        #expect(order.firstIndex(of: "merchant")! < order.firstIndex(of: "merchant_partner")!)
    }

    /// (table, column) pairs only SQLite has, each with why.
    static let onlySQLite: [String: String] = [
        "grdb_migrations.identifier":
            "SQLite records its applied migrations in GRDB's own table; PostgreSQL in jifen_migration"
    ]

    /// (table, column) pairs only PostgreSQL has, each with why.
    static let onlyPostgres: [String: String] = [
        "jifen_migration.name":
            "PostgreSQL records its applied migrations in jifen_migration; SQLite in GRDB's grdb_migrations",
        "jifen_migration.applied_at":
            "PostgreSQL records its applied migrations in jifen_migration; SQLite in GRDB's grdb_migrations",
        "chain_head.one":
            "PostgreSQL chains transfers after commit: writers lock this one-row head instead of the table "
            + "(SQLite's single writer chains as it posts)",
        "chain_head.last_seq":
            "PostgreSQL chains transfers after commit: the head holds the last sealed place in the chain",
        "chain_head.last_hash": "PostgreSQL chains transfers after commit: the head holds the last sealed hash",
    ]

    /// Every column of every table of a fresh SQLite store (`sqlite_master` and `PRAGMA
    /// table_info`; SQLite's own `sqlite_` tables left out), as `table.column`.
    func sqliteColumns() throws -> Set<String> {
        let scratch = try Scratch(.sqlite, folderPrefix: "jifen-parity-", file: "parity.sqlite")
        _ = try scratch.create()
        let store = try SQLiteStore.open(path: scratch.location)
        let pairs = try store.readTransaction { db in
            let tables = try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
            return try tables.flatMap { table in
                try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map {
                    "\(table).\($0["name"] as String)"
                }
            }
        }
        withExtendedLifetime(scratch) {}
        return Set(pairs)
    }

    /// Every column of every table of a fresh PostgreSQL schema (`information_schema.columns`), as `table.column`.
    func postgresColumns() throws -> Set<String> {
        let scratch = try Scratch(.postgres, folderPrefix: "jifen-parity-", schemaPrefix: "p_")
        _ = try scratch.create()
        let store = try PostgresStore.open(url: scratch.location)
        let pairs = try store.transaction(readOnly: true) { session in
            try session.rows(
                """
                SELECT c.table_name::TEXT, c.column_name::TEXT FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                """
            ).map { row -> String in
                let (table, column) = try row.decode((String, String).self)
                return "\(table).\(column)"
            }
        }
        withExtendedLifetime(scratch) {}
        return Set(pairs)
    }

    @Test(.needsPostgres)
    func tablesAndColumnsMatchExceptTheListedDifferences() throws {
        let sqlite = try sqliteColumns()
        let postgres = try postgresColumns()
        #expect(sqlite.count > 50, "\(sqlite.sorted())")
        #expect(
            sqlite.subtracting(postgres) == Set(Self.onlySQLite.keys),
            "only in SQLite: \(sqlite.subtracting(postgres).sorted())")
        #expect(
            postgres.subtracting(sqlite) == Set(Self.onlyPostgres.keys),
            "only in PostgreSQL: \(postgres.subtracting(sqlite).sorted())")
    }
}
