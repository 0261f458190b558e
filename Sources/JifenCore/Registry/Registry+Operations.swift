import Foundation

/// A registry table whose ids are a letter and a number (`V0042`).
public enum RegistryTable: String, Sendable, CaseIterable {
    case community, team, volunteer, merchant, offer, activity
    case resident
    case serviceRequest = "service_request"

    public var prefix: String {
        switch self {
        case .activity: "A"
        case .community: "C"
        case .team: "T"
        case .volunteer: "V"
        case .merchant: "M"
        case .offer: "O"
        case .resident: "R"
        case .serviceRequest: "Q"
        }
    }
}

/// Writes a store must run one at a time, beyond what its transactions already serialise
/// (SQLite serialises every writer, so there it is nothing to do).
public enum Serialised: Sendable {
    /// Changes of the rules: each history row's old value is the one it replaced.
    case settings
    /// Registering volunteers or residents: two processes registering the same person cannot both pass the duplicate check.
    case volunteerRegistration
}

extension ReadTransaction {
    /// The next id of a registry table. Two writers of a store that runs writers at once
    /// (PostgreSQL) may take the same one: they collide on the primary key and the loser's
    /// transaction is rerun.
    public func nextID(_ table: RegistryTable) throws -> String {
        Registry.id(prefix: table.prefix, number: try highestNumber(in: table) + 1)
    }
}

extension WriteTransaction {
    /// A community with its issuance, expiry and settlement accounts.
    func addCommunity(name: String, nowMillis: Int64) throws -> Community {
        let community = Community(id: try nextID(.community), name: name)
        try insert(community: community, nowMillis: nowMillis)
        try createAccount(Account(id: Account.issuance(community.id), kind: .issuance, community: community.id))
        try createAccount(Account(id: Account.expiry(community.id), kind: .expiry, community: community.id))
        try createAccount(Account(id: Account.settlement(community.id), kind: .settlement, community: community.id))
        try createAccount(Account(id: Account.donation(community.id), kind: .donation, community: community.id))
        return community
    }
}

