public import Foundation

/// The merchants' side of the ledger: the offers a merchant lists, pay codes, redemptions at the
/// counter (redeem, pick up, release, refund) and settlements. Each operation checks the actor
/// inside its transaction, on every store, and moves points through the ledger's own posting path
/// (`Ledger.post`, `Ledger.hold`, `Ledger.postHold`, `Ledger.voidHold`), so the ledger's rules stay
/// written once.
public struct Merchants: Sendable {
    public let store: any Store
    public let now: @Sendable () -> Date

    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Adds an offer, checked by `Offer.checked` and `Permissions.requireMerchantOrAdmin`.
    /// - Parameters:
    ///   - stock: units available; nil for unlimited.
    ///   - validFrom, validTo: days (`yyyy-MM-dd`, inclusive) the offer can be redeemed.
    /// - Throws: usage for bad text or dates, refused for an unknown merchant or an actor who is neither it nor an admin.
    public func addOffer(
        merchant: String, title: String, points: Int64, stock: Int64?, validFrom: String?, validTo: String?,
        actor: String, nowMillis: Int64
    ) throws -> Offer {
        var offer = try Offer.checked(
            merchant: merchant, title: title, points: points, stock: stock, validFrom: validFrom,
            validTo: validTo, zone: try Settings(store: store).rules().timeZone)
        offer.createdAtMillis = nowMillis
        return try store.write { tx in
            guard try tx.merchantExists(merchant) else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant)
            }
            try Permissions.requireMerchantOrAdmin(
                actor, merchant: merchant,
                action: Bilingual(zh: "为 \(merchant) 上架兑换项目", en: "list offers for \(merchant)"), in: tx)
            var added = offer
            added.id = try tx.nextID(.offer)
            try tx.insert(offer: added, actor: actor, nowMillis: nowMillis)
            return added
        }
    }

    /// Offers, by merchant then id, filtered by `Offer.listed`. With `affordableBy`, only offers
    /// that volunteer can redeem today with the points available.
    public func offers(
        merchant: String? = nil, affordableBy volunteer: String? = nil, includeRetired: Bool = true,
        nowMillis: Int64
    ) throws -> [Offer] {
        let today = DayFormat.string(Date(millis: nowMillis), in: try Settings(store: store).rules().timeZone)
        return try store.read { tx in
            let available = try Offer.checkListing(
                merchant: merchant, affordableBy: volunteer, nowMillis: nowMillis, in: tx)
            return try tx.offers(merchant: merchant).filter {
                $0.listed(includeRetired: includeRetired, available: available, today: today)
            }
        }
    }

    /// Takes an offer off the list; redemptions already made stand. Retiring twice is harmless.
    public func retireOffer(_ id: String, actor: String, nowMillis: Int64) throws -> Offer {
        try store.write { tx in
            guard var offer = try tx.offer(id: id) else {
                throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id)
            }
            try Permissions.requireMerchantOrAdmin(
                actor, merchant: offer.merchant, action: Bilingual(zh: "下架 \(id)", en: "retire \(id)"), in: tx)
            if offer.retiredAtMillis == nil {
                try tx.retire(offer: id, atMillis: nowMillis)
                offer.retiredAtMillis = nowMillis
            }
            return offer
        }
    }
}
