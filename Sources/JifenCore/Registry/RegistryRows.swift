import Foundation

/// The registry's rows read inside a transaction: volunteers, merchants, the ids the registry
/// numbers, and roles. Who may register whom, and what is valid, is in `Registry` and `Permissions`.
public protocol RegistryRowReading {
    /// The highest number among a registry table's ids (`V0042`: 42); 0 when it is empty.
    func highestNumber(in table: RegistryTable) throws -> Int
    /// Ids by name of a community's teams or merchants; the lowest id for a name that recurs.
    func idsByName(in table: RegistryTable, community: String) throws -> [String: String]
    func volunteer(_ id: String) throws -> Volunteer?
    /// Volunteers of a community whose name, trimmed, is `name`, by id.
    func volunteers(named name: String, community: String) throws -> [Volunteer]
    /// Every volunteer of the database: the importer matches rows by id, phone, or name.
    func allVolunteers() throws -> [Volunteer]
    func merchant(_ id: String) throws -> Merchant?
    func merchantExists(_ id: String) throws -> Bool
    /// True when the actor holds the admin role.
    func isAdmin(_ actor: String) throws -> Bool
    func isOrganizer(_ actor: String, team: String) throws -> Bool
    /// True when the actor organizes any team (the community desk).
    func organizesAnyTeam(_ actor: String) throws -> Bool
}

/// The registry's rows written inside a write transaction.
public protocol RegistryRowWriting: RegistryRowReading {
    /// Makes this transaction the only one doing `what` until it ends (a store whose writers
    /// are serialised anyway has nothing to do).
    func serialise(_ what: Serialised) throws
    func insert(community: Community, nowMillis: Int64) throws
    func insert(volunteer: Volunteer, actor: String, nowMillis: Int64) throws
    func insert(merchant: Merchant, actor: String, nowMillis: Int64) throws
    /// Gives `actor` a role (`admin`, or `organizer` of `team`).
    /// - Parameter ignoringExisting: a role held already is left as it is, instead of failing.
    func grant(
        role: String, to actor: String, team: String, by grantor: String, nowMillis: Int64, ignoringExisting: Bool)
        throws
}

/// The registry's listings and role checks outside a transaction, each one query.
public protocol RegistryQueries {
    func resolveCommunity(_ id: String?) throws -> Community
    func volunteers(community: String?, team: String?) throws -> [Volunteer]
    func merchants(community: String?) throws -> [Merchant]
    func isAdmin(_ actor: String) throws -> Bool
    func isVolunteer(_ id: String) throws -> Bool
    /// Teams the actor organizes (exact id match), none when not an organizer.
    func organizedTeams(_ actor: String) throws -> [String]
}
