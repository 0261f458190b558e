import Foundation
public import JifenCore

/// Activities: posting, listing, showing, cancelling, closing, signing up, checking in and out.
extension JifenApp {
    /// An activity as a reader may see it: its check-in code only for an admin or an organizer
    /// of its team (and for whoever just posted it); otherwise `checkinCode` is nil and the
    /// activity's own code is blanked, so no front end can show it by mistake.
    public struct ActivityView: Codable, Sendable, Equatable {
        public var activity: Activity
        public var checkinCode: String?

        init(_ activity: Activity, showCode: Bool) {
            var shown = activity
            if !showCode { shown.checkinCode = "" }
            self.activity = shown
            checkinCode = showCode ? activity.checkinCode : nil
        }
    }

    /// What `activity post` asks for; times as typed ("2026-11-22 09:00"), read in the app's zone.
    public struct PostActivityInput: Codable, Sendable {
        public var team: String, title: String, start: String, end: String
        public var place: String, content: String, category: String
        public var capacity: Int?, rate: Int64?
        public init(
            team: String, title: String, start: String, end: String, place: String = "", content: String = "",
            category: String = "",
            capacity: Int? = nil, rate: Int64? = nil
        ) {
            self.team = team; self.title = title; self.start = start; self.end = end; self.place = place;
            self.content = content
            self.category = category; self.capacity = capacity; self.rate = rate
        }
    }

    /// Posts an activity (an organizer of the team); the poster sees its check-in code.
    public func postActivity(_ principal: Principal, _ input: PostActivityInput) throws -> ActivityView {
        let request = ActivityRequest(
            team: input.team, title: input.title, start: try date(input.start, "--start"),
            end: try date(input.end, "--end"),
            place: input.place, content: input.content, category: input.category, capacity: input.capacity,
            rate: input.rate)
        return ActivityView(try service(principal).post(request, actor: principal.id), showCode: true)
    }

    /// Which activities `activity list` shows.
    public struct ActivityQuery: Codable, Sendable {
        /// Only those not yet ended / already ended, as of the app's clock.
        public var upcoming: Bool, past: Bool
        public var team: String?
        public init(upcoming: Bool = false, past: Bool = false, team: String? = nil) {
            self.upcoming = upcoming; self.past = past; self.team = team
        }
    }

    /// Lists activities; no check-in code is shown in a list.
    public func listActivities(_ principal: Principal, _ query: ActivityQuery) throws -> [ActivityView] {
        let now = nowMillis
        return try store.activities(
            team: query.team, startingAfter: query.upcoming ? now : nil, endingBefore: query.past ? now : nil
        )
        .map { ActivityView($0, showCode: false) }
    }

    public struct ActivityDetail: Codable, Sendable, Equatable {
        public var activity: ActivityView
        public var participants: [Participation]
    }

    /// One activity with who signed up and who checked in; the code only for its checkers.
    public func showActivity(_ principal: Principal, _ id: String) throws -> ActivityDetail {
        let (a, people) = try service.activity(id)
        let organizer =
            try principal.isOwner
            || Permissions.reader(principal.id, role: principal.role, in: store).seesCheckinCode(team: a.team)
        return ActivityDetail(activity: ActivityView(a, showCode: organizer), participants: people)
    }

    /// Gives an open activity a new check-in code (an organizer of its team, or an admin): the old
    /// code stops working and the activity's count of wrong codes starts again. The new code is shown.
    public func rotateCheckinCode(_ principal: Principal, _ id: String) throws -> ActivityView {
        ActivityView(try service(principal).rotateCode(id, actor: principal.id), showCode: true)
    }

    public struct CancelActivityInput: Codable, Sendable {
        public var id: String, reason: String
        public init(id: String, reason: String) { self.id = id; self.reason = reason }
    }

    /// Cancels an activity that has no records yet.
    public func cancelActivity(_ principal: Principal, _ input: CancelActivityInput) throws -> ActivityView {
        ActivityView(
            try service(principal).cancel(input.id, reason: input.reason, actor: principal.id), showCode: false)
    }

    /// Closes an activity: no more check-ins.
    public func closeActivity(_ principal: Principal, _ id: String) throws -> ActivityView {
        ActivityView(try service(principal).close(id, actor: principal.id), showCode: false)
    }

    /// A volunteer and an activity.
    public struct MembershipInput: Codable, Sendable {
        public var activity: String, volunteer: String
        public init(activity: String, volunteer: String) { self.activity = activity; self.volunteer = volunteer }
    }

    /// A sign-up after a change: `joined` or `left`.
    public struct Membership: Codable, Sendable, Equatable {
        public var activity: String, volunteer: String, status: String
    }

    /// Signs a volunteer up (themself, or by an organizer).
    public func joinActivity(_ principal: Principal, _ input: MembershipInput) throws -> Membership {
        _ = try service(principal).join(input.activity, volunteer: input.volunteer, actor: principal.id)
        return Membership(activity: input.activity, volunteer: input.volunteer, status: "joined")
    }

    /// Withdraws a sign-up.
    public func leaveActivity(_ principal: Principal, _ input: MembershipInput) throws -> Membership {
        try service(principal).leave(input.activity, volunteer: input.volunteer, actor: principal.id)
        return Membership(activity: input.activity, volunteer: input.volunteer, status: "left")
    }

    /// Checking in or out: `code` the activity's check-in code; `at` as typed, when not now: only an
    /// organizer gives one (a correction, which sends the record to review), never the volunteer herself.
    public struct CheckinInput: Codable, Sendable {
        public var activity: String, volunteer: String
        public var code: String?, at: String?
        public init(activity: String, volunteer: String, code: String? = nil, at: String? = nil) {
            self.activity = activity; self.volunteer = volunteer; self.code = code; self.at = at
        }
    }

    /// Checks a volunteer in (themself with the code, or by an organizer).
    public func checkin(_ principal: Principal, _ input: CheckinInput) throws -> Participation {
        let time = try input.at.map { try date($0, "--at") }
        return try service(principal).checkin(
            input.activity, volunteer: input.volunteer, code: input.code, at: time, actor: principal.id)
    }

    /// Checks a volunteer out; the span becomes a service record.
    public func checkout(_ principal: Principal, _ input: CheckinInput) throws -> ServiceRecord {
        let time = try input.at.map { try date($0, "--at") }
        return try service(principal).checkout(
            input.activity, volunteer: input.volunteer, at: time, actor: principal.id)
    }

    /// Where the volunteer is checked in and not yet out, and whether a check-out now would be a
    /// short span (its record would wait for review): a front end asks before it checks out.
    public func onDuty(_ principal: Principal, _ volunteer: String) throws -> [OnDuty] {
        try service(principal).onDuty(volunteer: volunteer, actor: principal.id)
    }

    /// A time as typed, in the app's zone; `field` names it in the message.
    func date(_ text: String, _ field: String) throws -> Date { try DayFormat.parse(text, in: zone, field: field) }
}
