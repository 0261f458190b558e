import Foundation
public import JifenCore

/// What one attempt came to, before the policy decides what follows.
public enum AttemptResult: Sendable, Equatable {
    /// 2xx, and for a robot an error code of 0.
    case success(status: Int)
    /// 410 Gone: the receiver says this endpoint no longer exists.
    case gone
    /// Anything else: a status that is not 2xx, a robot's refusal, a timeout, a broken connection.
    /// `retryAfterMillis` is the receiver's `Retry-After`, or a robot's rate-limit answer.
    case failure(status: Int?, reason: String, retryAfterMillis: Int64?)
}

/// Retries as a pure state machine: given the attempt number, its result, the time and a random
/// number, it says what happens next. No clock, no network: the notifier supplies both.
public struct RetryPolicy: Sendable, Equatable {
    /// Delays before the 2nd, 3rd, … attempt, in milliseconds.
    public var schedule: [Int64]
    /// Each delay moves by up to this share (percent) either way.
    public var jitterPercent: Int
    /// A `Retry-After` longer than this is cut to it (a day).
    public var maxRetryAfterMillis: Int64

    public init(schedule: [Int64], jitterPercent: Int = 20, maxRetryAfterMillis: Int64 = 86_400_000) {
        self.schedule = schedule
        self.jitterPercent = jitterPercent
        self.maxRetryAfterMillis = maxRetryAfterMillis
    }

    public init(_ settings: WebhookSettings) {
        self.init(schedule: settings.retrySchedule, jitterPercent: settings.jitterPercent)
    }

    /// Attempts in all, the first included.
    public var maxAttempts: Int { schedule.count + 1 }

    /// The delay after attempt number `attempt` (1-based) failed, with jitter.
    /// - Parameter random: a number in 0..<1; 0.5 gives the scheduled delay exactly.
    public func delay(afterAttempt attempt: Int, random: Double) -> Int64 {
        let base = schedule[min(max(attempt, 1), schedule.count) - 1]
        let spread = Double(base) * Double(jitterPercent) / 100
        return max(0, base + Int64((spread * (2 * min(max(random, 0), 1) - 1)).rounded()))
    }

    /// Decides what follows attempt number `attempt` (1-based).
    public func decide(attempt: Int, result: AttemptResult, nowMillis: Int64, random: Double) -> DeliveryDecision {
        switch result {
        case .success:
            return .delivered
        case .gone:
            // Kept queued: if an admin resumes the endpoint, nothing it missed is lost.
            return .disableEndpoint(retryAtMillis: nowMillis)
        case .failure(_, _, let retryAfter):
            guard attempt < maxAttempts else { return .dead }
            var wait = delay(afterAttempt: attempt, random: random)
            if let retryAfter { wait = max(wait, min(max(retryAfter, 0), maxRetryAfterMillis)) }
            return .retry(atMillis: nowMillis + wait)
        }
    }
}

/// Reads an answer: only 2xx succeeds, and a robot's 200 with a non-zero error code is a failure.
public enum ResponseClassifier {
    /// Robots' error codes that mean "too many messages": retried after a minute.
    static let robotRateLimitCodes: Set<Int> = [45009, 130101, 9499, 11232, 11233]

    public static func classify(_ response: HTTPResponse, format: WebhookFormat, nowMillis: Int64) -> AttemptResult {
        let status = response.status
        if status == 410 { return .gone }
        guard (200...299).contains(status) else {
            let reason = (300...399).contains(status) ? "HTTP \(status) (redirects are not followed)" : "HTTP \(status)"
            return .failure(
                status: status, reason: reason,
                retryAfterMillis: retryAfter(response.headers["retry-after"], nowMillis: nowMillis))
        }
        guard format.isRobot,
            let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        else {
            return .success(status: status)
        }
        // WeCom and DingTalk: errcode/errmsg. Feishu: code/msg (older hooks: StatusCode/StatusMessage).
        let codeKeys = format == .feishu ? ["code", "StatusCode"] : ["errcode"]
        guard let key = codeKeys.first(where: { object[$0] != nil }), let code = (object[key] as? NSNumber)?.intValue,
            code != 0
        else {
            return .success(status: status)
        }
        let message = ["errmsg", "msg", "StatusMessage"].lazy.compactMap { object[$0] as? String }.first ?? ""
        let limited = robotRateLimitCodes.contains(code)
        return .failure(
            status: status, reason: "robot refused: \(key) \(code) \(message)".trimmingCharacters(in: .whitespaces),
            retryAfterMillis: limited ? 60_000 : nil)
    }

    public static func classify(_ failure: TransportFailure) -> AttemptResult {
        .failure(status: nil, reason: failure.description, retryAfterMillis: nil)
    }

    /// `Retry-After` as delay-seconds or an HTTP date, in milliseconds from now.
    public static func retryAfter(_ value: String?, nowMillis: Int64) -> Int64? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int64(value) { return max(0, seconds) * 1000 }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.millis - nowMillis)
    }
}
