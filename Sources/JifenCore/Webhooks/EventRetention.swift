import Foundation

/// An outbox event as retention sees it: its age, and whether a delivery of it is still owed.
public struct OutboxEventState: Sendable, Equatable {
    public var id: Int64
    public var createdAtMillis: Int64
    /// A delivery of it is pending or dead (a dead one may be queued again): it must stay.
    public var undelivered: Bool

    public init(id: Int64, createdAtMillis: Int64, undelivered: Bool) {
        self.id = id
        self.createdAtMillis = createdAtMillis
        self.undelivered = undelivered
    }
}

/// The outbox's events and their delivered deliveries, dropped once older than
/// `events.retention_days`: an event is what a webhook is told, not part of the ledger. The
/// transfers, their hash chain, lots and checkpoints (everything `verify` reads) are never touched;
/// an event with a delivery still pending or dead is kept whatever its age.
public enum EventRetention {
    /// Prunes events created before `nowMillis` less the retention, oldest first, `batch` a
    /// transaction. - Returns: how many events were pruned (0 when the retention is 0: keep all).
    @discardableResult
    public static func prune(store: any Store, nowMillis: Int64, batch: Int = 5_000) throws -> Int {
        let days = try store.read { try Rules(settings: $0.settings()) }.eventRetentionDays
        guard days > 0 else { return 0 }
        let cutoff = nowMillis - Int64(days) * 86_400_000
        var pruned = 0
        var after: Int64 = 0
        while true {
            let (ids, last, done) = try store.write { tx -> ([Int64], Int64, Bool) in
                let events = try tx.outboxEvents(afterID: after, limit: batch)
                // Events are written in time order: the first one inside the retention ends the run.
                let old = events.prefix { $0.createdAtMillis < cutoff }
                let ids = old.filter { !$0.undelivered }.map(\.id)
                try tx.deleteEvents(ids)
                return (ids, old.last?.id ?? after, old.count < batch)
            }
            pruned += ids.count
            after = last
            if done { return pruned }
        }
    }
}

extension Rules {
    static let eventDefinitions: [SettingDefinition] = [
        SettingDefinition(
            key: "events.retention_days", defaultValue: "90",
            meaning: Bilingual(
                zh: "已投递（或无人订阅）的事件保留多少天后删除（0 为永久保留）；待投递和死信的事件不删，账本与哈希链不受影响",
                en:
                    "days a delivered (or unsubscribed) outbox event is kept before it is pruned (0: forever); "
                    + "events still owed a delivery stay, and the ledger and its hash chain are never touched")
        ) { rules, value in
            guard let days = Int(value.trimmingCharacters(in: .whitespaces)), (0...36_500).contains(days) else {
                throw JifenError.usage(
                    .badSetting, zh: "设置 events.retention_days 的值「\(value)」无效，应为 0 到 36500 之间的整数（天）。",
                    en:
                        "The value \"\(value)\" for events.retention_days is not valid; expected a whole number of days from 0 to 36500."
                )
            }
            rules.eventRetentionDays = days
        }
    ]
}
