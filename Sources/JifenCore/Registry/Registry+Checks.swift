import Foundation

// The registry's input checks, written once for every store.

extension Volunteer {
    /// The volunteer as it may be stored: name and texts checked, phone and ID number normalised.
    /// - Throws: `JifenError` (usage) naming the field that is wrong.
    public func checked() throws -> Volunteer {
        var v = self
        try Registry.checkText(v.name, field: Bilingual(zh: "姓名", en: "name"), max: 50)
        v.phone = try Registry.checkPhone(v.phone)
        if let id = v.idNumber, !id.isEmpty { v.idNumber = try Registry.checkIDNumber(id) } else { v.idNumber = nil }
        for (text, field) in [
            (v.area, Bilingual(zh: "地区", en: "area")), (v.skills, Bilingual(zh: "技能", en: "skills")),
            (v.categories, Bilingual(zh: "服务类别", en: "service categories")),
        ] {
            try Registry.checkText(text, field: field, max: 200, allowEmpty: true)
        }
        return v
    }
}

extension Merchant {
    /// The merchant as it may be stored: texts checked, phone normalised when given.
    /// - Throws: `JifenError` (usage) naming the field that is wrong.
    public func checked() throws -> Merchant {
        var m = self
        try Registry.checkText(m.name, field: Bilingual(zh: "商户名称", en: "merchant name"), max: 100)
        try Registry.checkText(m.contact, field: Bilingual(zh: "联系人", en: "contact"), max: 50, allowEmpty: true)
        try Registry.checkText(m.address, field: Bilingual(zh: "地址", en: "address"), max: 200, allowEmpty: true)
        if !m.phone.isEmpty { m.phone = try Registry.checkPhone(m.phone) }
        return m
    }
}
