import Crypto
public import Foundation

/// A row of an hour sheet that could not be taken, and why.
public struct ImportProblem: Sendable, Equatable, Codable {
    public var line: Int
    public var reason: String
    public var reasonZh: String
}

public struct ImportResult: Sendable, Equatable {
    public var encoding: HourSheet.Encoding
    public var rows = 0
    public var written: [String] = []
    /// Rows already imported earlier (same activity, volunteer, day, minutes and note).
    public var alreadyImported = 0
    public var problems: [ImportProblem] = []
}

extension Service {
    /// Imports an hour sheet: validates every row first, and writes nothing unless every row is
    /// good (or `skipBad` writes the good ones). Rows imported before are recognised and skipped,
    /// so importing the same file twice writes nothing the second time.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - activity: the activity every row belongs to, unless the sheet has an activity column.
    ///   - progress: called with (rows done, rows in total) while writing.
    public func importSheet(
        _ data: Data, activity defaultActivity: String?, encoding: HourSheet.Encoding?, skipBad: Bool,
        actor: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ImportResult {
        let (bytes, used) = try HourSheet.utf8Bytes(data, encoding: encoding)
        var result = ImportResult(encoding: used)
        return try write { tx, rules, at in
            let lookup = tx
            var byID: [String: Volunteer] = [:]
            var byPhone: [String: [Volunteer]] = [:]
            var byName: [String: [Volunteer]] = [:]
            for v in try lookup.allVolunteers() {
                byID[v.id] = v
                byPhone[Self.digits(v.phone), default: []].append(v)
                byName[v.name, default: []].append(v)
            }
            var activities: [String: Activity] = [:]
            var activityDays: [String: String] = [:]
            var parsedDays: [String: String] = [:]
            var candidates: [Candidate] = []
            let today = DayFormat.string(Date(millis: at), in: rules.timeZone)
            var columns: [HourSheet.Column: Int] = [:]

            func problem(_ line: Int, _ zh: String, _ en: String) {
                result.problems.append(ImportProblem(line: line, reason: en, reasonZh: zh))
            }
            func activityFor(_ id: String, line: Int) throws -> Activity? {
                if let known = activities[id] { return known }
                guard let a = try tx.activity(id) else { problem(line, "找不到活动 \(id)", "no activity \(id)"); return nil }
                guard a.status != .cancelled else {
                    problem(line, "活动 \(id) 已取消", "activity \(id) was cancelled"); return nil
                }
                try requireOrganizer(
                    actor, team: a.team, action: Bilingual(zh: "导入服务时长", en: "import service hours"), in: tx)
                activities[id] = a
                return a
            }

            let header = try HourSheet.parse(bytes) { line in
                result.rows += 1
                if let trouble = line.problem { return problem(line.number, trouble.zh, trouble.en) }
                func field(_ c: HourSheet.Column) -> String? {
                    guard let i = columns[c], i < line.fields.count else { return nil }
                    let value = Self.trimmed(line.fields[i])
                    return value.isEmpty ? nil : value
                }
                // Activity
                guard let activityID = field(.activity) ?? defaultActivity else {
                    return problem(
                        line.number, "没有活动编号（加 --activity 或“活动编号”列）",
                        "no activity (give --activity or an activity column)")
                }
                guard let activity = try activityFor(activityID, line: line.number) else { return }
                let activityDay =
                    activityDays[activity.id]
                    ?? {
                        let day = DayFormat.string(Date(millis: activity.startMillis), in: rules.timeZone)
                        activityDays[activity.id] = day
                        return day
                    }()
                // Volunteer
                var volunteer: Volunteer?
                if let id = field(.volunteer) {
                    volunteer = byID[id]
                    if volunteer == nil { return problem(line.number, "找不到志愿者编号 \(id)", "no volunteer with id \(id)") }
                } else if let phone = field(.phone) {
                    let matches = byPhone[Self.digits(phone)] ?? []
                    let named = field(.name).map { name in matches.filter { $0.name == name } } ?? matches
                    guard named.count == 1 else {
                        return matches.isEmpty
                            ? problem(
                                line.number, "找不到手机号为 \(Masking.phone(phone)) 的志愿者",
                                "no volunteer with phone \(Masking.phone(phone))")
                            : problem(
                                line.number, "手机号 \(Masking.phone(phone)) 与姓名对不上",
                                "phone \(Masking.phone(phone)) does not match the name")
                    }
                    volunteer = named[0]
                } else if let name = field(.name) {
                    let matches = byName[name] ?? []
                    guard matches.count == 1 else {
                        return matches.isEmpty
                            ? problem(line.number, "找不到志愿者「\(name)」", "no volunteer named \(name)")
                            : problem(
                                line.number, "有 \(matches.count) 位志愿者叫「\(name)」，请加手机号列",
                                "\(matches.count) volunteers are named \(name); add a phone column")
                    }
                    volunteer = matches[0]
                }
                guard let volunteer else {
                    return problem(line.number, "没有姓名、手机或志愿者编号", "no name, phone or volunteer id")
                }
                guard volunteer.community == activity.community else {
                    return problem(
                        line.number, "\(volunteer.id) 不属于该活动的社区", "\(volunteer.id) is not in the activity's community")
                }
                // Time
                var minutes: Int64
                if let text = field(.minutes) {
                    guard let value = Int64(text), value > 0 else {
                        return problem(
                            line.number, "时长「\(text)」不是正整数分钟", "minutes \"\(text)\" is not a whole number above 0")
                    }
                    minutes = value
                } else if let text = field(.hours) {
                    guard let value = Double(text), value > 0, value < 100 else {
                        return problem(
                            line.number, "时长「\(text)」不是有效的小时数", "hours \"\(text)\" is not a valid number of hours")
                    }
                    minutes = Int64((value * 60).rounded())
                } else {
                    return problem(line.number, "没有时长", "no service time")
                }
                // Day
                var day = activityDay
                if let text = field(.date) {
                    guard let parsed = parsedDays[text] ?? (try? DayFormat.day(text, in: rules.timeZone)) else {
                        return problem(
                            line.number, "日期「\(text)」无效，应写成 2026-11-22",
                            "date \"\(text)\" is not valid; write it as 2026-11-22")
                    }
                    guard parsed <= today else {
                        return problem(line.number, "日期 \(parsed) 还没到", "date \(parsed) is in the future")
                    }
                    parsedDays[text] = parsed
                    day = parsed
                }
                let note = field(.note) ?? ""
                guard note.count <= 500 else {
                    return problem(line.number, "备注超过 500 字", "note longer than 500 characters")
                }
                candidates.append(
                    Candidate(
                        line: line.number, activity: activity.id, volunteer: volunteer.id, minutes: minutes, day: day,
                        note: note))
            } headerSeen: { header in
                for (index, name) in header.enumerated() {
                    if let column = HourSheet.Column.match(name), columns[column] == nil { columns[column] = index }
                }
                let hasPerson = columns[.name] != nil || columns[.phone] != nil || columns[.volunteer] != nil
                let hasTime = columns[.minutes] != nil || columns[.hours] != nil
                guard hasPerson, hasTime, columns[.activity] != nil || defaultActivity != nil else {
                    var missing: [String] = []
                    if !hasPerson { missing.append("姓名/手机/志愿者编号 (name/phone/volunteer)") }
                    if !hasTime { missing.append("时长(分钟)/时长 (minutes/hours)") }
                    if columns[.activity] == nil && defaultActivity == nil {
                        missing.append("活动编号 (activity) or --activity")
                    }
                    throw JifenError.usage(
                        .missingColumn,
                        zh: "表头缺少必需的列：\(missing.joined(separator: "、"))。现有表头：\(header.joined(separator: ","))",
                        en:
                            "The header lacks required columns: \(missing.joined(separator: ", ")). Found: \(header.joined(separator: ","))"
                    )
                }
            }
            _ = header
            // Second pass, writing as it goes: each row's key (the nth row of the same content has
            // its own key), rows imported before, and the daily cap against what the database
            // already holds. The transaction is all-or-nothing: when any row has a problem (and
            // `skipBad` is off) nothing more is written and the refusal rolls back what was.
            let checkKeys = try lookup.hasImportKeys()
            var dayMinutes: [VolunteerDay: Int64] = [:]
            if let first = candidates.lazy.map(\.day).min(), let last = candidates.lazy.map(\.day).max() {
                for (key, minutes) in try lookup.minutesByVolunteerDay(from: first, to: last) {
                    let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2 else { continue }
                    dayMinutes[VolunteerDay(volunteer: String(parts[0]), day: String(parts[1]))] = minutes
                }
            }
            let cap = Int64(rules.dailyCapHours) * 60
            var occurrences: [ContentHash: Int] = [:]
            // Sized once: growing a million-entry table step by step was a tenth of the profile.
            occurrences.reserveCapacity(candidates.count)
            dayMinutes.reserveCapacity(dayMinutes.count + candidates.count)
            var lateByDay: [String: Bool] = [:]
            var number = try lookup.lastRecordNumber()
            var content: [UInt8] = []
            content.reserveCapacity(256)
            result.written.reserveCapacity(candidates.count)
            for (index, c) in candidates.enumerated() {
                if index % 10_000 == 0 { progress(index, candidates.count) }
                let hash = ContentHash(
                    activity: c.activity, volunteer: c.volunteer, day: c.day, minutes: c.minutes, note: c.note,
                    buffer: &content)
                let occurrence = occurrences[hash, default: 0] + 1
                occurrences[hash] = occurrence
                let key = occurrence == 1 ? hash.hex : hash.hex + "#\(occurrence)"
                if checkKeys, try tx.record(importKey: key) != nil {
                    result.alreadyImported += 1
                    continue
                }
                let capKey = VolunteerDay(volunteer: c.volunteer, day: c.day)
                let before = dayMinutes[capKey] ?? 0
                guard before + c.minutes <= cap else {
                    problem(
                        c.line, "\(c.volunteer) 在 \(c.day) 共 \(before + c.minutes) 分钟，超过每日上限 \(rules.dailyCapHours) 小时",
                        "\(c.volunteer) would have \(before + c.minutes) min on \(c.day), over the daily cap of \(rules.dailyCapHours) h"
                    )
                    continue
                }
                dayMinutes[capKey] = before + c.minutes
                let late = lateByDay[c.day] ?? WorkingDays.isLate(activityDay: c.day, enteredDay: today)
                lateByDay[c.day] = late
                guard skipBad || result.problems.isEmpty else { continue }
                number += 1
                let record = ServiceRecord(
                    id: Self.recordID(number), activity: c.activity, volunteer: c.volunteer, minutes: c.minutes,
                    serviceDay: c.day, source: .import, status: .pending, note: c.note, recorder: actor,
                    enteredAtMillis: at, late: late, importKey: key)
                try tx.insert(record: record)
                result.written.append(record.id)
            }
            result.problems.sort { $0.line < $1.line }
            if !result.problems.isEmpty && !skipBad {
                // Thrown out of the transaction: whatever was written is rolled back.
                result.written = []
                throw ImportRefusal(result: result)
            }
            progress(candidates.count, candidates.count)
            return result
        }
    }

    public static func recordID(_ number: Int) -> String {
        guard number >= 0, number <= 9_999_999 else {
            let digits = String(number)
            return "H" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
        }
        // H and 7 digits, written in place: a small string, no allocation (a million per import).
        return String(unsafeUninitializedCapacity: 8) { buffer in
            buffer[0] = 0x48
            var rest = number
            for i in stride(from: 7, through: 1, by: -1) {
                buffer[i] = 0x30 + UInt8(rest % 10)
                rest /= 10
            }
            return 8
        }
    }

    static func digits(_ phone: String) -> String { phone.filter { $0.isASCII && $0.isNumber } }

    /// Spaces and tabs trimmed without Foundation: this runs for every field of a million-row sheet.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A row after the first pass: resolved, not yet checked against the database.
    struct Candidate {
        var line: Int
        var activity: String
        var volunteer: String
        var minutes: Int64
        var day: String
        var note: String
    }

    /// A volunteer's day, for the daily cap.
    struct VolunteerDay: Hashable {
        var volunteer: String
        var day: String
    }

    /// The first 128 bits of SHA-256 of a row's content: its import key, and a cheap dictionary key.
    struct ContentHash: Hashable {
        var high: UInt64
        var low: UInt64

        init(_ content: String) {
            var bytes = Array(content.utf8)
            self.init(hashing: &bytes)
        }

        /// The hash of `activity␟volunteer␟day␟minutes␟note` (␟ is U+001F), the same bytes as
        /// `init(_:)` of that text, built in `buffer` (reused from row to row) instead of a new string.
        init(activity: String, volunteer: String, day: String, minutes: Int64, note: String, buffer: inout [UInt8]) {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: activity.utf8)
            buffer.append(0x1F)
            buffer.append(contentsOf: volunteer.utf8)
            buffer.append(0x1F)
            buffer.append(contentsOf: day.utf8)
            buffer.append(0x1F)
            if minutes >= 0 {
                var digits:
                    (
                        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
                    ) =
                        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                var count = 0
                var rest = minutes
                withUnsafeMutableBytes(of: &digits) { raw in
                    repeat {
                        raw[count] = 0x30 + UInt8(rest % 10)
                        rest /= 10
                        count += 1
                    } while rest > 0
                    for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[i]) }
                }
            } else {
                buffer.append(contentsOf: String(minutes).utf8)
            }
            buffer.append(0x1F)
            buffer.append(contentsOf: note.utf8)
            self.init(hashing: &buffer)
        }

        private init(hashing bytes: inout [UInt8]) {
            let digest = SHA256.hash(data: bytes)
            var high: UInt64 = 0, low: UInt64 = 0
            digest.withUnsafeBytes { raw in
                for i in 0..<8 { high = high << 8 | UInt64(raw[i]) }
                for i in 8..<16 { low = low << 8 | UInt64(raw[i]) }
            }
            self.high = high
            self.low = low
        }

        /// 32 lowercase hex digits, written in place (one allocation).
        var hex: String {
            String(unsafeUninitializedCapacity: 32) { buffer in
                let digits: StaticString = "0123456789abcdef"
                digits.withUTF8Buffer { table in
                    for i in 0..<16 {
                        buffer[i] = table[Int((high >> UInt64(60 - 4 * i)) & 0xF)]
                        buffer[16 + i] = table[Int((low >> UInt64(60 - 4 * i)) & 0xF)]
                    }
                }
                return 32
            }
        }
    }
}

/// The sheet had bad rows and nothing was written: every problem, with its line.
public struct ImportRefusal: Error, Sendable {
    public var result: ImportResult
}
