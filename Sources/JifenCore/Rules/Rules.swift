public import Foundation

/// How service minutes become whole points. The ledger holds only whole points.
public enum Rounding: String, Sendable, CaseIterable {
    /// To the nearest point, halves up: 45 min at 10/h = 7.5 → 8.
    case nearest
    /// Down: 7.5 → 7. Never issues a point not fully earned.
    case down
    /// Up: 7.1 → 8. Generous to volunteers.
    case up
}

/// The community's rules, read from the settings table. Every field has a default from the field
/// (DESIGN.md "Rules from the field"); `jifen config set` changes them, recorded with actor and time.
public struct Rules: Sendable, Equatable {
    public var pointsPerHour: Int64 = 10
    /// Per service category, overriding `pointsPerHour`.
    public var pointsPerHourByCategory: [String: Int64] = [:]
    public var rounding: Rounding = .nearest
    public var dailyCapHours: Int = 8
    /// 0 means points never expire.
    public var validityMonths: Int = 36
    public var holdTimeoutMinutes: Int = 72 * 60
    /// Hours of recorded service for 1★ … 5★.
    public var starThresholds: [Int] = [100, 300, 600, 1000, 1500]
    /// A check-in/out span shorter than this share (percent) of the planned duration needs review.
    public var checkinMinSharePercent: Int = 60
    /// Minutes before an activity's start that a check-in is accepted, and after its end that a
    /// check-out still earns without review: service outside the plan needs an organizer's review.
    public var checkinGraceMinutes: Int = 30
    /// Wrong check-in codes one volunteer may give for one activity; then only an organizer checks her in.
    public var checkinWrongPerVolunteer: Int = 5
    /// Wrong check-in codes an activity takes, from everyone, before its code stops working until an organizer rotates it.
    public var checkinWrongPerActivity: Int = 50
    public var timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// Years without any activity after which a person's data is erased (`retention.inactive_years`); 0: never.
    public var retentionInactiveYears: Int = 5
    /// SQLite's synchronous level: FULL keeps a reported transfer through a power cut.
    public var durability: String = "full"
    /// Minutes a redemption code stays valid.
    public var codeTTLMinutes: Int = 5
    /// Wrong pay codes a merchant (its owner and all its counter staff together) may present in
    /// any `codeWrongWindowHours`; a success never resets the count. When spent, it is stopped.
    public var codeWrongBudget: Int = 10
    /// The sliding window of `codeWrongBudget`, in hours.
    public var codeWrongWindowHours: Int = 24
    /// The ceiling a new pay code carries unless the volunteer sets another.
    public var codeMaxPoints: Int64 = 200
    /// The highest ceiling a pay code (or `codes.max_points`) may carry.
    public static let codeMaxPointsLimit: Int64 = 1_000_000
    /// Days ahead `expire` announces points about to lapse (`points.expiring`), and `balance` shows them.
    public var expiringNoticeDays: Int = 30
    /// Days a delivered outbox event is kept (`events.retention_days`, EventRetention.swift); 0: forever.
    public var eventRetentionDays: Int = 90
    /// Service requests' deadlines and windows (`requests.*`, Requests.swift).
    public var requests = RequestRules()
    /// The printed monthly notice's publicity period and objection contact (`notice.*`, Rules+Notice.swift).
    public var notice = NoticeRules()

    public init() {}

    /// Points for a span of service.
    /// - Parameters:
    ///   - minutes: service time in whole minutes, at least 0.
    ///   - category: the activity's service category, if any, for a per-category rate.
    /// - Returns: whole points, rounded by `rounding`.
    public func points(forMinutes minutes: Int64, category: String? = nil) -> Int64 {
        let rate = category.flatMap { pointsPerHourByCategory[$0] } ?? pointsPerHour
        return Self.points(minutes: minutes, rate: rate, rounding: rounding)
    }

