import Foundation
import GRDB
import JifenCore

/// Offers 兑换项目: what a merchant gives for points. Listed by the merchant itself or an admin.
extension JifenDatabase {
    /// Adds an offer.
    /// - Parameters:
    ///   - stock: units available; nil for unlimited.
    ///   - validFrom, validTo: days (`yyyy-MM-dd`, inclusive) the offer can be redeemed.
    /// - Throws: usage for bad text or dates, refused for an unknown merchant or an actor who is neither it nor an admin.
    public func addOffer(merchant: String, title: String, points: Int64, stock: Int64?, validFrom: String?, validTo: String?,
                         actor: String, nowMillis: Int64) throws -> Offer {
        try Registry.checkText(title, field: Bilingual(zh: "兑换项目名称", en: "offer title"), max: 100)
        guard points > 0, points <= Points.maximum else {
            throw JifenError.usage("bad-amount", zh: "积分数必须是 1 到 \(Points.maximum) 之间的整数。",
                                   en: "The points amount must be a whole number from 1 to \(Points.maximum).")
        }
        if let stock, stock < 0 || stock > 1_000_000_000 {
            throw JifenError.usage("bad-stock", zh: "库存应为 0 到 1000000000 之间的整数。", en: "Stock must be a whole number from 0 to 1000000000.")
        }
        let zone = try rules().timeZone
        let from = try validFrom.map { try DayFormat.day($0, in: zone, field: "--from") }
        let to = try validTo.map { try DayFormat.day($0, in: zone, field: "--to") }
        if let from, let to, to < from {
            throw JifenError.usage("bad-range", zh: "--to 早于 --from，请检查日期。", en: "--to is before --from; check the dates.")
        }
        return try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            guard try tx.merchantExists(merchant) else { throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant) }
            guard try actor == merchant || tx.isAdmin(actor) else {
                throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "为 \(merchant) 上架兑换项目", en: "list offers for \(merchant)"))
            }
            let offer = Offer(id: try Self.nextID(db, table: "offer", prefix: "O"), merchant: merchant, title: title, points: points,
                              stock: stock, validFrom: from, validTo: to, createdAtMillis: nowMillis)
            try db.execute(sql: """
                INSERT INTO offer (id, merchant, title, points, stock, valid_from, valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [offer.id, merchant, title, points, stock, from, to, nowMillis, actor])
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
            var available: Int64?
            if let volunteer {
                guard let account = try tx.account(volunteer), account.kind == .volunteer else {
                    throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), volunteer)
                }
                available = account.balance - (try tx.heldAmount(account: volunteer, nowMillis: nowMillis))
            }
            if let merchant, try !tx.merchantExists(merchant) { throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant) }
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(SQLiteLedgerTransaction.offerColumns) FROM offer WHERE (?1 IS NULL OR merchant = ?1) ORDER BY merchant, id
                """, arguments: [merchant])
            return rows.map(SQLiteLedgerTransaction.offer).filter { offer in
                if !includeRetired && offer.isRetired { return false }
                guard let available else { return true }
                return !offer.isRetired && offer.points <= available && (offer.stock ?? 1) > 0
                    && (offer.validFrom ?? today) <= today && (offer.validTo ?? today) >= today
            }
        }
    }

    /// Takes an offer off the list; redemptions already made stand. Retiring twice is harmless.
    public func retireOffer(_ id: String, actor: String, nowMillis: Int64) throws -> Offer {
        try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            guard var offer = try tx.offer(id: id) else { throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id) }
            guard try actor == offer.merchant || tx.isAdmin(actor) else {
                throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "下架 \(id)", en: "retire \(id)"))
            }
            if offer.retiredAtMillis == nil {
                try db.execute(sql: "UPDATE offer SET retired_at = ? WHERE id = ?", arguments: [nowMillis, id])
                offer.retiredAtMillis = nowMillis
            }
            return offer
        }
    }
}
