public import Foundation

/// Dates and times as people type and read them, in a given time zone; stored in UTC.
public enum DayFormat {
    /// `yyyy-MM-dd` of an instant in a zone.
    ///
    /// Computed from the zone's offset at that instant and the civil-date arithmetic of
    /// `iso(millis:)`: this runs on every balance read and every imported row, and a `Calendar`
    /// costs more than the rest of a balance read.
    public static func string(_ date: Date, in zone: TimeZone) -> String {
        let millis = date.millis + Int64(zone.secondsFromGMT(for: date)) * 1000
        return String(iso(millis: millis).prefix(10))
    }

    /// `yyyy-MM-dd` of a day number (days since 1970-01-01).
    static func day(number: Int) -> String { String(iso(millis: Int64(number) * 86_400_000).prefix(10)) }

    /// `yyyy-MM-dd HH:mm` of an instant in a zone.
    public static func minute(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// ISO 8601 in UTC with milliseconds, for JSON.
    public static func iso(_ date: Date) -> String { iso(millis: date.millis) }

    /// ISO 8601 in UTC with milliseconds, computed directly: the outbox writes one per transfer,
    /// and a `DateFormatter` costs more than the transfer's other CPU work.
    public static func iso(millis: Int64) -> String {
        let (days, msOfDay) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, ms) = msOfDay < 0 ? (days - 1, msOfDay + 86_400_000) : (days, msOfDay)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let date = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        let time =
            "\(pad(ms / 3_600_000, 2)):\(pad(ms / 60_000 % 60, 2)):\(pad(ms / 1000 % 60, 2)).\(pad(ms % 1000, 3))"
        return date + "T" + time + "Z"
    }

    /// Parses a day or a time typed by a person: `2026-11-22`, `2026-11-22 09:30`, `2026-11-22T09:30:00`,
    /// or a full ISO 8601 instant with zone. Local forms are read in `zone`.
    /// - Throws: `JifenError` (usage) with the accepted forms.
    public static func parse(_ text: String, in zone: TimeZone, field: String = "date") throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: trimmed) { return date }
        iso.formatOptions = [.withInternetDateTime]
        if let date = iso.date(from: trimmed) { return date }
        let formats = [
            "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss",
            "yyyy/MM/dd", "yyyy/MM/dd HH:mm", "yyyy/M/d", "yyyy/M/d H:mm",
        ]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.isLenient = false
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed),
                formatter.string(from: date) == trimmed || format.contains("M/d")
            {
                return date
            }
        }
        throw JifenError.usage(
            .badDate,
            zh: "\(field)「\(text)」不是有效的日期或时间。请写成 2026-11-22 或 2026-11-22 09:30。",
            en: "The \(field) \"\(text)\" is not a valid date or time. Write it as 2026-11-22 or 2026-11-22 09:30.")
    }

    /// Parses a day and returns it normalised as `yyyy-MM-dd`.
    public static func day(_ text: String, in zone: TimeZone, field: String = "date") throws -> String {
        string(try parse(text, in: zone, field: field), in: zone)
    }
}
