import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Check-in rules through `Service`, the same on every store: the server's clock for a
/// volunteer's own check-in, an organizer's time as a correction for review, the wrong-code budgets
/// and the code's rotation, and the credential's role.
@Suite struct CheckinGuardTests {
    /// A team organised by 杨建军 with an activity from 10 minutes from now, for three hours; the
    /// service on the fixture's clock (with the credential role given).
    func patrol(_ f: Fixture, role: CredentialRole? = nil) throws -> (Service, Activity) {
        let at = f.clock.now.millis
        let team = try Registry(store: f.store).addTeam(
            name: "平安使者巡逻队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at
        ).id
        try Registry(store: f.store).addOrganizer("杨建军", team: team, actor: "admin", nowMillis: at)
        let service = Service(store: f.store, now: { f.clock.now }, role: role)
        let start = f.clock.now.addingTimeInterval(10 * 60)
        let activity = try service.post(
            ActivityRequest(team: team, title: "夜间巡逻", start: start, end: start.addingTimeInterval(3 * 3600)),
            actor: "杨建军")
        return (service, activity)
    }

    func failures(_ f: Fixture) throws -> Int {
        Int(try f.strings("SELECT CAST(count(*) AS TEXT) FROM checkin_failure").first ?? "") ?? -1
    }

