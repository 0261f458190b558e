import Foundation

extension Merchants {
    /// Posts a held redemption when the volunteer picks the offer up. At most once: a second
    /// pickup returns the first receipt; a released or lapsed hold is refused.
    public func pickup(_ id: Int64, actor: String) throws -> Receipt {
        let at = now().millis
        return try store.write { tx in
            let r = try Self.heldRedemption(id, actor: actor, in: tx)
            try Self.requireMerchantOrAdmin(
                actor, merchant: r.merchant, action: Bilingual(zh: "办理 \(r.label) 的领取", en: "hand over \(r.label)"),
                in: tx)
            switch r.status {
            case .pickedUp: return try Self.receipt(r, replayed: true, atMillis: at, in: tx)
            case .held: break
            default: throw Self.notHeld(r)
            }
            guard let holdID = r.hold else { throw Self.notHeld(r) }
            let posted = try Ledger.postHold(holdID, actor: actor, atMillis: at, in: tx)
            var updated = r
            updated.status = .pickedUp
            updated.transfer = posted.transfer.id
            try tx.update(redemption: r.id, status: .pickedUp, transfer: posted.transfer.id, hold: holdID)
            return try Self.receipt(updated, replayed: false, atMillis: at, in: tx)
        }
    }

    /// Gives a held redemption's points and stock back before pickup. Releasing twice is harmless.
    /// The merchant, the volunteer or an admin may release.
    public func release(_ id: Int64, actor: String) throws -> Receipt {
        let at = now().millis
        return try store.write { tx in
            let r = try Self.heldRedemption(id, actor: actor, in: tx)
            guard try actor == r.volunteer || actor == r.merchant || tx.actsAsAdmin(actor) else {
                throw JifenError.forbidden(
                    actor: actor, action: Bilingual(zh: "撤销 \(r.label)", en: "release \(r.label)"))
            }
            switch r.status {
            case .released: return try Self.receipt(r, replayed: true, atMillis: at, in: tx)
            case .held: break
            default: throw Self.notHeld(r)
            }
            guard let holdID = r.hold else { throw Self.notHeld(r) }
            _ = try Ledger.voidHold(holdID, actor: actor, atMillis: at, in: tx)
            var updated = r
            updated.status = .released
            try Self.holdEnded(holdID: holdID, status: .released, in: tx)
            return try Self.receipt(updated, replayed: false, atMillis: at, in: tx)
        }
    }

    /// A redemption's hold ended without pickup: the redemption records it and its offer gets its unit back.
    static func holdEnded(holdID: Int64, status: RedemptionStatus, in tx: any WriteTransaction) throws {
        guard let r = try tx.redemption(hold: holdID), r.status == .held else { return }
        try tx.update(redemption: r.id, status: status, transfer: nil, hold: holdID)
        if let offer = r.offer { try tx.returnStock(offer: offer) }
    }

    private static func heldRedemption(_ id: Int64, actor: String, in tx: any ReadTransaction) throws -> Redemption {
        try redemption(id, for: actor, in: tx)
    }

    /// A redemption by number for `actor`. A missing one and one `actor` is no party to (not its
    /// merchant, its volunteer or an admin) answer alike, so numbers cannot be probed.
    static func redemption(_ id: Int64, for actor: String, in tx: any ReadTransaction) throws -> Redemption {
        guard let r = try tx.redemption(id: id),
            try actor == r.merchant || actor == r.volunteer || tx.actsAsAdmin(actor)
        else {
            throw JifenError.unknown(Bilingual(zh: "兑换", en: "redemption"), Registry.id(prefix: "R", number: Int(id)))
        }
        return r
    }

    private static func notHeld(_ r: Redemption) -> JifenError {
        let zh: [RedemptionStatus: String] = [
            .redeemed: "是当场兑换，没有冻结", .pickedUp: "已领取", .released: "已撤销", .lapsed: "已超时退回", .held: "冻结中",
        ]
        let en: [RedemptionStatus: String] = [
            .redeemed: "was redeemed at the counter and has no hold", .pickedUp: "was already picked up",
            .released: "was already released", .lapsed: "lapsed: its hold timed out", .held: "is held",
        ]
        return .refused(
            .holdResolved, zh: "\(r.label) \(zh[r.status] ?? "")，不能再领取或撤销。",
            en: "\(r.label) \(en[r.status] ?? ""); it cannot be picked up or released now.")
    }
}
