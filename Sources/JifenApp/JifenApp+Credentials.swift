import Foundation
public import JifenCore

/// Credentials: issuing device credentials and enrolment codes, enrolling with a code,
/// authenticating a token (`jifen serve` turns the result into the request's `Principal`),
/// listing and revoking them.
extension JifenApp {
    public struct CredentialView: Codable, Sendable, Equatable {
        public var id: String
        public var kind: Credential.Kind
        public var person: String
        public var role: CredentialRole
        public var label: String
        public var issuedBy: String
        public var createdAtMillis: Int64
        public var expiresAtMillis: Int64
        public var revokedAtMillis: Int64?
        public var usedAtMillis: Int64?
        public var enrolledFrom: String?
        /// When the person confirmed it (a device credential someone else issued for her).
        public var confirmedAtMillis: Int64?
        /// The person's own: it may spend her points (she enrolled it, or confirmed it).
        public var own: Bool
        /// live, used, revoked or expired, at the app's clock.
        public var state: String

        init(_ c: Credential, nowMillis: Int64) {
            id = c.id; kind = c.kind; person = c.person; role = c.role; label = c.label; issuedBy = c.issuedBy
            createdAtMillis = c.createdAtMillis; expiresAtMillis = c.expiresAtMillis;
            revokedAtMillis = c.revokedAtMillis
            usedAtMillis = c.usedAtMillis; enrolledFrom = c.enrolledFrom
            confirmedAtMillis = c.confirmedAtMillis; own = c.kind == .device && c.isPersonsOwn
            state =
                c.revokedAtMillis != nil
                ? "revoked" : c.usedAtMillis != nil ? "used" : nowMillis >= c.expiresAtMillis ? "expired" : "live"
        }
    }

    /// A credential as issued: `secret` is the token or the enrolment code, shown this once.
    public struct IssuedCredential: Codable, Sendable, Equatable {
        public var credential: CredentialView
        public var secret: String
    }

    public struct IssueCredentialInput: Codable, Sendable {
        public var person: String
        /// `staff` for a merchant's counter staff; nil: the person's own role.
        public var role: CredentialRole?
        /// An enrolment code (to hand over on paper) instead of a device credential.
        public var enrolment: Bool
        public var label: String
        /// Days it is valid; nil: `Defaults.enrolmentDays` for a code, `deviceDays` for a device.
        public var days: Int?
        public init(
            person: String, role: CredentialRole? = nil, enrolment: Bool = false, label: String = "", days: Int? = nil
        ) {
            self.person = person; self.role = role; self.enrolment = enrolment; self.label = label; self.days = days
        }
    }

    /// How long credentials last when the issuer says nothing.
    public enum CredentialDefaults {
        /// An enrolment code: a week to get from the organizer's paper to the phone.
        public static let enrolmentDays = 7
        /// A device credential: a year, then enrol again.
        public static let deviceDays = 365
        public static let maxDays = 3650
    }

    /// Issues a device credential or an enrolment code (rules: `Store.issueCredential`).
    public func issueCredential(_ principal: Principal, _ input: IssueCredentialInput) throws -> IssuedCredential {
        let days = input.days ?? (input.enrolment ? CredentialDefaults.enrolmentDays : CredentialDefaults.deviceDays)
        guard (1...CredentialDefaults.maxDays).contains(days) else {
            throw JifenError.usage(
                .badValue, zh: "有效天数须为 1 到 \(CredentialDefaults.maxDays) 的整数。",
                en: "Days must be a whole number from 1 to \(CredentialDefaults.maxDays).")
        }
        try Self.requireNotStaff(principal, Bilingual(zh: "发放登录凭证", en: "issue credentials"))
        try Registry.checkText(input.label, field: Bilingual(zh: "凭证说明", en: "label"), max: 60, allowEmpty: true)
        let secret: String, hash: String, id: String
        if input.enrolment {
            id = CredentialSecret.newID(prefix: "E")
            secret = CredentialSecret.newCode()
            hash = CredentialSecret.sha256(CredentialSecret.normalisedCode(secret)!)
        } else {
            id = CredentialSecret.newID(prefix: "C")
            (secret, hash) = CredentialSecret.newToken(id: id)
        }
        let credential = try credentials.issueCredential(
            actor: principal.id, person: input.person, role: input.role,
            kind: input.enrolment ? .enrolment : .device, label: input.label,
            validMillis: Int64(days) * 86_400_000, nowMillis: nowMillis, id: id, secretHash: hash)
        return IssuedCredential(credential: CredentialView(credential, nowMillis: nowMillis), secret: secret)
    }

    public struct EnrolInput: Codable, Sendable {
        public var code: String
        /// What the new device is called in the credential list ("张桂兰的手机").
        public var label: String
        public init(code: String, label: String = "") { self.code = code; self.label = label }
    }

