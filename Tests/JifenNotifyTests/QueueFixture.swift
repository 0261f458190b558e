import Foundation
import JifenCore
import JifenNotify
import JifenPostgres
import JifenSQLite
import Testing

/// The stores the delivery-queue suite runs against; each must pass every test unchanged.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite
    /// A real server named by `JIFEN_TEST_POSTGRES`; each fixture gets a schema of its own.
    case postgres
    var testDescription: String { rawValue }
}

/// What the queue tests use of a store: the webhook side and the ledger's writes (for events).
typealias QueueStore = Store

/// The PostgreSQL server of the `.postgres` cases. Missing, they fail: they never skip.
func testPostgresURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["JIFEN_TEST_POSTGRES"], !url.isEmpty else {
        throw JifenError.fault("no-test-postgres", zh: "没有设置 JIFEN_TEST_POSTGRES。请用 scripts/test 运行测试，它会启动一个临时 PostgreSQL。",
                               en: "JIFEN_TEST_POSTGRES is not set. Run the tests with scripts/test, which starts a throwaway PostgreSQL.")
    }
    return url
}

/// A URL for a fresh, empty schema on the test server.
func freshPostgresURL() throws -> String {
    let url = try testPostgresURL()
    let schema = "n_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
}

/// A fresh ledger with a community and the admin `admin`, on either store.
struct QueueFixture: WebhookFixture {
    let kind: StoreKind
    let db: any QueueStore
    /// The SQLite file's path or the PostgreSQL URL (with its schema): what `--db` takes.
    let location: String
    let sqlite: TestDatabase?

    static func make(_ kind: StoreKind) throws -> QueueFixture {
        switch kind {
        case .sqlite:
            let test = try TestDatabase()
            return QueueFixture(kind: kind, db: test.db, location: test.path, sqlite: test)
        case .postgres:
            let url = try freshPostgresURL()
            let store = try PostgresStore.create(url: url)
            _ = try store.initialise(communityName: "玫瑰园社区", admin: "admin", nowMillis: Date().millis)
            return QueueFixture(kind: kind, db: store, location: url, sqlite: nil)
        }
    }

    /// Another handle on the same database with connections of its own, as another process has.
    func reopen() throws -> any QueueStore {
        switch kind {
        case .sqlite: try SQLiteStore.open(path: location)
        case .postgres: try PostgresStore.open(url: location)
        }
    }

    func remove() { sqlite?.remove() }

    var queueStore: any QueueStore { db }

    /// Registers a volunteer through the store's own registry.
    func addVolunteer(_ name: String) throws -> Volunteer {
        let input = Volunteer(community: "C01", name: name, phone: "13800001234")
        switch db {
        case let sqlite as SQLiteStore: return try sqlite.addVolunteer(input, actor: "admin", nowMillis: 1)
        case let postgres as PostgresStore: return try postgres.addVolunteer(input, actor: "admin", nowMillis: 1)
        default: throw JifenError.fault("test", zh: "未知的存储", en: "unknown store")
        }
    }
}
