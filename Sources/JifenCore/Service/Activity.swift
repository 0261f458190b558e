import Foundation

public enum ActivityStatus: String, Codable, Sendable {
    case open, cancelled, closed
}

/// A volunteer activity posted by a team: the source of service records.
public struct Activity: Codable, Sendable, Equatable {
    public var id: String
    public var community: String
    public var team: String
    public var title: String
    public var place: String
    public var content: String
    public var category: String
    public var startMillis: Int64
    public var endMillis: Int64
    /// nil: no limit.
    public var capacity: Int?
    /// Points per hour for this activity, overriding the rules; nil: the rules' rate.
    public var rate: Int64?
    public var status: ActivityStatus
    public var checkinCode: String
    public var createdBy: String

    public init(
        id: String = "", community: String = "", team: String, title: String, place: String = "", content: String = "",
        category: String = "", startMillis: Int64, endMillis: Int64, capacity: Int? = nil, rate: Int64? = nil,
        status: ActivityStatus = .open, checkinCode: String = "", createdBy: String = ""
    ) {
        self.id = id; self.community = community; self.team = team; self.title = title; self.place = place
        self.content = content; self.category = category; self.startMillis = startMillis; self.endMillis = endMillis
        self.capacity = capacity; self.rate = rate; self.status = status; self.checkinCode = checkinCode;
        self.createdBy = createdBy
    }

    public var plannedMinutes: Int64 { (endMillis - startMillis) / 60_000 }
}

/// A volunteer's part in an activity: joined, checked in, checked out.
public struct Participation: Codable, Sendable, Equatable {
    public var activity: String
    public var volunteer: String
    public var joinedAtMillis: Int64
    public var left: Bool
    public var checkinMillis: Int64?
    public var checkoutMillis: Int64?
    /// The organizer who gave the check-in's time (a correction); nil: stamped by the server's clock.
    public var checkinCorrectedBy: String?
    /// The organizer who gave the check-out's time (a correction); nil: stamped by the server's clock.
    public var checkoutCorrectedBy: String?

    public init(
        activity: String, volunteer: String, joinedAtMillis: Int64, left: Bool = false,
        checkinMillis: Int64? = nil, checkoutMillis: Int64? = nil, checkinCorrectedBy: String? = nil,
        checkoutCorrectedBy: String? = nil
    ) {
        self.activity = activity; self.volunteer = volunteer; self.joinedAtMillis = joinedAtMillis; self.left = left
        self.checkinMillis = checkinMillis; self.checkoutMillis = checkoutMillis
        self.checkinCorrectedBy = checkinCorrectedBy; self.checkoutCorrectedBy = checkoutCorrectedBy
    }
}

public enum RecordStatus: String, Codable, Sendable {
    /// Entered, waiting for an organizer.
    case pending
    /// Flagged by a rule (span too short or too long): an organizer must look at it.
    case review
    case approved
    case rejected
}

public enum RecordSource: String, Codable, Sendable {
    case checkin, manual, `import`
}

/// A service record (志愿服务记录): the fields of the 2020 national rules come from the record,
/// its activity and the activity's team.
public struct ServiceRecord: Codable, Sendable, Equatable {
    public var id: String
    public var activity: String
    public var volunteer: String
    public var minutes: Int64
    /// The day served, `yyyy-MM-dd` in the community's zone.
    public var serviceDay: String
    public var source: RecordSource
    public var status: RecordStatus
    /// Why a rule flagged it, or why it was rejected or disputed.
    public var reason: String
    public var note: String
    public var recorder: String
    public var enteredAtMillis: Int64
    /// Entered more than 10 working days after the activity.
    public var late: Bool
    public var points: Int64
    public var transfer: Int64?
    public var disputed: Bool
    public var version: Int
    public var importKey: String?

    public init(
        id: String = "", activity: String, volunteer: String, minutes: Int64, serviceDay: String, source: RecordSource,
        status: RecordStatus, reason: String = "", note: String = "", recorder: String, enteredAtMillis: Int64,
        late: Bool = false, points: Int64 = 0, transfer: Int64? = nil, disputed: Bool = false, version: Int = 1,
        importKey: String? = nil
    ) {
        self.id = id; self.activity = activity; self.volunteer = volunteer; self.minutes = minutes;
        self.serviceDay = serviceDay
        self.source = source; self.status = status; self.reason = reason; self.note = note; self.recorder = recorder
        self.enteredAtMillis = enteredAtMillis; self.late = late; self.points = points; self.transfer = transfer
        self.disputed = disputed; self.version = version; self.importKey = importKey
    }
}

/// One version of a record, kept forever: what changed, by whom, when, why.
public struct RecordVersion: Codable, Sendable, Equatable {
    public var record: String
    public var version: Int
    public var minutes: Int64
    public var status: RecordStatus
    public var points: Int64
    public var actor: String
    public var atMillis: Int64
    public var action: String
    public var reason: String

    public init(
        record: String, version: Int, minutes: Int64, status: RecordStatus, points: Int64, actor: String,
        atMillis: Int64, action: String, reason: String
    ) {
        self.record = record; self.version = version; self.minutes = minutes; self.status = status; self.points = points
        self.actor = actor; self.atMillis = atMillis; self.action = action; self.reason = reason
    }
}

/// The 10-working-day rule of the 2020 national rules. Working days are Monday to Friday;
/// public holidays and make-up working days are not modelled (stated in the README).
public enum WorkingDays {
    /// Working days strictly after `from` up to and including `to` (both `yyyy-MM-dd`).
    public static func between(_ from: String, _ to: String) -> Int {
        guard let start = day(from), let end = day(to), end > start else { return 0 }
        var count = 0
        var current = start + 1
        while current <= end {
            // 1970-01-01 (day 0) was a Thursday.
            let weekday = ((current % 7) + 7 + 3) % 7  // 0 = Monday … 6 = Sunday
            if weekday < 5 { count += 1 }
            current += 1
        }
        return count
    }

    public static func isLate(activityDay: String, enteredDay: String) -> Bool { between(activityDay, enteredDay) > 10 }

    /// Days since 1970-01-01 of a `yyyy-MM-dd` string.
    static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let (y0, m, d) = (parts[0], parts[1], parts[2])
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
