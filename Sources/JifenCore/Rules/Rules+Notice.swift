public import Foundation

/// The printed monthly notice's settings (积分公示): how long it stays up for objections and
/// where a resident takes one (`jifen config set notice.objection_contact "社区居委会 010-5555-0100"`).
public struct NoticeRules: Sendable, Equatable {
    /// Days the notice stays posted for objections (公示期), counting the day it is printed.
    public var publicityDays: Int = 7
    /// Where objections go, as the admin typed it (an office, a phone); nil: the community office.
    public var objectionContact: String?

    public init() {}

    /// The words a reader sees for where objections go: as typed, or the default in each language.
    public var objectionContactText: Bilingual {
        objectionContact.map { Bilingual(zh: $0, en: $0) } ?? Self.defaultContact
    }

    static let defaultContact = Bilingual(zh: "社区居委会办公室", en: "the community office")

    /// The last day of the publicity period of a notice published on `day` (`yyyy-MM-dd`).
    public func publicityThrough(publishedOn day: String, in zone: TimeZone) throws -> String {
        try DayFormat.adding(days: publicityDays - 1, to: day, in: zone)
    }
}

extension Rules {
    static let noticeDefinitions: [SettingDefinition] = [
        SettingDefinition(
            key: "notice.publicity_days", defaultValue: "7",
            meaning: Bilingual(
                zh: "积分公示张贴多少天（公示期，从打印当天算起）",
                en: "days the monthly notice stays posted for objections, from the day it is printed")
        ) { rules, value in
            guard let days = Int(value), (1...90).contains(days) else {
                throw JifenError.usage(
                    .badSetting, zh: "设置 notice.publicity_days 的值「\(value)」无效，应为 1 到 90 之间的整数。",
                    en:
                        "The value \"\(value)\" for notice.publicity_days is not valid; expected a whole number from 1 to 90."
                )
            }
            rules.notice.publicityDays = days
        },
        SettingDefinition(
            key: "notice.objection_contact", defaultValue: NoticeRules.defaultContact.zh,
            meaning: Bilingual(
                zh: "积分公示上写的异议受理地点或电话", en: "where the monthly notice says objections go (a place or a phone)")
        ) { rules, value in
            guard !value.isEmpty, value.count <= 120,
                !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
            else {
                throw JifenError.usage(
                    .badSetting, zh: "设置 notice.objection_contact 的值无效，应为 1 到 120 个字的一行文字，如「社区居委会 010-5555-0100」。",
                    en:
                        "The value for notice.objection_contact is not valid; expected one line of 1 to 120 "
                        + "characters, e.g. \"Community office 010-5555-0100\"."
                )
            }
            rules.notice.objectionContact = value == NoticeRules.defaultContact.zh ? nil : value
        },
    ]
}
