import Foundation
public import JifenCore
import PostgresNIO

/// The registry's listings and role checks on PostgreSQL (`RegistryQueries`): communities,
/// volunteers, merchants, roles. The writes are the core's, through `PostgresTransaction+Registry.swift`.
extension PostgresStore {
    /// The community a command means: the one given, or the only one there is.
    public func resolveCommunity(_ id: String?) throws -> Community {
        try Community.resolve(id, among: communities())
    }

    public func communities() throws -> [Community] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT id, name FROM community ORDER BY id").map {
                let (id, name) = try $0.decode((String, String).self)
                return Community(id: id, name: name)
            }
        }
    }

    // MARK: Volunteers

    static let volunteerColumns =
        "id, community, team, name, gender, birth_date, id_number, phone, area, skills, categories, consent, created_at"

    public func volunteers(community: String? = nil, team: String? = nil) throws -> [Volunteer] {
        try transaction(readOnly: true) { session in
            try session.rows(
                """
                SELECT \(Self.volunteerColumns) FROM volunteer
                WHERE ($1::TEXT IS NULL OR community = $1) AND ($2::TEXT IS NULL OR team = $2) ORDER BY id
                """, [community, team]
            ).map(Self.volunteer)
        }
    }

    static func volunteer(_ row: PostgresRow) throws -> Volunteer {
        let (id, community, team, name, gender, birth, idNumber, phone, area, skills, categories, consent, created) =
            try row.decode(
                (
                    String, String, String?, String, String, String?, String?, String, String, String, String, Int64,
                    Int64
                ).self)
        return Volunteer(
            id: id, community: community, team: team, name: name, gender: Gender(rawValue: gender) ?? .unspecified,
            birthDate: birth, idNumber: idNumber, phone: phone, area: area, skills: skills, categories: categories,
            consent: consent != 0, createdAtMillis: created)
    }

    // MARK: Merchants

    static let merchantColumns = "id, community, name, contact, phone, address, created_at"

    public func merchants(community: String? = nil) throws -> [Merchant] {
        try transaction(readOnly: true) { session in
            try session.rows(
                "SELECT \(Self.merchantColumns) FROM merchant WHERE ($1::TEXT IS NULL OR community = $1) ORDER BY id",
                [community]
            ).map(Self.merchant)
        }
    }

    static func merchant(_ row: PostgresRow) throws -> Merchant {
        let (id, community, name, contact, phone, address, created) = try row.decode(
            (String, String, String, String, String, String, Int64).self)
        return Merchant(
            id: id, community: community, name: name, contact: contact, phone: phone, address: address,
            createdAtMillis: created)
    }

    public func organizedTeams(_ actor: String) throws -> [String] {
        try transaction(readOnly: true) { session in
            try session.rows(
                "SELECT team FROM actor_role WHERE actor = $1 AND role = 'organizer' AND team <> '' ORDER BY team",
                [actor]
            )
            .map { try $0.decode(String.self) }
        }
    }

    public func isAdmin(_ actor: String) throws -> Bool {
        try read { try $0.isAdmin(actor) }
    }

    public func isVolunteer(_ id: String) throws -> Bool {
        try transaction(readOnly: true) { try !$0.rows("SELECT 1 FROM volunteer WHERE id = $1", [id]).isEmpty }
    }
}
