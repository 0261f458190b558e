import Foundation
import GRDB
public import JifenCore

/// Webhook subscriptions as SQL; the admin's acts on them are in the core (`Store+Webhooks`).
extension SQLiteStore {
    /// Every subscription, oldest first. Secrets are in the values: render them nowhere.
    public func webhooks() throws -> [WebhookEndpoint] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_endpoint ORDER BY id").map(Self.endpoint)
        }
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
