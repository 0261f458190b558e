import Foundation
import JifenCore
import Testing

/// The stores a test runs against; each must pass every test unchanged.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    /// A real server named by `JIFEN_TEST_POSTGRES`; each scratch store gets a schema of its own.
    case postgres

    public var testDescription: String { rawValue }

    /// The kinds this run can reach: PostgreSQL only when `JIFEN_TEST_POSTGRES` is set. The
    /// conformance suites run `allCases`, so a missing server fails them rather than skipping.
    public static var available: [StoreKind] { TestPostgres.url == nil ? [.sqlite] : allCases }
}

/// The PostgreSQL server of the `.postgres` cases (scripts/test starts a throwaway one).
public enum TestPostgres {
    /// `JIFEN_TEST_POSTGRES`, or nil when unset or empty.
    public static var url: String? {
        guard let url = ProcessInfo.processInfo.environment["JIFEN_TEST_POSTGRES"], !url.isEmpty else { return nil }
        return url
    }

    /// The server's URL. Missing, the `.postgres` cases fail: they never skip.
    public static func requireURL() throws -> String {
        guard let url else {
            throw JifenError.fault(
                .noTestPostgres,
                zh:
                    "没有设置 JIFEN_TEST_POSTGRES，PostgreSQL 的测试无法运行。请用 scripts/test 运行测试（它会启动一个临时 PostgreSQL），或设为 postgres://用户@127.0.0.1:端口/数据库。",
                en:
                    "JIFEN_TEST_POSTGRES is not set, so the PostgreSQL cases cannot run. Run the tests with scripts/test (it starts a throwaway PostgreSQL), or set it to postgres://user@127.0.0.1:port/database."
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
