/// Masks personal numbers in every listing: the national rules forbid disclosing personal data
/// without consent, and a printed list travels further than anyone plans.
public enum Masking {
    /// `13812341234` → `138****1234`. Short numbers keep only their last two digits.
    public static func phone(_ phone: String?) -> String {
        guard let phone, !phone.isEmpty else { return "" }
        let chars = Array(phone)
        if chars.count >= 11 {
            return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
        }
        if chars.count <= 2 { return String(repeating: "*", count: chars.count) }
        return String(repeating: "*", count: chars.count - 2) + String(chars.suffix(2))
    }

    /// `110101199003071234` → `110***********1234` (first 3 and last 4 shown).
    /// A sealed one (`IDNumberKey`) that was not opened first shows `IDNumberKey.unreadable`.
    public static func idNumber(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "" }
        if IDNumberKey.isSealed(id) { return IDNumberKey.unreadable }
        let chars = Array(id)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }
}

extension Volunteer {
    /// The volunteer as every listing and answer shows them: phone and ID number masked.
    public var masked: Volunteer {
        var copy = self
        copy.phone = Masking.phone(phone)
        copy.idNumber = idNumber.map { _ in Masking.idNumber(idNumber) }
        return copy
    }
}

extension Merchant {
    /// The merchant as every listing and answer shows it: the phone masked.
    public var masked: Merchant {
        var copy = self
        copy.phone = Masking.phone(phone)
        return copy
    }
}
