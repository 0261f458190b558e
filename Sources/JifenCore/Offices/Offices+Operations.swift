import Foundation

/// Districts, street offices and the communities under them, and who administers each office.
/// Each write checks the input with `Offices` and the actor with `Permissions` inside its write
/// transaction, on every store.
public struct Offices: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// Adds a district (an installation admin) or a street office under a district (an admin of
    /// the installation or of that district).
    /// - Throws: usage `bad-office-id`, `office-parent`; refused `unknown-office` for an unknown
    ///   district, `office-parent` for a parent that is a street office, `duplicate-office`.
    public func addOffice(
        id: String, kind: OfficeKind, parent: String?, name: String, actor: String, nowMillis: Int64
    ) throws -> Office {
        try Offices.checkID(id)
        try Registry.checkText(name, field: Bilingual(zh: "名称", en: "name"), max: 100, singleLine: true)
        return try store.write { tx in
            switch kind {
            case .district:
                try Offices.checkPlace(kind: kind, parentID: parent, parent: nil)
                try Permissions.requireAdmin(actor, action: Bilingual(zh: "添加区", en: "add a district"), in: tx)
            case .street:
                let found = try parent.flatMap { try tx.office($0) }
                // Whether the actor may act over the parent comes first: an office beside answers as unknown.
                if let parent, found != nil {
                    try Permissions.requireAdmin(
                        actor, overOffice: parent, action: Bilingual(zh: "添加街道", en: "add a street office"), in: tx)
                }
                try Offices.checkPlace(kind: kind, parentID: parent, parent: found)
            }
            if try tx.office(id) != nil {
                throw JifenError.refused(
                    .duplicateOffice, zh: "已有编号为 \(id) 的街道或区，请换一个编号。",
                    en: "There is already a street office or district with id \(id); choose another id.")
            }
            let office = Office(id: id, kind: kind, parent: kind == .street ? parent : nil, name: name)
            try tx.insert(office: office, actor: actor, nowMillis: nowMillis)
            return office
        }
    }

    /// Adds a community, placed under a street office or a district (an admin of that office or
    /// above), or under none (an installation admin), with its system accounts.
    /// - Parameter district: when given, the district the office must lie in (a check on what was typed).
    /// - Throws: refused `unknown-office`, `office-mismatch` for an office outside `district`.
    public func addCommunity(
        name: String, office: String?, district: String? = nil, actor: String, nowMillis: Int64
    ) throws -> PlacedCommunity {
        try Registry.checkText(name, field: Bilingual(zh: "社区名称", en: "community name"), max: 100, singleLine: true)
        return try store.write { tx in
            let action = Bilingual(zh: "添加社区", en: "add a community")
            guard let office = office ?? district else {
                try Permissions.requireAdmin(actor, action: action, in: tx)
                let community = try tx.addCommunity(name: name, nowMillis: nowMillis)
                return PlacedCommunity(id: community.id, name: community.name, office: nil)
            }
            guard let placed = try tx.office(office) else { throw Offices.unknownOffice(office) }
            try Permissions.requireAdmin(actor, overOffice: office, action: action, in: tx)
            if let district {
                let chain = try Offices.chain(above: office, in: tx.office)
                guard chain.contains(where: { $0.id == district && $0.kind == .district }) else {
                    throw JifenError.refused(
                        .officeMismatch,
                        zh:
                            "\(placed.kind.label.zh) \(office) 不属于区 \(district)；请核对 --district，或用 jifen office list 查看。",
                        en:
                            "The \(placed.kind.label.en) \(office) is not in district \(district); check --district, or see jifen office list."
                    )
                }
            }
            let community = try tx.addCommunity(name: name, nowMillis: nowMillis)
            try tx.place(community: community.id, under: office)
            return PlacedCommunity(id: community.id, name: community.name, office: office)
        }
    }

    /// Places an existing community under an office (an installation admin: it moves a community
    /// between offices, which no office admin may do from below).
    public func place(community: String, under office: String?, actor: String) throws -> PlacedCommunity {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "调整社区归属", en: "move a community"), in: tx)
            guard var placed = try tx.placedCommunity(community) else {
                throw JifenError.unknown(Bilingual(zh: "社区", en: "community"), community)
            }
            if let office, try tx.office(office) == nil { throw Offices.unknownOffice(office) }
            try tx.place(community: community, under: office)
            placed.office = office
            return placed
        }
    }

    /// Offices an actor sees: an installation admin (or the database's owner) every one, an office
    /// admin its own and those below them, anyone else every one (names of public bodies).
    public func offices(actor: String?) throws -> [Office] {
        try store.read { tx in
            let all = try tx.offices()
            guard let actor, let scope = try Permissions.officeScope(actor, in: tx) else { return all }
            return all.filter { scope.offices.contains($0.id) }
        }
    }

    /// Communities an actor sees, with their office: everyone's for an installation admin (or the
    /// owner, or anyone not an office admin: the list is what `--community` takes), and only those
    /// below for an office admin.
    public func communities(actor: String?, office: String? = nil) throws -> [PlacedCommunity] {
        try store.read { tx in
            var all = try tx.placedCommunities()
            if let actor, let scope = try Permissions.officeScope(actor, in: tx) {
                all = all.filter { scope.communities.contains($0.id) }
            }
            guard let office else { return all }
            guard try tx.office(office) != nil else { throw Offices.unknownOffice(office) }
            return try all.filter { try Offices.chain(above: $0.office, in: tx.office).contains { $0.id == office } }
        }
    }

    /// Lets `person` administer `office` and everything below it (an admin of the installation, or
    /// of that office or one above it).
    public func addAdmin(_ person: String, office: String, actor: String, nowMillis: Int64) throws {
        try Registry.checkText(person, field: Bilingual(zh: "管理员", en: "admin"), max: 100, singleLine: true)
        try store.write { tx in
            guard try tx.office(office) != nil else { throw Offices.unknownOffice(office) }
            try Permissions.requireAdmin(
                actor, overOffice: office, action: Bilingual(zh: "指定街道或区的管理员", en: "appoint office admins"), in: tx)
            try tx.grant(
                role: OfficeRole.name, to: person, team: office, by: actor, nowMillis: nowMillis, ignoringExisting: true
            )
        }
    }

    /// What a report covers: some communities, and whether it has a section for each.
    public struct ReportScope: Sendable, Equatable {
        public var communities: [PlacedCommunity]
        public var sections: Bool
        /// The name the notice is headed with: the community's or the office's.
        public var name: String
    }

    /// The communities a month report covers: `community`, or those below `office` (both: the
    /// community, which must lie below the office), or for an office admin who names neither,
    /// everything below its offices; nil: the whole database (anyone else naming neither).
    /// - Throws: refused `unknown-id` / `unknown-office`; `office-mismatch` for a community not
    ///   below `office`; `not-allowed` for an office admin asking for a community or office beside.
    public func reportScope(actor: String?, community: String?, office: String?) throws -> ReportScope? {
        try store.read { tx in
            let officeScope = try actor.flatMap { try Permissions.officeScope($0, in: tx) }
            let action = Bilingual(zh: "查看这份积分公示", en: "read this report")
            var chosen: [PlacedCommunity]
            var name: String
            var sections = false
            if let office {
                guard let found = try tx.office(office) else { throw Offices.unknownOffice(office) }
                if let officeScope, !officeScope.offices.contains(office) {
                    throw JifenError.forbidden(actor: actor ?? "", action: action)
                }
                chosen = try tx.placedCommunities().filter {
                    try Offices.chain(above: $0.office, in: tx.office).contains { $0.id == office }
                }
                name = found.name
                sections = true
            } else if let officeScope, community == nil {
                chosen = try tx.placedCommunities().filter { officeScope.communities.contains($0.id) }
                name = ""
                sections = true
            } else {
                guard community != nil else { return nil }
                chosen = try tx.placedCommunities()
                name = ""
            }
            if let community {
                guard let one = try tx.placedCommunity(community) else {
                    throw JifenError.unknown(Bilingual(zh: "社区", en: "community"), community)
                }
                if let officeScope, !officeScope.communities.contains(community) {
                    throw JifenError.forbidden(actor: actor ?? "", action: action)
                }
                guard chosen.contains(one) else {
                    throw JifenError.refused(
                        .officeMismatch, zh: "社区 \(community) 不在 \(office ?? "") 之下；请核对 --office。",
                        en: "Community \(community) is not below \(office ?? ""); check --office.")
                }
                chosen = [one]
                name = one.name
                sections = false
            }
            return ReportScope(communities: chosen, sections: sections, name: name)
        }
    }

    // MARK: The tree, for other areas

    /// The top office of a community (its district, or its street office when that has no
    /// district, or the office it sits under); nil for a community under no office.
    public static func topOffice(of community: String, in tx: any ReadTransaction) throws -> Office? {
        guard let placed = try tx.placedCommunity(community) else { return nil }
        return try chain(above: placed.office, in: tx.office).last
    }

    /// Whether two communities lie under one street office or one district (the same community
    /// does too). Communities under no office share none.
    public static func shareOffice(_ a: String, _ b: String, in tx: any ReadTransaction) throws -> Bool {
        if a == b { return true }
        guard let first = try tx.placedCommunity(a), let second = try tx.placedCommunity(b) else { return false }
        let above = Set(try chain(above: first.office, in: tx.office).map(\.id))
        return try chain(above: second.office, in: tx.office).contains { above.contains($0.id) }
    }
}