    /// Uses an enrolment code once for a device credential. Anyone may try; `SignInGuard` limits guessing.
    public func enrol(_ input: EnrolInput) throws -> IssuedCredential {
        guard let code = CredentialSecret.normalisedCode(input.code) else { throw JifenError.badEnrolmentCode }
        try Registry.checkText(input.label, field: Bilingual(zh: "设备名称", en: "label"), max: 60, allowEmpty: true)
        let id = CredentialSecret.newID(prefix: "C")
        let (token, hash) = CredentialSecret.newToken(id: id)
        let device = try credentials.enrol(
            codeHash: CredentialSecret.sha256(code), label: input.label,
            validMillis: Int64(CredentialDefaults.deviceDays) * 86_400_000, nowMillis: nowMillis,
            id: id, secretHash: hash)
        return IssuedCredential(credential: CredentialView(device, nowMillis: nowMillis), secret: token)
    }

    /// Who a bearer token signs in as.
    /// - Throws: `badCredential` for a token that is malformed, unknown, wrong, expired or revoked.
    public func authenticate(token: String) throws -> Principal {
        guard let (id, hash) = CredentialSecret.parseToken(token) else { throw JifenError.badCredential }
        let credential = try credentials.authenticate(id: id, secretHash: hash, nowMillis: nowMillis)
        return Principal(
            credential.person, role: credential.role, credential: credential.id, consented: credential.isPersonsOwn)
    }

    /// The credential id a token names, for limiting guesses per credential (nil: not a token).
    public static func credentialID(ofToken token: String) -> String? { CredentialSecret.tokenID(token) }

    /// Credentials the principal may see (`Store.credentials`): counter staff only their own.
    public func credentials(_ principal: Principal, person: String? = nil) throws -> [CredentialView] {
        try credentials.credentials(
            actor: principal.id, staffCredential: Self.staffCredential(principal), person: person
        )
        .map { CredentialView($0, nowMillis: nowMillis) }
    }

    public func revokeCredential(_ principal: Principal, _ id: String) throws -> CredentialView {
        CredentialView(
            try credentials.revokeCredential(
                actor: principal.id, staffCredential: Self.staffCredential(principal), id: id,
                nowMillis: nowMillis), nowMillis: nowMillis)
    }

    /// The credential counter staff signed in with; nil for anyone else.
    static func staffCredential(_ principal: Principal) -> String? {
        principal.role == .staff ? (principal.credential ?? "") : nil
    }

    public struct ConfirmCredentialInput: Codable, Sendable {
        /// The credential to confirm; nil: the one signed in with (then `code` is needed).
        public var credential: String?
        /// Her enrolment code, typed on the device being confirmed.
        public var code: String?
        public init(credential: String? = nil, code: String? = nil) { self.credential = credential; self.code = code }
    }

    /// The person confirms, by her own act, a device credential someone else issued for her, so
    /// that it may spend her points (rules: `Store.confirmCredential`).
    public func confirmCredential(_ principal: Principal, _ input: ConfirmCredentialInput) throws -> CredentialView {
        var codeHash: String?
        if let typed = input.code {
            guard let code = CredentialSecret.normalisedCode(typed) else { throw JifenError.badEnrolmentCode }
            codeHash = CredentialSecret.sha256(code)
        }
        let confirmed = try credentials.confirmCredential(
            actor: principal.id, actorCredential: principal.credential, consented: principal.consented,
            target: input.credential, codeHash: codeHash, nowMillis: nowMillis)
        return CredentialView(confirmed, nowMillis: nowMillis)
    }

    /// Refuses a spend of `account`'s points by its own person acting with a credential someone
    /// else issued for her and she has not confirmed (README "Only the volunteer spends her points").
    static func requireConsent(_ principal: Principal, spending account: String) throws {
        if principal.id == account && !principal.consented { throw JifenError.unconfirmedCredential }
    }

    /// Runs a write once per key (`Store.once`): the same principal, operation and key get the
    /// first answer again, also when they arrive together or after a restart.
    /// - Returns: the answer (JSON text) and whether it is a replay.
    public func once(
        _ principal: Principal, operation: String, key: String, fingerprint: String,
        _ body: () throws -> String
    ) throws -> (answer: String, replayed: Bool) {
        try store.once(
            actor: principal.id, operation: operation, key: key, fingerprint: fingerprint, nowMillis: nowMillis, body)
    }

    /// Opens the store and reads from it: a server is ready when this returns.
    /// - Throws: the store's fault (missing, not Jifen's, unreachable).
    public func checkStore() throws { _ = try store.read { try $0.eventType(0) } }

    public struct WhoAmI: Codable, Sendable, Equatable {
        public var person: String
        public var name: String?
        public var role: CredentialRole?
        public var credential: String?
    }

    /// Who the principal is: the person, their name, and the credential they signed in with.
    public func whoami(_ principal: Principal) throws -> WhoAmI {
        let s = try store
        let name = try s.read { tx in
            try tx.volunteer(principal.id)?.name ?? tx.merchant(principal.id)?.name ?? tx.resident(principal.id)?.name
        }
        return WhoAmI(
            person: principal.id, name: name,
            role: try principal.role ?? Credentials(store: s).strongestRole(of: principal.id),
            credential: principal.credential)
    }
}
