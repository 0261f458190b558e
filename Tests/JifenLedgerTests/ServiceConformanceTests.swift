import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Activities and service records through `Service`, the same expectations on every store.
@Suite struct ServiceConformanceTests {
    /// A team with an organizer, registered through the store; a second team of the same name is refused.
    func team(_ f: Fixture) throws -> String {
        let at = f.clock.now.millis
        let team = try Registry(store: f.store).addTeam(
            name: "平安使者巡逻队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at)
        #expect(
            refusal {
                try Registry(store: f.store).addTeam(
                    name: "平安使者巡逻队", leader: "", community: nil, actor: "admin", nowMillis: at)
            }?
            .code == .duplicateName)
        try Registry(store: f.store).addOrganizer("杨建军", team: team.id, actor: "admin", nowMillis: at)
        return team.id
    }

    func service(_ f: Fixture) throws -> Service {
        Service(store: f.store, now: { f.clock.now })
    }

    @Test(arguments: StoreKind.allCases)
    func serviceEarnsPointsOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let team = try team(f)
        let service = try service(f)
        let (v0, v1, v2) = (f.volunteers[0], f.volunteers[1], f.volunteers[2])
        let start = f.clock.now.addingTimeInterval(10 * 60)
        let end = start.addingTimeInterval(3 * 3600)
        let activity = try service.post(
            ActivityRequest(
                team: team, title: "夜间巡逻", start: start, end: end, category: "patrol",
                capacity: 2), actor: "杨建军")
        #expect(activity.id == "A0001")
        _ = try service.join(activity.id, volunteer: v0, actor: v0)
        _ = try service.join(activity.id, volunteer: v1, actor: v1)
        let before = try f.snapshot()
        #expect(refusal { try service.join(activity.id, volunteer: v2, actor: v2) }?.category == .refused)
        #expect(try f.snapshot() == before)
        // At the service's clock: the full span earns at checkout; a span under the threshold waits for the organizer.
        f.clock.advance(minutes: 10)
        _ = try service.checkin(activity.id, volunteer: v0, code: nil, at: nil, actor: "杨建军")
        _ = try service.checkin(activity.id, volunteer: v1, code: nil, at: nil, actor: "杨建军")
        f.clock.advance(minutes: 60)
        let early = try service.checkout(activity.id, volunteer: v1, at: nil, actor: "杨建军")
        f.clock.advance(minutes: 120)
        let full = try service.checkout(activity.id, volunteer: v0, at: nil, actor: "杨建军")
        #expect(full.minutes == 180 && end.millis == f.clock.nowMillis)
        #expect(full.status == .approved)
        #expect(full.points > 0)
        #expect(try f.balance(v0) == full.points)
        #expect(refusal { try service.approve([full.id], actor: "杨建军") }?.code == .alreadyApproved)
        #expect(try f.balance(v0) == full.points)
        #expect(early.status != .approved)
        #expect(try f.balance(v1) == 0)
        #expect(refusal { try service.approve([early.id], actor: v1) }?.code == .notAllowed)
        let approved = try service.approve([early.id], actor: "杨建军")
        #expect(approved.first?.status == .approved)
        #expect(try f.balance(v1) == approved.first?.points)
        #expect((approved.first?.points ?? 0) > 0)
        #expect(try f.eventTypes().contains("activity.published"))
        let report = try f.verify()
        #expect(report.ok)
        // Earnings posted by service operations are sealed right after their commit, as ledger writes are.
        #expect(report.unsealed == 0)
    }
}
