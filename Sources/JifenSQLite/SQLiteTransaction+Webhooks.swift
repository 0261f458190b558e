import Foundation
import GRDB
import JifenCore

/// Webhook subscriptions and their delivery queue, as SQL; the admin's rules are in the core
/// (`Store+Webhooks`).
extension SQLiteTransaction {
    func webhookEndpoint(_ id: Int64, forUpdate: Bool) throws -> WebhookEndpoint? {
        try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoint WHERE id = ?", arguments: [id]).map(
            SQLiteStore.endpoint)
    }

    func eventType(_ id: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT type FROM event WHERE id = ?", arguments: [id])
    }

    func insert(webhook new: NewWebhook, actor: String, nowMillis: Int64) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO webhook_endpoint (url, format, events, secret, rate_per_minute, allow_private, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                new.url, new.format.rawValue, new.events.joined(separator: ","), new.secret, new.ratePerMinute,
                new.allowPrivate, nowMillis, actor,
            ])
        let id = db.lastInsertedRowID
        for pattern in new.events {
            try db.execute(
                sql: "INSERT INTO webhook_filter (endpoint, pattern) VALUES (?, ?)", arguments: [id, pattern])
        }
        return id
    }

    func deleteWebhook(_ id: Int64) throws {
        try db.execute(sql: "DELETE FROM webhook_endpoint WHERE id = ?", arguments: [id])
    }

    func setWebhookStatus(_ id: Int64, _ status: WebhookEndpointStatus, reason: String) throws {
        try db.execute(
            sql: "UPDATE webhook_endpoint SET status = ?, status_reason = ? WHERE id = ?",
            arguments: [status.rawValue, reason, id])
    }

    func setWebhookSecret(_ id: Int64, secret: String, previous: String?, previousUntilMillis: Int64?) throws {
        try db.execute(
            sql: "UPDATE webhook_endpoint SET secret = ?, previous_secret = ?, previous_secret_until = ? WHERE id = ?",
            arguments: [secret, previous, previousUntilMillis, id])
    }

    func queueDeliveries(event: Int64, type: String, nowMillis: Int64) throws -> Int {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO webhook_delivery (event, endpoint, webhook_id, next_attempt_at)
                SELECT ?, e.id, 'msg_' || lower(hex(randomblob(16))), ? FROM webhook_endpoint e
                WHERE e.status <> 'disabled' AND EXISTS (SELECT 1 FROM webhook_filter f WHERE f.endpoint = e.id AND ? GLOB f.pattern)
                """, arguments: [event, nowMillis, type])
        try db.execute(
            sql: """
                UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL
                WHERE event = ?
                """, arguments: [nowMillis, event])
        return db.changesCount
    }

    func requeueDead(endpoint: Int64?, nowMillis: Int64) throws -> Int {
        try db.execute(
            sql: """
                UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ?
                WHERE status = 'dead' AND (? IS NULL OR endpoint = ?)
                """, arguments: [nowMillis, endpoint, endpoint])
        return db.changesCount
    }

    func outboxEvents(afterID: Int64, limit: Int) throws -> [OutboxEventState] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT e.id, e.created_at, EXISTS (
                    SELECT 1 FROM webhook_delivery d WHERE d.event = e.id AND d.status <> 'delivered')
                FROM event e WHERE e.id > ? ORDER BY e.id LIMIT ?
                """, arguments: [afterID, limit]
        ).map { OutboxEventState(id: $0[0], createdAtMillis: $0[1], undelivered: $0[2]) }
    }

    func deleteEvents(_ ids: [Int64]) throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let arguments = StatementArguments(chunk)
            try db.execute(
                sql: """
                    DELETE FROM webhook_attempt WHERE delivery IN (SELECT id FROM webhook_delivery WHERE event IN (\(marks)));
                    DELETE FROM webhook_delivery WHERE event IN (\(marks));
                    DELETE FROM event WHERE id IN (\(marks));
                    """, arguments: arguments + arguments + arguments)
        }
    }
}
