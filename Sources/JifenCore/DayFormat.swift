import Foundation

/// Dates and times as people type and read them, in a given time zone; stored in UTC.
public enum DayFormat {
    /// `yyyy-MM-dd` of an instant in a zone.
    public static func string(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// `yyyy-MM-dd HH:mm` of an instant in a zone.
    public static func minute(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// ISO 8601 in UTC with milliseconds, for JSON.
    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
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
        let formats = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss",
                       "yyyy/MM/dd", "yyyy/MM/dd HH:mm", "yyyy/M/d", "yyyy/M/d H:mm"]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.isLenient = false
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed), formatter.string(from: date) == trimmed || format.contains("M/d") {
                return date
            }
        }
        throw JifenError.usage("bad-date",
                               zh: "\(field)「\(text)」不是有效的日期或时间。请写成 2026-11-22 或 2026-11-22 09:30。",
                               en: "The \(field) \"\(text)\" is not a valid date or time. Write it as 2026-11-22 or 2026-11-22 09:30.")
    }

    /// Parses a day and returns it normalised as `yyyy-MM-dd`.
    public static func day(_ text: String, in zone: TimeZone, field: String = "date") throws -> String {
        string(try parse(text, in: zone, field: field), in: zone)
    }
}
