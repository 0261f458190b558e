import Foundation
import JifenCore
import JifenLoopback
import JifenNotify
import JifenTestSupport
import Synchronization
import Testing

@testable import JifenPostgres

/// Several notifiers sharing one PostgreSQL queue: claims skip the rows another notifier holds,
/// every delivery goes out exactly once, and the work is shared. Also `jifen webhook …` and
/// `jifen notify` through the real binary with `--db postgres://…`.
@Suite(.serialized, .tags(.alone), .needsPostgres)
struct PostgresNotifierTests {
    /// A claim meets rows that another transaction holds locked (another notifier in the middle of
    /// its claim): it takes the others at once instead of waiting, and the held ones stay queued.
    @Test func aClaimSkipsRowsAnotherTransactionHoldsInsteadOfWaiting() throws {
        let test = try QueueFixture.make(.postgres)
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(5, atMillis: 1_000)
        let ids = try Webhooks(store: test.db).deliveries().map(\.id).sorted()
        let locked = Array(ids.prefix(2))
        let holder = try PostgresStore.open(url: test.location)
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0),
            finished = DispatchSemaphore(value: 0)
        Thread {
            _ = try? holder.transaction(readOnly: false) { session in
                _ = try session.rows(
                    "SELECT id FROM webhook_delivery WHERE id = ANY($1::TEXT[]::BIGINT[]) FOR UPDATE",
                    [locked.map(String.init)])
                holding.signal()
                _ = release.wait(timeout: .now() + 30)
            }
            finished.signal()
        }.start()
        holding.wait()
        let started = Date()
        let claimed = try test.db.recordAndClaim([], owner: "b", nowMillis: 2_000, limit: 10, leaseMillis: 60_000)
        let waited = Date().timeIntervalSince(started)
        release.signal()
        finished.wait()
        #expect(claimed.map(\.id).sorted() == Array(ids.dropFirst(2)))
        #expect(waited < 10, "the claim waited \(waited) s for rows it should have skipped")
        let rest = try test.db.recordAndClaim([], owner: "b", nowMillis: 2_000, limit: 10, leaseMillis: 60_000)
        #expect(rest.map(\.id).sorted() == locked)
    }

    /// Two notifiers (separate connection pools, as two machines have) drain one queue against a
    /// real receiver on 127.0.0.1: every webhook-id arrives exactly once, none is missing, and
    /// both notifiers delivered some.
    @Test func twoNotifiersShareTheQueueAndDeliverEachEventExactlyOnce() async throws {
        let test = try QueueFixture.make(.postgres)
        let seen = Mutex<[String: Int]>([:])
        let server = try LoopbackServer { request in
            usleep(3_000)
            seen.withLock { $0[request.headers["webhook-id"] ?? "", default: 0] += 1 }
            return .respond(status: 200)
        }
        defer { server.stop() }
        try test.addWebhook(server.url(), events: "points.*")
        let count = 300
        try test.insertEvents(count)
        try test.insertEvents(20, type: "activity.published")  // not subscribed: never sent
        var settings = fastSettings()
        settings.concurrency = 8
        let first = try test.reopen(), second = try test.reopen()
        let stop = StopFlag()
        async let a = makeNotifier(first, settings: settings, once: false, owner: "notifier-a").run(until: stop)
        async let b = makeNotifier(second, settings: settings, once: false, owner: "notifier-b").run(until: stop)
        let done = try await eventually(90) {
            try Webhooks(store: test.db).deliveries(limit: count + 10).allSatisfy { $0.status == .delivered }
        }
        stop.set()
        let (summaryA, summaryB) = try await (a, b)
        #expect(done)
        let received = seen.withLock { $0 }
        let queued = Set(try Webhooks(store: test.db).deliveries(limit: count + 10).map(\.webhookID))
        #expect(queued.count == count)
        #expect(Set(received.keys) == queued)  // none missing, none foreign
        #expect(received.values.allSatisfy { $0 == 1 }, "\(received.filter { $0.value > 1 })")  // none twice
        #expect(summaryA.delivered > 0 && summaryB.delivered > 0, "a: \(summaryA.delivered), b: \(summaryB.delivered)")
        #expect(summaryA.delivered + summaryB.delivered == count && summaryA.attempts + summaryB.attempts == count)
    }

    /// Two `jifen notify` processes against one PostgreSQL share the work, each delivery once.
    @Test func twoNotifyProcessesShareOneQueue() async throws {
        #expect(jifenExecutable() != nil, "the jifen binary should be built next to the tests")
        let test = try QueueFixture.make(.postgres)
        let seen = Mutex<[String: Int]>([:])
        let server = try LoopbackServer { request in
            usleep(20_000)
            seen.withLock { $0[request.headers["webhook-id"] ?? "", default: 0] += 1 }
            return .respond(status: 200)
        }
        defer { server.stop() }
        let store = try PostgresStore.open(url: test.location)
        // `config set` is SQLite-only for now: the setting row as it would write it.
        try store.execute(
            unsafeSQL:
                "INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('webhook.concurrency', '4', 0, 'admin')"
        )
        let (status, output) = try runJifen(
            ["webhook", "add", server.url(), "--events", "points.*", "--allow-private"], db: test.location)
        #expect(status == 0, "\(output)")
        var processes: [(Process, Pipe)] = []
        for _ in 0..<2 {
            let process = try startJifen(["notify", "--json"], db: test.location)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append((process, pipe))
        }
        try await Task.sleep(for: .milliseconds(1_500))  // both running and polling
        let count = 200
        try test.insertEvents(count)
        let done = try await eventually(90) {
            try Webhooks(store: test.db).deliveries(limit: count + 10).allSatisfy { $0.status == .delivered }
        }
        var summaries: [NotifierSummary] = []
        for (process, pipe) in processes {
            process.terminate()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
            // `jifen --json` writes snake_case keys, like every command.
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            summaries.append(try decoder.decode(NotifierSummary.self, from: data))
        }
        #expect(done)
        let received = seen.withLock { $0 }
        #expect(received.count == count && received.values.allSatisfy { $0 == 1 })
        #expect(summaries.allSatisfy { $0.delivered > 0 }, "\(summaries)")
        #expect(summaries.map(\.delivered).reduce(0, +) == count)
    }

    /// The admin's whole round with the real binary on PostgreSQL: subscribe, a transfer, deliver,
    /// replay, pause and resume, rotate, remove; bad input and unknown ids refused.
    @Test func webhookCommandsAndNotifyWorkOnPostgres() async throws {
        #expect(jifenExecutable() != nil, "the jifen binary should be built next to the tests")
        let received = Mutex<[LoopbackServer.Request]>([])
        let server = try LoopbackServer { request in
            received.withLock { $0.append(request) }
            return .respond(status: 204)
        }
        defer { server.stop() }
        let scratch = try Scratch(.postgres, folderPrefix: "jifen-notify-", schemaPrefix: "n_")
        defer { scratch.remove() }
        let db = scratch.location
        func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
        func jifen(_ arguments: [String], expect expected: Int32 = 0) throws -> String {
            let (status, output) = try runJifen(arguments, db: db)
            #expect(status == expected, "\(arguments): \(output)")
            return output
        }
        _ = try jifen(["init", "--community", "玫瑰园社区", "--admin", "admin"])
        _ = try jifen(["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234"])
        // Bad input changes nothing; an unknown id is a refusal.
        _ = try jifen(["webhook", "add", "ftp://127.0.0.1/x", "--allow-private"], expect: 64)
        _ = try jifen(["webhook", "add", server.url(), "--events", "Points.*", "--allow-private"], expect: 64)
        _ = try jifen(["webhook", "pause", "7"], expect: 65)
        _ = try jifen(["--as", "V0001", "webhook", "add", server.url(), "--allow-private"], expect: 65)
        #expect(try json(jifen(["webhook", "list", "--json"])) as? [Any] != nil)
        #expect((try json(jifen(["webhook", "list", "--json"])) as? [Any])?.isEmpty == true)

        let added = try jifen(["webhook", "add", server.url(), "--events", "points.*", "--allow-private", "--json"])
        let addedObject = try #require(try json(added) as? [String: Any])
        let secret = try #require(addedObject["secret"] as? String)
        #expect(try jifen(["webhook", "list"]).contains("points.*"))
        _ = try jifen(["grant", "V0001", "120", "--reason", "纸质台账结转"])
        let notified = try jifen(["notify", "--once", "--json"])
        #expect((try json(notified) as? [String: Any])?["delivered"] as? Int == 1, "\(notified)")
        let first = try #require(received.withLock { $0.first })
        #expect(
            first.bodyText.contains(#""type":"points.granted""#) && first.bodyText.contains(#""points":120"#),
            "\(first.bodyText)")
        let webhookID = first.headers["webhook-id"] ?? ""
        #expect(
            WebhookSigning.verifyStandard(
                secret: secret, id: webhookID, timestamp: first.headers["webhook-timestamp"] ?? "",
                signatures: first.headers["webhook-signature"] ?? "", body: first.body))
        let deliveries = try #require(try json(jifen(["webhook", "deliveries", "--json"])) as? [[String: Any]])
        #expect(deliveries.count == 1 && deliveries.first?["status"] as? String == "delivered", "\(deliveries)")
        #expect(deliveries.first?["webhook_id"] as? String == webhookID)

        // A replay sends the same webhook-id again.
        let eventID = try #require(try Webhooks(store: PostgresStore.open(url: db)).deliveries().first?.event)
        #expect(try jifen(["webhook", "replay", "\(eventID)"]).contains("Queued 1"))
        _ = try jifen(["notify", "--once"])
        #expect(
            received.withLock { $0.count } == 2 && received.withLock { $0.last?.headers["webhook-id"] } == webhookID)

        // Paused: events queue but nothing goes out; resumed: they do.
        _ = try jifen(["webhook", "pause", "1"])
        _ = try jifen(["grant", "V0001", "5", "--reason", "测试"])
        _ = try jifen(["notify", "--once"])
        #expect(received.withLock { $0.count } == 2)
        _ = try jifen(["webhook", "resume", "1"])
        _ = try jifen(["notify", "--once"])
        #expect(received.withLock { $0.count } == 3)
        #expect(received.withLock { $0.last?.bodyText.contains(#""points":5"#) } == true)

        #expect(try jifen(["webhook", "test", "1"]).contains("answered HTTP 204"))
        #expect(received.withLock { $0.count } == 4 && received.withLock { $0.last?.bodyText.contains("ping") } == true)
        #expect(try jifen(["webhook", "rotate-secret", "1", "--overlap-hours", "2"]).contains("whsec_"))
        #expect(try jifen(["webhook", "replay", "--dead"]).contains("Queued 0"))
        #expect(try jifen(["webhook", "remove", "1"]).contains("Removed webhook #1"))
        #expect(try jifen(["webhook", "deliveries"]).contains("No deliveries"))
    }
}
