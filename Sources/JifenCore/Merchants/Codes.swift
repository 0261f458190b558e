import Crypto
import Foundation

/// One-time redemption (pay) codes. Each has two faces: six digits a volunteer reads aloud, and a
/// secret of 128 random bits her QR carries, so a scanned code cannot be guessed. Only hashes are
/// stored. A typed code is the weak face: every wrong one counts against the merchant's budget.
public enum Codes {
    public static let length = 6
    /// Characters of the QR's secret: 26 base32 characters (A–Z, 2–7) hold 128 random bits.
    public static let secretLength = 26
    /// Random bits in the QR's secret.
    public static let secretBits = 128
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// What the merchant presented: the digits read aloud, or the secret a scanner read.
    public enum Presented: Sendable, Equatable {
        case digits(String)
        case secret(String)

        /// The hash the store keys this face by.
        public var hash: String {
            switch self {
            case .digits(let d): return Codes.hash(d)
            case .secret(let s): return Codes.secretHash(s)
            }
        }
    }

    /// Strips spaces and dashes people type between digit groups; takes six digits or a QR secret.
    /// - Throws: `JifenError` (usage) for anything else.
    public static func parse(_ text: String) throws -> Presented {
        let compact = text.filter { $0 != " " && $0 != "-" }
        if compact.count == length, compact.allSatisfy({ $0.isASCII && $0.isNumber }) { return .digits(compact) }
        let upper = compact.uppercased()
        if upper.count == secretLength, upper.allSatisfy({ alphabet.contains($0) }) { return .secret(upper) }
        throw JifenError.usage(
            .badCode, zh: "付款码格式不对：应为 \(length) 位数字，或扫描付款码的二维码。请顾客在手机上点「出示付款码」换一个新码。",
            en:
                "The pay code is malformed: it is \(length) digits, or its QR scanned. Ask the customer to tap “Show "
                + "my pay code” on her phone for a new one."
        )
    }

    /// The stored form of the digits. A code lives minutes and wrong tries are budgeted, so a plain
    /// hash suffices: the database never holds a code that could be read off and used.
    public static func hash(_ code: String) -> String {
        hex(SHA256.hash(data: Data("jifen-code-v1\u{1F}\(code)".utf8)))
    }

    /// The stored form of the QR's secret.
    public static func secretHash(_ secret: String) -> String {
        hex(SHA256.hash(data: Data("jifen-code-secret-v1\u{1F}\(secret.uppercased())".utf8)))
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng))
    }

    /// 128 bits from the system's random source, as 26 base32 characters (the last carries 3 bits, the rest 5; 25×5+3 = 128).
    static func randomSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        var bits: [Bool] = []
        for _ in 0..<2 {
            let word = rng.next() as UInt64
            for i in 0..<64 { bits.append(word >> UInt64(i) & 1 == 1) }
        }
        var out = ""
        var i = 0
        while i < bits.count {
            let chunk = bits[i..<min(i + 5, bits.count)]
            out.append(alphabet[chunk.reduce(0) { $0 << 1 | ($1 ? 1 : 0) }])
            i += 5
        }
        return out
    }
}

/// What a volunteer gets when she opens her pay code.
public struct IssuedPayCode: Sendable, Equatable {
    /// The six digits to read aloud.
    public var code: String
    /// What the QR carries: 128 random bits.
    public var secret: String
    /// The most points one redemption with this code may take.
    public var maxPoints: Int64
    public var expiresAtMillis: Int64
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

    public init(
        merchant: String, code: String, offer: String? = nil, points: Int64? = nil, key: String, hold: Bool = false
    ) {
        self.merchant = merchant; self.code = code; self.offer = offer; self.points = points; self.key = key;
        self.hold = hold
    }
}

extension Merchants {
    /// Issues a one-time code for a volunteer: her consent to one redemption of at most `maxPoints`
    /// (default `codes.max_points`). It voids any code she had, so she holds at most one live code.
    /// - Returns: the digits and the QR's secret (shown once, never stored), the ceiling and expiry.
    /// - Throws: `JifenError` refused when the actor is neither the volunteer nor an admin; usage for a ceiling below 1.
    public func issueCode(volunteer: String, maxPoints: Int64? = nil, actor: String) throws -> IssuedPayCode {
        let at = now().millis
        if let maxPoints, !(1...Rules.codeMaxPointsLimit).contains(maxPoints) {
            throw JifenError.usage(
                .badAmount, zh: "付款码的上限应为 1 到 \(Rules.codeMaxPointsLimit) 之间的整数积分，不是 \(maxPoints)。",
                en:
                    "A pay code's ceiling is a whole number of points from 1 to \(Rules.codeMaxPointsLimit), not \(maxPoints)."
            )
        }
        return try store.write { tx in
            guard let account = try tx.account(volunteer), account.kind == .volunteer else {
                throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), volunteer)
            }
            guard try actor == volunteer || tx.actsAsAdmin(actor) else {
                throw JifenError.forbidden(
                    actor: actor, action: Bilingual(zh: "替 \(volunteer) 出示兑换码", en: "show a code for \(volunteer)"))
            }
            let rules = try Rules(settings: tx.settings())
            // One live code per volunteer: a new one voids the last (and the store serializes a
            // volunteer's codes), so minting cannot fill the code space or leave old codes about.
            try tx.voidCodes(volunteer: volunteer, atMillis: at)
            // A new code never shares its digits with a live one, so typed digits name one volunteer.
            var code = Codes.random()
            var tries = 0
            while try tx.codes(hash: Codes.hash(code)).contains(where: { $0.isLive(atMillis: at) }) {
                tries += 1
                guard tries < 1000 else {
                    throw JifenError.busy(
                        .codesExhausted, zh: "暂时无法生成新的兑换码，请稍后再试。",
                        en: "No fresh code is free right now; try again shortly.")
                }
                code = Codes.random()
            }
            let secret = Codes.randomSecret()
            let ceiling = maxPoints ?? rules.codeMaxPoints
            let expires = at + Int64(rules.codeTTLMinutes) * 60_000
            _ = try tx.insert(
                code: RedemptionCode(
                    volunteer: volunteer, hash: Codes.hash(code), createdAtMillis: at, expiresAtMillis: expires,
                    secretHash: Codes.secretHash(secret), maxPoints: ceiling))
            return IssuedPayCode(code: code, secret: secret, maxPoints: ceiling, expiresAtMillis: expires)
        }
    }
}

extension JifenError {
    static func busy(_ code: JifenError.Code, zh: String, en: String) -> JifenError {
        JifenError(code, .busy, zh: zh, en: en)
    }
}
