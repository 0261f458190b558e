import Foundation
import GRDB
import JifenCore

/// What `webhook add` asks for, already checked by the caller (URL safety, secret format).
public struct NewWebhook: Sendable, Equatable {
    public var url: String
    public var format: WebhookFormat
    public var events: [String]
    public var secret: String
    public var ratePerMinute: Int
    public var allowPrivate: Bool

    public init(url: String, format: WebhookFormat, events: [String], secret: String, ratePerMinute: Int, allowPrivate: Bool) {
        self.url = url
        self.format = format
        self.events = events
        self.secret = secret
        self.ratePerMinute = ratePerMinute
        self.allowPrivate = allowPrivate
    }
}

/// Webhook subscriptions. Every change is an admin's act, checked inside its write transaction.
extension JifenDatabase {
    /// Stores a subscription; events written from now on are queued for it.
    /// - Throws: `JifenError` refused when the actor is not an admin.
    public func addWebhook(_ new: NewWebhook, actor: String, nowMillis: Int64) throws -> WebhookEndpoint {
        try writeTransaction { db in
            try Self.requireAdmin(db, actor, Bilingual(zh: "添加 Webhook", en: "add a webhook"))
            try db.execute(sql: """
                INSERT INTO webhook_endpoint (url, format, events, secret, rate_per_minute, allow_private, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.url, new.format.rawValue, new.events.joined(separator: ","), new.secret, new.ratePerMinute,
                                 new.allowPrivate, nowMillis, actor])
            let id = db.lastInsertedRowID
            for pattern in new.events {
                try db.execute(sql: "INSERT INTO webhook_filter (endpoint, pattern) VALUES (?, ?)", arguments: [id, pattern])
            }
            return try Self.endpoint(db, id)
        }
    }

    /// Every subscription, oldest first. Secrets are in the values: render them nowhere.
    public func webhooks() throws -> [WebhookEndpoint] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_endpoint ORDER BY id").map(Self.endpoint)
        }
    }

    public func webhook(_ id: Int64) throws -> WebhookEndpoint {
        try readTransaction { db in try Self.endpoint(db, id) }
    }

    /// Deletes a subscription with its queue and history; its secret is gone with it.
    public func removeWebhook(_ id: Int64, actor: String) throws -> WebhookEndpoint {
        try writeTransaction { db in
            try Self.requireAdmin(db, actor, Bilingual(zh: "删除 Webhook", en: "remove a webhook"))
            let endpoint = try Self.endpoint(db, id)
            try db.execute(sql: "DELETE FROM webhook_endpoint WHERE id = ?", arguments: [id])
            return endpoint
        }
    }

    /// Pauses (`.paused`) or resumes (`.active`) a subscription. Resuming also re-enables one
    /// disabled by a 410 answer; what was queued is then sent.
    public func setWebhookStatus(_ id: Int64, to status: WebhookEndpointStatus, actor: String) throws -> WebhookEndpoint {
        try writeTransaction { db in
            let action = status == .paused ? Bilingual(zh: "暂停 Webhook", en: "pause a webhook") : Bilingual(zh: "恢复 Webhook", en: "resume a webhook")
            try Self.requireAdmin(db, actor, action)
            _ = try Self.endpoint(db, id)
            try db.execute(sql: "UPDATE webhook_endpoint SET status = ?, status_reason = ? WHERE id = ?",
                           arguments: [status.rawValue, status == .paused ? "paused by \(actor)" : "", id])
            return try Self.endpoint(db, id)
        }
    }

    /// Makes `newSecret` the signing secret; the old one keeps signing alongside it for `graceMillis`.
    public func rotateWebhookSecret(_ id: Int64, newSecret: String, graceMillis: Int64, actor: String, nowMillis: Int64) throws -> WebhookEndpoint {
        try writeTransaction { db in
            try Self.requireAdmin(db, actor, Bilingual(zh: "更换 Webhook 密钥", en: "rotate a webhook secret"))
            let endpoint = try Self.endpoint(db, id)
            let previous: String? = endpoint.secret.isEmpty ? nil : endpoint.secret
            try db.execute(sql: "UPDATE webhook_endpoint SET secret = ?, previous_secret = ?, previous_secret_until = ? WHERE id = ?",
                           arguments: [newSecret, previous, previous == nil ? nil : nowMillis + graceMillis, id])
            return try Self.endpoint(db, id)
        }
    }

    /// The notifier's settings (`webhook.*` keys of the settings table).
    public func webhookSettings() throws -> WebhookSettings {
        try readTransaction { db in try WebhookSettings(settings: SQLiteLedgerTransaction(db: db).settings()) }
    }

    /// Refuses anyone but an admin, without writing (for `webhook test` and `notify`).
    public func requireAdmin(_ actor: String, action: Bilingual) throws {
        try readTransaction { db in try Self.requireAdmin(db, actor, action) }
    }

    static func requireAdmin(_ db: Database, _ actor: String, _ action: Bilingual) throws {
        try Permissions.requireAdmin(actor, action: action, in: SQLiteLedgerTransaction(db: db))
    }

    static func endpoint(_ db: Database, _ id: Int64) throws -> WebhookEndpoint {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoint WHERE id = ?", arguments: [id]) else {
            throw JifenError.refused("unknown-id", zh: "找不到编号为 \(id) 的 Webhook。请用 jifen webhook list 查看已有的编号。",
                                     en: "There is no webhook with id \(id). See the existing ids with jifen webhook list.")
        }
        return endpoint(row)
    }

    static func endpoint(_ row: Row) -> WebhookEndpoint {
        let events: String = row["events"]
        return WebhookEndpoint(
            id: row["id"], url: row["url"], format: WebhookFormat(rawValue: row["format"]) ?? .standard,
            events: events.split(separator: ",").map(String.init), secret: row["secret"],
            previousSecret: row["previous_secret"], previousSecretUntilMillis: row["previous_secret_until"],
            ratePerMinute: row["rate_per_minute"], allowPrivate: row["allow_private"],
            status: WebhookEndpointStatus(rawValue: row["status"]) ?? .active, statusReason: row["status_reason"],
            createdAtMillis: row["created_at"], createdBy: row["created_by"])
    }
}
