import Crypto
import Foundation

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
    public func importSheet(_ data: Data, activity defaultActivity: String?, encoding: HourSheet.Encoding?, skipBad: Bool,
                            actor: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> ImportResult {
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
            var good: [ServiceRecord] = []
            let today = DayFormat.string(Date(millis: at), in: rules.timeZone)
            var columns: [HourSheet.Column: Int] = [:]

            func problem(_ line: Int, _ zh: String, _ en: String) {
                result.problems.append(ImportProblem(line: line, reason: en, reasonZh: zh))
            }
            func activityFor(_ id: String, line: Int) throws -> Activity? {
                if let known = activities[id] { return known }
                guard let a = try tx.activity(id) else { problem(line, "找不到活动 \(id)", "no activity \(id)"); return nil }
                guard a.status != .cancelled else { problem(line, "活动 \(id) 已取消", "activity \(id) was cancelled"); return nil }
                try Self.requireOrganizer(actor, team: a.team, action: Bilingual(zh: "导入服务时长", en: "import service hours"), in: tx)
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
                    return problem(line.number, "没有活动编号（加 --activity 或“活动编号”列）", "no activity (give --activity or an activity column)")
                }
                guard let activity = try activityFor(activityID, line: line.number) else { return }
                let activityDay = activityDays[activity.id] ?? {
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
                        return matches.isEmpty ? problem(line.number, "找不到手机号为 \(Masking.phone(phone)) 的志愿者", "no volunteer with phone \(Masking.phone(phone))")
                            : problem(line.number, "手机号 \(Masking.phone(phone)) 与姓名对不上", "phone \(Masking.phone(phone)) does not match the name")
                    }
                    volunteer = named[0]
                } else if let name = field(.name) {
                    let matches = byName[name] ?? []
                    guard matches.count == 1 else {
                        return matches.isEmpty ? problem(line.number, "找不到志愿者「\(name)」", "no volunteer named \(name)")
                            : problem(line.number, "有 \(matches.count) 位志愿者叫「\(name)」，请加手机号列", "\(matches.count) volunteers are named \(name); add a phone column")
                    }
                    volunteer = matches[0]
                }
                guard let volunteer else { return problem(line.number, "没有姓名、手机或志愿者编号", "no name, phone or volunteer id") }
                guard volunteer.community == activity.community else {
                    return problem(line.number, "\(volunteer.id) 不属于该活动的社区", "\(volunteer.id) is not in the activity's community")
                }
                // Time
                var minutes: Int64
                if let text = field(.minutes) {
                    guard let value = Int64(text), value > 0 else { return problem(line.number, "时长「\(text)」不是正整数分钟", "minutes \"\(text)\" is not a whole number above 0") }
                    minutes = value
                } else if let text = field(.hours) {
                    guard let value = Double(text), value > 0, value < 100 else { return problem(line.number, "时长「\(text)」不是有效的小时数", "hours \"\(text)\" is not a valid number of hours") }
                    minutes = Int64((value * 60).rounded())
                } else {
                    return problem(line.number, "没有时长", "no service time")
                }
                // Day
                var day = activityDay
                if let text = field(.date) {
                    guard let parsed = parsedDays[text] ?? (try? DayFormat.day(text, in: rules.timeZone)) else {
                        return problem(line.number, "日期「\(text)」无效，应写成 2026-11-22", "date \"\(text)\" is not valid; write it as 2026-11-22")
                    }
                    guard parsed <= today else { return problem(line.number, "日期 \(parsed) 还没到", "date \(parsed) is in the future") }
                    parsedDays[text] = parsed
                    day = parsed
                }
                let note = field(.note) ?? ""
                guard note.count <= 500 else { return problem(line.number, "备注超过 500 字", "note longer than 500 characters") }
                candidates.append(Candidate(line: line.number, activity: activity.id, volunteer: volunteer.id, minutes: minutes, day: day, note: note))
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
                    if columns[.activity] == nil && defaultActivity == nil { missing.append("活动编号 (activity) or --activity") }
                    throw JifenError.usage(.missingColumn, zh: "表头缺少必需的列：\(missing.joined(separator: "、"))。现有表头：\(header.joined(separator: ","))",
                                           en: "The header lacks required columns: \(missing.joined(separator: ", ")). Found: \(header.joined(separator: ","))")
                }
            }
            _ = header
            // Second pass: each row's key (the nth row of the same content has its own key), rows
            // imported before, and the daily cap against what the database already holds.
            let checkKeys = try lookup.hasImportKeys()
            let days = candidates.map(\.day)
            var dayMinutes = try days.min().map { try lookup.minutesByVolunteerDay(from: $0, to: days.max()!) } ?? [:]
            var occurrences: [ContentHash: Int] = [:]
            var lateByDay: [String: Bool] = [:]
            for c in candidates {
                let content = ContentHash("\(c.activity)\u{1F}\(c.volunteer)\u{1F}\(c.day)\u{1F}\(c.minutes)\u{1F}\(c.note)")
                let occurrence = occurrences[content, default: 0] + 1
                occurrences[content] = occurrence
                let key = occurrence == 1 ? content.hex : content.hex + "#\(occurrence)"
                if checkKeys, try tx.record(importKey: key) != nil {
                    result.alreadyImported += 1
                    continue
                }
                let capKey = c.volunteer + "\u{1F}" + c.day
                let before = dayMinutes[capKey] ?? 0
                guard before + c.minutes <= Int64(rules.dailyCapHours) * 60 else {
                    problem(c.line, "\(c.volunteer) 在 \(c.day) 共 \(before + c.minutes) 分钟，超过每日上限 \(rules.dailyCapHours) 小时",
                            "\(c.volunteer) would have \(before + c.minutes) min on \(c.day), over the daily cap of \(rules.dailyCapHours) h")
                    continue
                }
                dayMinutes[capKey] = before + c.minutes
                let late = lateByDay[c.day] ?? WorkingDays.isLate(activityDay: c.day, enteredDay: today)
                lateByDay[c.day] = late
                good.append(ServiceRecord(activity: c.activity, volunteer: c.volunteer, minutes: c.minutes, serviceDay: c.day, source: .import,
                                          status: .pending, note: c.note, recorder: actor, enteredAtMillis: at, late: late, importKey: key))
            }
            result.problems.sort { $0.line < $1.line }
            if !result.problems.isEmpty && !skipBad {
                throw ImportRefusal(result: result)
            }
            var number = try lookup.lastRecordNumber()
            for (index, var record) in good.enumerated() {
                number += 1
                record.id = Self.recordID(number)
                try tx.insert(record: record)
                if index % 10_000 == 0 { progress(index, good.count) }
                result.written.append(record.id)
            }
            progress(good.count, good.count)
            return result
        }
    }

    public static func recordID(_ number: Int) -> String {
        let digits = String(number)
        return "H" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    static func digits(_ phone: String) -> String { phone.filter { $0.isASCII && $0.isNumber } }

    /// Spaces and tabs trimmed without Foundation: this runs for every field of a million-row sheet.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return text }
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

    /// The first 128 bits of SHA-256 of a row's content: its import key, and a cheap dictionary key.
    struct ContentHash: Hashable {
        var high: UInt64
        var low: UInt64

        init(_ content: String) {
            let digest = Array(SHA256.hash(data: Data(content.utf8)))
            high = digest[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            low = digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }

        var hex: String {
            let h = String(high, radix: 16), l = String(low, radix: 16)
            return String(repeating: "0", count: 16 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
        }
    }
}

/// The sheet had bad rows and nothing was written: every problem, with its line.
public struct ImportRefusal: Error, Sendable {
    public var result: ImportResult
}