    /// Exact integer arithmetic: minutes × rate ÷ 60, rounded; no floating point anywhere.
    public static func points(minutes: Int64, rate: Int64, rounding: Rounding) -> Int64 {
        let numerator = minutes * rate
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: 60)
        switch rounding {
        case .down: return quotient
        case .up: return remainder > 0 ? quotient + 1 : quotient
        case .nearest: return remainder * 2 >= 60 ? quotient + 1 : quotient
        }
    }

    /// Star level for total recorded hours (0 below the first threshold) and the hours still
    /// needed for the next star (nil at the top).
    public func star(forMinutes minutes: Int64) -> (level: Int, hoursToNext: Double?) {
        let hours = Double(minutes) / 60
        var level = 0
        for (index, threshold) in starThresholds.enumerated() where hours >= Double(threshold) {
            level = index + 1
        }
        if level < starThresholds.count {
            return (level, Double(starThresholds[level]) - hours)
        }
        return (level, nil)
    }

    /// The first day on which points earned at `date` are no longer valid, as `yyyy-MM-dd`
    /// in the community's time zone; far in the future when points never expire.
    public func expiryDay(forEarningAt date: Date) -> String {
        guard validityMonths > 0 else { return "9999-12-31" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: date)
        let expires = calendar.date(byAdding: .month, value: validityMonths, to: start) ?? start
        return DayFormat.string(expires, in: timeZone)
    }
}

/// One setting: its key, default, meaning, and how to check a new value.
public struct SettingDefinition: Sendable {
    public var key: String
    public var defaultValue: String
    public var meaning: Bilingual
    let apply: @Sendable (inout Rules, String) throws -> Void
}

extension Rules {
    /// Keys whose last part is a service category, e.g. `points.per_hour.elder_care`.
    public static let categoryRatePrefix = "points.per_hour."

