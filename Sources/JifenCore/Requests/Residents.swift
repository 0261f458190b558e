import Foundation

/// A resident who may ask for help (居民): often not a volunteer (an elder living alone). A
/// volunteer may be a resident too (`volunteer`), and then acts and pays points by that id.
public struct Resident: Codable, Sendable, Equatable {
    public var id: String
    public var community: String
    public var name: String
    public var phone: String
    public var idNumber: String?
    /// The full address: shown only to the volunteer serving one of their requests.
    public var address: String
    /// The area (小区/楼栋) a group chat may show.
    public var area: String
    /// Their volunteer id, when they are one (they then act and pay points as that volunteer).
    public var volunteer: String?
    /// Consent to show the name in public notices.
    public var consent: Bool
    public var createdAtMillis: Int64

    public init(
        id: String = "", community: String = "", name: String, phone: String, idNumber: String? = nil,
        address: String = "",
        area: String = "", volunteer: String? = nil, consent: Bool = false, createdAtMillis: Int64 = 0
    ) {
        self.id = id; self.community = community; self.name = name; self.phone = phone; self.idNumber = idNumber
        self.address = address; self.area = area; self.volunteer = volunteer; self.consent = consent;
        self.createdAtMillis = createdAtMillis
    }

    /// The resident as it may be stored: texts checked, phone and ID normalised.
    public func checked() throws -> Resident {
        var r = self
        try Registry.checkText(r.name, field: Bilingual(zh: "姓名", en: "name"), max: 50)
        r.phone = try Registry.checkPhone(r.phone)
        if let id = r.idNumber, !id.isEmpty { r.idNumber = try Registry.checkIDNumber(id) } else { r.idNumber = nil }
        try Registry.checkText(r.address, field: Bilingual(zh: "地址", en: "address"), max: 200, allowEmpty: true)
        try Registry.checkText(r.area, field: Bilingual(zh: "地区", en: "area"), max: 200, allowEmpty: true)
        if let v = r.volunteer, v.isEmpty { r.volunteer = nil }
        return r
    }

    /// The resident as every listing shows them: phone and ID masked, the address reduced to
    /// its first characters (the serving volunteer sees it whole on the request, `RequestView`).
    public var masked: Resident {
        var copy = self
        copy.phone = Masking.phone(phone)
        copy.idNumber = idNumber.map { _ in Masking.idNumber(idNumber) }
        copy.address = Masking.address(address)
        return copy
    }

    /// True when `actor` is this resident: their resident id, or their volunteer id.
    public func isActor(_ actor: String) -> Bool { actor == id || (volunteer != nil && actor == volunteer) }
}

extension Masking {
    /// `幸福里小区3号楼2单元501` → `幸福里小***`: enough to know the neighbourhood, not the door.
    public static func address(_ address: String) -> String {
        guard !address.isEmpty else { return "" }
        let chars = Array(address)
        return String(chars.prefix(min(4, max(1, chars.count / 3)))) + "***"
    }
}

extension Registry {
    /// The same resident registered twice (same name, same phone) would split their requests over
    /// two ids; refused like a volunteer's duplicate, unless the desk says it is another person.
    /// - Throws: refused `duplicate-resident` naming the existing id.
    public static func refuseDuplicate(_ candidate: Resident, among residents: [Resident], allowDuplicate: Bool) throws
    {
        guard !allowDuplicate else { return }
        let name = candidate.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let phone = phoneDigits(candidate.phone)
        guard
            let existing = residents.first(where: {
                $0.name.trimmingCharacters(in: .whitespacesAndNewlines) == name && phoneDigits($0.phone) == phone
            })
        else { return }
        throw JifenError.refused(
            .duplicateResident,
            zh:
                "\(existing.name)（电话 \(Masking.phone(existing.phone))）已登记为居民 \(existing.id)。请使用 \(existing.id)；"
                + "如确是同名同电话的另一个人，请加 --allow-duplicate 重新登记。",
            en:
                "\(existing.name) (phone \(Masking.phone(existing.phone))) is already registered as resident "
                + "\(existing.id). Use \(existing.id); if this is another person with the same name and phone, "
                + "register again with --allow-duplicate."
        )
    }
}
