import Foundation

extension Events {
    struct CodeLockedPayload: Encodable {
        var merchant: String
        var merchant_name: String?
        var wrong_tries: Int
        var window_hours: Int
        var locked_until: String
        var actor: String
        var at: String
    }

    /// `merchant.code_locked`: a merchant spent its budget of wrong pay codes (`tries` within
    /// `windowHours`) and is stopped until `untilMillis`; the organizers should ask why.
    static func codeLocked(
        merchant: String, merchantName: String? = nil, tries: Int, windowHours: Int, untilMillis: Int64, actor: String,
        atMillis: Int64
    ) -> OutboxEvent {
        let payload = CodeLockedPayload(
            merchant: merchant, merchant_name: merchantName, wrong_tries: tries, window_hours: windowHours,
            locked_until: DayFormat.iso(millis: untilMillis),
            actor: actor, at: DayFormat.iso(millis: atMillis))
        return OutboxEvent(type: "merchant.code_locked", payload: json(payload), atMillis: atMillis)
    }

    struct ExpiringPayload: Encodable {
        var account: String
        var account_name: String?
        var lot_id: Int64
        var expires_on: String
        var points: Int64
        var as_of: String
        var at: String
    }

    /// `points.expiring`: a lot's points will lapse within `points.expiring_notice_days`; once per lot.
    static func expiring(_ lot: Lot, accountName: String? = nil, asOf: String, atMillis: Int64) -> OutboxEvent {
        let payload = ExpiringPayload(
            account: lot.account, account_name: accountName, lot_id: lot.id, expires_on: lot.expiresOn,
            points: lot.remaining,
            as_of: asOf, at: DayFormat.iso(millis: atMillis))
        return OutboxEvent(type: "points.expiring", payload: json(payload), atMillis: atMillis)
    }
}
