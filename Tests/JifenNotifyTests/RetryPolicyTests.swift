import Foundation
import JifenCore
import JifenNotify
import Testing

/// The retry policy and the reading of answers: pure code, an injected clock, no network.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(WebhookSettings())
    let now: Int64 = 1_700_000_000_000

    @Test func defaultScheduleSpansAboutADay() {
        let total = WebhookSettings().retrySchedule.reduce(0, +)
        #expect(total >= 24 * 3_600_000 && total <= 30 * 3_600_000)
        #expect(policy.maxAttempts == 8)
    }

    @Test func successIsDeliveredAndGoneDisablesTheEndpoint() {
        #expect(policy.decide(attempt: 1, result: .success(status: 204), nowMillis: now, random: 0.5) == .delivered)
        #expect(
            policy.decide(attempt: 3, result: .gone, nowMillis: now, random: 0.5)
                == .disableEndpoint(retryAtMillis: now))
    }

    @Test func failuresBackOffWithJitterWithinBounds() {
        let failure = AttemptResult.failure(status: 500, reason: "HTTP 500", retryAfterMillis: nil)
        #expect(
            policy.decide(attempt: 1, result: failure, nowMillis: now, random: 0.5) == .retry(atMillis: now + 5_000))
        #expect(policy.decide(attempt: 1, result: failure, nowMillis: now, random: 0) == .retry(atMillis: now + 4_000))
        #expect(
            policy.decide(attempt: 2, result: failure, nowMillis: now, random: 1) == .retry(atMillis: now + 360_000))
        for attempt in 1..<policy.maxAttempts {
            for random in stride(from: 0.0, through: 1.0, by: 0.125) {
                let delay = policy.delay(afterAttempt: attempt, random: random)
                let base = policy.schedule[attempt - 1]
                #expect(delay >= base * 8 / 10 && delay <= base * 12 / 10)
            }
        }
    }

    @Test func aDeliveryThatAlwaysFailsIsDeadAfterTheLastAttemptAboutADayLater() {
        var clock = now
        var attempt = 1
        var times: [Int64] = [clock]
        let failure = AttemptResult.failure(status: nil, reason: "timeout", retryAfterMillis: nil)
        while case .retry(let at) = policy.decide(attempt: attempt, result: failure, nowMillis: clock, random: 0.5) {
            #expect(at > clock)
            clock = at
            attempt += 1
            times.append(clock)
        }
        #expect(policy.decide(attempt: attempt, result: failure, nowMillis: clock, random: 0.5) == .dead)
        #expect(times.count == 8)
        #expect(clock - now == WebhookSettings().retrySchedule.reduce(0, +))
    }

    @Test func retryAfterIsHonouredAndCappedAtADay() {
        let asked = AttemptResult.failure(status: 429, reason: "HTTP 429", retryAfterMillis: 120_000)
        #expect(
            policy.decide(attempt: 1, result: asked, nowMillis: now, random: 0.5) == .retry(atMillis: now + 120_000))
        // A shorter Retry-After than the backoff does not bring the retry forward.
        let short = AttemptResult.failure(status: 429, reason: "HTTP 429", retryAfterMillis: 1_000)
        #expect(
            policy.decide(attempt: 2, result: short, nowMillis: now, random: 0.5) == .retry(atMillis: now + 300_000))
        let huge = AttemptResult.failure(status: 503, reason: "HTTP 503", retryAfterMillis: 9_000_000_000)
        #expect(
            policy.decide(attempt: 1, result: huge, nowMillis: now, random: 0.5) == .retry(atMillis: now + 86_400_000))
        // Out of attempts, even a Retry-After is dead.
        #expect(policy.decide(attempt: 8, result: asked, nowMillis: now, random: 0.5) == .dead)
    }

    struct Answer: Sendable, CustomStringConvertible {
        var format: WebhookFormat
        var status: Int
        var body: String
        var headers: [String: String] = [:]
        var expected: AttemptResult
        var description: String { "\(format) \(status) \(body)" }
    }

    @Test(arguments: [
        Answer(format: .standard, status: 200, body: "", expected: .success(status: 200)),
        Answer(format: .standard, status: 204, body: "", expected: .success(status: 204)),
        Answer(format: .standard, status: 200, body: #"{"errcode":1}"#, expected: .success(status: 200)),
        Answer(
            format: .standard, status: 302, body: "",
            expected: .failure(status: 302, reason: "HTTP 302 (redirects are not followed)", retryAfterMillis: nil)),
        Answer(
            format: .standard, status: 500, body: "",
            expected: .failure(status: 500, reason: "HTTP 500", retryAfterMillis: nil)),
        Answer(
            format: .standard, status: 429, body: "", headers: ["retry-after": "7"],
            expected: .failure(status: 429, reason: "HTTP 429", retryAfterMillis: 7_000)),
        Answer(
            format: .standard, status: 503, body: "", headers: ["retry-after": "Tue, 14 Nov 2023 22:14:20 GMT"],
            expected: .failure(status: 503, reason: "HTTP 503", retryAfterMillis: 7_000)),
        Answer(format: .standard, status: 410, body: "", expected: .gone),
        Answer(format: .wecom, status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#, expected: .success(status: 200)),
        Answer(
            format: .wecom, status: 200, body: #"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
            expected: .failure(
                status: 200, reason: "robot refused: errcode 93000 invalid webhook url", retryAfterMillis: nil)),
        Answer(
            format: .dingtalk, status: 200, body: #"{"errcode":310000,"errmsg":"sign not match"}"#,
            expected: .failure(
                status: 200, reason: "robot refused: errcode 310000 sign not match", retryAfterMillis: nil)),
        Answer(
            format: .dingtalk, status: 200, body: #"{"errcode":130101,"errmsg":"send too fast"}"#,
            expected: .failure(
                status: 200, reason: "robot refused: errcode 130101 send too fast", retryAfterMillis: 60_000)),
        Answer(
            format: .feishu, status: 200,
            body: #"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#,
            expected: .failure(
                status: 200,
                reason:
                    "robot refused: code 19021 sign match fail or timestamp is not within one hour from current time",
                retryAfterMillis: nil)),
        Answer(
            format: .feishu, status: 200, body: #"{"code":0,"msg":"success","data":{}}"#,
            expected: .success(status: 200)),
        Answer(
            format: .feishu, status: 200, body: #"{"StatusCode":0,"StatusMessage":"success"}"#,
            expected: .success(status: 200)),
    ])
    func answersAreReadByFormat(_ answer: Answer) {
        let nowMillis: Int64 = 1_700_000_053_000  // 2023-11-14 22:14:13 GMT
        let response = HTTPResponse(status: answer.status, headers: answer.headers, body: Data(answer.body.utf8))
        #expect(ResponseClassifier.classify(response, format: answer.format, nowMillis: nowMillis) == answer.expected)
    }

    @Test func scheduleSettingParsesUnitsAndRefusesNonsense() throws {
        #expect(
            try WebhookSettings.parseSchedule("200ms, 1s,2m,1h,1d") == [200, 1_000, 120_000, 3_600_000, 86_400_000])
        for bad in ["", "5", "5x", "-1s", "1s,,2s", "40d"] {
            #expect(throws: JifenError.self) { try WebhookSettings.parseSchedule(bad) }
        }
    }

    @Test func aBadSettingIsRefusedAndChangesNothing() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        #expect(throws: JifenError.self) {
            try Settings(store: test.db).setSetting(
                key: "webhook.retry_schedule", value: "soon", actor: "admin", nowMillis: now)
        }
        #expect(try Settings(store: test.db).webhookSettings() == WebhookSettings())
        _ = try Settings(store: test.db).setSetting(
            key: "webhook.retry_schedule", value: "1s,2s", actor: "admin", nowMillis: now)
        #expect(try Settings(store: test.db).webhookSettings().retrySchedule == [1_000, 2_000])
        #expect(try Settings(store: test.db).rules().pointsPerHour == 10)  // the ledger's rules still read with webhook keys stored
    }
}
