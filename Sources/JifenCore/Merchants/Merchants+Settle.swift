import Foundation

/// One redemption covered by a settlement.
public struct SettledLine: Sendable, Equatable {
    public var redemption: Redemption
    public var atMillis: Int64
    public var redeemed: Int64
    public var refunded: Int64
    public var net: Int64 { redeemed - refunded }
}

public struct SettlementResult: Sendable, Equatable {
    public var settlement: Settlement
    public var posted: Posted
    public var lines: [SettledLine]
    /// Points of fulfilled micro-wishes this settlement covers (besides the redemptions' lines).
    public var wishPoints: Int64 = 0
    /// The community that owes these points (its settlement account is credited).
    public var community: String = ""
    /// The settlements of the same run in the merchant's partner communities, one per community that owes something.
    public var others: [SettlementResult] = []
}

extension Merchants {
    /// Moves what a merchant took in through a day (redemptions less their refunds, not yet
    /// settled) to the community's settlement account, and marks those redemptions settled, in one
    /// transaction. Settling the same period again finds nothing and is refused.
    ///
    /// A merchant that partners with other communities took their volunteers' points into its
    /// receivable account in each of them: each community's share is settled on its own, from
    /// that account into that community's settlement account (a settlement each), so no transfer
    /// crosses communities. The result is the home community's settlement (or, when the home
    /// community owes nothing, the first partner's), with the partners' in `others`.
    /// - Parameter throughDay: last day covered (inclusive), `yyyy-MM-dd`; default today, never later.
    /// - Throws: refused `nothing-to-settle`, refused for non-admins, usage for a bad or future day.
    public func settle(merchant: String, throughDay: String?, actor: String) throws -> SettlementResult {
        let at = now().millis
        return try store.write { tx in
            let action = Bilingual(zh: "为商户结算", en: "settle a merchant")
            try Permissions.requireAnyAdmin(actor, action: action, in: tx)
            let account = try Self.merchantAccount(merchant, in: tx)
            try Permissions.requireAdmin(
                actor, over: account.community, action: action,
                hiding: JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant), in: tx)
            let rules = try Rules(settings: tx.settings())
            let today = DayFormat.string(Date(millis: at), in: rules.timeZone)
            let day = try throughDay.map { try DayFormat.day($0, in: rules.timeZone, field: "--through") } ?? today
            guard day <= today else {
                throw JifenError.usage(
                    .futureDate, zh: "--through \(day) 在今天（\(today)）之后，不能结算未来。",
                    en: "--through \(day) is after today (\(today)); the future cannot be settled.")
            }
            let end = try DayFormat.startMillis(
                of: DayFormat.adding(days: 1, to: day, in: rules.timeZone), in: rules.timeZone)
            // The lines by the account that took their points in: the merchant's own, or a receivable one.
            var lines: [String: [SettledLine]] = [:]
            for r in try tx.unsettledRedemptions(merchant: merchant, beforeMillis: end) {
                guard let id = r.transfer, let t = try tx.transfer(id: id) else { continue }
                let refunded = try tx.reversals(of: id).reduce(0) { $0 + $1.amount }
                if t.amount > refunded {
                    lines[t.credit, default: []].append(
                        SettledLine(redemption: r, atMillis: t.atMillis, redeemed: t.amount, refunded: refunded))
                }
            }
            // Micro-wishes the merchant fulfilled were paid from the donation account of the wish's
            // community, into the account that takes that community's points: settled alike.
            var wishes: [String: [(wish: Wish, points: Int64)]] = [:]
            for w in try tx.wishes() where w.claimant == merchant && w.settlement == nil {
                guard let id = w.payment, let t = try tx.transfer(id: id), t.atMillis < end else { continue }
                wishes[t.credit, default: []].append((w, t.amount))
            }
            var results: [SettlementResult] = []
            for takings in try Self.accounts(merchant: account, in: tx) {
                let own = takings.id == account.id
                let covered = lines[takings.id] ?? []
                let paidWishes = wishes[takings.id] ?? []
                let extra = paidWishes.reduce(Int64(0)) { $0 + $1.points }
                let total = covered.reduce(0) { $0 + $1.net } + extra
                guard total > 0 else { continue }
                if !own {
                    try Permissions.requireAdmin(
                        actor, over: takings.community,
                        action: Bilingual(
                            zh: "结算 \(merchant) 在社区 \(takings.community) 的兑换",
                            en: "settle what \(merchant) took in from \(takings.community)"), in: tx)
                }
                var settlement = Settlement(
                    merchant: merchant, throughDay: day, points: total, actor: actor, atMillis: at)
                settlement.id = try tx.insert(settlement: settlement)
                let request = TransferRequest(
                    kind: .settle, debit: takings.id, credit: Account.settlement(takings.community), amount: total,
                    key: "settle:\(merchant):\(settlement.id)", reference: settlement.label,
                    memo: Self.settlementMemo(
                        redemptions: covered.count, wishes: paidWishes.count, through: day))
                let posted = try Ledger.post(request, actor: actor, atMillis: at, in: tx)
                settlement.transfer = posted.transfer.id
                try tx.setSettlementTransfer(id: settlement.id, transfer: posted.transfer.id)
                try tx.markSettled(redemptions: covered.map(\.redemption.id), settlement: settlement.id)
                for (paid, _) in paidWishes {
                    var w = paid
                    w.settlement = settlement.id
                    try tx.update(wish: w)
                }
                results.append(
                    SettlementResult(
                        settlement: settlement, posted: posted, lines: covered, wishPoints: extra,
                        community: takings.community))
            }
            guard var first = results.first else {
                throw JifenError.refused(
                    .nothingToSettle, zh: "\(merchant) 截至 \(day) 没有待结算的兑换（可能已结算过）。",
                    en: "\(merchant) has no unsettled redemptions through \(day) (they may have been settled already).")
            }
            first.others = Array(results.dropFirst())
            return first
        }
    }
}

extension Merchants {
    /// The settlement transfer's memo: "1 redemption, 2 wishes through 2026-12-19" (each count in its own number).
    public static func settlementMemo(redemptions: Int, wishes: Int, through day: String) -> String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        return count(redemptions, "redemption", "redemptions")
            + (wishes == 0 ? "" : ", " + count(wishes, "wish", "wishes")) + " through \(day)"
    }
}
