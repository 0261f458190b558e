import Crypto
import Foundation

/// What a credential lets its holder act as. A person's credential carries one role; a
/// merchant's counter staff act for the merchant, but only at the counter (`staff`); a resident
/// (居民, `R001`) asks for help and answers for her own service requests, and nothing else
/// (`ActingCredential.requireResidentMay`).
public enum CredentialRole: String, Codable, Sendable, CaseIterable {
    case admin, organizer, volunteer, merchant, staff, resident
}

/// A device credential (a bearer token a phone, a counter or a script keeps) or an enrolment
/// code (short, printed on paper, used once to get a device credential). Only the SHA-256 of
/// the secret is stored: the secret is shown once, when it is made, and never again.
public struct Credential: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case device, enrolment }

    public var id: String
    public var kind: Kind
    /// The person it acts as: a volunteer, organizer or admin id, the merchant (for staff too), or a resident.
    public var person: String
    public var role: CredentialRole
    /// Who holds it, in the issuer's words ("张桂兰的手机", "收银台 2").
    public var label: String
    public var issuedBy: String
    public var createdAtMillis: Int64
    public var expiresAtMillis: Int64
    public var revokedAtMillis: Int64?
    /// An enrolment code: when it was used (it works once).
    public var usedAtMillis: Int64?
    /// A device credential made from an enrolment code: that code's id.
    public var enrolledFrom: String?
    /// SHA-256 of the secret, hex. Never rendered.
    public var secretHash: String
    /// When the person confirmed, by her own sign-in, a device credential someone else issued
    /// for her (`Store.confirmCredential`); nil when not (or not needed).
    public var confirmedAtMillis: Int64?

    public init(
        id: String, kind: Kind, person: String, role: CredentialRole, label: String, issuedBy: String,
        createdAtMillis: Int64, expiresAtMillis: Int64, revokedAtMillis: Int64? = nil, usedAtMillis: Int64? = nil,
        enrolledFrom: String? = nil, secretHash: String, confirmedAtMillis: Int64? = nil
    ) {
        self.id = id; self.kind = kind; self.person = person; self.role = role; self.label = label;
        self.issuedBy = issuedBy
        self.createdAtMillis = createdAtMillis; self.expiresAtMillis = expiresAtMillis;
        self.revokedAtMillis = revokedAtMillis
        self.usedAtMillis = usedAtMillis; self.enrolledFrom = enrolledFrom; self.secretHash = secretHash
        self.confirmedAtMillis = confirmedAtMillis
    }

    /// The person's own credential, which may spend her points: she made it by typing her
    /// enrolment code (`enrolledFrom`), issued it to herself, or confirmed it with her own sign-in.
    /// A device credential someone else issued for her (an organizer's) is not, until she confirms it.
    public var isPersonsOwn: Bool { enrolledFrom != nil || issuedBy == person || confirmedAtMillis != nil }

    /// Whether it still works at `nowMillis`.
    public func isLive(at nowMillis: Int64) -> Bool {
        revokedAtMillis == nil && usedAtMillis == nil && nowMillis < expiresAtMillis
    }
}

/// The secrets: device tokens (`jf_<id>_<43 characters>`, 256 random bits) and enrolment codes
/// (`4F7K-9Q2M`: 8 characters of an alphabet without 0/O, 1/I/L, about 40 bits, made to be read
/// aloud and typed by an elder; they work once, for days, and guessing them is locked out).
public enum CredentialSecret {
    /// Characters of an enrolment code: digits and capitals a reader cannot confuse.
    public static let codeAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func sha256(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A new credential id: `C` and 12 hex digits, public (lists, logs, revocation).
    public static func newID(prefix: String) -> String {
        prefix + randomBytes(6).map { String(format: "%02x", $0) }.joined()
    }

    /// A device token for credential `id`: the id (to find the row) and 32 random bytes.
    public static func newToken(id: String) -> (token: String, hash: String) {
        let secret = Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        return ("jf_\(id)_\(secret)", sha256(secret))
    }

    /// The id and secret of a token; nil when it is not shaped like one.
    public static func parseToken(_ token: String) -> (id: String, secretHash: String)? {
        guard let (id, secret) = split(token) else { return nil }
        return (id, sha256(secret))
    }

    /// The id of a token without hashing it (for limiting guesses per credential).
    public static func tokenID(_ token: String) -> String? { split(token)?.id }

    static func split(_ token: String) -> (id: String, secret: String)? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "jf", parts[1].count == 13, parts[2].count == 43 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// A new enrolment code, as printed (`4F7K-9Q2M`).
    public static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let chars = (0..<8).map { _ in codeAlphabet[Int.random(in: 0..<codeAlphabet.count, using: &generator)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8])
    }

    /// What the person typed, as the code is stored: capitals, no spaces or dashes; nil when it
    /// cannot be a code (wrong length or characters), so it is refused without a lookup.
    public static func normalisedCode(_ typed: String) -> String? {
        let cleaned = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard cleaned.count == 8, cleaned.allSatisfy({ codeAlphabet.contains($0) }) else { return nil }
        return cleaned
    }

    /// Equal strings in time that does not depend on where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension JifenError {
    /// The one answer to a credential that does not work, whatever the reason: a guesser learns nothing.
    public static let badCredential = JifenError.refused(
        .badCredential, zh: "登录凭证无效、已过期或已被收回。请重新登录（jifen login），或请组织者给您一个新的登记码。",
        en:
            "The credential is not valid, has expired or was revoked. Sign in again (jifen login), or ask your organizer for a new enrolment code."
    )

    public static let badEnrolmentCode = JifenError.refused(
        .badEnrolmentCode, zh: "登记码不对、已用过或已过期。请核对纸条上的 8 位码（如 4F7K-9Q2M），或请组织者重新发一个。",
        en:
            "The enrolment code is wrong, already used or expired. Check the 8 characters on the paper (like "
            + "4F7K-9Q2M), or ask your organizer for a new one."
    )

    public static let signInRequired = JifenError.refused(
        .signInRequired, zh: "请先登录：jifen login --server 地址 --code 登记码。",
        en: "Sign in first: jifen login --server URL --code ENROLMENT-CODE.")

    /// A spend (a pay code, a transfer, a donation) with a credential someone else issued for her.
    public static let unconfirmedCredential = JifenError.refused(
        .unconfirmedCredential,
        zh:
            "这个登录凭证是别人（如组织者）替您发的，还不能花您的积分。请您本人确认：在这台设备上用您的登记码确认（jifen credential confirm --code 登记码），或在您自己登录的手机上确认它（jifen credential confirm 凭证编号）。",
        en:
            "This credential was issued for you by someone else (e.g. an organizer) and cannot spend your points yet. "
            + "Confirm it yourself: with your enrolment code on this device (jifen credential confirm --code "
            + "CODE), or from the phone you signed in on yourself (jifen credential confirm CREDENTIAL-ID)."
    )

    public static func lockedOut(seconds: Int) -> JifenError {
        .refused(
            .lockedOut, zh: "尝试失败次数太多，已暂时锁定。请 \(max(1, seconds / 60)) 分钟后再试。",
            en: "Too many failed attempts; locked for now. Try again in \(max(1, seconds / 60)) minute(s).")
    }
}
