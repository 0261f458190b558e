import Foundation
import JifenCore
import PostgresNIO

/// The seed folder on PostgreSQL: one transaction per file, the rows read and checked by
/// `SeedFiles` (core) as on SQLite. Ids are taken from the highest so far; a process loading at
/// the same time collides on a primary key and its transaction is rerun.
extension PostgresStore {
    public func loadSeed(directory: String, community: String?, actor: String, nowMillis: Int64) throws -> SeedCounts {
        let community = try resolveCommunity(community).id
        try read { try Permissions.requireAdmin(actor, action: Bilingual(zh: "导入示例数据", en: "load seed data"), in: $0) }
        let zone = try rules().timeZone
        var counts = SeedCounts()
        func highest(_ session: PostgresSession, _ table: String) throws -> Int {
            Int(try session.scalar(Int64.self, "SELECT COALESCE(MAX(CAST(substr(id, 2) AS BIGINT)), 0)::BIGINT FROM \(table)") ?? 0)
        }
        func ids(_ session: PostgresSession, _ table: String) throws -> [String: String] {
            var byName: [String: String] = [:]
            for row in try session.rows("SELECT name, id FROM \(table) WHERE community = $1 ORDER BY id COLLATE \"C\"", [community]) {
                let (name, id) = try row.decode((String, String).self)
                if byName[name] == nil { byName[name] = id }
            }
            return byName
        }
        counts.teams = try transaction(readOnly: false) { session in
            let teams = try SeedFiles.teams(in: directory)
            let existing = try ids(session, "team")
            var next = try highest(session, "team")
            for team in teams {
                if existing[team.name] != nil { throw SeedFiles.duplicate(team: team.name) }
                next += 1
                let id = Registry.id(prefix: "T", number: next)
                try session.execute("INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                                    [id, community, team.name, team.leader, nowMillis, actor])
                if !team.leader.isEmpty {
                    try session.execute("""
                        INSERT INTO actor_role (actor, role, team, granted_at, granted_by) VALUES ($1, 'organizer', $2, $3, $4) ON CONFLICT DO NOTHING
                        """, [team.leader, id, nowMillis, actor])
                }
            }
            return teams.count
        }
        counts.volunteers = try transaction(readOnly: false) { session in
            let volunteers = try SeedFiles.volunteers(in: directory, community: community, teams: try ids(session, "team"), zone: zone)
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            var next = try highest(session, "volunteer")
            for v in volunteers {
                next += 1
                let id = Registry.id(prefix: "V", number: next)
                try session.execute("""
                    INSERT INTO volunteer (\(Self.volunteerColumns), created_by)
                    VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10, $11, $12, $13)
                    """, [id, community, v.team, v.name, v.gender.rawValue, v.birthDate, v.phone, v.area, v.skills, v.categories,
                          v.consent ? 1 : 0, nowMillis, actor])
                try tx.createAccount(Account(id: id, kind: .volunteer, community: community))
            }
            return volunteers.count
        }
        counts.merchants = try transaction(readOnly: false) { session in
            let merchants = try SeedFiles.merchants(in: directory, community: community)
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            var next = try highest(session, "merchant")
            for m in merchants {
                next += 1
                let id = Registry.id(prefix: "M", number: next)
                try session.execute("""
                    INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """, [id, community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
                try tx.createAccount(Account(id: id, kind: .merchant, community: community))
            }
            return merchants.count
        }
        counts.offers = try transaction(readOnly: false) { session in
            let offers = try SeedFiles.offers(in: directory, merchants: try ids(session, "merchant"))
            var next = try highest(session, "offer")
            for offer in offers {
                next += 1
                try session.execute("""
                    INSERT INTO offer (id, merchant, title, points, stock, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, [Registry.id(prefix: "O", number: next), offer.merchant, offer.title, offer.points, offer.stock, nowMillis, actor])
            }
            return offers.count
        }
        return counts
    }
}
