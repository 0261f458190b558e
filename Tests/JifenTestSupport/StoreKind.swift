import Foundation
import JifenCore
import Testing

/// The stores a test runs against; each must pass every test unchanged.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    /// A real server named by `JIFEN_TEST_POSTGRES`; each scratch store gets a schema of its own.
    case postgres

    public var testDescription: String { rawValue }

    /// The stores this run covers, which store-parameterized tests take as their arguments: both
    /// when a PostgreSQL server is configured or required (`TestPostgres.runs`), else SQLite
    /// only (the fast loop), with the reason written once to standard error.
    public static var allCases: [StoreKind] {
        if TestPostgres.runs { return [.sqlite, .postgres] }
        _ = TestPostgres.noteSkipped
        return [.sqlite]
    }
}

/// The PostgreSQL server of the `.postgres` cases (scripts/test starts a throwaway one).
public enum TestPostgres {
    /// `JIFEN_TEST_POSTGRES`, or nil when unset or empty.
    public static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["JIFEN_TEST_POSTGRES"], !url.isEmpty else { return nil }
        return url
    }

    /// `JIFEN_TEST_REQUIRE_POSTGRES=1`: the PostgreSQL cases run even without a server, and fail.
    /// The full scripts/test sets it, so a PostgreSQL that did not start cannot pass as skipped.
    public static var required: Bool { ProcessInfo.processInfo.environment["JIFEN_TEST_REQUIRE_POSTGRES"] == "1" }

    /// Whether this run has PostgreSQL cases: a server is configured, or one is required.
    public static var runs: Bool { url != nil || required }

    /// Why the PostgreSQL cases are left out: the reason of `.enabled(if: TestPostgres.runs, …)`
    /// on the tests and suites that need PostgreSQL only.
    public static let skipReason: Comment =
        "no PostgreSQL configured (JIFEN_TEST_POSTGRES is unset): the PostgreSQL cases are skipped; scripts/test runs them"

    /// Writes the skip's reason to standard error, once per process.
    static let noteSkipped: Void = {
        FileHandle.standardError.write(Data("note: \(skipReason.rawValue)\n".utf8))
    }()

    /// The server's URL. Missing, the `.postgres` cases fail: they never skip once they run.
    public static func requireURL() throws -> String {
        guard let url else {
            throw JifenError.fault(
                .noTestPostgres,
                zh: "没有设置 JIFEN_TEST_POSTGRES，PostgreSQL 的测试无法运行。"
                    + "请用 scripts/test 运行测试（它会启动一个临时 PostgreSQL），或设为 postgres://用户@127.0.0.1:端口/数据库。",
                en:
                    "JIFEN_TEST_POSTGRES is not set, so the PostgreSQL cases cannot run. Run the tests with scripts/test"
                    + " (it starts a throwaway PostgreSQL), or set it to postgres://user@127.0.0.1:port/database."
            )
        }
        return url
    }

    /// A fresh schema name: `prefix` and a UUID, lower-case letters, digits and underscores only.
    public static func freshSchema(prefix: String = "t_") -> String {
        prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// `url` with `?schema=` (or `&schema=`) added.
    public static func url(_ url: String, schema: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}

/// The server URL of the test server, for tests that build their own schema URLs.
public func testPostgresURL() throws -> String { try TestPostgres.requireURL() }

extension Trait where Self == ConditionTrait {
    /// A test or suite that needs PostgreSQL only: skipped, with the reason, when the run has no
    /// PostgreSQL cases (`TestPostgres.runs`).
    public static var needsPostgres: Self { .enabled(if: TestPostgres.runs, TestPostgres.skipReason) }
}
