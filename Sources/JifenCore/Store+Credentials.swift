import Foundation

/// Credentials and enrolment codes: who may issue one for whom, what using a code yields, and
/// what makes a token valid. Written once over the row-level `credential` requirements.
extension Store {
    /// The role `person` holds, strongest first; nil when the person is none of them.
    public func strongestRole(of person: String) throws -> CredentialRole? {
        if try isAdmin(person) { return .admin }
        if try !organizedTeams(person).isEmpty { return .organizer }
        if try isVolunteer(person) { return .volunteer }
        if try read({ try $0.merchantExists(person) }) { return .merchant }
        return nil
    }

    /// Makes a device credential or an enrolment code for `person`.
    /// - Rules: an admin issues for anyone; a team's organizer for that team's volunteers; a
    ///   merchant for its own counter staff. The role is the person's own (a `staff` credential
    ///   acts for a merchant); it cannot be one the person does not hold.
    /// - Returns: the stored credential (its hash is of `secretHash`).
    public func issueCredential(actor: String, person: String, role: CredentialRole?, kind: Credential.Kind, label: String,
                                validMillis: Int64, nowMillis: Int64, id: String, secretHash: String) throws -> Credential {
        guard let held = try strongestRole(of: person) else {
            throw JifenError.unknown(Bilingual(zh: "人员", en: "person"), person)
        }
        let role = role ?? held
        let holds: Bool
        switch role {
        case .admin: holds = try isAdmin(person)
        case .organizer: holds = try !organizedTeams(person).isEmpty
        case .volunteer: holds = try isVolunteer(person)
        case .merchant, .staff: holds = try read { try $0.merchantExists(person) }
        }
        guard holds else {
            throw JifenError.refused(.badRole, zh: "\(person) 没有「\(role.rawValue)」这个身份，不能为此身份发凭证。",
                                     en: "\(person) does not hold the role \(role.rawValue); no credential can be issued for it.")
        }
        let action = Bilingual(zh: "为 \(person) 发放登录凭证", en: "issue a credential for \(person)")
        let allowed: Bool
        if try isAdmin(actor) {
            allowed = true
        } else if role == .staff {
            allowed = actor == person
        } else if role == .volunteer, let team = try read({ try $0.volunteer(person) })?.team {
            allowed = try organizedTeams(actor).contains(team)
        } else {
            allowed = false
        }
        guard allowed else { throw JifenError.forbidden(actor: actor, action: action) }
        let credential = Credential(id: id, kind: kind, person: person, role: role, label: label, issuedBy: actor,
                                    createdAtMillis: nowMillis, expiresAtMillis: nowMillis + validMillis, secretHash: secretHash)
        try write { tx in try tx.insert(credential: credential) }
        return credential
    }

    /// Uses an enrolment code once: marks it used and stores a device credential for the same
    /// person and role, in one transaction (two phones typing the same code: one wins).
    /// - Throws: `badEnrolmentCode` for a code that is unknown, used, expired or revoked.
    public func enrol(codeHash: String, label: String, validMillis: Int64, nowMillis: Int64, id: String, secretHash: String) throws -> Credential {
        try write { tx in
            guard let code = try tx.credential(hash: codeHash), code.kind == .enrolment, code.isLive(at: nowMillis),
                  try tx.markCredentialUsed(id: code.id, atMillis: nowMillis)
            else { throw JifenError.badEnrolmentCode }
            let device = Credential(id: id, kind: .device, person: code.person, role: code.role,
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
        guard let credential = try read({ try $0.credential(id: id) }), credential.kind == .device,
              CredentialSecret.constantTimeEqual(credential.secretHash, secretHash), credential.isLive(at: nowMillis)
        else { throw JifenError.badCredential }
        return credential
    }

    /// Credentials `actor` may see: an admin all, anyone else those they hold or issued.
    public func credentials(actor: String, person: String?) throws -> [Credential] {
        let all = try read { try $0.credentials(person: person) }
        if try isAdmin(actor) { return all }
        return all.filter { $0.person == actor || $0.issuedBy == actor }
    }

    /// Revokes a credential or an unused code from the next request on.
    /// - Rules: an admin, its issuer, or the person it acts as (a lost phone).
    /// - Returns: the credential as now stored; revoking twice is harmless.
    public func revokeCredential(actor: String, id: String, nowMillis: Int64) throws -> Credential {
        guard let credential = try read({ try $0.credential(id: id) }) else {
            throw JifenError.unknown(Bilingual(zh: "凭证", en: "credential"), id)
        }
        guard try credential.person == actor || credential.issuedBy == actor || isAdmin(actor) else {
            throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "收回凭证 \(id)", en: "revoke credential \(id)"))
        }
        if credential.revokedAtMillis != nil { return credential }
        try write { tx in _ = try tx.revokeCredential(id: id, atMillis: nowMillis) }
        return try read { try $0.credential(id: id) } ?? credential
    }
}
