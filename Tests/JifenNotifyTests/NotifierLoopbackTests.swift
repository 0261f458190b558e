import Foundation
import JifenCore
import JifenLoopback
import JifenNotify
import JifenSQLite
import JifenTestSupport
import Logging
import Synchronization
import Testing

/// The notifier against a real HTTP receiver on 127.0.0.1, through the real URLSession transport.
@Suite(.serialized, .tags(.alone)) struct NotifierLoopbackTests {
    enum Behaviour: String, Sendable, CaseIterable {
        case ok, serverError, tooMany, gone, robotError, hang, reset, redirect
    }

    @Test(arguments: Behaviour.allCases)
    func eachAnswerIsRecordedAsItShouldBe(_ behaviour: Behaviour) async throws {
        let server = try LoopbackServer { _ in
            switch behaviour {
            case .ok: .respond(status: 200, body: #"{"ok":true}"#)
            case .serverError: .respond(status: 500)
            case .tooMany: .respond(status: 429, headers: ["Retry-After": "120"])
            case .gone: .respond(status: 410)
            case .robotError: .respond(status: 200, body: #"{"errcode":310000,"errmsg":"sign not match"}"#)
            case .hang: .hang(seconds: 5)
            case .reset: .reset
            case .redirect: .respond(status: 302, headers: ["Location": "http://127.0.0.1:1/elsewhere"])
            }
        }
        defer { server.stop() }
        let test = try TestDatabase()
        defer { test.remove() }
        let format: WebhookFormat = behaviour == .robotError ? .dingtalk : .standard
        let endpoint = try test.addWebhook(
            server.url("/hook?access_token=t"), format: format, secret: format == .dingtalk ? "SECx" : nil)
        try test.insertEvents(1)
        let started = Date().millis
        let summary = try await makeNotifier(test.db, settings: fastSettings(schedule: [60_000], timeout: 1)).run(
            until: StopFlag())
        let elapsed = Date().millis - started
        let delivery = try #require(try Webhooks(store: test.db).deliveries().first)
        #expect(summary.attempts == 1)
        #expect(server.requests.count == 1)  // never a redirect followed, never a second try within --once
        switch behaviour {
        case .ok:
            #expect(delivery.status == .delivered && delivery.lastStatusCode == 200)
        case .gone:
            #expect(delivery.status == .pending && delivery.lastStatusCode == 410)
            #expect(try Webhooks(store: test.db).webhook(endpoint.id).status == .disabled)
        case .tooMany:
            #expect(delivery.status == .pending && delivery.nextAttemptAtMillis >= started + 120_000)
        case .hang:
            #expect(
                delivery.status == .pending && delivery.lastStatusCode == nil && delivery.lastError.contains("timeout"))
            #expect(elapsed < 4_000)
        case .reset:
            #expect(
                delivery.status == .pending && delivery.lastStatusCode == nil
                    && delivery.lastError.contains("connection"))
        case .robotError:
            #expect(
                delivery.status == .pending && delivery.lastStatusCode == 200 && delivery.lastError.contains("310000"))
        case .serverError, .redirect:
            #expect(delivery.status == .pending && delivery.lastStatusCode == (behaviour == .redirect ? 302 : 500))
            #expect(delivery.nextAttemptAtMillis >= started + 60_000)
        }
        if behaviour != .ok { #expect(delivery.attempts == 1 && !delivery.lastError.isEmpty) }
    }

    /// A flaky receiver that keeps the ids it has processed: every event arrives, each is
    /// processed exactly once although some are sent more than once, and every signature verifies.
    @Test func everyEventIsDeliveredAndProcessedExactlyOnce() async throws {
        let test = try TestDatabase()
        defer { test.remove() }
        let receiver = DedupingReceiver()
        let secret = try WebhookSigning.secret(nil, for: .standard)
        let server = try LoopbackServer { receiver.handle($0, secret: secret) }
        defer { server.stop() }
        try test.addWebhook(server.url(), events: "points.*", secret: secret)
        try test.insertEvents(150)
        try test.insertEvents(10, type: "activity.published")  // not subscribed: never sent
        let stop = StopFlag()
        let notifier = makeNotifier(test.db, settings: fastSettings(), once: false)
        async let run = notifier.run(until: stop)
        let done = try await eventually(30) {
            try Webhooks(store: test.db).deliveries(limit: 1000).allSatisfy { $0.status == .delivered }
        }
        stop.set()
        let summary = try await run
        #expect(done)
        let state = receiver.state.withLock { $0 }
        #expect(state.badSignatures == 0)
        #expect(state.processed.count == 150)
        #expect(state.duplicates > 0)  // retries of answers lost after processing were really sent
        #expect(summary.delivered == 150 && summary.attempts > 150)
        #expect(Set(state.processed.values).count == 150)  // 150 distinct events
    }

    @Test func theFourFormatsArriveSignedAndRendered() async throws {
        let test = try TestDatabase()
        defer { test.remove() }
        let server = try LoopbackServer { request in
            request.target.hasPrefix("/feishu")
                ? .respond(status: 200, body: #"{"code":0,"msg":"success"}"#)
                : request.target.hasPrefix("/standard")
                    ? .respond(status: 204) : .respond(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#)
        }
        defer { server.stop() }
        let secret = try WebhookSigning.secret(nil, for: .standard)
        try test.addWebhook(server.url("/standard"), events: "activity.*", secret: secret)
        try test.addWebhook(server.url("/wecom?key=k"), format: .wecom, events: "activity.*", rate: 20)
        try test.addWebhook(
            server.url("/ding?access_token=t"), format: .dingtalk, events: "activity.*", secret: "SECding", rate: 20)
        try test.addWebhook(
            server.url("/feishu/hook"), format: .feishu, events: "activity.*", secret: "fsecret", rate: 20)
        try test.db.write { tx in
            try tx.insert(
                event: OutboxEvent(
                    type: "activity.published",
                    payload: Events.json([
                        "title": "社区义诊", "place": "玫瑰园社区卫生室", "start": "2026-11-28T01:00:00Z", "rate": "12",
                        "places_left": "4",
                    ]), atMillis: Date().millis))
        }
        let summary = try await makeNotifier(test.db, settings: fastSettings()).run(until: StopFlag())
        #expect(summary.delivered == 4)
        let byPath = Dictionary(
            uniqueKeysWithValues: server.requests.map { (String($0.target.prefix { $0 != "?" }), $0) })
        let standard = try #require(byPath["/standard"])
        #expect(
            WebhookSigning.verifyStandard(
                secret: secret, id: standard.headers["webhook-id"] ?? "",
                timestamp: standard.headers["webhook-timestamp"] ?? "",
                signatures: standard.headers["webhook-signature"] ?? "", body: standard.body))
        let wecom = try #require(byPath["/wecom"])
        #expect(wecom.bodyText.contains("新活动：社区义诊"))
        let ding = try #require(byPath["/ding"])
        let timestamp = try #require(Int64(ding.query["timestamp"] ?? ""))
        #expect(
            ding.query["sign"]
                == WebhookSigning.queryEncode(
                    WebhookSigning.dingTalkSign(secret: "SECding", timestampMillis: timestamp)))
        #expect(ding.bodyText.contains("地点：玫瑰园社区卫生室"))
        let feishuRequest = try #require(byPath["/feishu/hook"])
        let feishu = try #require(try JSONSerialization.jsonObject(with: feishuRequest.body) as? [String: Any])
        let seconds = try #require(Int64(feishu["timestamp"] as? String ?? ""))
        #expect(feishu["sign"] as? String == WebhookSigning.feishuSign(secret: "fsecret", timestampSeconds: seconds))
        #expect(((feishu["content"] as? [String: Any])?["text"] as? String)?.contains("每小时积分：12") == true)
    }

    /// A receiver that resets every kept-alive connection. Before the fix,
    /// libcurl reconnected inside the attempt and sent the signed headers without the body, and
    /// the attempt ran into its timeout. Now every request that reaches the receiver has its whole
    /// body, and a reset is a failed attempt at once (a connection failure, never a timeout).
    @Test func aReceiverThatResetsReusedConnectionsGetsWholeBodiesAndResetsFailFast() async throws {
        let test = try TestDatabase()
        defer { test.remove() }
        let firsts = Mutex<[String: Int]>([:])
        let server = try LoopbackServer { request in
            if request.connectionIndex > 0 { return .reset }  // a reused connection: reset it
            // Every other event's first attempt is reset too, on a new connection.
            let order = firsts.withLock { seen -> Int? in
                let id = request.headers["webhook-id"] ?? ""
                guard seen[id] == nil else { return nil }
                seen[id] = seen.count
                return seen[id]
            }
            if let order, order % 2 == 0 { return .reset }
            return .respond(status: 200)
        }
        defer { server.stop() }
        try test.addWebhook(server.url(), events: "points.*")
        try test.insertEvents(24)
        let transport = RecordingTransport()
        var settings = fastSettings(timeout: 6)
        settings.concurrency = 4
        var logger = Logger(label: "jifen.notify.test")
        logger.logLevel = .critical
        let notifier = Notifier(
            store: test.db, transport: transport, policy: RetryPolicy(settings),
            options: NotifierOptions(owner: "t", settings: settings, once: false, pollMillis: 20, flushMillis: 10),
            logger: logger)
        let stop = StopFlag()
        async let run = notifier.run(until: stop)
        let done = try await eventually(40) {
            try Webhooks(store: test.db).deliveries(limit: 100).allSatisfy { $0.status == .delivered }
        }
        stop.set()
        _ = try await run
        #expect(done)
        #expect(server.incompleteRequests == 0)  // never headers without their body
        #expect(server.requests.allSatisfy { $0.bodyComplete && !$0.body.isEmpty })
        #expect(server.requests.allSatisfy { $0.connectionIndex == 0 })  // no connection carried two attempts
        let outcomes = transport.outcomes
        #expect(outcomes.filter { $0.error.contains("timeout") }.isEmpty)
        let resets = outcomes.filter { $0.error.contains("connection") }
        #expect(resets.count >= 12)  // each reset was seen, and seen as a reset
        #expect(resets.allSatisfy { $0.seconds < 2 })  // at once, not after the 6 s timeout
        #expect(Set(server.requests.compactMap { $0.headers["webhook-id"] }).count == 24)
    }

    /// The address is checked again before every attempt, on the host as the
    /// connection spells it, and a name that does not resolve (now) is not sent to.
    @Test(arguments: ["localhost.", "LocalHost", "[::ffff:127.0.0.1]", "2130706433", "rebound.example", "gone.example"])
    func theAddressIsCheckedAgainAtEveryAttempt(_ host: String) async throws {
        let server = try LoopbackServer { _ in .respond(status: 200) }
        defer { server.stop() }
        let test = try TestDatabase()
        defer { test.remove() }
        // Stored as a subscription without --allow-private that passed when it was added.
        try Webhooks(store: test.db).addWebhook(
            NewWebhook(
                url: "http://\(host):\(server.port)/hook", format: .standard, events: WebhookEventFilter.parse("*"),
                secret: WebhookSigning.secret(nil, for: .standard), ratePerMinute: 0, allowPrivate: false),
            actor: "admin", nowMillis: Date().millis)
        try test.insertEvents(1)
        let settings = fastSettings(schedule: [60_000], timeout: 2)
        var logger = Logger(label: "jifen.notify.test")
        logger.logLevel = .critical
        // What the name answers now: rebound.example has moved to loopback, gone.example is gone.
        let resolve: @Sendable (String) -> [String] = { $0 == "rebound.example" ? ["127.0.0.1"] : [] }
        let notifier = Notifier(
            store: test.db, transport: URLSessionTransport(), policy: RetryPolicy(settings),
            options: NotifierOptions(owner: "t", settings: settings, once: true, pollMillis: 20, flushMillis: 10),
            resolve: resolve, logger: logger)
        let summary = try await notifier.run(until: StopFlag())
        #expect(summary.attempts == 1 && summary.delivered == 0)
        #expect(server.requests.isEmpty)
        let delivery = try #require(try Webhooks(store: test.db).deliveries().first)
        #expect(delivery.status == .pending)
        #expect(delivery.lastError.contains(host == "gone.example" ? "does not resolve" : "private"))
    }

    @Test func aSlowReceiverHoldsUpNoOther() async throws {
        let test = try TestDatabase()
        defer { test.remove() }
        let slow = try LoopbackServer { _ in .hang(seconds: 10) }
        let fast = try LoopbackServer { _ in .respond(status: 200) }
        defer { slow.stop(); fast.stop() }
        try test.addWebhook(slow.url(), events: "points.*")
        try test.insertEvents(1)
        let stop = StopFlag()
        async let run = makeNotifier(test.db, settings: fastSettings(timeout: 8), once: false).run(until: stop)
        #expect(await eventually(5) { slow.requests.count == 1 })
        try test.addWebhook(fast.url(), events: "points.*")
        try test.insertEvents(3)
        #expect(await eventually(3) { fast.requests.count == 3 })
        slow.stop()
        stop.set()
        _ = try await run
    }
}

