public import JifenApp
public import JifenCore

/// Activities: posting, joining and leaving, check-in and check-out, cancelling and closing.
extension API {
    public static let activities = Endpoint<App.ActivityQuery, [App.ActivityView]>(
        .get, "/v1/activities", "activities", "Activities, upcoming or past, of a team",
        types: ["upcoming": .boolean, "past": .boolean], sample: .init(upcoming: true, past: false, team: "T01")
    ) { app, p, q in
        try app.listActivities(p, q)
    }
    public static let activity = Endpoint<Ref.Activity, App.ActivityDetail>(
        .get, "/v1/activities/{activity}", "activity", "One activity with its participants",
        sample: .init(activity: "A0001")
    ) { app, p, input in try app.showActivity(p, input.activity) }
    public static let postActivity = Endpoint<App.PostActivityInput, App.ActivityView>(
        .post, "/v1/activities", "postActivity", "Post an activity (an organizer of its team)",
        sample: .init(
            team: "T01", title: "Visit", start: "2026-12-05 09:00", end: "2026-12-05 11:00", place: "Hall",
            content: "Visits",
            category: "elder", capacity: 10, rate: 10)
    ) { app, p, input in try app.postActivity(p, input) }
    public static let join = Endpoint<App.MembershipInput, App.Membership>(
        .post, "/v1/activities/{activity}/participants", "join", "Join an activity",
        sample: .init(activity: "A0001", volunteer: "V0001")
    ) { app, p, input in try app.joinActivity(p, input) }
    public static let leave = Endpoint<App.MembershipInput, App.Membership>(
        .post, "/v1/activities/{activity}/departures", "leave", "Leave an activity",
        sample: .init(activity: "A0001", volunteer: "V0001")
    ) { app, p, input in try app.leaveActivity(p, input) }
    public static let checkin = Endpoint<App.CheckinInput, Participation>(
        .post, "/v1/activities/{activity}/checkins", "checkin", "Check in with the activity's code",
        sample: .init(activity: "A0001", volunteer: "V0001", code: "123456", at: "2026-12-05 09:00")
    ) { app, p, input in try app.checkin(p, input) }
    public static let onDuty = Endpoint<Ref.Volunteer, [OnDuty]>(
        .get, "/v1/volunteers/{volunteer}/duty", "onDuty",
        "Where the volunteer is checked in and not yet out, and whether a check-out now is a short span",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.onDuty(p, input.volunteer) }
    public static let checkout = Endpoint<App.CheckinInput, ServiceRecord>(
        .post, "/v1/activities/{activity}/checkouts", "checkout",
        "Check out: the minutes become a pending service record",
        sample: .init(activity: "A0001", volunteer: "V0001", code: "123456", at: "2026-12-05 11:00")
    ) { app, p, input in try app.checkout(p, input) }
    public static let cancelActivity = Endpoint<Ref.Cancel, App.ActivityView>(
        .post, "/v1/activities/{activity}/cancellation", "cancelActivity", "Cancel an activity that has no records yet",
        sample: .init(activity: "A0001", reason: "rain")
    ) { app, p, input in try app.cancelActivity(p, .init(id: input.activity, reason: input.reason)) }
    public static let closeActivity = Endpoint<Ref.Activity, App.ActivityView>(
        .post, "/v1/activities/{activity}/closure", "closeActivity", "Close an activity: no more check-ins",
        sample: .init(activity: "A0001")
    ) { app, p, input in try app.closeActivity(p, input.activity) }
    public static let rotateCheckinCode = Endpoint<Ref.Activity, App.ActivityView>(
        .post, "/v1/activities/{activity}/code-rotation", "rotateCheckinCode",
        "Give an activity a new check-in code (an organizer of its team); the old one stops working",
        sample: .init(activity: "A0001")
    ) { app, p, input in try app.rotateCheckinCode(p, input.activity) }

    /// This area's endpoints, in `API.all`.
    static let activityEndpoints: [AnyEndpoint] = [
        AnyEndpoint(activities), AnyEndpoint(activity), AnyEndpoint(postActivity), AnyEndpoint(join),
        AnyEndpoint(leave), AnyEndpoint(checkin), AnyEndpoint(onDuty), AnyEndpoint(checkout),
        AnyEndpoint(cancelActivity), AnyEndpoint(closeActivity), AnyEndpoint(rotateCheckinCode),
    ]
}
