import Foundation
import JifenTestSupport
import Testing

/// `jifen serve --metrics-listen`: Prometheus metrics on an address of their own, scraped from the
/// real binary after real requests; the counters move by what was done, no id, credential, code
/// or phone number is in a label or value, and `promtool check metrics` accepts the scrape.
@Suite(.serialized) struct MetricsTests {
    /// promtool, from Debian's `prometheus` package (`scripts/setup promtool`).
    static let promtool = "/usr/bin/promtool"
    /// The full `scripts/test` installs promtool and sets this: a missing promtool then fails.
    static var promtoolRequired: Bool { ProcessInfo.processInfo.environment["JIFEN_TEST_REQUIRE_PROMTOOL"] == "1" }
    static var promtoolRuns: Bool { FileManager.default.isExecutableFile(atPath: promtool) || promtoolRequired }
    static let promtoolSkip: Comment =
        "promtool is not installed (scripts/setup promtool) and this run does not require it: the scrape's lint is skipped; scripts/test runs it"

    /// A server with metrics on a free loopback port, and that port once it is printed. Its store's
    /// default group commit (SQLite 64 writes a commit; PostgreSQL 1, no group commit).
    static func server(_ box: Sandbox) throws -> (ServerProcess, String) {
        let server = try ServerProcess(box, extra: ["--metrics-listen", "127.0.0.1:0"])
        for _ in 0..<100 {
            if let port = server.metricsPort { return (server, "http://127.0.0.1:\(port)/metrics") }
            usleep(50_000)
        }
        server.stop()
        throw POSIXError(.ECONNREFUSED)
    }

    /// One scrape: every sample line, `name{labels}` → value.
    static func scrape(_ url: String) throws -> (text: String, samples: [String: Double]) {
        let answer = try http("GET", url)
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        var samples: [String: Double] = [:]
        for line in answer.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return (answer.text, samples)
    }

    @Test(arguments: StoreKind.allCases)
    func countersMoveByWhatWasDone(store: StoreKind) throws {
        let box = try ServerTests.community(store)
        let admin = ["JIFEN_ACTOR": "李主任"]
        try expectOK(
            box.jifen(
                ["webhook", "add", "http://127.0.0.1:9/hook", "--events", "points.*", "--allow-private"], env: admin))
        let token = try ServerTests.token(box, for: "V0001")
        let (server, metrics) = try Self.server(box)
        defer { server.stop() }
        // The API's port does not serve them.
        #expect(try http("GET", server.base + "/metrics").status == 404)
        let before = try Self.scrape(metrics).samples

        let transfer = try http(
            "POST", server.base + "/v1/transfers", token: token,
            json: ["from": "V0001", "to": "V0002", "points": 5, "memo": "metrics", "key": "metrics-1"])
        #expect(transfer.status == 200, "\(transfer)")
        #expect(try http("GET", server.base + "/v1/accounts/V0001/balance", token: token).status == 200)
        let wrong = "jf_" + String(repeating: "x", count: 40)
        #expect(try http("GET", server.base + "/v1/accounts/V0001/balance", token: wrong).status == 401)
        // One wrong enrolment code five times (its limit), then once more: refused unchecked.
        for _ in 0..<5 {
            #expect(
                try http("POST", server.base + "/v1/enrolments", json: ["code": "4F7K-9Q2M", "label": ""]).status == 401
            )
        }
        #expect(
            try http("POST", server.base + "/v1/enrolments", json: ["code": "4F7K-9Q2M", "label": ""]).status == 429)

        let (text, after) = try Self.scrape(metrics)
        func moved(_ key: String) -> Double { (after[key] ?? 0) - (before[key] ?? 0) }
        #expect(moved("jifen_ledger_transfers") == 1, "\(text)")
        #expect(moved("jifen_outbox_backlog") == 1)
        #expect(after["jifen_outbox_backlog"] == after["jifen_webhook_deliveries{status=\"pending\"}"])
        #expect(after["jifen_store_up"] == 1)
        #expect(moved(#"jifen_http_requests_total{route="/v1/transfers",method="POST",status="200"}"#) == 1, "\(text)")
        #expect(
            moved(#"jifen_http_requests_total{route="/v1/accounts/{account}/balance",method="GET",status="200"}"#) == 1)
        #expect(
            moved(#"jifen_http_requests_total{route="/v1/accounts/{account}/balance",method="GET",status="401"}"#) == 1)
        #expect(moved(#"jifen_http_requests_total{route="/v1/enrolments",method="POST",status="429"}"#) == 1)
        #expect(
            moved(#"jifen_http_request_duration_seconds_count{route="/v1/transfers",method="POST"}"#) == 1, "\(text)")
        #expect(moved(#"jifen_signin_refusals_total{kind="credential",reason="wrong"}"#) == 1)
        #expect(moved(#"jifen_signin_refusals_total{kind="enrolment_code",reason="wrong"}"#) == 5)
        #expect(moved(#"jifen_signin_refusals_total{kind="enrolment_code",reason="wait"}"#) == 1)
        #expect(moved(#"jifen_signin_lockouts_total{limit="per_code"}"#) == 1)
        if store == .sqlite {
            // The transfer and the six codes went through the group commit (the sixth refused inside it).
            #expect(moved("jifen_write_batch_size_count") >= 1)
            #expect(moved("jifen_write_batch_size_sum") == 7)
            #expect(moved(#"jifen_write_batch_duration_seconds_bucket{le="+Inf"}"#) >= 1)
        }
        // No id, credential, code or phone number: routes are templates.
        for secret in ["V0001", "V0002", token, wrong, "4F7K", "9Q2M", "13800001234", "127.0.0.1:9"] {
            #expect(!text.contains(secret), "the scrape shows \(secret)")
        }
    }

    @Test(.enabled(if: MetricsTests.promtoolRuns, MetricsTests.promtoolSkip))
    func promtoolAcceptsTheScrape() throws {
        let box = try ServerTests.community()
        let token = try ServerTests.token(box, for: "V0001")
        let (server, metrics) = try Self.server(box)
        defer { server.stop() }
        #expect(
            try http(
                "POST", server.base + "/v1/transfers", token: token,
                json: ["from": "V0001", "to": "V0002", "points": 1, "memo": "", "key": "lint-1"]
            ).status == 200)
        #expect(try http("GET", server.base + "/v1/accounts/V0001/balance", token: "jf_wrong").status == 401)
        #expect(try http("GET", server.base + "/no/such/path").status == 404)
        let text = try Self.scrape(metrics).text
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.promtool),
            "promtool is missing: run scripts/setup promtool")
        let file = box.directory.appendingPathComponent("scrape.txt")
        try Data(text.utf8).write(to: file)
        let check = try box.run("/bin/sh", ["-c", "\(Self.promtool) check metrics < '\(file.path)'"])
        #expect(check.status == 0, "promtool check metrics: \(check)\n\(text)")
    }

    @Test func aMetricsAddressOffLoopbackIsRefusedUnlessAllowed() throws {
        let box = try ServerTests.community()
        let refused = try box.jifen(["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "0.0.0.0:0"])
        #expect(refused.status == 64, "\(refused)")
        #expect(refused.stderr.contains("--metrics-allow-remote"), "\(refused)")
        #expect(try box.jifen(["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "9464"]).status == 64)
    }
}