    @Test(arguments: StoreKind.allCases)
    func aVolunteersOwnTimeIsTheClocksAndAnOrganizersTimeGoesToReview(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (service, activity) = try patrol(f)
        let (v0, v1) = (f.volunteers[0], f.volunteers[1])
        f.clock.advance(minutes: 10)
        // She gives a time (in the past, to claim more): refused, nothing written.
        let before = try f.snapshot()
        let backdated = refusal {
            try service.checkin(
                activity.id, volunteer: v0, code: activity.checkinCode, at: f.clock.now.addingTimeInterval(-3600),
                actor: v0)
        }
        #expect(backdated?.code == .ownTime)
        #expect(try f.snapshot() == before)
        #expect(try f.strings("SELECT volunteer FROM participation").isEmpty)
        // Without one, the clock's time is hers.
        let p = try service.checkin(activity.id, volunteer: v0, code: activity.checkinCode, at: nil, actor: v0)
        #expect(p.checkinMillis == f.clock.nowMillis && p.checkinCorrectedBy == nil)
        f.clock.advance(minutes: 180)
        #expect(
            refusal {
                try service.checkout(activity.id, volunteer: v0, at: f.clock.now.addingTimeInterval(3600), actor: v0)
            }?.code == .ownTime)
        let hers = try service.checkout(activity.id, volunteer: v0, at: nil, actor: v0)
        #expect(hers.status == .approved && hers.minutes == 180 && hers.points > 0)
        // The organizer's time for v1 is a correction: kept as such, and the record waits for review.
        let corrected = try service.checkin(
            activity.id, volunteer: v1, code: nil, at: f.clock.now.addingTimeInterval(-180 * 60), actor: "杨建军")
        #expect(corrected.checkinCorrectedBy == "杨建军")
        f.clock.advance(minutes: 1)
        let record = try service.checkout(activity.id, volunteer: v1, at: nil, actor: "杨建军")
        #expect(record.status == .review && record.points == 0)
        #expect(ReviewReason.parse(record.reason) == [.correctedTime(by: "杨建军")])
        #expect(try f.balance(v1) == 0)
        // `approve --activity` leaves it; approved by id it earns.
        #expect(try service.approve(activity: activity.id, actor: "杨建军").isEmpty)
        #expect(try service.approve([record.id], actor: "杨建军").first?.status == .approved)
        #expect(try f.balance(v1) > 0)
    }

    @Test(arguments: StoreKind.allCases)
    func wrongCodesAreCountedAndStopTheGuesserNotTheOthersUntilTheActivitysBudget(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (service, activity) = try patrol(f)
        let (v0, v1, v2) = (f.volunteers[0], f.volunteers[1], f.volunteers[2])
        _ = try Settings(store: f.store).setSetting(
            key: "checkin.wrong_codes_per_volunteer", value: "3", actor: "admin", nowMillis: f.clock.nowMillis)
        _ = try Settings(store: f.store).setSetting(
            key: "checkin.wrong_codes_per_activity", value: "5", actor: "admin", nowMillis: f.clock.nowMillis)
        f.clock.advance(minutes: 10)
        let wrong = activity.checkinCode == "000000" ? "000001" : "000000"
        // The guesser's wrong codes are refused and counted (the count commits); after three, even the right code is refused unchecked.
        for _ in 0..<3 {
            #expect(
                refusal { try service.checkin(activity.id, volunteer: v0, code: wrong, at: nil, actor: v0) }?.code
                    == .badCheckinCode)
        }
        #expect(try failures(f) == 3)
        #expect(
            refusal { try service.checkin(activity.id, volunteer: v0, code: activity.checkinCode, at: nil, actor: v0) }?
                .code == .checkinLocked)
        #expect(
            refusal { try service.checkin(activity.id, volunteer: v0, code: wrong, at: nil, actor: v0) }?.code
                == .checkinLocked)
        #expect(try failures(f) == 3)
        // Another volunteer with the right code checks in.
        _ = try service.checkin(activity.id, volunteer: v1, code: activity.checkinCode, at: nil, actor: v1)
        // Two more wrong codes from v2 spend the activity's budget: its code stops for everyone ...
        for _ in 0..<2 {
            #expect(
                refusal { try service.checkin(activity.id, volunteer: v2, code: wrong, at: nil, actor: v2) }?.code
                    == .badCheckinCode)
        }
        #expect(
            refusal { try service.checkin(activity.id, volunteer: v2, code: activity.checkinCode, at: nil, actor: v2) }?
                .code == .checkinLocked)
        // ... until the organizer rotates it: a new code, the old one wrong, the activity's count afresh.
        #expect(refusal { try service.rotateCode(activity.id, actor: v2) }?.code == .notAllowed)
        let rotated = try service.rotateCode(activity.id, actor: "杨建军")
        #expect(rotated.checkinCode != activity.checkinCode && rotated.checkinCode.count == 6)
        #expect(
            refusal { try service.checkin(activity.id, volunteer: v1, code: activity.checkinCode, at: nil, actor: v1) }?
                .code == .badCheckinCode)
        _ = try service.checkin(activity.id, volunteer: v2, code: rotated.checkinCode, at: nil, actor: v2)
        // The guesser stays stopped (hers is per activity, not per code); an organizer checks her in.
        #expect(
            refusal { try service.checkin(activity.id, volunteer: v0, code: rotated.checkinCode, at: nil, actor: v0) }?
                .code == .checkinLocked)
        #expect(
            try service.checkin(activity.id, volunteer: v0, code: nil, at: nil, actor: "杨建军").checkinMillis
                == f.clock.nowMillis)
        #expect(try failures(f) == 6)
    }

    @Test(arguments: StoreKind.allCases)
    func aCredentialsRoleLimitsWhatItsPersonMayDo(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (service, activity) = try patrol(f)
        let v0 = f.volunteers[0]
        // v0 also organizes the activity's team.
        try Registry(store: f.store).addOrganizer(v0, team: activity.team, actor: "admin", nowMillis: f.clock.nowMillis)
        let record = try service.addHours(
            activity.id, volunteer: f.volunteers[1], minutes: 60, day: nil, note: "", actor: "杨建军")
        let asVolunteer = Service(store: f.store, now: { f.clock.now }, role: .volunteer)
        let before = try f.snapshot()
        #expect(refusal { try asVolunteer.approve([record.id], actor: v0) }?.code == .notAllowed)
        #expect(refusal { try asVolunteer.approve(activity: activity.id, actor: v0) }?.code == .notAllowed)
        #expect(
            refusal {
                try asVolunteer.addHours(activity.id, volunteer: v0, minutes: 60, day: nil, note: "", actor: v0)
            }?.code == .notAllowed)
        #expect(refusal { try asVolunteer.rotateCode(activity.id, actor: v0) }?.code == .notAllowed)
        #expect(try f.snapshot() == before)
        #expect(try Permissions.reader(v0, role: .volunteer, in: f.store) == .volunteer(v0))
        #expect(try Permissions.reader(v0, role: .organizer, in: f.store) == .organizer(teams: [activity.team]))
        // An admin's organizer credential is not an admin's: outside its teams it is refused.
        let other = try Registry(store: f.store).addTeam(
            name: "老王说和室", leader: "", community: nil, actor: "admin", nowMillis: f.clock.nowMillis
        ).id
        let elsewhere = try service.post(
            ActivityRequest(
                team: other, title: "调解", start: f.clock.now.addingTimeInterval(600),
                end: f.clock.now.addingTimeInterval(4200)), actor: "admin")
        try Registry(store: f.store).addOrganizer(
            "admin", team: activity.team, actor: "admin", nowMillis: f.clock.nowMillis)
        #expect(
            refusal {
                try Service(store: f.store, now: { f.clock.now }, role: .organizer).rotateCode(
                    elsewhere.id, actor: "admin")
            }?.code == .notAllowed)
        // With the organizer's credential the same person approves.
        let asOrganizer = Service(store: f.store, now: { f.clock.now }, role: .organizer)
        #expect(try asOrganizer.approve([record.id], actor: v0).first?.status == .approved)
    }
}
