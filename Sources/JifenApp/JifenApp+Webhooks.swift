public import Foundation
public import JifenCore
public import JifenNotify
import Logging

/// Webhook subscriptions and the notifier that delivers to them. The URL policy (no private or
/// loopback address unless allowed), secret checks and robot rate defaults are applied here.
extension JifenApp {
    /// A subscription as it may be shown: never its secret, its URL redacted.
    public struct WebhookInfo: Codable, Sendable, Equatable {
        public var id: Int64
        public var url: String
        public var format: WebhookFormat
        public var events: [String]
        public var signed: Bool
        /// While a rotated-out secret still signs alongside the new one: until when.
        public var rotatingUntil: String?
        public var ratePerMinute: Int
        public var allowPrivate: Bool
        public var status: WebhookEndpointStatus
        public var statusReason: String
        public var createdAt: String
        public var createdBy: String

        public init(_ e: WebhookEndpoint, nowMillis: Int64) {
            id = e.id; url = WebhookURLPolicy.redacted(e.url); format = e.format; events = e.events;
            signed = !e.secret.isEmpty
            rotatingUntil =
                e.signingSecrets(nowMillis: nowMillis).count > 1
                ? e.previousSecretUntilMillis.map { DayFormat.iso(Date(millis: $0)) } : nil
            ratePerMinute = e.ratePerMinute; allowPrivate = e.allowPrivate; status = e.status
            statusReason = e.statusReason; createdAt = DayFormat.iso(Date(millis: e.createdAtMillis));
            createdBy = e.createdBy
        }
    }

    /// What `webhook add` asks for, as given: everything is checked before the store is touched.
    public struct AddWebhookInput: Codable, Sendable {
        public var url: String
        /// Comma-separated event patterns (`points.*,activity.published`, `*`).
        public var events: String
        public var format: WebhookFormat
        /// The signing secret; nil generates one for standard.
        public var secret: String?
        /// Messages a minute as typed (`20/min`, `20`, `0`); nil: none for standard, the rules' robot rate for robots.
        public var rate: String?
        /// Allow loopback and private addresses.
        public var allowPrivate: Bool
        public init(
            url: String, events: String = "*", format: WebhookFormat = .standard, secret: String? = nil,
            rate: String? = nil,
            allowPrivate: Bool = false
        ) {
            self.url = url; self.events = events; self.format = format; self.secret = secret; self.rate = rate;
            self.allowPrivate = allowPrivate
        }
    }

    /// A subscription after it was added or its secret rotated; `secret` only when Jifen generated
    /// it (shown this once), never when the caller gave it.
    public struct WebhookWithSecret: Codable, Sendable, Equatable {
        public var webhook: WebhookInfo
        public var secret: String?
    }

    /// Subscribes a URL to events (admin).
    /// - Throws: usage for a URL the policy refuses (private, loopback, unresolvable, not http(s)),
    ///   bad event patterns, a secret of the wrong form or a bad rate; forbidden for a non-admin.
    public func addWebhook(_ principal: Principal, _ input: AddWebhookInput) throws -> WebhookWithSecret {
        try requireWebhookAdmin(principal)
        // Private addresses reach the server's own network: only the file's holder may allow them.
        if input.allowPrivate, principal.isRemote {
            throw JifenError.forbidden(
                actor: principal.id,
                action: Bilingual(
                    zh: "通过服务器允许内网地址（--allow-private）",
                    en: "allow a private address (--allow-private) through the server"))
        }
        let checked = try WebhookURLPolicy.check(input.url, allowPrivate: input.allowPrivate)
        let patterns = try WebhookEventFilter.parse(input.events)
        let secret = try WebhookSigning.secret(input.secret, for: input.format)
        let givenRate = try input.rate.map(Self.parseRate)
        let ratePerMinute = try givenRate ?? (input.format.isRobot ? settings.webhookSettings().robotRatePerMinute : 0)
        let now = nowMillis
        let endpoint = try webhooks.addWebhook(
            NewWebhook(
                url: checked.absoluteString, format: input.format, events: patterns, secret: secret,
                ratePerMinute: ratePerMinute, allowPrivate: input.allowPrivate),
            actor: principal.id, nowMillis: now)
        return WebhookWithSecret(
            webhook: WebhookInfo(endpoint, nowMillis: now),
            secret: secret.isEmpty || input.secret != nil ? nil : secret)
    }

    /// `20/min`, `20` or `0`.
    static func parseRate(_ text: String) throws -> Int {
        var text = text.lowercased().replacingOccurrences(of: " ", with: "")
        for suffix in ["/min", "/m", "/minute"] where text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        guard let rate = Int(text), (0...600).contains(rate) else {
            throw JifenError.usage(
                .badRate, zh: "--rate「\(text)」无效，应为每分钟条数，如 20/min（0 表示不限，最多 600）。",
                en:
                    "--rate \"\(text)\" is not valid; give messages a minute such as 20/min (0 for no limit, at most 600)."
            )
        }
        return rate
    }

