import Foundation
import JifenCore
import PostgresNIO

/// Offers 兑换项目 on PostgreSQL: the same checks as on SQLite (`Offer.checked`, `Offer.listed`,
/// `Permissions.requireMerchantOrAdmin`), in plain SQL.
extension PostgresStore {
    public func addOffer(merchant: String, title: String, points: Int64, stock: Int64?, validFrom: String?, validTo: String?,
                         actor: String, nowMillis: Int64) throws -> Offer {
        var offer = try Offer.checked(merchant: merchant, title: title, points: points, stock: stock, validFrom: validFrom,
                                      validTo: validTo, zone: try rules().timeZone)
        offer.createdAtMillis = nowMillis
        return try transaction(readOnly: false) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            guard try tx.merchantExists(merchant) else { throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant) }
            try Permissions.requireMerchantOrAdmin(actor, merchant: merchant,
                                                   action: Bilingual(zh: "为 \(merchant) 上架兑换项目", en: "list offers for \(merchant)"), in: tx)
            // Two processes taking the same id collide on the primary key; the loser is rerun.
            offer.id = try Self.nextID(session, table: "offer", prefix: "O")
            try session.execute("""
                INSERT INTO offer (id, merchant, title, points, stock, valid_from, valid_to, created_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, [offer.id, merchant, offer.title, offer.points, offer.stock, offer.validFrom, offer.validTo, nowMillis, actor])
            return offer
        }
    }

    public func offers(merchant: String?, affordableBy volunteer: String?, includeRetired: Bool, nowMillis: Int64) throws -> [Offer] {
        let today = DayFormat.string(Date(millis: nowMillis), in: try rules().timeZone)
        return try transaction(readOnly: true) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: false)
            let available = try Offer.checkListing(merchant: merchant, affordableBy: volunteer, nowMillis: nowMillis, in: tx)
            return try session.rows("""
                SELECT \(PostgresLedgerTransaction.offerColumns) FROM offer WHERE ($1::TEXT IS NULL OR merchant = $1)
                ORDER BY merchant COLLATE "C", id COLLATE "C"
                """, [merchant]).map(PostgresLedgerTransaction.offer)
                .filter { $0.listed(includeRetired: includeRetired, available: available, today: today) }
        }
    }

    public func retireOffer(_ id: String, actor: String, nowMillis: Int64) throws -> Offer {
        try transaction(readOnly: false) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            guard var offer = try tx.offer(id: id) else { throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id) }
            try Permissions.requireMerchantOrAdmin(actor, merchant: offer.merchant, action: Bilingual(zh: "下架 \(id)", en: "retire \(id)"), in: tx)
            if offer.retiredAtMillis == nil {
                try session.execute("UPDATE offer SET retired_at = $1 WHERE id = $2", [nowMillis, id])
                offer.retiredAtMillis = nowMillis
            }
            return offer
        }
    }
}
