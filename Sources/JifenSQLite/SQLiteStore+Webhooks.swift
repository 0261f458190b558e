import Foundation
import GRDB
import JifenCore

/// Webhook subscriptions. Every change is an admin's act, checked inside its write transaction.
extension SQLiteStore {
    /// Stores a subscription; events written from now on are queued for it.
    /// - Throws: `JifenError` refused when the actor is not an admin.
    public func addWebhook(_ new: NewWebhook, actor: String, nowMillis: Int64) throws -> WebhookEndpoint {
        try writeTransaction { db in
            try Self.requireAdmin(db, actor, WebhookRules.addAction)
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
            try Self.requireAdmin(db, actor, WebhookRules.removeAction)
            let endpoint = try Self.endpoint(db, id)
            try db.execute(sql: "DELETE FROM webhook_endpoint WHERE id = ?", arguments: [id])
            return endpoint
        }
    }

    /// Pauses (`.paused`) or resumes (`.active`) a subscription. Resuming also re-enables one
    /// disabled by a 410 answer; what was queued is then sent.
    public func setWebhookStatus(_ id: Int64, to status: WebhookEndpointStatus, actor: String) throws -> WebhookEndpoint {
        try writeTransaction { db in
            try Self.requireAdmin(db, actor, WebhookRules.statusAction(status))
            _ = try Self.endpoint(db, id)
            try db.execute(sql: "UPDATE webhook_endpoint SET status = ?, status_reason = ? WHERE id = ?",
                           arguments: [status.rawValue, WebhookRules.statusReason(status, actor: actor), id])
            return try Self.endpoint(db, id)
        }
    }

    /// Makes `newSecret` the signing secret; the old one keeps signing alongside it for `graceMillis`.
    public func rotateWebhookSecret(_ id: Int64, newSecret: String, graceMillis: Int64, actor: String, nowMillis: Int64) throws -> WebhookEndpoint {
        try writeTransaction { db in
            try Self.requireAdmin(db, actor, WebhookRules.rotateAction)
            let rotation = WebhookRules.rotation(of: try Self.endpoint(db, id), graceMillis: graceMillis, nowMillis: nowMillis)
            try db.execute(sql: "UPDATE webhook_endpoint SET secret = ?, previous_secret = ?, previous_secret_until = ? WHERE id = ?",
                           arguments: [newSecret, rotation.previous, rotation.previousUntilMillis, id])
            return try Self.endpoint(db, id)
        }
    }

    static func requireAdmin(_ db: Database, _ actor: String, _ action: Bilingual) throws {
        try Permissions.requireAdmin(actor, action: action, in: SQLiteLedgerTransaction(db: db))
    }

    static func endpoint(_ db: Database, _ id: Int64) throws -> WebhookEndpoint {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoint WHERE id = ?", arguments: [id]) else {
            throw WebhookRules.unknownWebhook(id)
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