    /// Every subscription (secrets are never shown).
    public func listWebhooks(_ principal: Principal) throws -> [WebhookInfo] {
        try requireWebhookAdmin(principal)
        let now = nowMillis
        return try store.webhooks().map { WebhookInfo($0, nowMillis: now) }
    }

    /// Deletes a subscription with its queue and secret (admin).
    public func removeWebhook(_ principal: Principal, _ id: Int64) throws -> WebhookInfo {
        try requireWebhookAdmin(principal)
        return WebhookInfo(try webhooks.removeWebhook(id, actor: principal.id), nowMillis: nowMillis)
    }

    /// Stops sending to a subscription; events keep queueing (admin).
    public func pauseWebhook(_ principal: Principal, _ id: Int64) throws -> WebhookInfo {
        try requireWebhookAdmin(principal)
        return WebhookInfo(try webhooks.setWebhookStatus(id, to: .paused, actor: principal.id), nowMillis: nowMillis)
    }

    /// Sends again to a paused or disabled subscription (admin).
    public func resumeWebhook(_ principal: Principal, _ id: Int64) throws -> WebhookInfo {
        try requireWebhookAdmin(principal)
        return WebhookInfo(try webhooks.setWebhookStatus(id, to: .active, actor: principal.id), nowMillis: nowMillis)
    }

    public struct RotateSecretInput: Codable, Sendable {
        public var id: Int64
        /// The new secret; nil generates one for standard (a robot's must be given).
        public var secret: String?
        /// Hours both secrets sign (0–168).
        public var overlapHours: Int
        public init(id: Int64, secret: String? = nil, overlapHours: Int = 24) {
            self.id = id; self.secret = secret; self.overlapHours = overlapHours
        }
    }

    /// Replaces a subscription's signing secret; the old one keeps signing for the overlap (admin).
    public func rotateWebhookSecret(_ principal: Principal, _ input: RotateSecretInput) throws -> WebhookWithSecret {
        try requireWebhookAdmin(principal)
        guard (0...168).contains(input.overlapHours) else {
            throw JifenError.usage(
                .badOverlap, zh: "--overlap-hours 应在 0 到 168 之间。", en: "--overlap-hours must be from 0 to 168.")
        }
        let format = try webhooks.webhook(input.id).format
        if format.isRobot && (input.secret ?? "").isEmpty {
            throw JifenError.usage(
                .secretRequired, zh: "机器人的密钥由钉钉/飞书生成：请在机器人设置里重置后用 --secret 给出新密钥。",
                en:
                    "A robot's secret is issued by DingTalk/Feishu: reset it in the robot's settings and pass the new one with --secret."
            )
        }
        let newSecret = try WebhookSigning.secret(input.secret, for: format)
        let now = nowMillis
        let endpoint = try webhooks.rotateWebhookSecret(
            input.id, newSecret: newSecret, graceMillis: Int64(input.overlapHours) * 3_600_000,
            actor: principal.id, nowMillis: now)
        return WebhookWithSecret(
            webhook: WebhookInfo(endpoint, nowMillis: now), secret: input.secret == nil ? newSecret : nil)
    }

    public struct DeliveryQuery: Codable, Sendable {
        public var endpoint: Int64?
        public var deadOnly: Bool
        public var limit: Int
        public init(endpoint: Int64? = nil, deadOnly: Bool = false, limit: Int = 50) {
            self.endpoint = endpoint; self.deadOnly = deadOnly; self.limit = limit
        }
    }

    /// Deliveries, newest first.
    public func webhookDeliveries(_ principal: Principal, _ query: DeliveryQuery) throws -> [DeliveryView] {
        try requireWebhookAdmin(principal)
        guard query.limit > 0 else {
            throw JifenError.usage(.badLimit, zh: "--limit 应为正整数。", en: "--limit must be a positive whole number.")
        }
        return try store.deliveries(endpoint: query.endpoint, deadOnly: query.deadOnly, limit: query.limit)
    }

    /// What to queue again: one event, or every dead delivery (of one subscription).
    public enum ReplayInput: Sendable {
        case event(Int64)
        case dead(endpoint: Int64?)
    }

    public struct Requeued: Codable, Sendable, Equatable {
        public var queued: Int
    }

