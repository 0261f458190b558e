import Foundation
import GRDB
public import JifenCore

/// The registry's listings and role checks (`RegistryQueries`): communities, volunteers,
/// merchants, roles. The writes are the core's, through `SQLiteTransaction+Registry.swift`.
extension SQLiteStore {
    /// The community a command means: the one given, or the only one there is.
    public func resolveCommunity(_ id: String?) throws -> Community {
        try Community.resolve(id, among: communities())
    }

    public func communities() throws -> [Community] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM community ORDER BY id").map {
                Community(id: $0["id"], name: $0["name"])
            }
        }
    }

    // MARK: Volunteers

    public func volunteers(community: String? = nil, team: String? = nil) throws -> [Volunteer] {
        try readTransaction { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM volunteer WHERE (?1 IS NULL OR community = ?1) AND (?2 IS NULL OR team = ?2) ORDER BY id
                    """, arguments: [community, team]
            ).map(Self.volunteer)
        }
    }

    static func volunteer(_ row: Row) -> Volunteer {
        Volunteer(
            id: row["id"], community: row["community"], team: row["team"], name: row["name"],
            gender: Gender(rawValue: row["gender"]) ?? .unspecified, birthDate: row["birth_date"],
            idNumber: row["id_number"],
            phone: row["phone"], area: row["area"], skills: row["skills"], categories: row["categories"],
            consent: row["consent"], createdAtMillis: row["created_at"])
    }

    // MARK: Merchants

    public func merchants(community: String? = nil) throws -> [Merchant] {
        try readTransaction { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM merchant WHERE (?1 IS NULL OR community = ?1) ORDER BY id",
                arguments: [community]
            )
            .map(Self.merchant)
        }
    }

    static func merchant(_ row: Row) -> Merchant {
        Merchant(
            id: row["id"], community: row["community"], name: row["name"], contact: row["contact"], phone: row["phone"],
            address: row["address"], createdAtMillis: row["created_at"])
    }

    /// Who an actor is, for rules that depend on it in listings (a volunteer sees only their own records).
    public func isVolunteer(_ actor: String) throws -> Bool {
        try readTransaction { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM volunteer WHERE id = ?", arguments: [actor]) ?? false
        }
    }

    public func organizedTeams(_ actor: String) throws -> [String] {
        try readTransaction { db in
            try String.fetchAll(
                db,
                sql: "SELECT team FROM actor_role WHERE actor = ? AND role = 'organizer' AND team <> '' ORDER BY team",
                arguments: [actor])
        }
    }

    public func isAdmin(_ actor: String) throws -> Bool {
        try readTransaction { db in try SQLiteTransaction(db: db).isAdmin(actor) }
    }
}
