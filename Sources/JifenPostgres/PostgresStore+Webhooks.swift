import Foundation
public import JifenCore
import PostgresNIO

/// The webhook delivery queue on PostgreSQL: filled by the `webhook_fanout` trigger in each
/// event's transaction, drained by `jifen notify` processes on any number of machines.
///
/// A claim locks the due deliveries it takes with `FOR UPDATE OF d SKIP LOCKED`, so notifiers
/// claiming at the same moment take disjoint rows instead of waiting for each other, and leases
/// them (`lease_owner`, `lease_until`) before it commits: a notifier that dies gives its deliveries
/// back when the lease runs out. A rate-limited endpoint's slot is taken under a row lock on the
/// endpoint (`FOR NO KEY UPDATE SKIP LOCKED`), so two notifiers never both use the same slot.
/// The rules (what an attempt's decision does, how slots are spaced) come from `WebhookRules`.
extension PostgresStore {
    static let endpointColumns = """
        id, url, format, events, secret, previous_secret, previous_secret_until, rate_per_minute, allow_private, \
        status, status_reason, created_at, created_by
        """

    public func recordAndClaim(
        _ records: [AttemptRecord], owner: String, nowMillis: Int64, limit: Int,
        leaseMillis: Int64
    ) throws -> [ClaimedDelivery] {
        if records.isEmpty && limit <= 0 { return [] }
        return try transaction(readOnly: false) { session in
            for record in records { Self.record(record, owner: owner, session) }
            guard limit > 0 else { return [] }
            let rows = try session.rows(
                """
                SELECT d.id, d.webhook_id, d.attempts, d.endpoint, ev.id, ev.type, ev.payload, ev.created_at
                FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint JOIN event ev ON ev.id = d.event
                WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1)
                  AND e.status = 'active' AND e.next_send_at <= $1
                ORDER BY d.next_attempt_at, d.id LIMIT $2
                FOR UPDATE OF d SKIP LOCKED
                """, [nowMillis, limit])
            guard !rows.isEmpty else { return [] }
            let due: [DueDelivery] = try rows.map { row in
                let (id, webhookID, attempts, endpoint, eventID, type, payload, at) =
                    try row.decode((Int64, String, Int64, Int64, Int64, String, String, Int64).self)
                return DueDelivery(
                    id: id, webhookID: webhookID, attempts: attempts, endpoint: endpoint,
                    event: StoredEvent(id: eventID, type: type, payload: payload, createdAtMillis: at))
            }
            let endpointIDs = Array(Set(due.map(\.endpoint)))
            var endpoints: [Int64: WebhookEndpoint] = [:]
            for row in try session.rows(
                "SELECT \(Self.endpointColumns) FROM webhook_endpoint WHERE id = ANY($1::TEXT[]::BIGINT[])",
                [endpointIDs.map(String.init)])
            {
                let endpoint = try Self.endpoint(row)
                endpoints[endpoint.id] = endpoint
            }
            // The slots of rate-limited endpoints: a row lock per endpoint, skipped when another
            // notifier holds it (that one is taking the slot), re-checked on the latest row version.
            let limited = endpointIDs.filter { (endpoints[$0]?.ratePerMinute ?? 0) > 0 }
            var free: Set<Int64> = []
            if !limited.isEmpty {
                free = Set(
                    try session.rows(
                        """
                        SELECT id FROM webhook_endpoint WHERE id = ANY($1::TEXT[]::BIGINT[]) AND status = 'active' AND next_send_at <= $2
                        FOR NO KEY UPDATE SKIP LOCKED
                        """, [limited.map(String.init), nowMillis]
                    ).map { try $0.decode(Int64.self) })
            }
            let candidates = due.compactMap { d in endpoints[d.endpoint].map { (delivery: d.id, endpoint: $0) } }
            let admitted = WebhookRules.admit(candidates, slotFree: { free.contains($0) }, nowMillis: nowMillis)
            for (endpoint, next) in admitted.nextSlots {
                session.send("UPDATE webhook_endpoint SET next_send_at = $1 WHERE id = $2", [next, endpoint])
            }
            guard !admitted.deliveries.isEmpty else {
                try session.drain()
                return []
            }
            try session.execute(
                "UPDATE webhook_delivery SET lease_owner = $1, lease_until = $2 WHERE id = ANY($3::TEXT[]::BIGINT[])",
                [owner, nowMillis + leaseMillis, admitted.deliveries.map(String.init)])
            let byID = Dictionary(uniqueKeysWithValues: due.map { ($0.id, $0) })
            return admitted.deliveries.compactMap { id in
                guard let d = byID[id], let endpoint = endpoints[d.endpoint] else { return nil }
                return ClaimedDelivery(
                    id: id, webhookID: d.webhookID, attempt: Int(d.attempts) + 1, event: d.event, endpoint: endpoint)
            }
        }
    }