/// The registry: communities, teams, volunteers, merchants, roles. Each write checks the text
/// with `Registry` and the actor with `Permissions` inside the write transaction, on every store.
public struct Registry: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// Sets up a new store: the first community, its system accounts, and the first admin.
    public func initialise(communityName: String, admin: String, nowMillis: Int64) throws -> Community {
        try Registry.checkText(communityName, field: Bilingual(zh: "社区名称", en: "community name"), max: 100)
        try Registry.checkText(admin, field: Bilingual(zh: "管理员名称", en: "admin name"), max: 100)
        return try store.write { tx in
            let community = try tx.addCommunity(name: communityName, nowMillis: nowMillis)
            try tx.grant(role: "admin", to: admin, team: "", by: admin, nowMillis: nowMillis, ignoringExisting: false)
            return community
        }
    }

    /// Adds another community (an admin's act), with its issuance, expiry and settlement accounts.
    public func addCommunity(name: String, actor: String, nowMillis: Int64) throws -> Community {
        try Registry.checkText(name, field: Bilingual(zh: "社区名称", en: "community name"), max: 100)
        return try store.write { tx in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "添加社区", en: "add a community"), in: tx)
            return try tx.addCommunity(name: name, nowMillis: nowMillis)
        }
    }

    // MARK: Teams

    public func addTeam(
        name: String, leader: String, community: String?, actor: String, nowMillis: Int64
    ) throws -> Team {
        try Registry.checkText(name, field: Bilingual(zh: "服务队名称", en: "team name"), max: 100)
        try Registry.checkText(leader, field: Bilingual(zh: "负责人", en: "leader"), max: 100, allowEmpty: true)
        let community = try store.resolveCommunity(community)
        return try store.write { tx in
            try Permissions.requireAdmin(
                actor, over: community.id, action: Bilingual(zh: "添加服务队", en: "add a team"), in: tx)
            if try tx.teamExists(named: name, community: community.id) {
                throw JifenError.refused(
                    .duplicateName, zh: "社区里已有名为「\(name)」的服务队。",
                    en: "The community already has a team named \"\(name)\".")
            }
            let team = Team(id: try tx.nextID(.team), community: community.id, name: name, leader: leader)
            try tx.insert(team: team, actor: actor, nowMillis: nowMillis)
            return team
        }
    }

    /// Gives an actor the organizer role of a team (admin only).
    public func addOrganizer(_ organizer: String, team: String, actor: String, nowMillis: Int64) throws {
        try Registry.checkText(organizer, field: Bilingual(zh: "组织者", en: "organizer"), max: 100)
        try store.write { tx in
            let action = Bilingual(zh: "指定组织者", en: "appoint organizers")
            try Permissions.requireAnyAdmin(actor, action: action, in: tx)
            let unknown = JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team)
            guard let found = try tx.team(team) else { throw unknown }
            try Permissions.requireAdmin(actor, over: found.community, action: action, hiding: unknown, in: tx)
            try tx.grant(
                role: "organizer", to: organizer, team: team, by: actor, nowMillis: nowMillis, ignoringExisting: true)
        }
    }

    // MARK: Volunteers and merchants

    /// - Parameter allowDuplicate: register even when a volunteer of the same name and phone exists
    ///   (`Registry.refuseDuplicate`).
    /// - Parameter idKey: the key that seals an ID number (`IDNumberKey`); needed only when one is given.
    /// - Returns: the volunteer as registered, her ID number in plain text (the row holds it sealed).
    public func addVolunteer(
        _ input: Volunteer, actor: String, nowMillis: Int64, allowDuplicate: Bool = false,
        idKey: (@Sendable () throws -> IDNumberKey)? = nil
    ) throws -> Volunteer {
        var v = try input.checked()
        let key = try Registry.keyIfNeeded(v.idNumber, idKey)
        try v.checkBirthDate(nowMillis: nowMillis, zone: try Settings(store: store).rules().timeZone)
        v.community = try store.resolveCommunity(v.community.isEmpty ? nil : v.community).id
        v.createdAtMillis = nowMillis
        return try store.write { tx in
            try Permissions.requireAdmin(
                actor, over: v.community, action: Bilingual(zh: "登记志愿者", en: "register a volunteer"), in: tx)
            // Two processes registering the same person at once: the second waits here for the first's commit.
            try tx.serialise(.volunteerRegistration)
            let namesakes = try tx.volunteers(
                named: v.name.trimmingCharacters(in: .whitespaces), community: v.community)
            try Registry.refuseDuplicate(v, namesakes: namesakes, allowDuplicate: allowDuplicate)
            if let team = v.team {
                guard try tx.team(team)?.community == v.community else {
                    throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team)
                }
            }
            let sealed = try Registry.sealIDNumber(v.idNumber, key: key, in: tx, nowMillis: nowMillis)
            var added = v
            added.id = try tx.nextID(.volunteer)
            var row = added
            row.idNumber = sealed?.sealed
            try tx.insert(volunteer: row, actor: actor, nowMillis: nowMillis)
            if let sealed {
                try tx.setIDNumber(sealed: sealed.sealed, digest: sealed.digest, person: added.id, table: .volunteer)
            }
            if added.consent {
                try tx.insert(
                    consent: ConsentRecord(
                        person: added.id, kind: .publish, version: "registration", granted: true, atMillis: nowMillis,
                        recordedBy: actor))
            }
            try tx.createAccount(Account(id: added.id, kind: .volunteer, community: added.community))
            return added
        }
    }

    public func addMerchant(_ input: Merchant, actor: String, nowMillis: Int64) throws -> Merchant {
        var m = try input.checked()
        m.community = try store.resolveCommunity(m.community.isEmpty ? nil : m.community).id
        m.createdAtMillis = nowMillis
        return try store.write { tx in
            try Permissions.requireAdmin(
                actor, over: m.community, action: Bilingual(zh: "登记商户", en: "register a merchant"), in: tx)
            var added = m
            added.id = try tx.nextID(.merchant)
            try tx.insert(merchant: added, actor: actor, nowMillis: nowMillis)
            try tx.createAccount(Account(id: added.id, kind: .merchant, community: added.community))
            return added
        }
    }

    // MARK: Seed

    /// Loads `teams.csv`, `volunteers.csv`, `merchants.csv` and `offers.csv` from a folder (admin):
    /// the fast bulk path, one transaction per file; the rows are read and checked by `SeedFiles`.
    /// A team's leader becomes its organizer.
    public func loadSeed(
        directory: String, community: String? = nil, actor: String, nowMillis: Int64
    ) throws -> SeedCounts {
        let community = try store.resolveCommunity(community).id
        try store.read {
            try Permissions.requireAdmin(
                actor, over: community, action: Bilingual(zh: "导入示例数据", en: "load seed data"), in: $0)
        }
        let zone = try Settings(store: store).rules().timeZone
        var counts = SeedCounts()
        counts.teams = try store.write { tx in
            let teams = try SeedFiles.teams(in: directory)
            var next = try tx.highestNumber(in: .team)
            for team in teams {
                if try tx.teamExists(named: team.name, community: community) {
                    throw SeedFiles.duplicate(team: team.name)
                }
                next += 1
                let id = Registry.id(prefix: RegistryTable.team.prefix, number: next)
                try tx.insert(
                    team: Team(id: id, community: community, name: team.name, leader: team.leader), actor: actor,
                    nowMillis: nowMillis)
                if !team.leader.isEmpty {
                    try tx.grant(
                        role: "organizer", to: team.leader, team: id, by: actor, nowMillis: nowMillis,
                        ignoringExisting: true)
                }
            }
            return teams.count
        }
        counts.volunteers = try store.write { tx in
            let volunteers = try SeedFiles.volunteers(
                in: directory, community: community,
                teams: try tx.idsByName(in: .team, community: community), zone: zone)
            var next = try tx.highestNumber(in: .volunteer)
            for var v in volunteers {
                next += 1
                v.id = Registry.id(prefix: RegistryTable.volunteer.prefix, number: next)
                try tx.insert(volunteer: v, actor: actor, nowMillis: nowMillis)
                try tx.createAccount(Account(id: v.id, kind: .volunteer, community: community))
            }
            return volunteers.count
        }
        counts.merchants = try store.write { tx in
            let merchants = try SeedFiles.merchants(in: directory, community: community)
            var next = try tx.highestNumber(in: .merchant)
            for var m in merchants {
                next += 1
                m.id = Registry.id(prefix: RegistryTable.merchant.prefix, number: next)
                try tx.insert(merchant: m, actor: actor, nowMillis: nowMillis)
                try tx.createAccount(Account(id: m.id, kind: .merchant, community: community))
            }
            return merchants.count
        }
        counts.offers = try store.write { tx in
            let offers = try SeedFiles.offers(
                in: directory, merchants: try tx.idsByName(in: .merchant, community: community))
            var next = try tx.highestNumber(in: .offer)
            for offer in offers {
                next += 1
                try tx.insert(
                    offer: Offer(
                        id: Registry.id(prefix: RegistryTable.offer.prefix, number: next), merchant: offer.merchant,
                        title: offer.title, points: offer.points, stock: offer.stock),
                    actor: actor, nowMillis: nowMillis)
            }
            return offers.count
        }
        return counts
    }

    // MARK: Roles

    /// Refuses anyone but an admin, without writing (for `webhook test` and `notify`).
    public func requireAdmin(_ actor: String, action: Bilingual) throws {
        try store.read { try Permissions.requireAdmin(actor, action: action, in: $0) }
    }

    // MARK: Residents

    /// Registers a resident (an admin, or an organizer: the desk registers the people it serves).
    /// - Parameter allowDuplicate: register even when a resident of the same name and phone exists
    ///   (another person; `Registry.refuseDuplicate`, as for volunteers).
    /// - Throws: usage for bad text, phone or ID; refused for an unknown volunteer or community, or
    ///   `duplicate-resident`.
    public func addResident(
        _ input: Resident, actor: String, nowMillis: Int64, allowDuplicate: Bool = false,
        idKey: (@Sendable () throws -> IDNumberKey)? = nil
    ) throws -> Resident {
        var r = try input.checked()
        let key = try Registry.keyIfNeeded(r.idNumber, idKey)
        r.community = try store.resolveCommunity(r.community.isEmpty ? nil : r.community).id
        r.createdAtMillis = nowMillis
        return try store.write { tx in
            guard try tx.actsAsAdmin(actor) || tx.actsAsOrganizerOfAnyTeam(actor) else {
                throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "登记居民", en: "register a resident"))
            }
            // Two processes registering the same person at once: the second waits here for the first's commit.
            try tx.serialise(.volunteerRegistration)
            try Registry.refuseDuplicate(
                r, among: try tx.residents(community: r.community), allowDuplicate: allowDuplicate)
            if let v = r.volunteer {
                guard let volunteer = try tx.volunteer(v), volunteer.community == r.community else {
                    throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), v)
                }
            }
            let sealed = try Registry.sealIDNumber(r.idNumber, key: key, in: tx, nowMillis: nowMillis)
            var added = r
            added.id = try tx.nextID(.resident)
            var row = added
            row.idNumber = sealed?.sealed
            try tx.insert(resident: row, actor: actor, nowMillis: nowMillis)
            if let sealed {
                try tx.setIDNumber(sealed: sealed.sealed, digest: sealed.digest, person: added.id, table: .resident)
            }
            return added
        }
    }

    // MARK: Single rows by id: an unknown id is refused with the same message on every store

    public func volunteer(_ id: String) throws -> Volunteer {
        try store.read { tx in
            guard let volunteer = try tx.volunteer(id) else {
                throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), id)
            }
            return volunteer
        }
    }

    public func merchant(_ id: String) throws -> Merchant {
        try store.read { tx in
            guard let merchant = try tx.merchant(id) else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), id)
            }
            return merchant
        }
    }
}
