import Foundation

/// The service rows read inside a transaction: teams, activities, participations, check-in
/// failures, service records, their versions and certificates. The rules are in `Service`.
public protocol ServiceRowReading {
    func team(_ id: String) throws -> Team?
    func teamExists(named name: String, community: String) throws -> Bool
    func activity(_ id: String) throws -> Activity?
    func participation(activity: String, volunteer: String) throws -> Participation?
    func participants(activity: String) throws -> [Participation]
    /// The volunteer's participations checked in and not checked out (nor left), oldest check-in first.
    func openParticipations(volunteer: String) throws -> [Participation]
    /// Wrong check-in codes given for an activity: by `volunteer` (for any of its codes), or, with
    /// nil, by anyone since its code was last set.
    func checkinFailures(activity: String, volunteer: String?) throws -> Int
    func record(_ id: String) throws -> ServiceRecord?
    func records(activity: String) throws -> [ServiceRecord]
    func record(importKey: String) throws -> ServiceRecord?
    /// The stored versions of a service record, oldest first.
    func recordVersions(record id: String) throws -> [RecordVersion]
    /// Records with their activity's, team's and volunteer's fields, by service day then id.
    func recordViews(
        activity: String?, volunteer: String?, pendingOnly: Bool, from: String?, to: String?
    ) throws -> [RecordView]
    /// Minutes of the volunteer's records on a day that are not rejected, except `excluding`.
    func minutesOnDay(volunteer: String, day: String, excluding: String?) throws -> Int64
    /// Minutes of records not rejected per volunteer and day, keyed `volunteer + "\u{1F}" + day`.
    func minutesByVolunteerDay(from: String, to: String) throws -> [String: Int64]
    /// The highest service record number so far.
    func lastRecordNumber() throws -> Int
    /// Whether any record was ever imported (if not, no row needs looking up by key).
    func hasImportKeys() throws -> Bool
    /// How many certificates have a number that starts with `numberPrefix`.
    func certificateCount(numberPrefix: String) throws -> Int
    func certificate(code: String) throws -> Certificate?
    /// A volunteer's most recently issued certificate, nil when none was.
    func latestCertificate(volunteer: String) throws -> Certificate?
}

/// The service rows written inside a write transaction.
public protocol ServiceRowWriting: ServiceRowReading {
    func insert(team: Team, actor: String, nowMillis: Int64) throws
    func nextActivityID() throws -> String
    func insert(activity: Activity, nowMillis: Int64) throws
    func setActivityStatus(
        _ id: String, _ status: ActivityStatus, reason: String, actor: String, nowMillis: Int64) throws
    func save(participation: Participation) throws
    /// Counts one wrong check-in code against the volunteer and the activity's current code.
    func insertCheckinFailure(activity: String, volunteer: String, atMillis: Int64) throws
    /// Gives the activity a new check-in code (the activity's count of wrong codes starts again).
    func setCheckinCode(activity: String, code: String, actor: String, nowMillis: Int64) throws
    func nextRecordID() throws -> String
    func insert(record: ServiceRecord) throws
    func update(record: ServiceRecord) throws
    func insert(version: RecordVersion) throws
    func insert(certificate: Certificate) throws
}

/// The service listings a front end reads outside a transaction, each one query.
public protocol ServiceQueries {
    func teams() throws -> [Team]
    /// Activities ordered by start, then id; `startingAfter`: ending after it; `endingBefore`: ended by it.
    func activities(team: String?, startingAfter: Int64?, endingBefore: Int64?) throws -> [Activity]
    /// The volunteer a service record belongs to, nil when there is no such record.
    func recordVolunteer(_ id: String) throws -> String?
    func serviceTotals(volunteer: String) throws -> ServiceTotals
}