/// The real transport, with what each attempt ended in and how long it took.
final class RecordingTransport: HTTPTransport {
    struct Outcome: Sendable {
        var seconds: Double
        var status: Int?
        var error: String
    }
    private let inner = URLSessionTransport()
    private let log = Mutex<[Outcome]>([])
    var outcomes: [Outcome] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let started = Date()
        do {
            let response = try await inner.send(request)
            log.withLock {
                $0.append(Outcome(seconds: Date().timeIntervalSince(started), status: response.status, error: ""))
            }
            return response
        } catch {
            log.withLock {
                $0.append(Outcome(seconds: Date().timeIntervalSince(started), status: nil, error: "\(error)"))
            }
            throw error
        }
    }
}

/// A receiver that keeps the `webhook-id`s it has processed. It fails about 30% of first
/// deliveries: half of those before processing, half after (the answer is lost, as when a
/// connection breaks), so the sender must retry and the receiver must deduplicate.
final class DedupingReceiver: Sendable {
    struct State {
        var processed: [String: String] = [:]  // webhook-id → the event's data
        var duplicates = 0
        var badSignatures = 0
        var seen = 0
        var attempts: [String: Int] = [:]
    }
    let state = Mutex(State())

    func handle(_ request: LoopbackServer.Request, secret: String) -> LoopbackServer.Reply {
        let id = request.headers["webhook-id"] ?? ""
        guard
            WebhookSigning.verifyStandard(
                secret: secret, id: id, timestamp: request.headers["webhook-timestamp"] ?? "",
                signatures: request.headers["webhook-signature"] ?? "", body: request.body)
        else {
            state.withLock { $0.badSignatures += 1 }
            return .respond(status: 401)
        }
        let roll = id.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF } % 20
        return state.withLock { state in
            state.seen += 1
            let attempt = (state.attempts[id] ?? 0) + 1
            state.attempts[id] = attempt
            if attempt == 1 && roll < 3 { return .respond(status: 500) }  // failed before processing
            if state.processed[id] != nil { state.duplicates += 1; return .respond(status: 200) }
            state.processed[id] = request.bodyText
            if attempt == 1 && roll < 6 { return .reset }  // processed, answer lost
            return .respond(status: 200)
        }
    }
}
