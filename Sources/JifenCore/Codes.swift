import Crypto
import Foundation

/// One-time redemption codes: digits a volunteer reads out or shows; only a hash is stored.
public enum Codes {
    public static let length = 6

    /// Strips spaces and dashes people type between digit groups; refuses anything else.
    /// - Throws: `JifenError` (usage) for a code that is not exactly six digits.
    public static func normalise(_ text: String) throws -> String {
        let digits = text.filter { $0 != " " && $0 != "-" }
        guard digits.count == length, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw JifenError.usage(.badCode, zh: "兑换码「\(text)」格式不对：应为 \(length) 位数字。请让志愿者用 jifen code 重新出示。",
                                   en: "The code \"\(text)\" is malformed: a code is \(length) digits. Ask the volunteer to show one with jifen code.")
        }
        return digits
    }

    /// The stored form of a code. A code lives minutes and tries are limited, so a plain hash
    /// suffices: the database never holds a code that could be read off and used.
    public static func hash(_ code: String) -> String {
        let digest = SHA256.hash(data: Data("jifen-code-v1\u{1F}\(code)".utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng))
    }
}

/// What a redemption, a pickup or a release gives the merchant: its receipt.
public struct Receipt: Sendable, Equatable {
    public var redemption: Redemption
    public var transfer: Transfer?
    public var hold: Hold?
    /// The volunteer's available points after it.
    public var balanceLeft: Int64
    public var replayed: Bool
}

/// What a merchant asks when redeeming a code.
public struct RedeemRequest: Sendable, Equatable {
    public var merchant: String
    public var code: String
    /// Either an offer (its points) or a number of points.
    public var offer: String?
    public var points: Int64?
    public var key: String
    /// Reserve for pickup later instead of moving the points now.
    public var hold: Bool

    public init(merchant: String, code: String, offer: String? = nil, points: Int64? = nil, key: String, hold: Bool = false) {
        self.merchant = merchant; self.code = code; self.offer = offer; self.points = points; self.key = key; self.hold = hold
    }
}

extension Ledger {
    /// Issues a one-time code for a volunteer: the volunteer's consent to one redemption.
    /// - Returns: the code (shown once, never stored) and when it expires.
    /// - Throws: `JifenError` refused when the actor is neither the volunteer nor an admin.
    public func issueCode(volunteer: String, actor: String) throws -> (code: String, expiresAtMillis: Int64) {
        let at = now().millis
        return try store.write { tx in
            guard let account = try tx.account(volunteer), account.kind == .volunteer else {
                throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), volunteer)
            }
            guard try actor == volunteer || tx.isAdmin(actor) else {
                throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "替 \(volunteer) 出示兑换码", en: "show a code for \(volunteer)"))
            }
            let rules = try Rules(settings: tx.settings())
            // A new code never shares its hash with a live or recent one, so a typed code names one
            // volunteer, and "used" or "expired" says the truth about it.
            var code = Codes.random()
            var tries = 0
            while try tx.codes(hash: Codes.hash(code)).contains(where: { $0.createdAtMillis > at - 86_400_000 || $0.expiresAtMillis > at }) {
                tries += 1
                guard tries < 1000 else {
                    throw JifenError.busy(.codesExhausted, zh: "暂时无法生成新的兑换码，请稍后再试。", en: "No fresh code is free right now; try again shortly.")
                }
                code = Codes.random()
            }
            let expires = at + Int64(rules.codeTTLMinutes) * 60_000
            _ = try tx.insert(code: RedemptionCode(volunteer: volunteer, hash: Codes.hash(code), createdAtMillis: at, expiresAtMillis: expires))
            return (code, expires)
        }
    }
}

extension JifenError {
    static func busy(_ code: JifenError.Code, zh: String, en: String) -> JifenError { JifenError(code, .busy, zh: zh, en: en) }
}
