import Foundation

/// A line of a community's public notice: what its volunteers spent in the month at a merchant
/// of another home community that accepts its points (通存通兑).
public struct SpentElsewhere: Sendable, Equatable, Codable {
    /// The community whose volunteers spent, and which owes the merchant.
    public var community: String
    public var merchant: String
    public var merchantName: String
    /// The merchant's home community.
    public var merchantCommunity: String
    /// Points redeemed in the month less the month's refunds.
    public var points: Int64
    /// Redemptions posted in the month.
    public var count: Int

    public init(
        community: String, merchant: String, merchantName: String, merchantCommunity: String, points: Int64,
        count: Int
    ) {
        self.community = community; self.merchant = merchant; self.merchantName = merchantName
        self.merchantCommunity = merchantCommunity; self.points = points; self.count = count
    }
}

extension MonthReport {
    /// What volunteers spent in `[startMillis, endMillis)` at merchants of other communities, by
    /// community then merchant; nil when nobody did (the notice then shows nothing). Read from the
    /// merchants' receivable accounts in each partner community, so its cost grows with the
    /// partnerships and the month's transfers on them, not with the ledger.
    /// - Parameters:
    ///   - community: only this community's volunteers; nil for every community.
    ///   - communities: only these communities' volunteers (their partnerships alone are read); nil: all.
    public static func spentElsewhere(
        startMillis start: Int64, endMillis end: Int64, community: String? = nil, communities: [String]? = nil,
        from store: any Store
    ) throws -> [SpentElsewhere]? {
        let only = communities.map(Set.init)
        let lines: [SpentElsewhere] = try store.read { tx in
            var lines: [SpentElsewhere] = []
            for p in try tx.partnerships(merchant: nil, community: community)
            where only?.contains(p.community) ?? true {
                let account = Account.receivable(merchant: p.merchant, community: p.community)
                var points: Int64 = 0
                var count = 0
                for t in try tx.transfers(touching: account, fromMillis: start, toMillis: end, limit: 1_000_000) {
                    switch t.kind {
                    case .redeem where t.credit == account:
                        points += t.amount
                        count += 1
                    case .refund where t.debit == account: points -= t.amount
                    default: break
                    }
                }
                guard count > 0 || points != 0 else { continue }
                lines.append(
                    SpentElsewhere(
                        community: p.community, merchant: p.merchant,
                        merchantName: try tx.accountName(p.merchant) ?? "",
                        merchantCommunity: try tx.account(p.merchant)?.community ?? "", points: points, count: count))
            }
            return lines.sorted { ($0.community, $0.merchant) < ($1.community, $1.merchant) }
        }
        return lines.isEmpty ? nil : lines
    }
}
