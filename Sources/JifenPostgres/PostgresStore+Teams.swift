import Foundation
import JifenCore

/// Teams and their organizers on PostgreSQL, checked as on SQLite.
extension PostgresStore {
    public func addTeam(name: String, leader: String, community: String?, actor: String, nowMillis: Int64) throws -> Team {
        try Registry.checkText(name, field: Bilingual(zh: "服务队名称", en: "team name"), max: 100)
        try Registry.checkText(leader, field: Bilingual(zh: "负责人", en: "leader"), max: 100, allowEmpty: true)
        let community = try resolveCommunity(community)
        return try transaction(readOnly: false) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "添加服务队", en: "add a team"), in: tx)
            if try !session.rows("SELECT 1 FROM team WHERE community = $1 AND name = $2", [community.id, name]).isEmpty {
                throw JifenError.refused("duplicate-name", zh: "社区里已有名为「\(name)」的服务队。", en: "The community already has a team named \"\(name)\".")
            }
            let team = Team(id: try Self.nextID(session, table: "team", prefix: "T"), community: community.id, name: name, leader: leader)
            try session.execute("INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                                [team.id, team.community, team.name, team.leader, nowMillis, actor])
            return team
        }
    }

    /// Gives an actor the organizer role of a team (admin only).
    public func addOrganizer(_ organizer: String, team: String, actor: String, nowMillis: Int64) throws {
        try Registry.checkText(organizer, field: Bilingual(zh: "组织者", en: "organizer"), max: 100)
        _ = try transaction(readOnly: false) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "指定组织者", en: "appoint organizers"), in: tx)
            guard try tx.team(team) != nil else { throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team) }
            return try session.execute("""
                INSERT INTO actor_role (actor, role, team, granted_at, granted_by) VALUES ($1, 'organizer', $2, $3, $4)
                ON CONFLICT DO NOTHING
                """, [organizer, team, nowMillis, actor])
        }
    }

    public func teams() throws -> [Team] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT id, community, name, leader FROM team ORDER BY id COLLATE \"C\"").map {
                let (id, community, name, leader) = try $0.decode((String, String, String, String).self)
                return Team(id: id, community: community, name: name, leader: leader)
            }
        }
    }
}
