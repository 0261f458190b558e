import Foundation
import GRDB
import JifenCore

/// Offers 兑换项目: what a merchant gives for points. Listed by the merchant itself or an admin.
extension SQLiteStore {
    /// Adds an offer.
    /// - Parameters:
    ///   - stock: units available; nil for unlimited.
    ///   - validFrom, validTo: days (`yyyy-MM-dd`, inclusive) the offer can be redeemed.
    /// - Throws: usage for bad text or dates, refused for an unknown merchant or an actor who is neither it nor an admin.
    public func addOffer(merchant: String, title: String, points: Int64, stock: Int64?, validFrom: String?, validTo: String?,
                         actor: String, nowMillis: Int64) throws -> Offer {
        var offer = try Offer.checked(merchant: merchant, title: title, points: points, stock: stock, validFrom: validFrom,
                                      validTo: validTo, zone: try rules().timeZone)
        offer.createdAtMillis = nowMillis
        return try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            guard try tx.merchantExists(merchant) else { throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant) }
            try Permissions.requireMerchantOrAdmin(actor, merchant: merchant,
                                                   action: Bilingual(zh: "为 \(merchant) 上架兑换项目", en: "list offers for \(merchant)"), in: tx)
            offer.id = try Self.nextID(db, table: "offer", prefix: "O")
            try db.execute(sql: """
                INSERT INTO offer (id, merchant, title, points, stock, valid_from, valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [offer.id, merchant, offer.title, offer.points, offer.stock, offer.validFrom, offer.validTo, nowMillis, actor])
            return offer
        }
    }

    /// Offers, oldest first. With `affordableBy`, only offers that volunteer can redeem today with
    /// the points available: not retired, within their dates, in stock, not dearer than the balance.
    public func offers(merchant: String? = nil, affordableBy volunteer: String? = nil, includeRetired: Bool = true,
                       nowMillis: Int64) throws -> [Offer] {
        let zone = try rules().timeZone
        let today = DayFormat.string(Date(millis: nowMillis), in: zone)
        return try readTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            let available = try Offer.checkListing(merchant: merchant, affordableBy: volunteer, nowMillis: nowMillis, in: tx)
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(SQLiteLedgerTransaction.offerColumns) FROM offer WHERE (?1 IS NULL OR merchant = ?1) ORDER BY merchant, id
                """, arguments: [merchant])
            return rows.map(SQLiteLedgerTransaction.offer).filter { $0.listed(includeRetired: includeRetired, available: available, today: today) }
        }
    }

    /// Takes an offer off the list; redemptions already made stand. Retiring twice is harmless.
    public func retireOffer(_ id: String, actor: String, nowMillis: Int64) throws -> Offer {
        try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            guard var offer = try tx.offer(id: id) else { throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id) }
            try Permissions.requireMerchantOrAdmin(actor, merchant: offer.merchant, action: Bilingual(zh: "下架 \(id)", en: "retire \(id)"), in: tx)
            if offer.retiredAtMillis == nil {
                try db.execute(sql: "UPDATE offer SET retired_at = ? WHERE id = ?", arguments: [nowMillis, id])
                offer.retiredAtMillis = nowMillis
            }
            return offer
        }
    }
}