    private struct DueDelivery {
        var id: Int64
        var webhookID: String
        var attempts: Int64
        var endpoint: Int64
        var event: StoredEvent
    }

    /// Records one attempt. The delivery's state changes only under the lease it was sent with:
    /// a notifier whose lease was taken over after it expired cannot overwrite the newer claim.
    /// Sent without waiting; the claim's next statement (or the commit) waits and throws.
    static func record(_ r: AttemptRecord, owner: String, _ session: PostgresSession) {
        let (status, next, outcome) = r.effect
        // FOR KEY SHARE: a delivery deleted meanwhile (its subscription removed) is skipped, not a fault.
        session.send(
            """
            INSERT INTO webhook_attempt (delivery, attempt, at, duration_ms, status_code, error, outcome)
            SELECT d.id, $2, $3, $4, $5::BIGINT, $6, $7 FROM webhook_delivery d WHERE d.id = $1 FOR KEY SHARE
            """, [r.deliveryID, r.attempt, r.atMillis, r.durationMillis, r.statusCode, r.error, outcome])
        session.send(
            """
            UPDATE webhook_delivery SET status = $1, attempts = $2, next_attempt_at = COALESCE($3::BIGINT, next_attempt_at),
                last_status_code = $4::BIGINT, last_error = $5, last_attempt_at = $6, delivered_at = $7::BIGINT,
                lease_owner = NULL, lease_until = NULL
            WHERE id = $8 AND lease_owner = $9
            """,
            [
                status.rawValue, r.attempt, next, r.statusCode, r.error, r.atMillis,
                status == .delivered ? r.atMillis : nil, r.deliveryID, owner,
            ])
        if r.disablesEndpoint {
            session.send(
                "UPDATE webhook_endpoint SET status = 'disabled', status_reason = $1 WHERE id = $2 AND status = 'active'",
                [WebhookRules.goneReason(delivery: r.deliveryID), r.endpointID])
        }
    }

    public func deliveryCounts() throws -> [String: Int] {
        try transaction(readOnly: true) { session in
            var counts: [String: Int] = [:]
            for row in try session.rows("SELECT status, COUNT(*)::BIGINT FROM webhook_delivery GROUP BY status") {
                let (status, count) = try row.decode((String, Int64).self)
                counts[status] = Int(count)
            }
            return counts
        }
    }

    public func deliveries(endpoint: Int64?, deadOnly: Bool, limit: Int) throws -> [DeliveryView] {
        try transaction(readOnly: true) { session in
            try session.rows(
                """
                SELECT d.id, d.webhook_id, d.event, ev.type, d.endpoint, d.status, d.attempts, d.last_status_code, d.last_error,
                       d.last_attempt_at, d.next_attempt_at, d.delivered_at
                FROM webhook_delivery d JOIN event ev ON ev.id = d.event
                WHERE ($1::BIGINT IS NULL OR d.endpoint = $1) AND (NOT $2::BOOLEAN OR d.status = 'dead')
                ORDER BY d.id DESC LIMIT $3
                """, [endpoint, deadOnly, limit]
            ).map { row in
                let (id, webhookID, event, type, endpoint, status, attempts, code, error, lastAt, nextAt, deliveredAt) =
                    try row.decode(
                        (Int64, String, Int64, String, Int64, String, Int64, Int64?, String, Int64?, Int64, Int64?).self
                    )
                return DeliveryView(
                    id: id, webhookID: webhookID, event: event, eventType: type, endpoint: endpoint,
                    status: DeliveryStatus(rawValue: status) ?? .pending, attempts: Int(attempts),
                    lastStatusCode: code.map { Int($0) }, lastError: error, lastAttemptAtMillis: lastAt,
                    nextAttemptAtMillis: nextAt, deliveredAtMillis: deliveredAt)
            }
        }
    }

    // MARK: Subscriptions

    public func webhooks() throws -> [WebhookEndpoint] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT \(Self.endpointColumns) FROM webhook_endpoint ORDER BY id").map(Self.endpoint)
        }
    }

    static func endpoint(_ row: PostgresRow) throws -> WebhookEndpoint {
        let (
            id, url, format, events, secret, previous, previousUntil, rate, allowPrivate, status, reason, created,
            createdBy
        ) =
            try row.decode(
                (Int64, String, String, String, String, String?, Int64?, Int64, Int64, String, String, Int64, String)
                    .self)
        return WebhookEndpoint(
            id: id, url: url, format: WebhookFormat(rawValue: format) ?? .standard,
            events: events.split(separator: ",").map(String.init),
            secret: secret, previousSecret: previous, previousSecretUntilMillis: previousUntil,
            ratePerMinute: Int(rate),
            allowPrivate: allowPrivate != 0, status: WebhookEndpointStatus(rawValue: status) ?? .active,
            statusReason: reason,
            createdAtMillis: created, createdBy: createdBy)
    }
}
