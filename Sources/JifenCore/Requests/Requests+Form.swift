public import Foundation

/// What a resident picks from when she asks for help herself (居民点单 on her page): the
/// categories the community offers (`requests.categories`) in plain words, and a few times to
/// choose with one tap (as soon as possible, then the next mornings and afternoons). Pure: the
/// clock and the zone are given.
public enum RequestForm {
    /// One choice of the form: the value it posts, and what a person reads.
    public struct Choice: Codable, Sendable, Equatable {
        public var value: String
        public var zh: String
        public var en: String
        public init(value: String, zh: String, en: String) { self.value = value; self.zh = zh; self.en = en }
    }

    public static let defaultCategories = [
        "repair", "elder_care", "cleaning", "errand", "companionship", "medical", "other",
    ]

    /// The words for the categories the README names; another category reads as itself.
    static let names: [String: Bilingual] = [
        "repair": Bilingual(zh: "维修（水电、门窗）", en: "Repairs (water, power, doors)"),
        "elder_care": Bilingual(zh: "助老照护", en: "Help for an elder"),
        "cleaning": Bilingual(zh: "打扫卫生", en: "Cleaning"),
        "errand": Bilingual(zh: "跑腿代办（买药、买菜）", en: "Errands (medicine, shopping)"),
        "companionship": Bilingual(zh: "陪伴聊天", en: "Company and a chat"),
        "medical": Bilingual(zh: "陪同就医", en: "Going to the doctor"),
        "patrol": Bilingual(zh: "巡逻", en: "Patrol"),
        "other": Bilingual(zh: "其他", en: "Something else"),
    ]

    /// A category in words ("维修（水电、门窗）"); one the list does not know reads as typed.
    public static func name(_ category: String) -> Bilingual {
        names[category]
            ?? Bilingual(
                zh: category.replacingOccurrences(of: "_", with: " "),
                en: category.replacingOccurrences(of: "_", with: " "))
    }

    /// The categories as choices, in the setting's order.
    public static func categoryChoices(_ rules: RequestRules) -> [Choice] {
        rules.categories.map {
            let n = name($0); return Choice(value: $0, zh: n.zh, en: n.en)
        }
    }

    /// `requests.categories` read: names of letters, digits and underscores, comma-separated, 1 to 20.
    /// - Throws: usage `bad-setting` naming what is wrong.
    static func categories(_ value: String) throws -> [String] {
        let list = value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let valid = list.allSatisfy { item in
            !item.isEmpty && item.count <= 50
                && item.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }
        guard valid, (1...20).contains(list.count), Set(list).count == list.count else {
            throw JifenError.usage(
                .badSetting,
                zh:
                    "设置 requests.categories 的值「\(value.prefix(80))」无效，应为 1 到 20 个不重复的类别名（小写英文字母、数字和下划线），用逗号分隔，如 repair,elder_care。",
                en:
                    "The value \"\(value.prefix(80))\" for requests.categories is not valid; expected 1 to 20 "
                    + "different category names (lower-case letters, digits, underscores), comma-separated, e.g. "
                    + "repair,elder_care."
            )
        }
        return list
    }

    /// Times to choose with one tap, as `yyyy-MM-dd HH:mm` in `zone`: "" (as soon as possible),
    /// this afternoon (before noon only), then tomorrow's and the day after's morning (9:00) and
    /// afternoon (14:00).
    public static func timeChoices(now: Date, zone: TimeZone) -> [Choice] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var choices = [Choice(value: "", zh: "尽快", en: "As soon as possible")]
        let today = calendar.startOfDay(for: now)
        let hour = calendar.component(.hour, from: now)
        let days: [(offset: Int, zh: String, en: String)] = [
            (0, "今天", "Today"), (1, "明天", "Tomorrow"), (2, "后天", "The day after tomorrow"),
        ]
        for day in days {
            guard let start = calendar.date(byAdding: .day, value: day.offset, to: today) else { continue }
            for (at, zh, en) in [(9, "上午", "morning"), (14, "下午", "afternoon")] {
                if day.offset == 0 && (at == 9 || hour >= 12) { continue }
                guard let when = calendar.date(bySettingHour: at, minute: 0, second: 0, of: start), when > now else {
                    continue
                }
                let c = calendar.dateComponents([.month, .day], from: when)
                let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                let month = c.month ?? 1, dayOfMonth = c.day ?? 1
                choices.append(
                    Choice(
                        value: DayFormat.minute(when, in: zone),
                        zh: "\(day.zh)\(zh)（\(month)月\(dayOfMonth)日 \(at):00）",
                        en: "\(day.en) \(en) (\(months[(month - 1) % 12]) \(dayOfMonth), \(at):00)"))
            }
        }
        return choices
    }
}
