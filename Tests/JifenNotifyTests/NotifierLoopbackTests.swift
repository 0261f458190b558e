import Foundation
import JifenCore
import JifenLoopback
import JifenNotify
import JifenSQLite
import Synchronization
import Testing

/// The notifier against a real HTTP receiver on 127.0.0.1, through the real URLSession transport.
@Suite(.serialized) struct NotifierLoopbackTests {
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
        let endpoint = try test.addWebhook(server.url("/hook?access_token=t"), format: format, secret: format == .dingtalk ? "SECx" : nil)
        try test.insertEvents(1)
        let started = Date().millis
        let summary = try await makeNotifier(test.db, settings: fastSettings(schedule: [60_000], timeout: 1)).run(until: StopFlag())
        let elapsed = Date().millis - started
        let delivery = try #require(try test.db.deliveries().first)
        #expect(summary.attempts == 1)
        #expect(server.requests.count == 1)  // never a redirect followed, never a second try within --once
        switch behaviour {
        case .ok:
            #expect(delivery.status == .delivered && delivery.lastStatusCode == 200)
        case .gone:
            #expect(delivery.status == .pending && delivery.lastStatusCode == 410)
            #expect(try test.db.webhook(endpoint.id).status == .disabled)
        case .tooMany:
            #expect(delivery.status == .pending && delivery.nextAttemptAtMillis >= started + 120_000)
        case .hang:
            #expect(delivery.status == .pending && delivery.lastStatusCode == nil && delivery.lastError.contains("timeout"))
            #expect(elapsed < 4_000)
        case .reset:
            #expect(delivery.status == .pending && delivery.lastStatusCode == nil && delivery.lastError.contains("connection"))
        case .robotError:
            #expect(delivery.status == .pending && delivery.lastStatusCode == 200 && delivery.lastError.contains("310000"))
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
        let done = try await eventually(30) { try test.db.deliveries(limit: 1000).allSatisfy { $0.status == .delivered } }
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
            request.target.hasPrefix("/feishu") ? .respond(status: 200, body: #"{"code":0,"msg":"success"}"#)
                : request.target.hasPrefix("/standard") ? .respond(status: 204) : .respond(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#)
        }
        defer { server.stop() }
        let secret = try WebhookSigning.secret(nil, for: .standard)
        try test.addWebhook(server.url("/standard"), events: "activity.*", secret: secret)
        try test.addWebhook(server.url("/wecom?key=k"), format: .wecom, events: "activity.*", rate: 20)
        try test.addWebhook(server.url("/ding?access_token=t"), format: .dingtalk, events: "activity.*", secret: "SECding", rate: 20)
        try test.addWebhook(server.url("/feishu/hook"), format: .feishu, events: "activity.*", secret: "fsecret", rate: 20)
        try test.db.write { tx in
            try tx.insert(event: OutboxEvent(type: "activity.published", payload: Events.json([
                "title": "社区义诊", "place": "玫瑰园社区卫生室", "starts_at": "2026-11-28T01:00:00Z", "points_per_hour": "12", "places_left": "4",
            ]), atMillis: Date().millis))
        }
        let summary = try await makeNotifier(test.db, settings: fastSettings()).run(until: StopFlag())
        #expect(summary.delivered == 4)
        let byPath = Dictionary(uniqueKeysWithValues: server.requests.map { (String($0.target.prefix { $0 != "?" }), $0) })
        let standard = try #require(byPath["/standard"])
        #expect(WebhookSigning.verifyStandard(secret: secret, id: standard.headers["webhook-id"] ?? "", timestamp: standard.headers["webhook-timestamp"] ?? "",
                                              signatures: standard.headers["webhook-signature"] ?? "", body: standard.body))
        let wecom = try #require(byPath["/wecom"])
        #expect(wecom.bodyText.contains("新活动：社区义诊"))
        let ding = try #require(byPath["/ding"])
        let timestamp = try #require(Int64(ding.query["timestamp"] ?? ""))
        #expect(ding.query["sign"] == WebhookSigning.queryEncode(WebhookSigning.dingTalkSign(secret: "SECding", timestampMillis: timestamp)))
        #expect(ding.bodyText.contains("地点：玫瑰园社区卫生室"))
        let feishuRequest = try #require(byPath["/feishu/hook"])
        let feishu = try #require(try JSONSerialization.jsonObject(with: feishuRequest.body) as? [String: Any])
        let seconds = try #require(Int64(feishu["timestamp"] as? String ?? ""))
        #expect(feishu["sign"] as? String == WebhookSigning.feishuSign(secret: "fsecret", timestampSeconds: seconds))
        #expect(((feishu["content"] as? [String: Any])?["text"] as? String)?.contains("每小时积分：12") == true)
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
        guard WebhookSigning.verifyStandard(secret: secret, id: id, timestamp: request.headers["webhook-timestamp"] ?? "",
                                            signatures: request.headers["webhook-signature"] ?? "", body: request.body) else {
            state.withLock { $0.badSignatures += 1 }
            return .respond(status: 401)
        }
        let roll = id.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF } % 20
        return state.withLock { state in
            state.seen += 1
            let attempt = (state.attempts[id] ?? 0) + 1
            state.attempts[id] = attempt
            if attempt == 1 && roll < 3 { return .respond(status: 500) }    // failed before processing
            if state.processed[id] != nil { state.duplicates += 1; return .respond(status: 200) }
            state.processed[id] = request.bodyText
            if attempt == 1 && roll < 6 { return .reset }                   // processed, answer lost
            return .respond(status: 200)
        }
    }
}
