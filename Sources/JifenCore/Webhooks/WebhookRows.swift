import Foundation

/// Webhook subscriptions and the outbox events they are queued for, read inside a transaction.
/// The admin's rules are in `Store+Webhooks`.
public protocol WebhookRowReading {
    /// A webhook subscription. - Parameter forUpdate: lock the row until the transaction ends
    /// (a read-modify-write), where the store runs writers at once.
    func webhookEndpoint(_ id: Int64, forUpdate: Bool) throws -> WebhookEndpoint?
    /// The type of an outbox event, nil when there is no such event.
    func eventType(_ id: Int64) throws -> String?
}

/// Webhook subscriptions and their delivery queue, written inside a write transaction.
public protocol WebhookRowWriting: WebhookRowReading {
    /// Stores a subscription with its event filters. - Returns: its id.
    func insert(webhook: NewWebhook, actor: String, nowMillis: Int64) throws -> Int64
    /// Deletes a subscription with its queue and history.
    func deleteWebhook(_ id: Int64) throws
    func setWebhookStatus(_ id: Int64, _ status: WebhookEndpointStatus, reason: String) throws
    func setWebhookSecret(_ id: Int64, secret: String, previous: String?, previousUntilMillis: Int64?) throws
    /// Queues an event of this type for every subscription not disabled whose filters select it
    /// (keeping the `webhook-id` of a delivery queued before), then makes every delivery of the
    /// event pending afresh. - Returns: the number of deliveries made pending.
    func queueDeliveries(event: Int64, type: String, nowMillis: Int64) throws -> Int
    /// Makes every dead delivery (of one subscription, when given) pending afresh. - Returns: how many.
    func requeueDead(endpoint: Int64?, nowMillis: Int64) throws -> Int
    /// Outbox events after `afterID`, by id, at most `limit` (`EventRetention`).
    func outboxEvents(afterID: Int64, limit: Int) throws -> [OutboxEventState]
    /// Deletes these events with their deliveries and the deliveries' attempts.
    func deleteEvents(_ ids: [Int64]) throws
}

/// Subscriptions, deliveries and the notifier's claims, outside a transaction.
public protocol WebhookQueries {
    /// Every subscription, oldest first. Secrets are in the values: render them nowhere.
    func webhooks() throws -> [WebhookEndpoint]
    /// Deliveries, newest first; of one subscription, or only the dead ones, when asked.
    func deliveries(endpoint: Int64?, deadOnly: Bool, limit: Int) throws -> [DeliveryView]
    /// How many deliveries are in each status (`pending`, `delivered`, `dead`), for a monitor.
    func deliveryCounts() throws -> [String: Int]
    /// Records finished attempts, then leases up to `limit` due deliveries to `owner`.
    /// - Parameters:
    ///   - records: attempts finished since the last call; recorded only under the owner's lease.
    ///   - leaseMillis: how long the claim holds; past it another notifier may take the delivery.
    /// - Returns: the deliveries now leased to `owner`, oldest due first.
    func recordAndClaim(
        _ records: [AttemptRecord], owner: String, nowMillis: Int64, limit: Int,
        leaseMillis: Int64
    ) throws -> [ClaimedDelivery]
}
