import Foundation
import GRDB
import JifenCore

/// The registry: communities, teams, volunteers, merchants, roles. Each write checks the actor
/// with the core's `Permissions` and the text with `Registry`, inside the write transaction.
extension SQLiteStore {
    /// Sets up a new database: the first community, its system accounts, and the first admin.
    public func initialise(communityName: String, admin: String, nowMillis: Int64) throws -> Community {
        try Registry.checkText(communityName, field: Bilingual(zh: "社区名称", en: "community name"), max: 100)
        try Registry.checkText(admin, field: Bilingual(zh: "管理员名称", en: "admin name"), max: 100)
        return try writeTransaction { db in
            let community = try Self.addCommunity(db, name: communityName, nowMillis: nowMillis)
            try db.execute(sql: "INSERT INTO actor_role (actor, role, team, granted_at, granted_by) VALUES (?, 'admin', '', ?, ?)",
                           arguments: [admin, nowMillis, admin])
            return community
        }
    }

    /// Adds another community (an admin's act), with its issuance, expiry and settlement accounts.
    public func addCommunity(name: String, actor: String, nowMillis: Int64) throws -> Community {
        try Registry.checkText(name, field: Bilingual(zh: "社区名称", en: "community name"), max: 100)
        return try writeTransaction { db in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "添加社区", en: "add a community"), in: SQLiteLedgerTransaction(db: db))
            return try Self.addCommunity(db, name: name, nowMillis: nowMillis)
        }
    }

    private static func addCommunity(_ db: Database, name: String, nowMillis: Int64) throws -> Community {
        let community = Community(id: try nextID(db, table: "community", prefix: "C"), name: name)
        try db.execute(sql: "INSERT INTO community (id, name, created_at) VALUES (?, ?, ?)", arguments: [community.id, name, nowMillis])
        let tx = SQLiteLedgerTransaction(db: db)
        try tx.createAccount(Account(id: Account.issuance(community.id), kind: .issuance, community: community.id))
        try tx.createAccount(Account(id: Account.expiry(community.id), kind: .expiry, community: community.id))
        try tx.createAccount(Account(id: Account.settlement(community.id), kind: .settlement, community: community.id))
        return community
    }

    static func nextID(_ db: Database, table: String, prefix: String) throws -> String {
        let max = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM \(table)") ?? 0
        return Registry.id(prefix: prefix, number: max + 1)
    }

    /// The community a command means: the one given, or the only one there is.
    public func resolveCommunity(_ id: String?) throws -> Community {
        try Community.resolve(id, among: communities())
    }

    public func communities() throws -> [Community] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM community ORDER BY id").map { Community(id: $0["id"], name: $0["name"]) }
        }
    }

    // MARK: Teams

    public func addTeam(name: String, leader: String, community: String?, actor: String, nowMillis: Int64) throws -> Team {
        try Registry.checkText(name, field: Bilingual(zh: "服务队名称", en: "team name"), max: 100)
        try Registry.checkText(leader, field: Bilingual(zh: "负责人", en: "leader"), max: 100, allowEmpty: true)
        let community = try resolveCommunity(community)
        return try writeTransaction { db in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "添加服务队", en: "add a team"), in: SQLiteLedgerTransaction(db: db))
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE community = ? AND name = ?", arguments: [community.id, name]) == true {
                throw JifenError.refused("duplicate-name", zh: "社区里已有名为「\(name)」的服务队。", en: "The community already has a team named \"\(name)\".")
            }
            let team = Team(id: try Self.nextID(db, table: "team", prefix: "T"), community: community.id, name: name, leader: leader)
            try db.execute(sql: "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [team.id, team.community, team.name, team.leader, nowMillis, actor])
            return team
        }
    }

    public func teams() throws -> [Team] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT id, community, name, leader FROM team ORDER BY id").map {
                Team(id: $0["id"], community: $0["community"], name: $0["name"], leader: $0["leader"])
            }
        }
    }

    // MARK: Volunteers

    /// - Parameter allowDuplicate: register even when a volunteer of the same name and phone exists
    ///   (`Registry.refuseDuplicate`).
    public func addVolunteer(_ input: Volunteer, actor: String, nowMillis: Int64, allowDuplicate: Bool = false) throws -> Volunteer {
        var v = try input.checked()
        try v.checkBirthDate(nowMillis: nowMillis, zone: try rules().timeZone)
        v.community = try resolveCommunity(v.community.isEmpty ? nil : v.community).id
        v.createdAtMillis = nowMillis
        return try writeTransaction { db in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "登记志愿者", en: "register a volunteer"), in: SQLiteLedgerTransaction(db: db))
            let namesakes = try Row.fetchAll(db, sql: "SELECT * FROM volunteer WHERE community = ? AND TRIM(name) = ? ORDER BY id",
                                             arguments: [v.community, v.name.trimmingCharacters(in: .whitespaces)]).map(Self.volunteer)
            try Registry.refuseDuplicate(v, namesakes: namesakes, allowDuplicate: allowDuplicate)
            if let team = v.team {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE id = ? AND community = ?", arguments: [team, v.community]) == true else {
                    throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team)
                }
            }
            v.id = try Self.nextID(db, table: "volunteer", prefix: "V")
            try db.execute(sql: """
                INSERT INTO volunteer (id, community, team, name, gender, birth_date, id_number, phone, area, skills, categories,
                                       consent, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.id, v.community, v.team, v.name, v.gender.rawValue, v.birthDate, v.idNumber, v.phone, v.area,
                                 v.skills, v.categories, v.consent, nowMillis, actor])
            try SQLiteLedgerTransaction(db: db).createAccount(Account(id: v.id, kind: .volunteer, community: v.community))
            return v
        }
    }

    public func volunteers(community: String? = nil, team: String? = nil) throws -> [Volunteer] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM volunteer WHERE (?1 IS NULL OR community = ?1) AND (?2 IS NULL OR team = ?2) ORDER BY id
                """, arguments: [community, team]).map(Self.volunteer)
        }
    }

    public func volunteer(_ id: String) throws -> Volunteer {
        try readTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM volunteer WHERE id = ?", arguments: [id]) else {
                throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), id)
            }
            return Self.volunteer(row)
        }
    }

    static func volunteer(_ row: Row) -> Volunteer {
        Volunteer(id: row["id"], community: row["community"], team: row["team"], name: row["name"],
                  gender: Gender(rawValue: row["gender"]) ?? .unspecified, birthDate: row["birth_date"], idNumber: row["id_number"],
                  phone: row["phone"], area: row["area"], skills: row["skills"], categories: row["categories"],
                  consent: row["consent"], createdAtMillis: row["created_at"])
    }

    // MARK: Merchants

    public func addMerchant(_ input: Merchant, actor: String, nowMillis: Int64) throws -> Merchant {
        var m = try input.checked()
        m.community = try resolveCommunity(m.community.isEmpty ? nil : m.community).id
        m.createdAtMillis = nowMillis
        return try writeTransaction { db in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "登记商户", en: "register a merchant"), in: SQLiteLedgerTransaction(db: db))
            m.id = try Self.nextID(db, table: "merchant", prefix: "M")
            try db.execute(sql: """
                INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [m.id, m.community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
            try SQLiteLedgerTransaction(db: db).createAccount(Account(id: m.id, kind: .merchant, community: m.community))
            return m
        }
    }

    public func merchants(community: String? = nil) throws -> [Merchant] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT * FROM merchant WHERE (?1 IS NULL OR community = ?1) ORDER BY id", arguments: [community])
                .map(Self.merchant)
        }
    }

    public func merchant(_ id: String) throws -> Merchant {
        try readTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE id = ?", arguments: [id]) else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), id)
            }
            return Self.merchant(row)
        }
    }

    static func merchant(_ row: Row) -> Merchant {
        Merchant(id: row["id"], community: row["community"], name: row["name"], contact: row["contact"], phone: row["phone"],
                 address: row["address"], createdAtMillis: row["created_at"])
    }
}
