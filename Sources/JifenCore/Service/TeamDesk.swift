public import Foundation

/// The organizer's desk: her teams' activities from today on, and every activity of her teams with
/// hours waiting, each with its counts (signed up, checked in, checked out) and its waiting records.
/// An admin's desk holds every team's. Who sees which team is decided here, not by a page.
public struct TeamDesk: Codable, Sendable, Equatable {
    /// The teams the desk covers, by id.
    public var teams: [Team]
    /// True for an admin: every team, present and future.
    public var everyTeam: Bool
    /// By start, then id.
    public var activities: [DeskActivity]
}

public struct DeskActivity: Codable, Sendable, Equatable {
    /// The activity (its check-in code blanked: the poster asks for it on its own).
    public var activity: Activity
    public var teamName: String
    /// Signed up and not left; of them, checked in; and checked out.
    public var signedUp: Int
    public var checkedIn: Int
    public var checkedOut: Int
    /// Its records waiting for an organizer (pending, or flagged for review), by day then id.
    public var waiting: [RecordView]
    /// The records "approve all of this activity" approves: the pending ones. A record flagged for
    /// review (`RecordStatus.review`) is looked at and approved on its own.
    public var approveAll: [String]
}

extension Service {
    /// Whether "approve all of an activity" takes this record: pending, not flagged for review.
    public static func approvedWithItsActivity(_ record: ServiceRecord) -> Bool { record.status == .pending }
}

extension TeamDesk {
    /// The desk of `reader` as of `nowMillis` (activities from the start of that day in `zone`).
    /// - Throws: forbidden for anyone but an admin or an organizer.
    public static func make(
        actor: String, reader: Reader, nowMillis: Int64, zone: TimeZone, in store: any Store
    ) throws -> TeamDesk {
        let teamIDs: [String]?
        switch reader {
        case .admin: teamIDs = nil
        case .organizer(let teams): teamIDs = teams
        case .officeAdmin(let communities):
            teamIDs = try store.teams().filter { communities.contains($0.community) }.map(\.id)
        case .volunteer, .nobody:
            throw JifenError.forbidden(
                actor: actor, action: Bilingual(zh: "查看服务队的活动与待审核时长", en: "see a team's activities and waiting hours"))
        }
        let teams = try store.teams().filter { teamIDs?.contains($0.id) ?? true }.sorted { $0.id < $1.id }
        let names = Dictionary(teams.map { ($0.id, $0.name) }) { first, _ in first }
        let today = DayFormat.string(Date(millis: nowMillis), in: zone)
        let startOfToday = try DayFormat.startMillis(of: today, in: zone)
        var current: [Activity] = []
        for team in teamIDs.map({ $0.map(Optional.some) }) ?? [nil] {
            current += try store.activities(team: team, startingAfter: startOfToday, endingBefore: nil)
        }
        return try store.read { tx in
            let waiting = try tx.recordViews(activity: nil, volunteer: nil, pendingOnly: true, from: nil, to: nil)
                .filter { names[$0.team] != nil }
            var activities = Dictionary(current.map { ($0.id, $0) }) { first, _ in first }
            for id in Set(waiting.map(\.record.activity)) where activities[id] == nil {
                if let activity = try tx.activity(id) { activities[id] = activity }
            }
            let byActivity = Dictionary(grouping: waiting, by: \.record.activity)
            let rows = try activities.values.sorted { ($0.startMillis, $0.id) < ($1.startMillis, $1.id) }.map {
                activity in
                let people = try tx.participants(activity: activity.id).filter { !$0.left }
                var shown = activity
                shown.checkinCode = ""
                let records = byActivity[activity.id] ?? []
                return DeskActivity(
                    activity: shown, teamName: names[activity.team] ?? activity.team, signedUp: people.count,
                    checkedIn: people.filter { $0.checkinMillis != nil }.count,
                    checkedOut: people.filter { $0.checkoutMillis != nil }.count, waiting: records,
                    approveAll: records.filter { Service.approvedWithItsActivity($0.record) }.map(\.record.id))
            }
            return TeamDesk(teams: teams, everyTeam: teamIDs == nil, activities: rows)
        }
    }
}
