import Foundation
public import JifenCore

/// The merchant's counter: what it lists so a refund or a pickup needs no receipt number, and one
/// receipt to show again.
extension JifenApp {
    public struct CounterQuery: Codable, Sendable {
        public var merchant: String
        /// The calendar day (in the community's zone) whose redemptions to list; nil: today.
        public var day: String?
        public init(merchant: String, day: String? = nil) { self.merchant = merchant; self.day = day }
    }

    public struct CounterResult: Codable, Sendable, Equatable {
        public var merchant: String
        public var day: String
        /// The day's redemptions that moved points, newest first (tap one to refund).
        public var today: [CounterRedemption]
        /// Holds waiting for pickup, the longest waiting first (hand over or release).
        public var holds: [CounterRedemption]
    }

    /// The most lines each of the counter's lists shows.
    public static let counterListLimit = 100

    /// A merchant's redemptions of a day and its open holds, with the customers' names
    /// (the merchant, its counter staff, or an admin).
    /// - Throws: usage `bad-date` for an unreadable day; forbidden for anyone else.
    public func counter(_ principal: Principal, _ query: CounterQuery) throws -> CounterResult {
        let day =
            try query.day.map { try DayFormat.day($0, in: zone, field: "day") } ?? DayFormat.string(clock(), in: zone)
        let from = try DayFormat.startMillis(of: day, in: zone)
        let to = try DayFormat.startMillis(of: DayFormat.adding(days: 1, to: day, in: zone), in: zone)
        let lists = try merchants.counterLists(
            merchant: query.merchant, fromMillis: from, toMillis: to, limit: Self.counterListLimit,
            actor: principal.id)
        return CounterResult(merchant: query.merchant, day: day, today: lists.today, holds: lists.holds)
    }

    /// One redemption (its receipt) with the customer's name and what can still be refunded:
    /// its merchant, its volunteer or an admin; to anyone else it is missing.
    public func redemption(_ principal: Principal, _ id: Int64) throws -> CounterRedemption {
        try merchants.counterRedemption(id, actor: principal.id)
    }
}