    public static let definitions: [SettingDefinition] =
        [
            SettingDefinition(
                key: "points.per_hour", defaultValue: "10",
                meaning: Bilingual(zh: "每小时服务得多少积分", en: "points earned per hour of service")
            ) { rules, value in
                rules.pointsPerHour = try int(value, key: "points.per_hour", in: 0...100_000)
            },
            SettingDefinition(
                key: "points.rounding", defaultValue: "nearest",
                meaning: Bilingual(
                    zh: "分钟折算积分的取整方式：nearest 四舍五入、down 向下、up 向上",
                    en: "how minutes round to points: nearest (halves up), down, up")
            ) { rules, value in
                guard let rounding = Rounding(rawValue: value) else {
                    throw badValue(
                        "points.rounding", value,
                        expected: Bilingual(zh: "nearest、down 或 up", en: "nearest, down or up"))
                }
                rules.rounding = rounding
            },
            SettingDefinition(
                key: "hours.daily_cap", defaultValue: "8",
                meaning: Bilingual(zh: "每人每天最多计入的服务小时数", en: "most hours of service counted per person per day")
            ) { rules, value in
                rules.dailyCapHours = Int(try int(value, key: "hours.daily_cap", in: 1...24))
            },
            SettingDefinition(
                key: "points.validity_months", defaultValue: "36",
                meaning: Bilingual(zh: "积分有效期（月），0 表示永不过期", en: "months points stay valid; 0 = never expire")
            ) { rules, value in
                rules.validityMonths = Int(try int(value, key: "points.validity_months", in: 0...1200))
            },
            SettingDefinition(
                key: "holds.timeout_minutes", defaultValue: "4320",
                meaning: Bilingual(zh: "冻结积分多久未领取自动退回（分钟）", en: "minutes before an unclaimed hold lapses")
            ) { rules, value in
                rules.holdTimeoutMinutes = Int(try int(value, key: "holds.timeout_minutes", in: 1...525_600))
            },
            SettingDefinition(
                key: "stars.thresholds", defaultValue: "100,300,600,1000,1500",
                meaning: Bilingual(zh: "一至五星所需服务小时数，逗号分隔、递增", en: "hours for 1★…5★, comma-separated, increasing")
            ) { rules, value in
                let parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let numbers = parts.compactMap { Int($0) }
                guard !parts.isEmpty, numbers.count == parts.count, numbers.allSatisfy({ $0 > 0 }),
                    zip(numbers, numbers.dropFirst()).allSatisfy({ $0 < $1 })
                else {
                    throw badValue(
                        "stars.thresholds", value,
                        expected: Bilingual(
                            zh: "递增的正整数，如 100,300,600,1000,1500",
                            en: "increasing whole numbers, e.g. 100,300,600,1000,1500"))
                }
                rules.starThresholds = numbers
            },
            SettingDefinition(
                key: "checkin.min_share_percent", defaultValue: "60",
                meaning: Bilingual(
                    zh: "签到签退时长低于计划时长的该百分比时需审核", en: "a check-in span below this percent of the plan needs review")
            ) { rules, value in
                rules.checkinMinSharePercent = Int(try int(value, key: "checkin.min_share_percent", in: 0...100))
            },
            SettingDefinition(
                key: "checkin.grace_minutes", defaultValue: "30",
                meaning: Bilingual(
                    zh: "活动开始前多少分钟起可以签到；签退晚于结束超过该分钟数需审核",
                    en:
                        "minutes before the start a check-in is accepted; a check-out later than this after the end needs review"
                )
            ) { rules, value in
                rules.checkinGraceMinutes = Int(try int(value, key: "checkin.grace_minutes", in: 0...720))
            },
            SettingDefinition(
                key: "checkin.wrong_codes_per_volunteer", defaultValue: "5",
                meaning: Bilingual(
                    zh: "一名志愿者对一个活动最多可输错签到码的次数，之后只能由组织者为其签到",
                    en:
                        "wrong check-in codes one volunteer may give for one activity; then only an organizer checks her in"
                )
            ) { rules, value in
                rules.checkinWrongPerVolunteer = Int(
                    try int(value, key: "checkin.wrong_codes_per_volunteer", in: 1...100))
            },
            SettingDefinition(
                key: "checkin.wrong_codes_per_activity", defaultValue: "50",
                meaning: Bilingual(
                    zh: "一个活动的签到码被输错多少次后停用，直到组织者更换签到码",
                    en:
                        "wrong check-in codes an activity takes before its code stops working until an organizer rotates it"
                )
            ) { rules, value in
                rules.checkinWrongPerActivity = Int(
                    try int(value, key: "checkin.wrong_codes_per_activity", in: 1...10_000))
            },
            SettingDefinition(
                key: "time_zone", defaultValue: "Asia/Shanghai",
                meaning: Bilingual(zh: "社区所在时区（日期与过期日按此计算）", en: "the community's time zone (dates and expiry days)")
            ) { rules, value in
                guard let zone = TimeZone(identifier: value) else {
                    throw badValue(
                        "time_zone", value,
                        expected: Bilingual(zh: "时区名称，如 Asia/Shanghai", en: "a zone name such as Asia/Shanghai"))
                }
                rules.timeZone = zone
            },
            SettingDefinition(
                key: "durability", defaultValue: "full",
                meaning: Bilingual(
                    zh: "full：断电也不丢已确认的操作；normal：更快，断电可能丢最近几笔",
                    en:
                        "full: a reported write survives a power cut; normal: faster, a power cut may lose the last writes"
                )
            ) { rules, value in
                guard value == "full" || value == "normal" else {
                    throw badValue("durability", value, expected: Bilingual(zh: "full 或 normal", en: "full or normal"))
                }
                rules.durability = value
            },
            SettingDefinition(
                key: "codes.ttl_minutes", defaultValue: "5",
                meaning: Bilingual(zh: "兑换码有效分钟数", en: "minutes a redemption code stays valid")
            ) { rules, value in
                rules.codeTTLMinutes = Int(try int(value, key: "codes.ttl_minutes", in: 1...1440))
            },
            SettingDefinition(
                key: "codes.wrong_budget", defaultValue: "10",
                meaning: Bilingual(
                    zh: "每个商户（店主和全部店员合计）在窗口时间内最多可输错的兑换码数，用完即暂停兑换；兑换成功不清零",
                    en:
                        "wrong codes a merchant (owner and all staff together) may present per window before it is "
                        + "stopped; a success does not reset it"
                )
            ) { rules, value in
                rules.codeWrongBudget = Int(try int(value, key: "codes.wrong_budget", in: 1...1000))
            },
            SettingDefinition(
                key: "codes.wrong_window_hours", defaultValue: "24",
                meaning: Bilingual(
                    zh: "计算输错兑换码次数的滑动窗口（小时）", en: "hours of the sliding window the wrong-code budget counts over")
            ) { rules, value in
                rules.codeWrongWindowHours = Int(try int(value, key: "codes.wrong_window_hours", in: 1...720))
            },
            SettingDefinition(
                key: "codes.max_points", defaultValue: "200",
                meaning: Bilingual(
                    zh: "付款码默认最多可兑换的积分（志愿者出示时可改）",
                    en: "default ceiling of points one pay code may take (the volunteer may change it)")
            ) { rules, value in
                rules.codeMaxPoints = try int(value, key: "codes.max_points", in: 1...codeMaxPointsLimit)
            },
            SettingDefinition(
                key: "points.expiring_notice_days", defaultValue: "30",
                meaning: Bilingual(
                    zh: "积分到期前多少天发出即将过期提醒", en: "days ahead of lapsing that points are announced as expiring")
            ) { rules, value in
                rules.expiringNoticeDays = Int(try int(value, key: "points.expiring_notice_days", in: 0...3650))
            },
        ] + webhookDefinitions + requestDefinitions + noticeDefinitions + retentionDefinitions
        + eventDefinitions

