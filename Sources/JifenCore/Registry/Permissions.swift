/// Who may do what. The checks live here, in the core, so every front end gets them.
///
/// Jifen is not an authentication system: whoever can write the database file can act as anyone.
/// `--as` says who is acting; it is recorded on every write, and these rules say what that role may do.
public enum Permissions {
    public static func requireAdmin(_ actor: String, action: Bilingual, in tx: any ReadTransaction) throws {
        guard try tx.actsAsAdmin(actor) else {
            if try tx.isAdmin(actor) { throw ActingCredential.wrongCredential(actor, action: action) }
            throw JifenError.forbidden(actor: actor, action: action)
        }
    }

    /// Refuses anyone who may not administer `community`: an admin of the installation, or of a
    /// street office or district the community lies under. Use this for every new admin action
    /// that touches one community's people, points or merchants.
    public static func requireAdmin(
        _ actor: String, over community: String, action: Bilingual, in tx: any ReadTransaction
    ) throws {
        try requireAdmin(actor, action: action, in: tx)
    }
}

/// Who an actor is, for what they may read: an allow-list. An actor who is not a known person
/// (an unregistered name, a volunteer id in the wrong case, a merchant) reads nothing of others.
public enum Reader: Sendable, Equatable {
    case admin
    /// An organizer of these teams.
    case organizer(teams: [String])
    case volunteer(String)
    case nobody

    /// May see everyone's service records (an admin or any team's organizer: the records' checkers).
    public var readsAllRecords: Bool {
        switch self {
        case .admin, .organizer: return true
        case .volunteer, .nobody: return false
        }
    }

    /// May see an activity's check-in code: an admin, or an organizer of the activity's team.
    public func seesCheckinCode(team: String) -> Bool {
        switch self {
        case .admin: return true
        case .organizer(let teams): return teams.contains(team)
        case .volunteer, .nobody: return false
        }
    }
}

extension Permissions {
    /// Who `actor` is, checked against the roles the database holds (exact ids, case and all),
    /// as far as the credential's `role` lets (nil: every role the database gives): an
    /// organizer's credential reads as an organizer, a volunteer's as that volunteer, whatever
    /// else its person is.
    public static func reader(_ actor: String, role: CredentialRole? = nil, in directory: any Store) throws -> Reader {
        let role = role ?? ActingCredential.role
        if role == nil || role == .admin, try directory.isAdmin(actor) { return .admin }
        if role == nil || role == .admin || role == .organizer {
            let teams = try directory.organizedTeams(actor)
            if !teams.isEmpty { return .organizer(teams: teams) }
        }
        if role != .merchant && role != .staff, try directory.isVolunteer(actor) { return .volunteer(actor) }
        return .nobody
    }

    /// Which volunteer's records a listing may show: an admin or organizer sees what it asks for,
    /// a volunteer only their own, anyone else nothing.
    /// - Returns: the volunteer filter to apply (nil: everyone's).
    /// - Throws: forbidden for anyone else, or for a volunteer asking for another's records.
    public static func recordFilter(
        actor: String, role: CredentialRole? = nil, requested: String?, in directory: any Store
    ) throws -> String? {
        switch try reader(actor, role: role, in: directory) {
        case .admin, .organizer: return requested
        case .volunteer(let own):
            if let requested, requested != own { throw forbiddenRecords(actor, of: requested) }
            return own
        case .nobody:
            throw forbiddenRecords(actor, of: requested ?? Bilingual(zh: "任何人", en: "anyone").en)
        }
    }

    /// Checks that `actor` may read one record (its history): its volunteer, an admin or an organizer.
    public static func requireRecordReader(
        actor: String, role: CredentialRole? = nil, record: String, in directory: any Store
    ) throws {
        guard let owner = try directory.recordVolunteer(record) else {
            throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), record)
        }
        do {
            _ = try recordFilter(actor: actor, role: role, requested: owner, in: directory)
        } catch let error as JifenError where error.code == .notAllowed {
            // Someone else's record answers as a missing one: ids cannot be probed.
            throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), record)
        }
    }

    /// Checks that `actor` may read an account's points: its holder, an admin, or an organizer
    /// of the volunteer's team.
    public static func requireAccountReader(actor: String, account: String, in directory: any Store) throws {
        if actor == account { return }
        switch try reader(actor, in: directory) {
        case .admin: return
        case .organizer(let teams):
            if let team = try directory.read({ try $0.volunteer(account) })?.team, teams.contains(team) { return }
        case .volunteer, .nobody: break
        }
        throw JifenError.forbidden(
            actor: actor, action: Bilingual(zh: "查看 \(account) 的积分", en: "see the points of \(account)"))
    }

    static func forbiddenRecords(_ actor: String, of volunteer: String) -> JifenError {
        .forbidden(
            actor: actor, action: Bilingual(zh: "查看 \(volunteer) 的服务记录", en: "see the service records of \(volunteer)"))
    }
}
