import Foundation
import JifenCore
import PostgresNIO

/// Webhook subscriptions and their delivery queue, as SQL; the admin's rules are in the core
/// (`Store+Webhooks`).
extension PostgresTransaction {
    func webhookEndpoint(_ id: Int64, forUpdate: Bool) throws -> WebhookEndpoint? {
        try session.rows(
            "SELECT \(PostgresStore.endpointColumns) FROM webhook_endpoint WHERE id = $1\(forUpdate ? " FOR NO KEY UPDATE" : "")",
            [id]
        ).first.map(PostgresStore.endpoint)
    }

    func eventType(_ id: Int64) throws -> String? {
        try session.scalar(String.self, "SELECT type FROM event WHERE id = $1", [id])
    }

    func insert(webhook new: NewWebhook, actor: String, nowMillis: Int64) throws -> Int64 {
        guard
            let id = try session.scalar(
                Int64.self,
                """
                INSERT INTO webhook_endpoint (url, format, events, secret, rate_per_minute, allow_private, created_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """,
                [
                    new.url, new.format.rawValue, new.events.joined(separator: ","), new.secret, new.ratePerMinute,
                    new.allowPrivate ? 1 : 0, nowMillis, actor,
                ])
        else {
            throw JifenError.fault(
                .database, zh: "添加 Webhook 时数据库未返回编号。", en: "The database returned no id for the new webhook.")
        }
        for pattern in new.events {
            session.send("INSERT INTO webhook_filter (endpoint, pattern) VALUES ($1, $2)", [id, pattern])
        }
        return id
    }

    func deleteWebhook(_ id: Int64) throws {
        try session.execute("DELETE FROM webhook_endpoint WHERE id = $1", [id])
    }

    func setWebhookStatus(_ id: Int64, _ status: WebhookEndpointStatus, reason: String) throws {
        try session.execute(
            "UPDATE webhook_endpoint SET status = $1, status_reason = $2 WHERE id = $3", [status.rawValue, reason, id])
    }

    func setWebhookSecret(_ id: Int64, secret: String, previous: String?, previousUntilMillis: Int64?) throws {
        try session.execute(
            "UPDATE webhook_endpoint SET secret = $1, previous_secret = $2, previous_secret_until = $3::BIGINT WHERE id = $4",
            [secret, previous, previousUntilMillis, id])
    }

    func queueDeliveries(event: Int64, type: String, nowMillis: Int64) throws -> Int {
        try session.execute(
            """
            INSERT INTO webhook_delivery (event, endpoint, webhook_id, next_attempt_at)
            SELECT $1, e.id, 'msg_' || replace(gen_random_uuid()::TEXT, '-', ''), $2 FROM webhook_endpoint e
            WHERE e.status <> 'disabled' AND EXISTS (SELECT 1 FROM webhook_filter f WHERE f.endpoint = e.id AND jifen_glob(f.pattern, $3))
            ON CONFLICT (event, endpoint) DO NOTHING
            """, [event, nowMillis, type])
        return try session.execute(
            """
            UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $1, delivered_at = NULL WHERE event = $2
            """, [nowMillis, event])
    }

    func requeueDead(endpoint: Int64?, nowMillis: Int64) throws -> Int {
        try session.execute(
            """
            UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $1
            WHERE status = 'dead' AND ($2::BIGINT IS NULL OR endpoint = $2)
            """, [nowMillis, endpoint])
    }

    func outboxEvents(afterID: Int64, limit: Int) throws -> [OutboxEventState] {
        try session.rows(
            """
            SELECT e.id, e.created_at, EXISTS (
                SELECT 1 FROM webhook_delivery d WHERE d.event = e.id AND d.status <> 'delivered')
            FROM event e WHERE e.id > $1 ORDER BY e.id LIMIT $2
            """, [afterID, Int64(limit)]
        ).map { row in
            let (id, at, undelivered) = try row.decode((Int64, Int64, Bool).self)
            return OutboxEventState(id: id, createdAtMillis: at, undelivered: undelivered)
        }
    }

    func deleteEvents(_ ids: [Int64]) throws {
        // Whole numbers written into the statement: nothing a person typed.
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let list = ids[start..<min(start + 1000, ids.count)].map(String.init).joined(separator: ", ")
            _ = try session.execute(
                "DELETE FROM webhook_attempt WHERE delivery IN (SELECT id FROM webhook_delivery WHERE event IN (\(list)))"
            )
            _ = try session.execute("DELETE FROM webhook_delivery WHERE event IN (\(list))")
            _ = try session.execute("DELETE FROM event WHERE id IN (\(list))")
        }
    }
}
