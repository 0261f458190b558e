import Foundation

extension ReadTransaction {
    /// A subscription; refused (`unknown-id`) when there is none.
    /// - Parameter forUpdate: the row is about to be read and rewritten (a store that runs
    ///   writers at once locks it until the transaction ends).
    func endpoint(_ id: Int64, forUpdate: Bool = false) throws -> WebhookEndpoint {
        guard let endpoint = try webhookEndpoint(id, forUpdate: forUpdate) else {
            throw WebhookRules.unknownWebhook(id)
        }
        return endpoint
    }
}

/// Webhook subscriptions, their deliveries and replays. Every change is an admin's act, checked
/// inside its write transaction, on every store; the rules themselves are `WebhookRules`.
public struct Webhooks: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// Stores a subscription; events written from now on are queued for it.
    /// - Throws: `JifenError` refused when the actor is not an admin.
    public func addWebhook(_ new: NewWebhook, actor: String, nowMillis: Int64) throws -> WebhookEndpoint {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: WebhookRules.addAction, in: tx)
            return try tx.endpoint(try tx.insert(webhook: new, actor: actor, nowMillis: nowMillis))
        }
    }

    /// - Throws: `JifenError` refused (`unknown-id`) when there is none.
    public func webhook(_ id: Int64) throws -> WebhookEndpoint {
        try store.read { try $0.endpoint(id) }
    }

    /// Deletes a subscription with its queue and history; its secret is gone with it.
    public func removeWebhook(_ id: Int64, actor: String) throws -> WebhookEndpoint {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: WebhookRules.removeAction, in: tx)
            let endpoint = try tx.endpoint(id)
            try tx.deleteWebhook(id)
            return endpoint
        }
    }

    /// Pauses (`.paused`) or resumes (`.active`) a subscription. Resuming also re-enables one
    /// disabled by a 410 answer; what was queued is then sent.
    public func setWebhookStatus(_ id: Int64, to status: WebhookEndpointStatus, actor: String) throws -> WebhookEndpoint
    {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: WebhookRules.statusAction(status), in: tx)
            _ = try tx.endpoint(id)
            try tx.setWebhookStatus(id, status, reason: WebhookRules.statusReason(status, actor: actor))
            return try tx.endpoint(id)
        }
    }

    /// Makes `newSecret` the signing secret; the old one keeps signing alongside it for `graceMillis`.
    public func rotateWebhookSecret(
        _ id: Int64, newSecret: String, graceMillis: Int64, actor: String, nowMillis: Int64
    ) throws -> WebhookEndpoint {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: WebhookRules.rotateAction, in: tx)
            let rotation = WebhookRules.rotation(
                of: try tx.endpoint(id, forUpdate: true), graceMillis: graceMillis, nowMillis: nowMillis)
            try tx.setWebhookSecret(
                id, secret: newSecret, previous: rotation.previous, previousUntilMillis: rotation.previousUntilMillis)
            return try tx.endpoint(id)
        }
    }

    /// Queues an event again for every subscription that selects it, with the same `webhook-id`
    /// where it was queued before. - Returns: the number of deliveries queued.
    public func replay(event: Int64, actor: String, nowMillis: Int64) throws -> Int {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: WebhookRules.replayAction, in: tx)
            guard let type = try tx.eventType(event) else { throw WebhookRules.unknownEvent(event) }
            return try tx.queueDeliveries(event: event, type: type, nowMillis: nowMillis)
        }
    }

    /// Queues every dead delivery (of one subscription, when given) again, attempts counted afresh.
    /// - Returns: the number of deliveries queued.
    public func replayDead(endpoint: Int64?, actor: String, nowMillis: Int64) throws -> Int {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: WebhookRules.replayDeadAction, in: tx)
            if let endpoint { _ = try tx.endpoint(endpoint) }
            return try tx.requeueDead(endpoint: endpoint, nowMillis: nowMillis)
        }
    }

    // MARK: Deliveries

    /// Deliveries (at most 100), of one subscription or all; only the dead ones with `deadOnly`.
    public func deliveries(endpoint: Int64? = nil, deadOnly: Bool = false) throws -> [DeliveryView] {
        try store.deliveries(endpoint: endpoint, deadOnly: deadOnly, limit: 100)
    }

    public func deliveries(limit: Int) throws -> [DeliveryView] {
        try store.deliveries(endpoint: nil, deadOnly: false, limit: limit)
    }

    public func replayDead(actor: String, nowMillis: Int64) throws -> Int {
        try replayDead(endpoint: nil, actor: actor, nowMillis: nowMillis)
    }
}
