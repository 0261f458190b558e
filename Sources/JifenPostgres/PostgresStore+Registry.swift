import Foundation
import JifenCore
import PostgresNIO

/// The registry on PostgreSQL: communities, volunteers, merchants, roles. Inputs are checked by
/// the core (`Volunteer.checked()`, `Registry`), the actor by `Permissions`, inside the write
/// transaction, exactly as on SQLite.
extension PostgresStore {
    /// Sets up a new ledger: the first community, its system accounts, and the first admin.
    public func initialise(communityName: String, admin: String, nowMillis: Int64) throws -> Community {
        try Registry.checkText(communityName, field: Bilingual(zh: "社区名称", en: "community name"), max: 100)
        try Registry.checkText(admin, field: Bilingual(zh: "管理员名称", en: "admin name"), max: 100)
        return try transaction(readOnly: false) { session in
            let community = try Self.addCommunity(session, name: communityName, nowMillis: nowMillis)
            try session.execute("INSERT INTO actor_role (actor, role, team, granted_at, granted_by) VALUES ($1, 'admin', '', $2, $3)",
                                [admin, nowMillis, admin])
            return community
        }
    }

    private static func addCommunity(_ session: PostgresSession, name: String, nowMillis: Int64) throws -> Community {
        let community = Community(id: try nextID(session, table: "community", prefix: "C"), name: name)
        try session.execute("INSERT INTO community (id, name, created_at) VALUES ($1, $2, $3)", [community.id, name, nowMillis])
        let tx = PostgresLedgerTransaction(session: session, writing: true)
        try tx.createAccount(Account(id: Account.issuance(community.id), kind: .issuance, community: community.id))
        try tx.createAccount(Account(id: Account.expiry(community.id), kind: .expiry, community: community.id))
        try tx.createAccount(Account(id: Account.settlement(community.id), kind: .settlement, community: community.id))
        return community
    }

    /// The next id of a registry table (`V0042`). Two processes taking the same one collide on
    /// the primary key, and the loser's transaction is rerun.
    static func nextID(_ session: PostgresSession, table: String, prefix: String) throws -> String {
        let max = try session.scalar(Int64.self, "SELECT COALESCE(MAX(CAST(substr(id, 2) AS BIGINT)), 0)::BIGINT FROM \(table)") ?? 0
        return Registry.id(prefix: prefix, number: Int(max) + 1)
    }

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

    static let volunteerColumns = "id, community, team, name, gender, birth_date, id_number, phone, area, skills, categories, consent, created_at"

    /// - Parameter allowDuplicate: register even when a volunteer of the same name and phone exists
    ///   (`Registry.refuseDuplicate`).
    public func addVolunteer(_ input: Volunteer, actor: String, nowMillis: Int64, allowDuplicate: Bool = false) throws -> Volunteer {
        var v = try input.checked()
        try v.checkBirthDate(nowMillis: nowMillis, zone: try rules().timeZone)
        v.community = try resolveCommunity(v.community.isEmpty ? nil : v.community).id
        v.createdAtMillis = nowMillis
        return try transaction(readOnly: false) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "登记志愿者", en: "register a volunteer"), in: tx)
            // Two processes registering the same person at once: the second waits here for the first's commit.
            _ = try session.rows("SELECT pg_advisory_xact_lock(hashtext('jifen.volunteer.add'))")
            let namesakes = try session.rows("""
                SELECT \(Self.volunteerColumns) FROM volunteer WHERE community = $1 AND TRIM(name) = $2 ORDER BY id
                """, [v.community, v.name.trimmingCharacters(in: .whitespaces)]).map(Self.volunteer)
            try Registry.refuseDuplicate(v, namesakes: namesakes, allowDuplicate: allowDuplicate)
            if let team = v.team {
                guard try !session.rows("SELECT 1 FROM team WHERE id = $1 AND community = $2", [team, v.community]).isEmpty else {
                    throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team)
                }
            }
            v.id = try Self.nextID(session, table: "volunteer", prefix: "V")
            try session.execute("""
                INSERT INTO volunteer (\(Self.volunteerColumns), created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """, [v.id, v.community, v.team, v.name, v.gender.rawValue, v.birthDate, v.idNumber, v.phone, v.area,
                      v.skills, v.categories, v.consent ? 1 : 0, nowMillis, actor])
            try tx.createAccount(Account(id: v.id, kind: .volunteer, community: v.community))
            return v
        }
    }

    public func volunteers(community: String? = nil, team: String? = nil) throws -> [Volunteer] {
        try transaction(readOnly: true) { session in
            try session.rows("""
                SELECT \(Self.volunteerColumns) FROM volunteer
                WHERE ($1::TEXT IS NULL OR community = $1) AND ($2::TEXT IS NULL OR team = $2) ORDER BY id
                """, [community, team]).map(Self.volunteer)
        }
    }

    public func volunteer(_ id: String) throws -> Volunteer {
        try transaction(readOnly: true) { session in
            guard let row = try session.rows("SELECT \(Self.volunteerColumns) FROM volunteer WHERE id = $1", [id]).first else {
                throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), id)
            }
            return try Self.volunteer(row)
        }
    }

    static func volunteer(_ row: PostgresRow) throws -> Volunteer {
        let (id, community, team, name, gender, birth, idNumber, phone, area, skills, categories, consent, created) =
            try row.decode((String, String, String?, String, String, String?, String?, String, String, String, String, Int64, Int64).self)
        return Volunteer(id: id, community: community, team: team, name: name, gender: Gender(rawValue: gender) ?? .unspecified,
                         birthDate: birth, idNumber: idNumber, phone: phone, area: area, skills: skills, categories: categories,
                         consent: consent != 0, createdAtMillis: created)
    }

    // MARK: Merchants

    public func addMerchant(_ input: Merchant, actor: String, nowMillis: Int64) throws -> Merchant {
        var m = try input.checked()
        m.community = try resolveCommunity(m.community.isEmpty ? nil : m.community).id
        m.createdAtMillis = nowMillis
        return try transaction(readOnly: false) { session in
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "登记商户", en: "register a merchant"), in: tx)
            m.id = try Self.nextID(session, table: "merchant", prefix: "M")
            try session.execute("""
                INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [m.id, m.community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
            try tx.createAccount(Account(id: m.id, kind: .merchant, community: m.community))
            return m
        }
    }

    static let merchantColumns = "id, community, name, contact, phone, address, created_at"

    public func merchants(community: String? = nil) throws -> [Merchant] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT \(Self.merchantColumns) FROM merchant WHERE ($1::TEXT IS NULL OR community = $1) ORDER BY id",
                             [community]).map(Self.merchant)
        }
    }

    public func merchant(_ id: String) throws -> Merchant {
        try transaction(readOnly: true) { session in
            guard let row = try session.rows("SELECT \(Self.merchantColumns) FROM merchant WHERE id = $1", [id]).first else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), id)
            }
            return try Self.merchant(row)
        }
    }

    static func merchant(_ row: PostgresRow) throws -> Merchant {
        let (id, community, name, contact, phone, address, created) = try row.decode((String, String, String, String, String, String, Int64).self)
        return Merchant(id: id, community: community, name: name, contact: contact, phone: phone, address: address, createdAtMillis: created)
    }
}
