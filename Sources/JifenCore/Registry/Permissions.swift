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
    /// street office or district the community lies under (signed in with an admin's credential).
    /// Use this for every admin action that touches one community's people, points or merchants.
    /// - Throws: refused `not-allowed` (an office admin acting beside its offices is refused too).
    public static func requireAdmin(
        _ actor: String, over community: String, action: Bilingual, in tx: any ReadTransaction
    ) throws {
        if try tx.actsAsAdmin(actor) { return }
        if let scope = try officeScope(actor, in: tx), scope.communities.contains(community) { return }
        try requireAdmin(actor, action: action, in: tx)
    }

    /// As `requireAdmin(_:over:action:in:)` for an object (an account, a transfer, a team) whose id
    /// could be probed: an office admin asking about one beside its offices is told `unknown`, the
    /// refusal a missing id gets. Call `requireAnyAdmin` before looking the object up, so that
    /// anyone else's refusal does not depend on whether it exists.
    public static func requireAdmin(
        _ actor: String, over community: String, action: Bilingual, hiding unknown: JifenError,
        in tx: any ReadTransaction
    ) throws {
        if try tx.actsAsAdmin(actor) { return }
        if let scope = try officeScope(actor, in: tx) {
            if scope.communities.contains(community) { return }
            throw unknown
        }
        try requireAdmin(actor, action: action, in: tx)
    }

    /// Refuses anyone who administers nothing: neither the installation nor a street office or
    /// district (the refusal `requireAdmin(_:action:in:)` gives).
    public static func requireAnyAdmin(_ actor: String, action: Bilingual, in tx: any ReadTransaction) throws {
        if try officeScope(actor, in: tx) != nil { return }
        try requireAdmin(actor, action: action, in: tx)
    }

    /// Refuses anyone who may not administer `office`: an admin of the installation, or of that
    /// office or the district above it.
    public static func requireAdmin(
        _ actor: String, overOffice office: String, action: Bilingual, in tx: any ReadTransaction
    ) throws {
        if try tx.actsAsAdmin(actor) { return }
        if let scope = try officeScope(actor, in: tx), scope.offices.contains(office) { return }
        try requireAdmin(actor, action: action, in: tx)
    }

    /// What an office admin administers: the offices it holds the role of and those below them,
    /// and the communities under any of them.
    public struct OfficeScope: Sendable, Equatable {
        public var offices: Set<String>
        public var communities: Set<String>
    }

    /// The scope of an office admin acting with an admin's credential (or none, locally); nil for
    /// anyone else, an installation admin included (who administers everything).
    public static func officeScope(_ actor: String, in tx: any ReadTransaction) throws -> OfficeScope? {
        guard ActingCredential.mayActAsAdmin else { return nil }
        let held = try tx.administeredOffices(actor)
        if try held.isEmpty || tx.isAdmin(actor) { return nil }
        let all = try tx.offices()
        var offices = Set(held.filter { id in all.contains { $0.id == id } })
        offices.formUnion(all.filter { $0.parent.map(offices.contains) ?? false }.map(\.id))
        let communities = try tx.placedCommunities().filter { $0.office.map(offices.contains) ?? false }.map(\.id)
        return OfficeScope(offices: offices, communities: Set(communities))
    }
}

/// Who an actor is, for what they may read: an allow-list. An actor who is not a known person
/// (an unregistered name, a volunteer id in the wrong case, a merchant) reads nothing of others.
public enum Reader: Sendable, Equatable {
    case admin
    /// An admin of street offices or districts: these communities (those below its offices).
    case officeAdmin(communities: Set<String>)
    /// An organizer of these teams.
    case organizer(teams: [String])
    case volunteer(String)
    case nobody

    /// May see everyone's service records (an admin or any team's organizer: the records' checkers).
    public var readsAllRecords: Bool {
        switch self {
        case .admin, .organizer: return true
        case .officeAdmin, .volunteer, .nobody: return false
        }
    }

    /// Whether this reader sees `community`'s people and figures: an admin every community, an
    /// office admin those below its offices.
    public func seesCommunity(_ community: String) -> Bool {
        switch self {
        case .admin: return true
        case .officeAdmin(let communities): return communities.contains(community)
        case .organizer, .volunteer, .nobody: return false
        }
    }

    /// May see an activity's check-in code: an admin, or an organizer of the activity's team.
    public func seesCheckinCode(team: String) -> Bool {
        switch self {
        case .admin: return true
        case .organizer(let teams): return teams.contains(team)
        case .officeAdmin, .volunteer, .nobody: return false
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
        if role == nil || role == .admin,
            let scope = try ActingCredential.$role.withValue(
                role, operation: { try directory.read { try officeScope(actor, in: $0) } })
        {
            return .officeAdmin(communities: scope.communities)
        }
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
        case .officeAdmin(let communities):
            // One volunteer below its offices; every record below them goes through `recordTeams`.
            guard let requested, let volunteer = try directory.read({ try $0.volunteer(requested) }),
                communities.contains(volunteer.community)
            else { throw forbiddenRecords(actor, of: requested ?? Bilingual(zh: "任何人", en: "anyone").en) }
            return requested
        case .volunteer(let own):
            if let requested, requested != own { throw forbiddenRecords(actor, of: requested) }
            return own
        case .nobody:
            throw forbiddenRecords(actor, of: requested ?? Bilingual(zh: "任何人", en: "anyone").en)
        }
    }

    /// The teams whose records a listing of everyone's may show: nil for whoever reads every record
    /// (an admin, an organizer), the teams of the communities below its offices for an office admin.
    /// - Throws: forbidden for anyone else (a volunteer lists her own with `recordFilter`).
    public static func recordTeams(
        actor: String, role: CredentialRole? = nil, in directory: any Store
    ) throws -> Set<
        String
    >? {
        switch try reader(actor, role: role, in: directory) {
        case .admin, .organizer: return nil
        case .officeAdmin(let communities):
            return Set(try directory.teams().filter { communities.contains($0.community) }.map(\.id))
        case .volunteer, .nobody:
            throw forbiddenRecords(actor, of: Bilingual(zh: "任何人", en: "anyone").en)
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
        case .officeAdmin(let communities):
            if let community = try directory.read({ try $0.volunteer(account) })?.community,
                communities.contains(community)
            {
                return
            }
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
