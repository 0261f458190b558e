import Foundation
public import JifenCore

/// A person's rights over her data (个人信息保护法): a copy of everything (export), erasure
/// (注销) and the retention sweep. What is hers is `PersonInventory`; the operations are `Persons`.
extension JifenApp {
    public struct PersonInput: Codable, Sendable {
        /// A volunteer id (`V0001`) or a resident id (`R0001`).
        public var person: String
        public init(person: String) { self.person = person }
    }

    public struct PersonEraseInput: Codable, Sendable {
        public var person: String
        /// Why (kept with the erasure, so it must carry no personal data).
        public var reason: String
        public init(person: String, reason: String) { self.person = person; self.reason = reason }
    }

    public struct PersonSweepInput: Codable, Sendable {
        /// Years of inactivity; nil: the setting `retention.inactive_years`.
        public var years: Int?
        public init(years: Int? = nil) { self.years = years }
    }

    /// Everything Jifen holds about a person: for an admin over her community, or the person
    /// herself. Anyone else is answered as if nobody had the id, so ids cannot be probed.
    public func exportPerson(_ principal: Principal, _ input: PersonInput) throws -> PersonExport {
        var export = try Persons(store: try store).export(input.person, nowMillis: nowMillis) { ids, community, tx in
            if principal.isOwner { return }
            if ids.all.contains(principal.id), principal.role != .merchant, principal.role != .staff { return }
            do {
                try Permissions.requireAdmin(
                    principal.id, over: community,
                    action: Bilingual(zh: "导出 \(input.person) 的个人信息", en: "export the data of \(input.person)"), in: tx)
            } catch let error as JifenError where error.category == .refused {
                throw JifenError.unknown(Bilingual(zh: "人员", en: "person"), input.person)
            }
        }
        // Her ID number as she gave it, opened with the key file's key when it is at hand (sealed otherwise).
        let key = idKeyIfAtHand
        export.volunteer = export.volunteer.map { opened($0, key: key) }
        export.resident = export.resident.map { opened($0, key: key) }
        return export
    }

    /// The signed-in person's own data (下载我的数据).
    public func exportMine(_ principal: Principal) throws -> PersonExport {
        try exportPerson(principal, PersonInput(person: principal.id))
    }

    /// Erases a person's data (admin over her community): points and records stay.
    public func erasePerson(_ principal: Principal, _ input: PersonEraseInput) throws -> PersonErasure {
        try Persons(store: try store).erase(
            input.person, reason: input.reason, actor: principal.id, nowMillis: nowMillis
        ) { community, tx in
            if principal.isOwner { return }
            try Permissions.requireAdmin(
                principal.id, over: community,
                action: Bilingual(zh: "注销 \(input.person) 的个人信息", en: "erase the data of \(input.person)"), in: tx)
        }
    }

    /// Erases everyone inactive for the retention period (admin over each one's community).
    public func sweepPersons(_ principal: Principal, _ input: PersonSweepInput) throws -> PersonSweep {
        let years = try input.years ?? settings.rules().retentionInactiveYears
        guard (0...50).contains(years) else {
            throw JifenError.usage(
                .badSetting, zh: "--years 应为 0 到 50 之间的整数。", en: "--years must be a whole number from 0 to 50.")
        }
        let action = Bilingual(zh: "按保存期限注销个人信息", en: "erase people past the retention period")
        if !principal.isOwner { try store.read { try Permissions.requireAdmin(principal.id, action: action, in: $0) } }
        return try Persons(store: try store).sweep(years: years, now: clock(), zone: zone, actor: principal.id) {
            community, tx in
            if principal.isOwner { return }
            try Permissions.requireAdmin(principal.id, over: community, action: action, in: tx)
        }
    }
}
