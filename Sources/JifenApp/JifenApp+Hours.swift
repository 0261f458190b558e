public import Foundation
public import JifenCore

/// Service records: entering, listing, approving, rejecting, disputing, correcting, their
/// history, and importing hour sheets. Who may read which records is decided here.
extension JifenApp {
    /// What `hours add` asks for; `date` as typed, a calendar day in the app's zone.
    public struct AddHoursInput: Codable, Sendable {
        public var activity: String, volunteer: String
        public var minutes: Int64
        public var date: String?
        public var note: String
        public init(activity: String, volunteer: String, minutes: Int64, date: String? = nil, note: String = "") {
            self.activity = activity; self.volunteer = volunteer; self.minutes = minutes; self.date = date;
            self.note = note
        }
    }

    /// Enters service time by hand (pending approval).
    public func addHours(_ principal: Principal, _ input: AddHoursInput) throws -> ServiceRecord {
        let day = try input.date.map { try DayFormat.day($0, in: zone, field: "--date") }
        return try service(principal).addHours(
            input.activity, volunteer: input.volunteer, minutes: input.minutes, day: day, note: input.note,
            actor: principal.id)
    }

    /// Which records `hours list` shows.
    public struct RecordQuery: Codable, Sendable {
        public var pending: Bool
        public var activity: String?
        public var volunteer: String?
        public init(pending: Bool = false, activity: String? = nil, volunteer: String? = nil) {
            self.pending = pending; self.activity = activity; self.volunteer = volunteer
        }
    }

    /// Lists service records: an admin or organizer sees what they ask for, a volunteer only their own.
    /// - Throws: forbidden for a volunteer asking for another's records, or for someone who is nobody here.
    /// An office admin lists the records of the teams below its offices, or one volunteer's below them.
    public func listRecords(_ principal: Principal, _ query: RecordQuery) throws -> [RecordView] {
        if !principal.isOwner, query.volunteer == nil,
            case .officeAdmin = try Permissions.reader(principal.id, role: principal.role, in: store)
        {
            let teams = try Permissions.recordTeams(actor: principal.id, role: principal.role, in: store) ?? []
            return try service.records(
                activity: query.activity, volunteer: nil, pendingOnly: query.pending, from: nil, to: nil
            ).filter { teams.contains($0.team) }
        }
        let who = try recordFilter(principal, requested: query.volunteer)
        return try service.records(
            activity: query.activity, volunteer: who, pendingOnly: query.pending, from: nil, to: nil)
    }

    /// One volunteer's service records (`jifen records V0001`).
    /// - Throws: forbidden as `listRecords`; unknown when there is no such volunteer.
    public func volunteerRecords(_ principal: Principal, _ volunteer: String) throws -> [RecordView] {
        let who = try recordFilter(principal, requested: volunteer)
        _ = try registry.volunteer(volunteer)
        return try service.records(activity: nil, volunteer: who, pendingOnly: false, from: nil, to: nil)
    }

    /// Whose records `principal` may list: the database's owner (local, without `--as`) reads
    /// everything; anyone else by `Permissions.recordFilter`, limited by the credential's role.
    /// - Returns: the volunteer filter to apply (nil: everyone's).
    func recordFilter(_ principal: Principal, requested: String?) throws -> String? {
        if principal.isOwner { return requested }
        return try Permissions.recordFilter(actor: principal.id, role: principal.role, requested: requested, in: store)
    }

    /// Which records to approve: ids, or every pending record of an activity.
    public enum ApproveInput: Sendable {
        case records([String])
        case activity(String)
    }

    /// Approves records: each earns its points once.
    public func approveRecords(_ principal: Principal, _ input: ApproveInput) throws -> [ServiceRecord] {
        switch input {
        case .records(let ids): try service(principal).approve(ids, actor: principal.id)
        case .activity(let id): try service(principal).approve(activity: id, actor: principal.id)
        }
    }

    /// A record and why (reject, dispute).
    public struct RecordReasonInput: Codable, Sendable {
        public var record: String, reason: String
        public init(record: String, reason: String) { self.record = record; self.reason = reason }
    }

    /// Rejects a pending record.
    public func rejectRecord(_ principal: Principal, _ input: RecordReasonInput) throws -> ServiceRecord {
        try service(principal).reject(input.record, reason: input.reason, actor: principal.id)
    }

