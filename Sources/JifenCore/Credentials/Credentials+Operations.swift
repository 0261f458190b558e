import Foundation

/// Credentials and enrolment codes: who may issue one for whom, what using a code yields, and
/// what makes a token valid. Written once over the row-level `credential` requirements.
public struct Credentials: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// The role `person` holds, strongest first; nil when the person is none of them.
    public func strongestRole(of person: String) throws -> CredentialRole? {
        if try store.isAdmin(person) || store.read({ try !$0.administeredOffices(person).isEmpty }) { return .admin }
        if try !store.organizedTeams(person).isEmpty { return .organizer }
        if try store.isVolunteer(person) { return .volunteer }
        if try store.read({ try $0.merchantExists(person) }) { return .merchant }
        if try store.read({ try $0.resident(person) }) != nil { return .resident }
        return nil
    }

    /// Makes a device credential or an enrolment code for `person`.
    /// - Rules: an admin issues for anyone; an office admin for anyone but an admin in the
    ///   communities below its offices; a team's organizer for that team's volunteers; a
    ///   merchant for its own counter staff. The role is the person's own (a `staff` credential
    ///   acts for a merchant); it cannot be one the person does not hold.
    /// - Returns: the stored credential (its hash is of `secretHash`).
    public func issueCredential(
        actor: String, person: String, role: CredentialRole?, kind: Credential.Kind, label: String,
        validMillis: Int64, nowMillis: Int64, id: String, secretHash: String
    ) throws -> Credential {
        guard let held = try strongestRole(of: person) else {
            throw JifenError.unknown(Bilingual(zh: "人员", en: "person"), person)
        }
        let role = role ?? held
        let holds: Bool
        switch role {
        case .admin: holds = try store.isAdmin(person) || store.read { try !$0.administeredOffices(person).isEmpty }
        case .organizer: holds = try !store.organizedTeams(person).isEmpty
        case .volunteer: holds = try store.isVolunteer(person)
        case .merchant, .staff: holds = try store.read { try $0.merchantExists(person) }
        case .resident: holds = try store.read { try $0.resident(person) } != nil
        }
        guard holds else {
            throw JifenError.refused(
                .badRole, zh: "\(person) 没有「\(role.rawValue)」这个身份，不能为此身份发凭证。",
                en: "\(person) does not hold the role \(role.rawValue); no credential can be issued for it.")
        }
        let action = Bilingual(zh: "为 \(person) 发放登录凭证", en: "issue a credential for \(person)")
        let allowed: Bool
        if try store.actsAsAdmin(actor) {
            allowed = true
        } else if role != .admin, let scope = try store.read({ try Permissions.officeScope(actor, in: $0) }),
            try !communities(of: person, role: role).isDisjoint(with: scope.communities)
        {
            // An office admin issues for the people of the communities below its offices.
            allowed = true
        } else if role == .staff {
            allowed = actor == person
        } else if role == .volunteer, let team = try store.read({ try $0.volunteer(person) })?.team {
            allowed = try store.actsAsOrganizerOf(actor).contains(team)
        } else if role == .resident, let resident = try store.read({ try $0.resident(person) }) {
            let organized = Set(try store.actsAsOrganizerOf(actor))
            allowed =
                try !organized.isEmpty
                && store.teams().contains { organized.contains($0.id) && $0.community == resident.community }
        } else {
            allowed = false
        }
        guard allowed else { throw JifenError.forbidden(actor: actor, action: action) }
        let credential = Credential(
            id: id, kind: kind, person: person, role: role, label: label, issuedBy: actor,
            createdAtMillis: nowMillis, expiresAtMillis: nowMillis + validMillis, secretHash: secretHash)
        try store.write { tx in try tx.insert(credential: credential) }
        return credential
    }

    /// The communities `person` acts in under `role`: a volunteer's, a resident's, an
    /// organizer's teams', a merchant's (its home and its partners').
    func communities(of person: String, role: CredentialRole) throws -> Set<String> {
        switch role {
        case .volunteer: return Set([try store.read { try $0.volunteer(person) }?.community].compactMap { $0 })
        case .resident: return Set([try store.read { try $0.resident(person) }?.community].compactMap { $0 })
        case .organizer:
            let teams = Set(try store.organizedTeams(person))
            return Set(try store.teams().filter { teams.contains($0.id) }.map(\.community))
        case .merchant, .staff: return Set([try store.read { try $0.merchant(person) }?.community].compactMap { $0 })
        case .admin: return []
        }
    }

    /// Uses an enrolment code once: marks it used and stores a device credential for the same
    /// person and role, in one transaction (two phones typing the same code: one wins).
    /// - Throws: `badEnrolmentCode` for a code that is unknown, used, expired or revoked.
    public func enrol(
        codeHash: String, label: String, validMillis: Int64, nowMillis: Int64, id: String, secretHash: String
    ) throws -> Credential {
        try store.write { tx in
            guard let code = try tx.credential(hash: codeHash), code.kind == .enrolment, code.isLive(at: nowMillis),
                try tx.markCredentialUsed(id: code.id, atMillis: nowMillis)
            else { throw JifenError.badEnrolmentCode }
            let device = Credential(
                id: id, kind: .device, person: code.person, role: code.role,
                label: label.isEmpty ? code.label : label, issuedBy: code.issuedBy,
                createdAtMillis: nowMillis, expiresAtMillis: nowMillis + validMillis,
                enrolledFrom: code.id, secretHash: secretHash)
            try tx.insert(credential: device)
            return device
        }
    }

    /// The live device credential a token names.
    /// - Throws: `badCredential` when there is none, the secret differs, or it expired or was revoked.
    public func authenticate(id: String, secretHash: String, nowMillis: Int64) throws -> Credential {
        guard let credential = try store.read({ try $0.credential(id: id) }), credential.kind == .device,
            CredentialSecret.constantTimeEqual(credential.secretHash, secretHash), credential.isLive(at: nowMillis)
        else { throw JifenError.badCredential }
        return credential
    }

    /// Credentials `actor` may see: an admin all, anyone else those they hold or issued; counter
    /// staff (`staffCredential`: the credential they signed in with) only their own, never the
    /// merchant owner's or the other counters'.
    public func credentials(actor: String, staffCredential: String? = nil, person: String?) throws -> [Credential] {
        let all = try store.read { try $0.credentials(person: person) }
        if let staffCredential { return all.filter { $0.id == staffCredential } }
        if try store.actsAsAdmin(actor) { return all }
        return all.filter { $0.person == actor || $0.issuedBy == actor }
    }

    /// Revokes a credential or an unused code from the next request on.
    /// - Rules: an admin, its issuer, or the person it acts as (a lost phone); counter staff
    ///   (`staffCredential`) only the credential they signed in with (signing out).
    /// - Returns: the credential as now stored; revoking twice is harmless.
    public func revokeCredential(
        actor: String, staffCredential: String? = nil, id: String, nowMillis: Int64
    ) throws -> Credential {
        guard let credential = try store.read({ try $0.credential(id: id) }) else {
            throw JifenError.unknown(Bilingual(zh: "凭证", en: "credential"), id)
        }
        let allowed =
            try staffCredential.map { $0 == id }
            ?? (credential.person == actor || credential.issuedBy == actor || store.actsAsAdmin(actor))
        guard allowed else {
            throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "收回凭证 \(id)", en: "revoke credential \(id)"))
        }
        if credential.revokedAtMillis != nil { return credential }
        try store.write { tx in _ = try tx.revokeCredential(id: id, atMillis: nowMillis) }
        return try store.read { try $0.credential(id: id) } ?? credential
    }

    /// Confirms, as the person's own act, a device credential someone else issued for her, so it
    /// may spend her points (`Credential.isPersonsOwn`).
    /// - Rules: with `codeHash`, the credential signed in with (`actorCredential`) is confirmed by
    ///   one of her live enrolment codes for the same role, which is used up; without it, `actor`
    ///   must be acting with her own credential (`consented`) and confirms another of hers.
    /// - Throws: `badEnrolmentCode` (wrong, used or someone else's code), `unconfirmedCredential`,
    ///   not allowed (someone else's credential), unknown id.
    public func confirmCredential(
        actor: String, actorCredential: String?, consented: Bool, target: String?, codeHash: String?,
        nowMillis: Int64
    ) throws -> Credential {
        guard let id = target ?? actorCredential else {
            throw JifenError.usage(
                .badValue, zh: "请给出要确认的凭证编号（jifen credential list）。",
                en: "Give the id of the credential to confirm (jifen credential list).")
        }
        return try store.write { tx in
            guard let credential = try tx.credential(id: id), credential.kind == .device,
                credential.isLive(at: nowMillis)
            else {
                throw JifenError.unknown(Bilingual(zh: "凭证", en: "credential"), id)
            }
            guard credential.person == actor else {
                throw JifenError.forbidden(
                    actor: actor, action: Bilingual(zh: "确认凭证 \(id)", en: "confirm credential \(id)"))
            }
            if let codeHash {
                // Her paper code, typed on the device that signed in with the credential.
                guard id == actorCredential, let code = try tx.credential(hash: codeHash), code.kind == .enrolment,
                    code.person == actor, code.role == credential.role, code.isLive(at: nowMillis),
                    try tx.markCredentialUsed(id: code.id, atMillis: nowMillis)
                else { throw JifenError.badEnrolmentCode }
            } else if !consented {
                throw JifenError.unconfirmedCredential
            }
            if credential.confirmedAtMillis == nil { _ = try tx.confirmCredential(id: id, atMillis: nowMillis) }
            return try tx.credential(id: id) ?? credential
        }
    }
}
