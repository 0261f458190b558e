import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// Credentials and enrolment codes on each real store: who may issue them, a code works once
/// (also when two phones race), only hashes are stored, expiry and revocation take effect.
@Suite struct CredentialTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// The app, a team T01 organized by 杨建军 with volunteer `member`; fixture volunteers have no team.
    func app(_ f: Fixture) throws -> (JifenApp, member: String) {
        let at = f.clock.now.millis
        let team = try f.store.addTeam(name: "助老队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at).id
        try f.store.addOrganizer("杨建军", team: team, actor: "admin", nowMillis: at)
        var volunteer = Volunteer(community: "C01", name: "张桂兰", phone: "13800001234")
        volunteer.team = team
        let member = try f.store.addVolunteer(volunteer, actor: "admin", nowMillis: at, allowDuplicate: false).id
        let clock = f.clock
        return (JifenApp(store: f.store, clock: { clock.now }, zone: zone), member)
    }

    @Test(arguments: StoreKind.allCases)
    func whoMayIssueForWhom(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, member) = try app(f)
        let admin = Principal("admin"), organizer = Principal("杨建军"), volunteer = Principal(member)
        // An admin for anyone, with the person's own role.
        #expect(try app.issueCredential(admin, .init(person: "杨建军")).credential.role == .organizer)
        #expect(try app.issueCredential(admin, .init(person: f.merchant)).credential.role == .merchant)
        // An organizer for the team's volunteers only.
        #expect(try app.issueCredential(organizer, .init(person: member, enrolment: true)).credential.role == .volunteer)
        #expect(refusal { try app.issueCredential(organizer, .init(person: f.volunteers[0])) }?.code == .notAllowed)
        // A merchant for its own staff, not for itself or another; a volunteer for nobody.
        let merchant = Principal(f.merchant)
        #expect(try app.issueCredential(merchant, .init(person: f.merchant, role: .staff)).credential.role == .staff)
        #expect(refusal { try app.issueCredential(merchant, .init(person: f.merchant)) }?.code == .notAllowed)
        #expect(refusal { try app.issueCredential(volunteer, .init(person: member)) }?.code == .notAllowed)
        // Staff issue nothing; a role the person does not hold is refused; unknown people too.
        let staff = Principal(f.merchant, role: .staff, credential: "Cx")
        #expect(refusal { try app.issueCredential(staff, .init(person: f.merchant, role: .staff)) }?.code == .notAllowed)
        #expect(refusal { try app.issueCredential(admin, .init(person: member, role: .admin)) }?.code == .badRole)
        #expect(refusal { try app.issueCredential(admin, .init(person: "nobody")) }?.code == .unknownID)
        #expect(refusal { try app.issueCredential(admin, .init(person: member, days: 0)) }?.code == .badValue)
    }

    @Test(arguments: StoreKind.allCases)
    func anEnrolmentCodeWorksOnceAndOnlyHashesAreStored(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, member) = try app(f)
        let code = try app.issueCredential(Principal("杨建军"), .init(person: member, enrolment: true, label: "纸条")).secret
        // Typed in lower case with a space instead of the dash: the same code.
        let device = try app.enrol(.init(code: code.lowercased().replacingOccurrences(of: "-", with: " "), label: "手机"))
        #expect(device.credential.person == member && device.credential.kind == .device && device.credential.label == "手机")
        let principal = try app.authenticate(token: device.secret)
        #expect(principal == Principal(member, role: .volunteer, credential: device.credential.id))
        #expect(refusal { try app.enrol(.init(code: code)) }?.code == .badEnrolmentCode)
        // The database holds hashes, never the code or the token.
        let stored = try f.strings("SELECT secret_hash FROM credential").joined(separator: " ")
        #expect(!stored.contains(code) && !stored.contains(device.secret) && !stored.contains(String(device.secret.suffix(43))))
        #expect(stored.contains(CredentialSecret.sha256(String(device.secret.suffix(43)))))
    }

    @Test(arguments: StoreKind.allCases)
    func twoPhonesTypingOneCodeGetOneCredential(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, member) = try app(f)
        let code = try app.issueCredential(Principal("admin"), .init(person: member, enrolment: true)).secret
        final class Outcomes: @unchecked Sendable { let lock = NSLock(); var ok = 0; var refused = 0 }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let result = Result { try app.enrol(.init(code: code)) }
            outcomes.lock.lock()
            if case .success = result { outcomes.ok += 1 } else { outcomes.refused += 1 }
            outcomes.lock.unlock()
        }
        #expect(outcomes.ok == 1 && outcomes.refused == 7)
        #expect(try app.credentials(Principal("admin"), person: member).filter { $0.kind == .device }.count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func expiryAndRevocationTakeEffectOnTheNextRequest(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (app, member) = try app(f)
        let admin = Principal("admin")
        let code = try app.issueCredential(admin, .init(person: member, enrolment: true, days: 1)).secret
        let token = try app.issueCredential(admin, .init(person: member, days: 2)).secret
        f.clock.advance(days: 1.01)
        #expect(refusal { try app.enrol(.init(code: code)) }?.code == .badEnrolmentCode)
        let principal = try app.authenticate(token: token)
        // The person revokes their own lost phone; the next request is refused.
        let revoked = try app.revokeCredential(Principal(member), try #require(principal.credential))
        #expect(revoked.state == "revoked")
        #expect(refusal { try app.authenticate(token: token) }?.code == .badCredential)
        // Someone else may not revoke it; a wrong secret with a real id is refused the same way.
        let other = try app.issueCredential(admin, .init(person: member)).credential.id
        #expect(refusal { try app.revokeCredential(Principal(f.volunteers[0]), other) }?.code == .notAllowed)
        let wrong = "jf_\(other)_" + String(repeating: "A", count: 43)
        #expect(refusal { try app.authenticate(token: wrong) }?.code == .badCredential)
        // Expired after its days.
        let short = try app.issueCredential(admin, .init(person: member, days: 1)).secret
        f.clock.advance(days: 1.5)
        #expect(refusal { try app.authenticate(token: short) }?.code == .badCredential)
        // Listing: an admin sees all, the volunteer their own, another volunteer none of them.
        #expect(try app.credentials(admin).count == 4)
        #expect(try app.credentials(Principal(member)).count == 4)
        #expect(try app.credentials(Principal(f.volunteers[0])).isEmpty)
    }

    @Test func guessingIsLockedOutPerKeyAfterTheLimit() {
        let guardian = SignInGuard(limit: 3, window: 60, lockout: 120)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(guardian.fail(["a"], now: t0) == nil)
        #expect(guardian.fail(["a"], now: t0) == nil)
        #expect(guardian.lockedSeconds(["a"], now: t0) == nil)
        #expect(guardian.fail(["a"], now: t0) == 120)
        #expect(guardian.lockedSeconds(["a", "b"], now: t0.addingTimeInterval(30)) == 90)
        #expect(guardian.lockedSeconds(["b"], now: t0) == nil)
        #expect(guardian.lockedSeconds(["a"], now: t0.addingTimeInterval(121)) == nil)
        // Failures spread wider than the window do not add up.
        #expect(guardian.fail(["c"], now: t0) == nil)
        #expect(guardian.fail(["c"], now: t0.addingTimeInterval(61)) == nil)
        #expect(guardian.fail(["c"], now: t0.addingTimeInterval(62)) == nil)
    }
}
