public import JifenCore

/// Consent to keeping, publishing and sharing a person's data, each on its own, with the text's version.
extension JifenApp {
    public struct ConsentInput: Codable, Sendable {
        public var person: String
        /// Keeping her data; nil: unchanged.
        public var keep: Bool?
        /// Being named in the public notice (公示); nil: unchanged.
        public var publish: Bool?
        /// Her name and phone shown to merchants; nil: unchanged.
        public var share: Bool?
        /// The version of the consent text; nil: `Defaults.consentVersion`.
        public var version: String?
        public init(
            person: String, keep: Bool? = nil, publish: Bool? = nil, share: Bool? = nil, version: String? = nil
        ) {
            self.person = person; self.keep = keep; self.publish = publish; self.share = share; self.version = version
        }
    }

    public struct PersonRef: Codable, Sendable {
        public var person: String
        public init(person: String) { self.person = person }
    }

    /// Records the consents given or withdrawn (a new row each: history is kept) and answers what
    /// is in force. The person herself (signed in as herself) or an admin over her community, who
    /// records her paper form.
    /// - Throws: usage `bad-consent` when nothing is given or the version is empty; refused for
    ///   an unknown person or anyone else.
    public func recordConsent(_ principal: Principal, _ input: ConsentInput) throws -> ConsentState {
        let changes = [(ConsentKind.keep, input.keep), (.publish, input.publish), (.share, input.share)].compactMap {
            kind, granted in granted.map { Registry.ConsentChange(kind: kind, granted: $0) }
        }
        guard !changes.isEmpty else {
            throw JifenError.usage(
                .badConsent, zh: "请至少给出一项：--keep、--publish 或 --share（yes 或 no）。",
                en: "Give at least one of --keep, --publish or --share (yes or no).")
        }
        return try registry.recordConsent(
            person: input.person, changes: changes, version: input.version ?? Defaults.consentVersion,
            actor: principal.id, nowMillis: nowMillis)
    }

    /// A person's consents in force and their history: herself, an admin over her community, the owner.
    public func consents(_ principal: Principal, _ input: PersonRef) throws -> ConsentState {
        try registry.consents(person: input.person, actor: principal.id, isOwner: principal.isOwner)
    }
}
