import Foundation

/// One redemption as the counter shows it: who the customer is by name, what for, and what can
/// still be done with it (refund what is left, hand over or release a live hold).
public struct CounterRedemption: Codable, Sendable, Equatable {
    public var redemption: Redemption
    /// The customer's (volunteer's) name; her id when she has none.
    public var customerName: String
    /// The offer's title; nil for a number of points.
    public var offerTitle: String?
    /// Points already given back by refunds.
    public var refunded: Int64
    /// Points a refund may still give back (0 for a hold or a fully refunded one).
    public var refundable: Int64
    /// When a held redemption's hold lapses; nil when it is not held.
    public var holdExpiresAtMillis: Int64?

    public init(
        redemption: Redemption, customerName: String, offerTitle: String?, refunded: Int64, refundable: Int64,
        holdExpiresAtMillis: Int64?
    ) {
        self.redemption = redemption; self.customerName = customerName; self.offerTitle = offerTitle
        self.refunded = refunded; self.refundable = refundable; self.holdExpiresAtMillis = holdExpiresAtMillis
    }
}

/// What the counter lists so nobody needs to know a receipt number: the day's redemptions that
/// moved points (to refund) and the holds still waiting for pickup (to hand over or release).
public struct CounterLists: Codable, Sendable, Equatable {
    /// Redemptions made in the day that moved points to the merchant, newest first.
    public var today: [CounterRedemption]
    /// Holds not yet picked up, released or lapsed, oldest first (the one waiting longest on top).
    public var holds: [CounterRedemption]
}

extension Merchants {
    /// The counter's lists for `merchant`: redemptions made in `[fromMillis, toMillis)` that moved
    /// points, and its live holds (a hold past its timeout is gone: expiry gives it back).
    /// - Rules: the merchant itself (its counter staff act as it) or an admin; anyone else is refused.
    public func counterLists(
        merchant: String, fromMillis: Int64, toMillis: Int64, limit: Int, actor: String
    ) throws -> CounterLists {
        let at = now().millis
        return try store.read { tx in
            guard let account = try tx.account(merchant), account.kind == .merchant else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant)
            }
            try Self.requireMerchantOrAdmin(
                actor, merchant: account.id,
                action: Bilingual(zh: "查看 \(account.id) 的兑换", en: "see the redemptions of \(account.id)"), in: tx)
            let today = try tx.redemptions(
                merchant: account.id, statuses: [.redeemed, .pickedUp], createdFromMillis: fromMillis,
                createdBeforeMillis: toMillis, limit: limit)
            let held = try tx.redemptions(
                merchant: account.id, statuses: [.held], createdFromMillis: nil, createdBeforeMillis: nil, limit: limit)
            var holds: [CounterRedemption] = []
            for r in held.reversed() {
                let line = try Self.counterLine(r, in: tx)
                if let until = line.holdExpiresAtMillis, until <= at { continue }
                holds.append(line)
            }
            return CounterLists(today: try today.map { try Self.counterLine($0, in: tx) }, holds: holds)
        }
    }

    /// One redemption for the counter's receipt page.
    /// - Rules: its merchant, its volunteer or an admin; to anyone else it is missing (numbers cannot be probed).
    public func counterRedemption(_ id: Int64, actor: String) throws -> CounterRedemption {
        try store.read { tx in try Self.counterLine(Self.redemption(id, for: actor, in: tx), in: tx) }
    }

    static func counterLine(_ r: Redemption, in tx: any ReadTransaction) throws -> CounterRedemption {
        // The merchant sees her name only with her consent to sharing (`ReportNames.atCounter`).
        let name =
            try tx.accountName(r.volunteer).flatMap { $0.isEmpty ? nil : $0 }.map {
                ReportNames.atCounter($0, shared: try Registry.sharesWithMerchants(r.volunteer, in: tx))
            } ?? r.volunteer
        let title = try r.offer.flatMap { try tx.offer(id: $0)?.title }
        var refunded: Int64 = 0, refundable: Int64 = 0
        if r.status.isPosted, let transfer = r.transfer, let original = try tx.transfer(id: transfer) {
            refunded = try tx.reversals(of: original.id).reduce(0) { $0 + $1.amount }
            refundable = original.amount - refunded
        }
        let expires = r.status == .held ? try r.hold.flatMap { try tx.hold(id: $0) }.map(\.expiresAtMillis) : nil
        return CounterRedemption(
            redemption: r, customerName: name, offerTitle: title, refunded: refunded, refundable: refundable,
            holdExpiresAtMillis: expires)
    }
}
