public import Foundation

extension DayFormat {
    /// The instant a `yyyy-MM-dd` day starts in a zone, in milliseconds.
    public static func startMillis(of day: String, in zone: TimeZone) throws -> Int64 {
        try parse(day, in: zone).millis
    }

    /// The day `days` after `day` (negative goes back), by the calendar of `zone`.
    public static func adding(days: Int, to day: String, in zone: TimeZone) throws -> String {
        // Days are calendar days: the zone does not matter once the day is known.
        guard let number = WorkingDays.day(day), self.day(number: number) == day else {
            return try self.day(parse(day, in: zone), days: days, zone: zone)
        }
        return self.day(number: number + days)
    }

    private static func day(_ start: Date, days: Int, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return string(calendar.date(byAdding: .day, value: days, to: start) ?? start, in: zone)
    }

    /// Start (inclusive) and end (exclusive) in milliseconds of a `yyyy-MM` month in a zone.
    /// - Throws: `JifenError` (usage) when the month is malformed.
    public static func monthRange(_ month: String, in zone: TimeZone) throws -> (start: Int64, end: Int64) {
        let parts = month.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let m = Int(parts[1]), (1...12).contains(m)
        else {
            throw JifenError.usage(
                .badMonth, zh: "月份「\(month)」无效，请写成 2026-11。",
                en: "The month \"\(month)\" is not valid; write it as 2026-11.")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: year, month: m, day: 1)),
            let end = calendar.date(byAdding: .month, value: 1, to: start)
        else {
            throw JifenError.usage(.badMonth, zh: "月份「\(month)」无效。", en: "The month \"\(month)\" is not valid.")
        }
        return (start.millis, end.millis)
    }
}