    /// Asks for a correction of one's own record.
    public func disputeRecord(_ principal: Principal, _ input: RecordReasonInput) throws -> ServiceRecord {
        try service(principal).dispute(input.record, reason: input.reason, actor: principal.id)
    }

    public struct CorrectRecordInput: Codable, Sendable {
        public var record: String, minutes: Int64, reason: String
        public init(record: String, minutes: Int64, reason: String) {
            self.record = record; self.minutes = minutes; self.reason = reason
        }
    }

    /// Corrects a record's minutes; earned points are reversed and earned again.
    public func correctRecord(_ principal: Principal, _ input: CorrectRecordInput) throws -> ServiceRecord {
        try service(principal).correct(input.record, minutes: input.minutes, reason: input.reason, actor: principal.id)
    }

    /// Every version of a record, for its volunteer, an admin or an organizer.
    public func recordHistory(_ principal: Principal, _ record: String) throws -> [RecordVersion] {
        if !principal.isOwner {
            try Permissions.requireRecordReader(actor: principal.id, role: principal.role, record: record, in: store)
        }
        let versions = try service.recordHistory(record)
        if versions.isEmpty { throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), record) }
        return versions
    }

    /// An hour sheet to import: the file's bytes, as uploaded or read.
    public struct ImportHoursInput: Sendable {
        public var data: Data
        /// The activity of every row, unless the sheet has an activity column.
        public var activity: String?
        /// Forced encoding; nil detects UTF-8 or GBK.
        public var encoding: HourSheet.Encoding?
        /// Write the good rows and list the bad ones, instead of writing nothing.
        public var skipBad: Bool
        /// Called with (rows done, rows in total) while writing.
        public var progress: (@Sendable (Int, Int) -> Void)?
        public init(
            data: Data, activity: String? = nil, encoding: HourSheet.Encoding? = nil, skipBad: Bool = false,
            progress: (@Sendable (Int, Int) -> Void)? = nil
        ) {
            self.data = data; self.activity = activity; self.encoding = encoding; self.skipBad = skipBad;
            self.progress = progress
        }

        /// The sheet in a local file.
        /// - Throws: usage (`no-file`) when it cannot be read.
        public init(
            file: String, activity: String? = nil, encoding: HourSheet.Encoding? = nil, skipBad: Bool = false,
            progress: (@Sendable (Int, Int) -> Void)? = nil
        ) throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw JifenError.usage(
                    .noFile, zh: "读不到文件 \(file)，请检查路径。", en: "Cannot read the file \(file); check the path.")
            }
            self.init(data: data, activity: activity, encoding: encoding, skipBad: skipBad, progress: progress)
        }
    }

    /// What an import did (or, refused, what it found).
    public struct ImportOutcome: Codable, Sendable, Equatable {
        public var encoding: String
        public var rows: Int
        /// The records written.
        public var written: [String]
        public var alreadyImported: Int
        public var problems: [ImportProblem]

        init(_ r: ImportResult) {
            encoding = r.encoding.rawValue; rows = r.rows; written = r.written; alreadyImported = r.alreadyImported;
            problems = r.problems
        }
    }

    /// An import refused because rows have problems: nothing was written.
    public struct ImportRejected: Error, Sendable {
        /// The documented usage error (`bad-rows`).
        public var error: JifenError
        public var outcome: ImportOutcome
        public init(error: JifenError, outcome: ImportOutcome) { self.error = error; self.outcome = outcome }
    }

    /// Imports an hour sheet: all rows or none (unless `skipBad`), each row once.
    /// - Throws: `ImportRejected` when rows have problems and `skipBad` is off; `JifenError` otherwise.
    public func importHours(_ principal: Principal, _ input: ImportHoursInput) throws -> ImportOutcome {
        do {
            let result = try service(principal).importSheet(
                input.data, activity: input.activity, encoding: input.encoding, skipBad: input.skipBad,
                actor: principal.id
            ) { done, total in input.progress?(done, total) }
            return ImportOutcome(result)
        } catch let refusal as ImportRefusal {
            let count = refusal.result.problems.count
            let error = JifenError.usage(
                .badRows, zh: "有 \(count) 行有问题，整份文件未导入。请改正后重试，或加 --skip-bad 只导入无误的行。",
                en:
                    "\(count) rows have problems, so nothing was imported. Fix them and retry, or add --skip-bad to import the good rows only."
            )
            throw ImportRejected(error: error, outcome: ImportOutcome(refusal.result))
        }
    }
}
