import Foundation

/// What became of a pay code, as its volunteer's phone asks while she shows it.
public struct PayCodeState: Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Unused, and neither expired nor voided: it may still be redeemed.
        case live
        /// Redeemed: the points went to the merchant (or were, and since came back by a refund).
        case redeemed
        /// Redeemed for pickup later: the points are reserved (or the hold has since ended).
        case held
        /// A newer code voided it before it expired.
        case voided
        /// Its time ran out unused.
        case expired
    }

    public var state: State
    public var maxPoints: Int64
    public var expiresAtMillis: Int64
    /// The redemption it was used for, with the merchant's name and the offer's title.
    public var redemption: Redemption?
    public var merchantName: String?
    public var offerTitle: String?
}

extension Merchants {
    /// The state of one of a volunteer's pay codes, found by its QR's secret (the digits recur;
    /// the secret names one code). Only the volunteer herself, or an admin, may ask.
    /// - Throws: `JifenError` refused when the actor may not; `payCodeUnknown` when she has no such code.
    public func codeState(volunteer: String, secret: String, actor: String) throws -> PayCodeState {
        let at = now().millis
        return try store.read { tx in
            guard try actor == volunteer || tx.actsAsAdmin(actor) else {
                throw JifenError.forbidden(
                    actor: actor, action: Bilingual(zh: "查看 \(volunteer) 的付款码", en: "see \(volunteer)'s pay code"))
            }
            guard case .secret(let normalised)? = try? Codes.parse(secret),
                let code = try tx.code(secretHash: Codes.secretHash(normalised)), code.volunteer == volunteer
            else { throw JifenError.payCodeUnknown }
            let rules = try Rules(settings: tx.settings())
            let ceiling = code.maxPoints ?? rules.codeMaxPoints
            var result = PayCodeState(state: .live, maxPoints: ceiling, expiresAtMillis: code.expiresAtMillis)
            if code.usedAtMillis != nil {
                let redemption = try code.redemption.flatMap { try tx.redemption(id: $0) }
                result.state = redemption.map { $0.hold != nil } == true ? .held : .redeemed
                if let redemption {
                    result.redemption = redemption
                    result.merchantName =
                        try tx.accountName(redemption.merchant) ?? tx.merchant(redemption.merchant)?.name
                    result.offerTitle = try redemption.offer.flatMap { try tx.offer(id: $0)?.title }
                }
            } else if code.expiresAtMillis <= at {
                // Voided by a newer code: it ended before its time to live (`voidCodes` sets its end to that moment).
                let lived = code.expiresAtMillis - code.createdAtMillis
                result.state = lived < Int64(rules.codeTTLMinutes) * 60_000 ? .voided : .expired
            }
            return result
        }
    }
}

extension JifenError {
    /// The pay code asked about is not one of the volunteer's (or was mistyped).
    public static var payCodeUnknown: JifenError {
        .refused(.payCodeUnknown, zh: "找不到这个付款码。请重新出示付款码。", en: "There is no such pay code. Show a new pay code.")
    }
}