    /// Queues an event again, or every dead delivery (admin).
    public func replayWebhooks(_ principal: Principal, _ input: ReplayInput) throws -> Requeued {
        try requireWebhookAdmin(principal)
        let now = nowMillis
        switch input {
        case .event(let id):
            return Requeued(queued: try webhooks.replay(event: id, actor: principal.id, nowMillis: now))
        case .dead(let endpoint):
            return Requeued(queued: try webhooks.replayDead(endpoint: endpoint, actor: principal.id, nowMillis: now))
        }
    }

    /// A test message the receiver accepted.
    public struct WebhookTestResult: Codable, Sendable, Equatable {
        public var webhook: WebhookInfo
        /// The HTTP status it answered.
        public var status: Int
        public var millis: Int
    }

    /// Sends a `ping` event to a subscription now (admin). Nothing is queued or recorded.
    /// - Throws: refused (`test-failed`) when the receiver refused it or could not be reached.
    public func testWebhook(_ principal: Principal, _ id: Int64) async throws -> WebhookTestResult {
        try registry.requireAdmin(principal.id, action: Bilingual(zh: "发送测试消息", en: "send a test message"))
        let endpoint = try webhooks.webhook(id)
        let settings = try settings.webhookSettings()
        // The real clock: receivers check a signature's timestamp against theirs.
        let now = Date().millis
        let payload = Events.json(["message": "ping", "endpoint": "\(id)", "sent_by": principal.id])
        let delivery = ClaimedDelivery(
            id: 0, webhookID: "msg_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            attempt: 1, event: StoredEvent(id: 0, type: "ping", payload: payload, createdAtMillis: now),
            endpoint: endpoint)
        let notifier = Notifier(
            store: try store, transport: URLSessionTransport(), policy: RetryPolicy(settings),
            options: NotifierOptions(owner: "test", settings: settings, once: true, timeZone: zone),
            logger: Logger(label: "jifen.webhook.test"))
        let started = Date()
        let (result, status) = await notifier.send(delivery, nowMillis: now)
        let millis = Int(Date().timeIntervalSince(started) * 1000)
        switch result {
        case .success(let code):
            return WebhookTestResult(webhook: WebhookInfo(endpoint, nowMillis: nowMillis), status: code, millis: millis)
        case .gone:
            throw JifenError.refused(
                .testFailed, zh: "接收端回应 410 Gone：该地址已不存在。请检查地址，或删除此 Webhook。",
                en:
                    "The receiver answered 410 Gone: this address no longer exists. Check the URL, or remove the webhook."
            )
        case .failure(_, let reason, _):
            let status = reason.hasPrefix("HTTP") ? nil : status  // the reason already names the status
            throw JifenError.refused(
                .testFailed, zh: "测试消息未送达（\(status.map { "HTTP \($0)，" } ?? "")\(reason)）。请检查地址、密钥和接收端日志。",
                en:
                    "The test message was not delivered (\(status.map { "HTTP \($0), " } ?? "")\(reason)). Check the "
                    + "URL, the secret and the receiver's log."
            )
        }
    }

    public struct NotifyInput: Codable, Sendable {
        /// Deliver what is due now, then stop.
        public var once: Bool
        /// Log every delivery, not only failures.
        public var verbose: Bool
        /// Who holds the leases, e.g. `host:pid`.
        public var owner: String
        public init(
            once: Bool = false, verbose: Bool = false,
            owner: String = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        ) {
            self.once = once; self.verbose = verbose; self.owner = owner
        }
    }

    /// The notifier `notify` runs, built once the principal is checked to be an admin.
    public struct NotifierSetup: Sendable {
        public var notifier: Notifier
        public var owner: String
    }

    /// Checks that the principal may run the notifier (admin) and builds it on the rules' settings;
    /// the front end runs it until it asks it to stop.
    public func notifier(_ principal: Principal, _ input: NotifyInput) throws -> NotifierSetup {
        try registry.requireAdmin(principal.id, action: Bilingual(zh: "运行推送服务", en: "run the notifier"))
        let settings = try settings.webhookSettings()
        var logger = Logger(label: "jifen.notify")
        logger.logLevel = input.verbose ? .debug : .notice
        let notifier = Notifier(
            store: try store, transport: URLSessionTransport(maxConnectionsPerHost: max(6, settings.concurrency)),
            policy: RetryPolicy(settings),
            options: NotifierOptions(owner: input.owner, settings: settings, once: input.once, timeZone: zone),
            logger: logger)
        return NotifierSetup(notifier: notifier, owner: input.owner)
    }

    /// Webhooks are the admin's: checked before anything else, so nobody else learns which ids exist.
    func requireWebhookAdmin(_ principal: Principal) throws {
        if principal.isOwner { return }
        try store.read {
            try Permissions.requireAdmin(
                principal.id, action: Bilingual(zh: "管理推送订阅", en: "manage webhook subscriptions"), in: $0)
        }
    }
}
