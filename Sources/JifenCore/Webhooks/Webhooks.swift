import Foundation

/// How a webhook endpoint wants its messages: Standard Webhooks, or one of the group-chat robots.
public enum WebhookFormat: String, Sendable, Codable, CaseIterable {
    /// Standard Webhooks v1: `{type, timestamp, data}`, signed in `webhook-signature`.
    case standard
    /// 企业微信群机器人: markdown message, the key is in the URL.
    case wecom
    /// 钉钉自定义机器人: markdown message, `timestamp` and `sign` query parameters.
    case dingtalk
    /// 飞书自定义机器人: text message, `timestamp` and `sign` in the body.
    case feishu

    /// Robots answer HTTP 200 with an error code in the body when they refuse, and limit rate.
    public var isRobot: Bool { self != .standard }
}

public enum WebhookEndpointStatus: String, Sendable, Codable {
    case active
    /// Paused by an admin: events still queue and are sent after `webhook resume`.
    case paused
    /// The receiver answered 410 Gone: nothing is sent or queued until an admin resumes it.
    case disabled
}

/// A subscription: where events go, which ones, in which format, signed with which secret.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: Int64
    public var url: String
    public var format: WebhookFormat
    /// Event type patterns such as `points.*` or `activity.published`; `*` is every event.
    public var events: [String]
    /// The signing secret; empty when the endpoint is not signed (a WeCom robot, an unsigned robot).
    public var secret: String
    /// The secret before the last rotation, still used to sign until `previousSecretUntilMillis`.
    public var previousSecret: String?
    public var previousSecretUntilMillis: Int64?
    /// Most messages a minute; 0 means no limit.
    public var ratePerMinute: Int
    public var allowPrivate: Bool
    public var status: WebhookEndpointStatus
    public var statusReason: String
    public var createdAtMillis: Int64
    public var createdBy: String

    public init(
        id: Int64, url: String, format: WebhookFormat, events: [String], secret: String,
        previousSecret: String? = nil, previousSecretUntilMillis: Int64? = nil, ratePerMinute: Int,
        allowPrivate: Bool, status: WebhookEndpointStatus = .active, statusReason: String = "",
        createdAtMillis: Int64, createdBy: String
    ) {
        self.id = id
        self.url = url
        self.format = format
        self.events = events
        self.secret = secret
        self.previousSecret = previousSecret
        self.previousSecretUntilMillis = previousSecretUntilMillis
        self.ratePerMinute = ratePerMinute
        self.allowPrivate = allowPrivate
        self.status = status
        self.statusReason = statusReason
        self.createdAtMillis = createdAtMillis
        self.createdBy = createdBy
    }

    /// The secrets to sign with at `nowMillis`: the current one first, then the previous one while
    /// its rotation grace lasts, so receivers that still know only the old secret keep verifying.
    public func signingSecrets(nowMillis: Int64) -> [String] {
        var secrets = secret.isEmpty ? [] : [secret]
        if let previousSecret, !previousSecret.isEmpty, let until = previousSecretUntilMillis, nowMillis < until {
            secrets.append(previousSecret)
        }
        return secrets
    }
}

/// An outbox row as the notifier reads it.
public struct StoredEvent: Sendable, Equatable {
    public var id: Int64
    public var type: String
    /// JSON text, as the ledger wrote it.
    public var payload: String
    public var createdAtMillis: Int64

    public init(id: Int64, type: String, payload: String, createdAtMillis: Int64) {
        self.id = id
        self.type = type
        self.payload = payload
        self.createdAtMillis = createdAtMillis
    }
}

public enum DeliveryStatus: String, Sendable, Codable {
    case pending, delivered, dead
}

/// A delivery a notifier has leased: send it, then report an `AttemptRecord`.
public struct ClaimedDelivery: Sendable, Equatable {
    public var id: Int64
    /// Stable across every attempt of this event to this endpoint: receivers deduplicate on it.
    public var webhookID: String
    /// 1 for the first attempt.
    public var attempt: Int
    public var event: StoredEvent
    public var endpoint: WebhookEndpoint

    public init(id: Int64, webhookID: String, attempt: Int, event: StoredEvent, endpoint: WebhookEndpoint) {
        self.id = id
        self.webhookID = webhookID
        self.attempt = attempt
        self.event = event
        self.endpoint = endpoint
    }
}

/// What happens to a delivery after an attempt; decided by the retry policy.
public enum DeliveryDecision: Sendable, Equatable {
    case delivered
    case retry(atMillis: Int64)
    /// No attempts left: an admin can see it with `webhook deliveries --dead` and replay it.
    case dead
    /// 410 Gone: the endpoint is disabled; the delivery stays queued for when it is resumed.
    case disableEndpoint(retryAtMillis: Int64)
}

/// One finished attempt, to be recorded with the lease it was made under.
public struct AttemptRecord: Sendable, Equatable {
    public var deliveryID: Int64
    public var endpointID: Int64
    public var attempt: Int
    public var atMillis: Int64
    public var durationMillis: Int64
    /// The HTTP status, nil when no response came (timeout, reset, refused address).
    public var statusCode: Int?
    /// Empty on success; otherwise what went wrong, for `webhook deliveries`. Never holds a secret.
    public var error: String
    public var decision: DeliveryDecision

    public init(
        deliveryID: Int64, endpointID: Int64, attempt: Int, atMillis: Int64, durationMillis: Int64,
        statusCode: Int?, error: String, decision: DeliveryDecision
    ) {
        self.deliveryID = deliveryID
        self.endpointID = endpointID
        self.attempt = attempt
        self.atMillis = atMillis
        self.durationMillis = durationMillis
        self.statusCode = statusCode
        self.error = error
        self.decision = decision
    }
}

/// Event filters of a subscription: `points.*`, `activity.published`, `*`.
public enum WebhookEventFilter {
    /// Splits and checks a comma-separated list of patterns.
    /// - Throws: `JifenError` (usage) naming the bad pattern and the accepted form.
    public static func parse(_ text: String) throws -> [String] {
        let patterns = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !patterns.isEmpty else {
            throw JifenError.usage(
                .badEvents, zh: "--events 为空。请给出事件类型，如 points.*,activity.published，或 * 表示全部。",
                en: "--events is empty. Give event types such as points.*,activity.published, or * for all.")
        }
        for pattern in patterns where !isValid(pattern) {
            throw JifenError.usage(
                .badEvents, zh: "事件过滤「\(pattern)」无效。应为小写的事件类型（如 points.granted）、前缀加 .*（如 points.*）或 *。",
                en:
                    "The event filter \"\(pattern)\" is not valid. Use a lower-case event type (points.granted), a prefix with .* (points.*), or *."
            )
        }
        return Array(Set(patterns)).sorted()
    }

    static func isValid(_ pattern: String) -> Bool {
        if pattern == "*" { return true }
        var parts = pattern.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last == "*" { parts.removeLast() }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(allowed.contains) }
    }

    /// True when `type` is selected by `pattern` (the same rule as SQLite's GLOB on these patterns).
    public static func matches(_ pattern: String, _ type: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasSuffix(".*") { return type.hasPrefix(String(pattern.dropLast())) }
        return pattern == type
    }
}
