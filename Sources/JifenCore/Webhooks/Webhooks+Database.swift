import Foundation

/// What `webhook add` asks for, already checked by the caller (URL safety, secret format).
public struct NewWebhook: Sendable, Equatable {
    public var url: String
    public var format: WebhookFormat
    public var events: [String]
    public var secret: String
    public var ratePerMinute: Int
    public var allowPrivate: Bool

    public init(
        url: String, format: WebhookFormat, events: [String], secret: String, ratePerMinute: Int, allowPrivate: Bool
    ) {
        self.url = url
        self.format = format
        self.events = events
        self.secret = secret
        self.ratePerMinute = ratePerMinute
        self.allowPrivate = allowPrivate
    }
}

/// A delivery as `webhook deliveries` lists it.
public struct DeliveryView: Sendable, Codable, Equatable {
    public var id: Int64
    public var webhookID: String
    public var event: Int64
    public var eventType: String
    public var endpoint: Int64
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastStatusCode: Int?
    public var lastError: String
    public var lastAttemptAtMillis: Int64?
    public var nextAttemptAtMillis: Int64
    public var deliveredAtMillis: Int64?

    public init(
        id: Int64, webhookID: String, event: Int64, eventType: String, endpoint: Int64, status: DeliveryStatus,
        attempts: Int, lastStatusCode: Int?, lastError: String, lastAttemptAtMillis: Int64?, nextAttemptAtMillis: Int64,
        deliveredAtMillis: Int64?
    ) {
        self.id = id
        self.webhookID = webhookID
        self.event = event
        self.eventType = eventType
        self.endpoint = endpoint
        self.status = status
        self.attempts = attempts
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.lastAttemptAtMillis = lastAttemptAtMillis
        self.nextAttemptAtMillis = nextAttemptAtMillis
        self.deliveredAtMillis = deliveredAtMillis
    }
}

/// The rules of the delivery queue that are not plain SQL, written once for both stores.
public enum WebhookRules {
    /// Actions named in an admin-only refusal.
    public static let addAction = Bilingual(zh: "添加 Webhook", en: "add a webhook")
    public static let removeAction = Bilingual(zh: "删除 Webhook", en: "remove a webhook")
    public static let pauseAction = Bilingual(zh: "暂停 Webhook", en: "pause a webhook")
    public static let resumeAction = Bilingual(zh: "恢复 Webhook", en: "resume a webhook")
    public static let rotateAction = Bilingual(zh: "更换 Webhook 密钥", en: "rotate a webhook secret")
    public static let replayAction = Bilingual(zh: "重发事件", en: "replay an event")
    public static let replayDeadAction = Bilingual(zh: "重发死信", en: "replay dead deliveries")

    public static func statusAction(_ status: WebhookEndpointStatus) -> Bilingual {
        status == .paused ? pauseAction : resumeAction
    }

    /// The reason stored with a status set by an admin.
    public static func statusReason(_ status: WebhookEndpointStatus, actor: String) -> String {
        status == .paused ? "paused by \(actor)" : ""
    }

    /// The reason stored when a receiver's 410 disabled its subscription.
    public static func goneReason(delivery: Int64) -> String { "410 Gone (delivery \(delivery))" }

    public static func unknownWebhook(_ id: Int64) -> JifenError {
        .refused(
            .unknownID, zh: "找不到编号为 \(id) 的 Webhook。请用 jifen webhook list 查看已有的编号。",
            en: "There is no webhook with id \(id). See the existing ids with jifen webhook list.")
    }

    public static func unknownEvent(_ id: Int64) -> JifenError {
        .refused(
            .unknownID, zh: "找不到编号为 \(id) 的事件。用 jifen webhook deliveries 查看事件编号。",
            en: "There is no event with id \(id). See event ids with jifen webhook deliveries.")
    }

    /// The secrets after a rotation: the old one (if any) signs alongside until `nowMillis + graceMillis`.
    public static func rotation(
        of endpoint: WebhookEndpoint, graceMillis: Int64, nowMillis: Int64
    )
        -> (previous: String?, previousUntilMillis: Int64?)
    {
        let previous: String? = endpoint.secret.isEmpty ? nil : endpoint.secret
        return (previous, previous == nil ? nil : nowMillis + graceMillis)
    }

    /// One message per slot of 60/rate seconds (rounded up): never more than `rate` in any minute.
    public static func slotMillis(ratePerMinute rate: Int) -> Int64 {
        precondition(rate > 0)
        return (60_000 + Int64(rate) - 1) / Int64(rate)
    }

    /// Which due deliveries a claim may take. A rate-limited endpoint gives at most one per claim,
    /// and only when its slot is free (`slotFree`, decided by the store under a lock on the
    /// endpoint's row); it then moves the endpoint's next slot to the returned time.
    /// - Parameters:
    ///   - due: (delivery id, endpoint) in claim order.
    ///   - slotFree: for each rate-limited endpoint, whether this claim holds its free slot.
    /// - Returns: the delivery ids to lease, in order, and the next free slot of each endpoint used.
    public static func admit(
        _ due: [(delivery: Int64, endpoint: WebhookEndpoint)], slotFree: (Int64) -> Bool,
        nowMillis: Int64
    ) -> (deliveries: [Int64], nextSlots: [Int64: Int64]) {
        var taken: [Int64] = []
        var slots: [Int64: Int64] = [:]
        var refused: Set<Int64> = []
        for (delivery, endpoint) in due {
            if endpoint.ratePerMinute > 0 {
                if slots[endpoint.id] != nil || refused.contains(endpoint.id) { continue }
                guard slotFree(endpoint.id) else { refused.insert(endpoint.id); continue }
                slots[endpoint.id] = nowMillis + slotMillis(ratePerMinute: endpoint.ratePerMinute)
            }
            taken.append(delivery)
        }
        return (taken, slots)
    }
}

extension AttemptRecord {
    /// What the delivery becomes once this attempt is recorded: its status, when it is tried next
    /// (nil: unchanged), and the outcome word kept in the attempt history.
    public var effect: (status: DeliveryStatus, nextAttemptMillis: Int64?, outcome: String) {
        switch decision {
        case .delivered: (.delivered, nil, "delivered")
        case .retry(let at): (.pending, at, "retry")
        case .dead: (.dead, nil, "dead")
        case .disableEndpoint(let at): (.pending, at, "endpoint-disabled")
        }
    }

    /// True when the receiver's answer disables the endpoint (410 Gone).
    public var disablesEndpoint: Bool {
        if case .disableEndpoint = decision { return true }
        return false
    }
}
