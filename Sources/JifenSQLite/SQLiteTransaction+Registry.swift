import Foundation
import GRDB
import JifenCore

/// Communities, volunteers, merchants, the registry's numbering and roles as SQL. What they mean
/// (who may, what is valid, what is numbered how) is in the core's `Registry` and `Permissions`.
extension SQLiteTransaction {
    func highestNumber(in table: RegistryTable) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM \(table.rawValue)") ?? 0
    }

    func idsByName(in table: RegistryTable, community: String) throws -> [String: String] {
        Dictionary(
            try Row.fetchAll(
                db, sql: "SELECT name, id FROM \(table.rawValue) WHERE community = ? ORDER BY id",
                arguments: [community]
            )
            .map { ($0["name"] as String, $0["id"] as String) }, uniquingKeysWith: { a, _ in a })
    }

    func volunteer(_ id: String) throws -> Volunteer? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM volunteer WHERE id = ?"), arguments: [id]).map(
            SQLiteStore.volunteer)
    }

    func volunteers(named name: String, community: String) throws -> [Volunteer] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM volunteer WHERE community = ? AND TRIM(name) = ? ORDER BY id",
            arguments: [community, name]
        ).map(SQLiteStore.volunteer)
    }

    func allVolunteers() throws -> [Volunteer] {
        try Row.fetchAll(db, sql: "SELECT * FROM volunteer ORDER BY id").map(SQLiteStore.volunteer)
    }

    func merchant(_ id: String) throws -> Merchant? {
        try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE id = ?", arguments: [id]).map(SQLiteStore.merchant)
    }

    func merchantExists(_ id: String) throws -> Bool {
        try one("SELECT 1 FROM merchant WHERE id = ?", [id]) != nil
    }

    func isAdmin(_ actor: String) throws -> Bool {
        if let p = prefetch, p.reads.admin == actor, let known = p.isAdmin {
            p.isAdmin = nil
            return known
        }
        return try one("SELECT 1 FROM actor_role WHERE actor = ? AND role = 'admin'", [actor]) != nil
    }

    func isOrganizer(_ actor: String, team: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM actor_role WHERE actor = ? AND role = 'organizer' AND team = ?"),
            arguments: [actor, team]) ?? false
    }

    func organizesAnyTeam(_ actor: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM actor_role WHERE actor = ? AND role = 'organizer' AND team <> '' LIMIT 1",
            arguments: [actor]) == true
    }

    /// Nothing to do: every write transaction is `BEGIN IMMEDIATE`, so it runs alone.
    func serialise(_ what: Serialised) throws {}

    func insert(community: Community, nowMillis: Int64) throws {
        try db.execute(
            sql: "INSERT INTO community (id, name, created_at) VALUES (?, ?, ?)",
            arguments: [community.id, community.name, nowMillis])
    }

    func insert(volunteer v: Volunteer, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO volunteer (id, community, team, name, gender, birth_date, id_number, phone, area, skills, categories,
                                       consent, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                v.id, v.community, v.team, v.name, v.gender.rawValue, v.birthDate, v.idNumber, v.phone, v.area,
                v.skills, v.categories, v.consent, nowMillis, actor,
            ])
    }

    func insert(merchant m: Merchant, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [m.id, m.community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
    }

    func grant(
        role: String, to actor: String, team: String, by grantor: String, nowMillis: Int64, ignoringExisting: Bool
    ) throws {
        try db.execute(
            sql: """
                INSERT \(ignoringExisting ? "OR IGNORE " : "")INTO actor_role (actor, role, team, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)
                """, arguments: [actor, role, team, nowMillis, grantor])
    }
}