    /// Builds the rules from stored settings, defaults for what is not stored.
    /// - Throws: `JifenError` (usage) for an unknown key or a value out of range.
    public init(settings: [String: String]) throws {
        self.init()
        for (key, value) in settings {
            try Self.apply(key: key, value: value, to: &self)
        }
    }

    /// Checks and applies one setting; used both when reading and before `config set` stores a value.
    public static func apply(key: String, value: String, to rules: inout Rules) throws {
        if key.hasPrefix(categoryRatePrefix) {
            let category = String(key.dropFirst(categoryRatePrefix.count))
            guard !category.isEmpty else { throw unknownKey(key) }
            rules.pointsPerHourByCategory[category] = try int(value, key: key, in: 0...100_000)
            return
        }
        if try applyRequestCategory(key: key, value: value, to: &rules) { return }
        guard let definition = definitions.first(where: { $0.key == key }) else { throw unknownKey(key) }
        try definition.apply(&rules, value.trimmingCharacters(in: .whitespaces))
    }

    private static func int(_ value: String, key: String, in range: ClosedRange<Int64>) throws -> Int64 {
        guard let number = Int64(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw badValue(
                key, value,
                expected: Bilingual(
                    zh: "\(range.lowerBound) 到 \(range.upperBound) 之间的整数",
                    en: "a whole number from \(range.lowerBound) to \(range.upperBound)"))
        }
        return number
    }

    private static func badValue(_ key: String, _ value: String, expected: Bilingual) -> JifenError {
        .usage(
            .badSetting, zh: "设置 \(key) 的值「\(value)」无效，应为\(expected.zh)。",
            en: "The value \"\(value)\" for \(key) is not valid; expected \(expected.en).")
    }

    private static func unknownKey(_ key: String) -> JifenError {
        .usage(
            .unknownSetting, zh: "没有名为 \(key) 的设置。用 jifen config show 查看所有设置。",
            en: "There is no setting named \(key). See them all with jifen config show.")
    }
}
