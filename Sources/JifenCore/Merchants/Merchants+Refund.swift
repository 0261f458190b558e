import Foundation

/// What a refund did, and what is left to refund of its redemption.
public struct RefundResult: Sendable, Equatable {
    public var posted: Posted
    public var redemption: Redemption
    public var refundedTotal: Int64
    public var left: Int64
}

extension Merchants {
    /// Gives points of a redemption back to the volunteer: a transfer of kind `refund` linked to
    /// the redemption's transfer (`reverses`), so the points return to the days they came from. It is
    /// paid from the account the redemption credited (the merchant's receivable account in the
    /// volunteer's community when she came from a partner community), so it stays in her community.
    /// Partial refunds are allowed; all refunds together never exceed what was redeemed (checked
    /// inside the write transaction).
    /// - Parameters:
    ///   - points: nil refunds everything not yet refunded.
    ///   - key: idempotency key; the same key and content returns the first refund.
    /// - Throws: refused when the actor is not the redeeming merchant or an admin, the redemption
    ///   moved no points, or more is asked than is left.
    public func refund(_ id: Int64, points: Int64?, reason: String, key: String, actor: String) throws -> RefundResult {
        let at = now().millis
        return try store.write { tx in
            let label = Registry.id(prefix: "R", number: Int(id))
            let r = try Self.redemption(id, for: actor, in: tx)
            guard try actor == r.merchant || tx.actsAsAdmin(actor) else {
                throw JifenError.refused(
                    .notYourRedemption, zh: "\(label) 是 \(r.merchant) 的兑换，\(actor) 不能退还。只有该商户或管理员可以退还。",
                    en:
                        "\(label) was redeemed at \(r.merchant); \(actor) may not refund it. Only that merchant or an admin may."
                )
            }
            let reason = try Ledger.requireReason(reason)
            guard r.status.isPosted, let transferID = r.transfer, let original = try tx.transfer(id: transferID) else {
                throw JifenError.refused(
                    .notRedeemed, zh: "\(label) 还在预留中，积分尚未划给商户，不能退款；请撤销这笔预留，积分就会回到顾客账上。",
                    en:
                        "\(label) is still held: no points moved to the merchant, so there is nothing to refund. "
                        + "Release the hold instead, and the points go back to the customer."
                )
            }
            let transferKey = "refund:\(id):\(key)"
            let earlier = try tx.reversals(of: original.id)
            let refunded = earlier.reduce(0) { $0 + $1.amount }
            let left = original.amount - refunded
            let replay = try tx.transfer(key: transferKey)
            let amount = points ?? replay?.amount ?? left
            if replay == nil {
                guard left > 0 else {
                    throw JifenError.refused(
                        .fullyRefunded, zh: "\(label) 的 \(original.amount) 积分已全部退还，无可再退。",
                        en:
                            "All \(original.amount) points of \(label) were already refunded; nothing is left to refund."
                    )
                }
                guard amount <= left else {
                    throw JifenError.refused(
                        .refundTooMuch,
                        zh: "\(label) 兑换了 \(original.amount) 积分，已退 \(refunded)，最多还能退 \(left)，不能退 \(amount)。",
                        en:
                            "\(label) redeemed \(original.amount) points and \(refunded) were refunded already: at "
                            + "most \(left) can be refunded, not \(amount)."
                    )
                }
            }
            let offerTitle = try r.offer.flatMap { try tx.offer(id: $0)?.title }
            let request = TransferRequest(
                kind: .refund, debit: original.credit, credit: r.volunteer, amount: amount, key: transferKey,
                reference: r.label, memo: reason, reverses: original.id,
                details: TransferDetails(offerID: r.offer, offerTitle: offerTitle))
            let posted = try Ledger.post(request, actor: actor, atMillis: at, in: tx)
            let total = try tx.reversals(of: original.id).reduce(0) { $0 + $1.amount }
            return RefundResult(posted: posted, redemption: r, refundedTotal: total, left: original.amount - total)
        }
    }
}
