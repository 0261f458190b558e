import Foundation

/// A volunteer on duty: checked in to an activity and not yet checked out.
public struct OnDuty: Codable, Sendable, Equatable {
    public var activity: String
    public var title: String
    public var checkinMillis: Int64
    /// Minutes from the check-in to now.
    public var minutesSoFar: Int64
    public var plannedMinutes: Int64
    /// `checkin.min_share_percent`: a span below this share of the plan goes to review.
    public var minSharePercent: Int
    /// A check-out now would be a short span (`ReviewReason.shortSpan`): the record would wait for
    /// an organizer's review, so a front end asks before it checks out.
    public var shortIfNow: Bool
}

extension Service {
    /// The rule of a short span, written once: fewer minutes than `percent` % of the plan.
    public static func isShortSpan(minutes: Int64, planned: Int64, percent: Int) -> Bool {
        minutes * 100 < planned * Int64(percent)
    }

    /// Where the volunteer is checked in and not yet out, as of now, with whether a check-out now
    /// would be a short span. The volunteer herself, an organizer of her team, or an admin.
    public func onDuty(volunteer: String, actor: String) throws -> [OnDuty] {
        let at = now().millis
        return try write { tx, rules, _ in
            let v = try Self.volunteer(volunteer, in: tx)
            try requireSelfOrOrganizer(
                actor, volunteer: volunteer, team: v.team ?? "", action: Bilingual(zh: "查看签到", en: "see check-ins"),
                in: tx)
            return try tx.openParticipations(volunteer: volunteer).compactMap { p -> OnDuty? in
                guard let checkin = p.checkinMillis, let activity = try tx.activity(p.activity) else { return nil }
                let minutes = max(0, (at - checkin) / 60_000)
                return OnDuty(
                    activity: activity.id, title: activity.title, checkinMillis: checkin, minutesSoFar: minutes,
                    plannedMinutes: activity.plannedMinutes, minSharePercent: rules.checkinMinSharePercent,
                    shortIfNow: Self.isShortSpan(
                        minutes: minutes, planned: activity.plannedMinutes, percent: rules.checkinMinSharePercent))
            }
        }
    }
}
