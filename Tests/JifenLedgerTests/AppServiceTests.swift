import Foundation
import JifenApp
import JifenCore
import JifenPostgres
import JifenSQLite
import JifenTestSupport
import Testing

/// The application layer's operations in process, on each real store: the permission checks,
/// read filters, defaults and policies the CLI used to apply are the app's now.
@Suite struct AppServiceTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// A fixture with a team organized by 杨建军, and the app over its store on the fixture's clock.
    func app(_ f: Fixture) throws -> (JifenApp, team: String) {
        let at = f.clock.now.millis
        let team: String
        team = try Registry(store: f.store).addTeam(
            name: "平安使者巡逻队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at
        ).id
        try Registry(store: f.store).addOrganizer("杨建军", team: team, actor: "admin", nowMillis: at)
        let clock = f.clock
        return (JifenApp(store: f.store, clock: { clock.now }, zone: zone), team)
    }

    func minute(_ date: Date) -> String { DayFormat.minute(date, in: zone) }

    @Test(arguments: StoreKind.allCases)
    func checkinCodeOnlyForItsCheckers(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, team) = try app(f)
        let organizer = Principal("杨建军"), volunteer = Principal(f.volunteers[0])
        let start = f.clock.now.addingTimeInterval(-5 * 3600)
        let posted = try app.postActivity(
            organizer,
            .init(
                team: team, title: "夜间巡逻", start: minute(start),
                end: minute(start.addingTimeInterval(3 * 3600)), capacity: 5))
        let code = try #require(posted.checkinCode)
        #expect(code.count == 6)
        #expect(posted.activity.checkinCode == code)

        let seenByVolunteer = try app.showActivity(volunteer, posted.activity.id)
        #expect(seenByVolunteer.activity.checkinCode == nil)
        #expect(seenByVolunteer.activity.activity.checkinCode == "")
        #expect(try app.showActivity(Principal("admin"), posted.activity.id).activity.checkinCode == code)
        #expect(try app.showActivity(organizer, posted.activity.id).activity.checkinCode == code)
        #expect(
            try app.listActivities(organizer, .init()).allSatisfy {
                $0.checkinCode == nil && $0.activity.checkinCode.isEmpty
            })
        // Time windows are the app's: the activity ended two hours ago.
        #expect(try app.listActivities(volunteer, .init(past: true)).map(\.activity.id) == [posted.activity.id])
        #expect(try app.listActivities(volunteer, .init(upcoming: true)).isEmpty)
        // A bad time is a usage error naming its field, read by the app.
        let bad = refusal {
            try app.postActivity(organizer, .init(team: team, title: "x", start: "not a time", end: minute(start)))
        }
        #expect(bad?.category == .usage)
        #expect(bad?.message.en.contains("--start") == true)
    }

    @Test(arguments: StoreKind.allCases)
    func aVolunteerReadsOnlyTheirOwnRecords(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, team) = try app(f)
        let organizer = Principal("杨建军")
        let (v0, v1) = (f.volunteers[0], f.volunteers[1])
        let start = f.clock.now.addingTimeInterval(-5 * 3600)
        let activity = try app.postActivity(
            organizer,
            .init(
                team: team, title: "夜间巡逻", start: minute(start),
                end: minute(start.addingTimeInterval(3 * 3600)))
        ).activity.id
        for v in [v0, v1] {
            #expect(try app.joinActivity(Principal(v), .init(activity: activity, volunteer: v)).status == "joined")
            _ = try app.checkin(organizer, .init(activity: activity, volunteer: v, at: minute(start)))
        }
        let checkedOut = try app.checkout(
            organizer, .init(activity: activity, volunteer: v0, at: minute(start.addingTimeInterval(3 * 3600))))
        #expect(checkedOut.minutes == 180)
        // The organizer's times are corrections: the record waits for review, then is approved.
        #expect(checkedOut.status == .review && checkedOut.points == 0)
        let record = try #require(try app.approveRecords(organizer, .records([checkedOut.id])).first)
        #expect(record.status == .approved)
        _ = try app.checkout(
            organizer, .init(activity: activity, volunteer: v1, at: minute(start.addingTimeInterval(3 * 3600))))

        // A volunteer asking for another's records is refused; asking for none gets only their own.
        let refused = refusal { try app.listRecords(Principal(v1), .init(volunteer: v0)) }
        #expect(refused?.code == .notAllowed)
        #expect(refused?.category == .refused)
        #expect(refusal { try app.volunteerRecords(Principal(v1), v0) }?.code == .notAllowed)
        // Someone else's record answers as a missing one.
        #expect(refusal { try app.recordHistory(Principal(v1), record.id) }?.code == .unknownID)
        #expect(refusal { try app.listRecords(Principal("路人"), .init()) }?.code == .notAllowed)
        #expect(try app.listRecords(Principal(v1), .init()).map(\.record.volunteer) == [v1])
        // An organizer reads everyone's; the owner reads their record's history.
        #expect(Set(try app.listRecords(organizer, .init()).map(\.record.volunteer)) == [v0, v1])
        #expect(try app.volunteerRecords(Principal("admin"), v0).map(\.record.id) == [record.id])
        #expect(try app.recordHistory(Principal(v0), record.id).isEmpty == false)
        #expect(refusal { try app.recordHistory(Principal("admin"), "H9999999") }?.code == .unknownID)

        // The certificate's period defaults to the first approved record through today.
        let issued = try app.issueCertificate(Principal(v0), .init(volunteer: v0))
        #expect(issued.certificate.minutes == 180)
        #expect(issued.certificate.toDay == DayFormat.string(f.clock.now, in: zone))
        #expect(issued.text.contains("志愿服务证明"))
        #expect(issued.file == nil)
        #expect(refusal { try app.issueCertificate(Principal(v1), .init(volunteer: v0)) }?.code == .notAllowed)
        #expect(
            refusal { try app.issueCertificate(Principal(v0), .init(volunteer: v0, format: "pdf")) }?.code == .badFormat
        )
        #expect(try app.verifyCertificate(Principal("anyone"), issued.certificate.code).matches)

        // The report's month defaults to this month.
        #expect(
            try app.report(Principal("admin"), .init()).month
                == String(DayFormat.string(f.clock.now, in: zone).prefix(7)))
    }

    @Test(arguments: StoreKind.allCases)
    func webhookPolicyIsTheApps(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, _) = try app(f)
        let admin = Principal("admin")
        // A loopback receiver is refused unless allowed, before anything is written.
        #expect(refusal { try app.addWebhook(admin, .init(url: "http://127.0.0.1:9/hook")) }?.category == .usage)
        #expect(try app.listWebhooks(admin).isEmpty)
        #expect(
            refusal {
                try app.addWebhook(
                    Principal(f.volunteers[0]), .init(url: "http://127.0.0.1:9/hook", allowPrivate: true))
            }?
            .code == .notAllowed)
        let added = try app.addWebhook(admin, .init(url: "http://127.0.0.1:9/hook", allowPrivate: true))
        #expect(added.secret?.hasPrefix("whsec_") == true)
        #expect(added.webhook.signed)
        #expect(added.webhook.ratePerMinute == 0)
        // A robot gets the rules' robot rate by default; a given secret is never echoed.
        let robot = try app.addWebhook(
            admin, .init(url: "http://127.0.0.1:9/robot", format: .dingtalk, secret: "SEC123", allowPrivate: true))
        #expect(robot.secret == nil)
        #expect(robot.webhook.ratePerMinute == (try Settings(store: f.store).webhookSettings().robotRatePerMinute))
        #expect(refusal { try app.rotateWebhookSecret(admin, .init(id: robot.webhook.id)) }?.code == .secretRequired)
        #expect(
            refusal { try app.rotateWebhookSecret(admin, .init(id: added.webhook.id, overlapHours: 200)) }?.code
                == .badOverlap)
        #expect(refusal { try app.webhookDeliveries(admin, .init(limit: 0)) }?.code == .badLimit)
        #expect(try app.pauseWebhook(admin, added.webhook.id).status == .paused)
        #expect(refusal { try app.notifier(Principal(f.volunteers[0]), .init(once: true)) }?.code == .notAllowed)
    }
}
