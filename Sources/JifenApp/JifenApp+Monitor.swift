import Foundation
import JifenCore

extension JifenApp {
    /// What a monitor reads from the store when it looks (`jifen serve`'s `/metrics`): counts only,
    /// no person, no id.
    public struct MonitorCounts: Sendable, Equatable {
        /// Transfers in the ledger, sealed or not.
        public var transfers: Int
        /// Webhook deliveries by status (`pending` is the outbox's backlog, `delivered`, `dead`).
        public var deliveries: [String: Int]
    }

    /// The ledger's transfer count and the outbox's deliveries by status, read now. Served to
    /// whoever reaches the metrics address (an operator's choice of address), so it takes no principal.
    public func monitorCounts() throws -> MonitorCounts {
        let store = try store
        return MonitorCounts(transfers: try store.transferCount(), deliveries: try store.deliveryCounts())
    }
}
