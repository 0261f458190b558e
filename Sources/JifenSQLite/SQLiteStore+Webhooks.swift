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

/// The delivery queue: filled by the `webhook_fanout` trigger, drained by `jifen notify`.
extension SQLiteStore {
    /// Condition of a delivery that may be claimed now (parameters: now, now, now).
    static let claimable = """
        d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
        AND e.status = 'active' AND e.next_send_at <= ?
        """

    public func recordAndClaim(
        _ records: [AttemptRecord], owner: String, nowMillis: Int64, limit: Int,
        leaseMillis: Int64
    ) throws -> [ClaimedDelivery] {
        if records.isEmpty {
            // An idle notifier polls: look without taking the write lock, which CLI writers need.
            let due = try readTransaction { db in
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint WHERE \(Self.claimable))
                        """, arguments: [nowMillis, nowMillis, nowMillis]) ?? false
            }
            if !due || limit <= 0 { return [] }
        }
        return try writeTransaction { db in
            for record in records { try Self.record(record, owner: owner, db) }
            guard limit > 0 else { return [] }
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.id, d.webhook_id, d.attempts, d.endpoint, ev.id AS event_id, ev.type, ev.payload, ev.created_at
                        FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint JOIN event ev ON ev.id = d.event
                        WHERE \(Self.claimable) ORDER BY d.next_attempt_at, d.id LIMIT ?
                        """), arguments: [nowMillis, nowMillis, nowMillis, limit])
            var endpoints: [Int64: WebhookEndpoint] = [:]
            var due: [(delivery: Int64, endpoint: WebhookEndpoint)] = []
            var byID: [Int64: Row] = [:]
            for row in rows {
                let endpointID: Int64 = row["endpoint"]
                if endpoints[endpointID] == nil { endpoints[endpointID] = try Self.endpoint(db, endpointID) }
                guard let endpoint = endpoints[endpointID] else { continue }
                let id: Int64 = row["id"]
                due.append((id, endpoint))
                byID[id] = row
            }
            // The write transaction holds SQLite's only write lock: every free slot is this claim's,
            // whichever notifier process makes it, and the slot moves in this transaction.
            let admitted = WebhookRules.admit(due, slotFree: { _ in true }, nowMillis: nowMillis)
            for (endpointID, next) in admitted.nextSlots {
                try db.execute(
                    sql: "UPDATE webhook_endpoint SET next_send_at = ? WHERE id = ?", arguments: [next, endpointID])
            }
            var claimed: [ClaimedDelivery] = []
            for id in admitted.deliveries {
                guard let row = byID[id], let endpoint = endpoints[row["endpoint"] as Int64] else { continue }
                try db.cachedStatement(sql: "UPDATE webhook_delivery SET lease_owner = ?, lease_until = ? WHERE id = ?")
                    .execute(arguments: [owner, nowMillis + leaseMillis, id])
                let event = StoredEvent(
                    id: row["event_id"], type: row["type"], payload: row["payload"], createdAtMillis: row["created_at"])
                claimed.append(
                    ClaimedDelivery(
                        id: id, webhookID: row["webhook_id"], attempt: (row["attempts"] as Int) + 1,
                        event: event, endpoint: endpoint))
            }
            return claimed
        }
    }

    /// Records one attempt. The delivery's state changes only under the lease it was sent with:
    /// a notifier whose lease was taken over after it expired cannot overwrite the newer claim.
    static func record(_ r: AttemptRecord, owner: String, _ db: Database) throws {
        let (status, next, outcome) = r.effect
        try db.cachedStatement(
            sql: """
                INSERT INTO webhook_attempt (delivery, attempt, at, duration_ms, status_code, error, outcome)
                SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_delivery WHERE id = ?)
                """
        ).execute(arguments: [
            r.deliveryID, r.attempt, r.atMillis, r.durationMillis, r.statusCode, r.error, outcome, r.deliveryID,
        ])
        try db.cachedStatement(
            sql: """
                UPDATE webhook_delivery SET status = ?, attempts = ?, next_attempt_at = COALESCE(?, next_attempt_at),
                    last_status_code = ?, last_error = ?, last_attempt_at = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL
                WHERE id = ? AND lease_owner = ?
                """
        ).execute(arguments: [
            status.rawValue, r.attempt, next, r.statusCode, r.error, r.atMillis,
            status == .delivered ? r.atMillis : nil, r.deliveryID, owner,
        ])
        if r.disablesEndpoint {
            try db.execute(
                sql:
                    "UPDATE webhook_endpoint SET status = 'disabled', status_reason = ? WHERE id = ? AND status = 'active'",
                arguments: [WebhookRules.goneReason(delivery: r.deliveryID), r.endpointID])
        }
    }

    /// Deliveries, newest first.
    /// - Parameters:
    ///   - endpoint: only this subscription's, when given.
    ///   - deadOnly: only those that ran out of attempts.
    public func deliveryCounts() throws -> [String: Int] {
        try readTransaction { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM webhook_delivery GROUP BY status") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    public func deliveries(endpoint: Int64?, deadOnly: Bool, limit: Int) throws -> [DeliveryView] {
        try readTransaction { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let endpoint { conditions.append("d.endpoint = ?"); arguments += [endpoint] }
            if deadOnly { conditions.append("d.status = 'dead'") }
            arguments += [limit]
            let sql = """
                SELECT d.*, ev.type FROM webhook_delivery d JOIN event ev ON ev.id = d.event
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY d.id DESC LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                DeliveryView(
                    id: row["id"], webhookID: row["webhook_id"], event: row["event"], eventType: row["type"],
                    endpoint: row["endpoint"], status: DeliveryStatus(rawValue: row["status"]) ?? .pending,
                    attempts: row["attempts"], lastStatusCode: row["last_status_code"], lastError: row["last_error"],
                    lastAttemptAtMillis: row["last_attempt_at"], nextAttemptAtMillis: row["next_attempt_at"],
                    deliveredAtMillis: row["delivered_at"])
            }
        }
    }

}
