public import Foundation

/// What a person consents to, each on its own (个人信息保护法 arts. 14, 23, 25): keeping her data,
/// being named in the public notice (公示), and having her name and phone shown to merchants.
public enum ConsentKind: String, Codable, Sendable, CaseIterable {
    case keep, publish, share

    public var words: Bilingual {
        switch self {
        case .keep: Bilingual(zh: "保存个人信息", en: "keeping her data")
        case .publish: Bilingual(zh: "在公示中署名", en: "being named in the public notice")
        case .share: Bilingual(zh: "向商户提供姓名和电话", en: "sharing her name and phone with merchants")
        }
    }

    /// In force when the person never said: keeping is what registering her means (a withdrawal is
    /// recorded and asks for erasure); publishing is what her registration said (`Volunteer.consent`);
    /// sharing with merchants only once she says yes.
    public func unsaid(publishedAtRegistration: Bool) -> Bool {
        switch self {
        case .keep: true
        case .publish: publishedAtRegistration
        case .share: false
        }
    }
}

/// One consent given or withdrawn. History is kept: a withdrawal is a new record, never an edit.
public struct ConsentRecord: Codable, Sendable, Equatable {
    public var person: String
    public var kind: ConsentKind
    /// The version of the consent text she agreed to (or withdrew from).
    public var version: String
    public var granted: Bool
    public var atMillis: Int64
    /// Who recorded it: the person herself, or the admin who took her paper form.
    public var recordedBy: String

    public init(person: String, kind: ConsentKind, version: String, granted: Bool, atMillis: Int64, recordedBy: String)
    {
        self.person = person; self.kind = kind; self.version = version; self.granted = granted
        self.atMillis = atMillis; self.recordedBy = recordedBy
    }

    /// Whether `kind` is in force after `records` (oldest first): the latest record of the kind,
    /// else what is in force when she never said.
    public static func inForce(
        _ kind: ConsentKind, records: [ConsentRecord], publishedAtRegistration: Bool = false
    ) -> Bool {
        records.last(where: { $0.kind == kind })?.granted
            ?? kind.unsaid(publishedAtRegistration: publishedAtRegistration)
    }
}

/// A person's consents: what is in force now, and every record.
public struct ConsentState: Codable, Sendable, Equatable {
    public var person: String
    public var keep: Bool
    public var publish: Bool
    public var share: Bool
    public var history: [ConsentRecord]

    public init(person: String, records: [ConsentRecord], publishedAtRegistration: Bool) {
        self.person = person
        keep = ConsentRecord.inForce(.keep, records: records, publishedAtRegistration: publishedAtRegistration)
        publish = ConsentRecord.inForce(.publish, records: records, publishedAtRegistration: publishedAtRegistration)
        share = ConsentRecord.inForce(.share, records: records, publishedAtRegistration: publishedAtRegistration)
        history = records
    }
}

/// The consent records' rows, and the ID-number key's and digests' rows.
public protocol ConsentRowReading {
    /// A person's consent records, oldest first.
    func consents(person: String) throws -> [ConsentRecord]
    /// The fingerprint of the key the database's ID numbers are sealed with; nil before the first.
    func idKeyFingerprint() throws -> String?
    /// The volunteers and residents whose ID number has this keyed digest.
    func people(idDigest: String) throws -> [String]
}

public protocol ConsentRowWriting: ConsentRowReading {
    func insert(consent: ConsentRecord) throws
    /// Keeps the person's `consent` column (`volunteer.consent` or `resident.consent`) equal to
    /// the publication consent in force (`table` is volunteer or resident).
    func setPublication(person: String, table: RegistryTable, granted: Bool) throws
    func recordIDKey(fingerprint: String, nowMillis: Int64) throws
    /// Stores a person's sealed ID number and its digest (`table` is volunteer or resident).
    func setIDNumber(sealed: String, digest: String, person: String, table: RegistryTable) throws
    /// ID numbers still in plain text (written before sealing), by table and person.
    func plainIDNumbers() throws -> [(table: RegistryTable, person: String, idNumber: String)]
}

extension Registry {
    /// What `consent` records: a kind, yes or no.
    public struct ConsentChange: Codable, Sendable, Equatable {
        public var kind: ConsentKind
        public var granted: Bool
        public init(kind: ConsentKind, granted: Bool) { self.kind = kind; self.granted = granted }
    }

    /// Records consents given or withdrawn (each a new row; history is kept) and answers the state.
    /// - Rules: the person herself, or an admin over her community (recording her paper form).
    ///   Publication also sets the person's `consent` column (`volunteer.consent`, which the
    ///   notice reads, or `resident.consent`), in the same transaction: the column is the
    ///   publication consent in force, the records its history.
    /// - Throws: usage `bad-consent` for an empty version; refused for an unknown person or anyone else.
    public func recordConsent(
        person: String, changes: [ConsentChange], version: String, actor: String, nowMillis: Int64
    ) throws -> ConsentState {
        let version = version.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !version.isEmpty, version.count <= 50 else {
            throw JifenError.usage(
                .badConsent, zh: "同意书版本（--version）不能为空，最多 50 个字符，例如 2026-01。",
                en: "The consent text's version (--version) must be 1 to 50 characters, e.g. 2026-01.")
        }
        return try store.write { tx in
            let (community, published, table) = try Self.consentHolder(person, in: tx)
            if actor != person {
                try Permissions.requireAdmin(
                    actor, over: community,
                    action: Bilingual(zh: "为 \(person) 登记同意", en: "record the consent of \(person)"), in: tx)
            }
            for change in changes {
                try tx.insert(
                    consent: ConsentRecord(
                        person: person, kind: change.kind, version: version, granted: change.granted,
                        atMillis: nowMillis, recordedBy: actor))
                if change.kind == .publish {
                    try tx.setPublication(person: person, table: table, granted: change.granted)
                }
            }
            return ConsentState(
                person: person, records: try tx.consents(person: person), publishedAtRegistration: published)
        }
    }

    /// A person's consents (the same readers as `recordConsent`'s writers).
    public func consents(person: String, actor: String, isOwner: Bool) throws -> ConsentState {
        try store.read { tx in
            let (community, published, _) = try Self.consentHolder(person, in: tx)
            if actor != person && !isOwner {
                try Permissions.requireAdmin(
                    actor, over: community,
                    action: Bilingual(zh: "查看 \(person) 的同意记录", en: "see the consents of \(person)"), in: tx)
            }
            // Before any record, publication is her registration's (`volunteer.consent`, `resident.consent`).
            let records = try tx.consents(person: person)
            return ConsentState(person: person, records: records, publishedAtRegistration: published)
        }
    }

    /// The person's community, her publication column (`consent`) and the table that holds her.
    static func consentHolder(
        _ person: String, in tx: any ReadTransaction
    ) throws -> (String, Bool, RegistryTable) {
        if let v = try tx.volunteer(person) { return (v.community, v.consent, .volunteer) }
        if let r = try tx.resident(person) { return (r.community, r.consent, .resident) }
        throw JifenError.unknown(Bilingual(zh: "志愿者或居民", en: "volunteer or resident"), person)
    }

    /// True when the volunteer lets merchants see her name and phone.
    public static func sharesWithMerchants(_ person: String, in tx: any ReadTransaction) throws -> Bool {
        ConsentRecord.inForce(.share, records: try tx.consents(person: person))
    }
}
