public import Foundation

// The registry's rules that need more than the typed fields: the clock, and the people already
// registered. Written once here; both stores call them inside their write transaction.

extension Volunteer {
    /// Refuses a birth date after today (in the community's zone): a person not yet born cannot serve.
    /// - Throws: `JifenError` (usage) with the date and today.
    public func checkBirthDate(nowMillis: Int64, zone: TimeZone) throws {
        guard let birth = birthDate, !birth.isEmpty else { return }
        let today = DayFormat.string(Date(millis: nowMillis), in: zone)
        // Both are yyyy-MM-dd (DayFormat.day normalises what is typed), so text order is date order.
        guard birth <= today else {
            throw JifenError.usage(
                .birthDateInFuture,
                zh: "出生日期 \(birth) 晚于今天（\(today)）。请核对后重新输入。",
                en: "The birth date \(birth) is after today (\(today)). Check it and type it again.")
        }
    }
}

extension Registry {
    /// The digits of a phone number, so `138-0000-1234` and `13800001234` are the same phone.
    public static func phoneDigits(_ phone: String) -> String { String(phone.filter { $0.isASCII && $0.isNumber }) }

    /// The same person registered twice (same name, same phone) would split their hours and points
    /// over two ids and make hour-sheet rows that name them ambiguous, so it is refused unless the
    /// admin says it is another person (`allowDuplicate`, e.g. two residents of one household
    /// sharing a landline and a name).
    /// - Parameters:
    ///   - candidate: the checked volunteer about to be registered.
    ///   - namesakes: volunteers of the same community already registered under the same name (trimmed).
    /// - Throws: `JifenError` (refused, `duplicate-volunteer`) naming the existing id.
    public static func refuseDuplicate(_ candidate: Volunteer, namesakes: [Volunteer], allowDuplicate: Bool) throws {
        guard !allowDuplicate else { return }
        let name = candidate.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let phone = phoneDigits(candidate.phone)
        guard
            let existing = namesakes.first(where: {
                $0.name.trimmingCharacters(in: .whitespacesAndNewlines) == name && phoneDigits($0.phone) == phone
            })
        else { return }
        throw JifenError.refused(
            .duplicateVolunteer,
            zh:
                "\(existing.name)（电话 \(Masking.phone(existing.phone))）已登记为 \(existing.id)。请使用 \(existing.id)；"
                + "如确是同名同电话的另一个人，请加 --allow-duplicate 重新登记。",
            en:
                "\(existing.name) (phone \(Masking.phone(existing.phone))) is already registered as \(existing.id). "
                + "Use \(existing.id); if this is another person with the same name and phone, register again with "
                + "--allow-duplicate."
        )
    }
}
