import Foundation
import JifenCore
import PostgresNIO

/// Communities, volunteers, merchants, the registry's numbering and roles as SQL. What they mean
/// (who may, what is valid, what is numbered how) is in the core's `Registry` and `Permissions`.
/// Ids are taken from the highest so far: two writers taking the same one collide on the
/// primary key, and the loser's transaction is rerun by `PostgresStore.transaction`.
extension PostgresTransaction {
    func highestNumber(in table: RegistryTable) throws -> Int {
        Int(
            try session.scalar(
                Int64.self, "SELECT COALESCE(MAX(CAST(substr(id, 2) AS BIGINT)), 0)::BIGINT FROM \(table.rawValue)")
                ?? 0)
    }

    func idsByName(in table: RegistryTable, community: String) throws -> [String: String] {
        var byName: [String: String] = [:]
        for row in try session.rows(
            "SELECT name, id FROM \(table.rawValue) WHERE community = $1 ORDER BY id COLLATE \"C\"", [community])
        {
            let (name, id) = try row.decode((String, String).self)
            if byName[name] == nil { byName[name] = id }
        }
        return byName
    }

    func volunteer(_ id: String) throws -> Volunteer? {
        try session.rows("SELECT \(PostgresStore.volunteerColumns) FROM volunteer WHERE id = $1", [id]).first.map(
            PostgresStore.volunteer)
    }

    func volunteers(named name: String, community: String) throws -> [Volunteer] {
        try session.rows(
            """
            SELECT \(PostgresStore.volunteerColumns) FROM volunteer WHERE community = $1 AND TRIM(name) = $2 ORDER BY id
            """, [community, name]
        ).map(PostgresStore.volunteer)
    }

    func allVolunteers() throws -> [Volunteer] {
        try session.rows("SELECT \(PostgresStore.volunteerColumns) FROM volunteer ORDER BY id").map(
            PostgresStore.volunteer)
    }

    func merchant(_ id: String) throws -> Merchant? {
        try session.rows("SELECT \(PostgresStore.merchantColumns) FROM merchant WHERE id = $1", [id]).first.map(
            PostgresStore.merchant)
    }

    func merchantExists(_ id: String) throws -> Bool {
        try !session.rows("SELECT 1 FROM merchant WHERE id = $1", [id]).isEmpty
    }

    func isAdmin(_ actor: String) throws -> Bool {
        try !session.rows("SELECT 1 FROM actor_role WHERE actor = $1 AND role = 'admin'", [actor]).isEmpty
    }

    func isOrganizer(_ actor: String, team: String) throws -> Bool {
        try !session.rows(
            "SELECT 1 FROM actor_role WHERE actor = $1 AND role = 'organizer' AND team = $2", [actor, team]
        ).isEmpty
    }

    func organizesAnyTeam(_ actor: String) throws -> Bool {
        try !session.rows(
            "SELECT 1 FROM actor_role WHERE actor = $1 AND role = 'organizer' AND team <> '' LIMIT 1", [actor]
        ).isEmpty
    }

    func serialise(_ what: Serialised) throws {
        switch what {
        case .settings:
            // Ledger transactions only read `setting`, which this lock does not block.
            try session.execute("LOCK TABLE setting IN SHARE ROW EXCLUSIVE MODE")
        case .volunteerRegistration:
            _ = try session.rows("SELECT pg_advisory_xact_lock(hashtext('jifen.volunteer.add'))")
        }
    }

    func insert(community: Community, nowMillis: Int64) throws {
        try session.execute(
            "INSERT INTO community (id, name, created_at) VALUES ($1, $2, $3)",
            [community.id, community.name, nowMillis])
    }

    func insert(volunteer v: Volunteer, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO volunteer (\(PostgresStore.volunteerColumns), created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            [
                v.id, v.community, v.team, v.name, v.gender.rawValue, v.birthDate, v.idNumber, v.phone, v.area,
                v.skills, v.categories, v.consent ? 1 : 0, nowMillis, actor,
            ])
    }

    func insert(merchant m: Merchant, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [m.id, m.community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
    }

    func grant(
        role: String, to actor: String, team: String, by grantor: String, nowMillis: Int64, ignoringExisting: Bool
    ) throws {
        try session.execute(
            """
            INSERT INTO actor_role (actor, role, team, granted_at, granted_by)
            VALUES ($1, $2, $3, $4, $5)\(ignoringExisting ? " ON CONFLICT DO NOTHING" : "")
            """, [actor, role, team, nowMillis, grantor])
    }
}
