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
        let team = try Registry(store: f.store).addTeam(
            name: "助老队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at
        ).id
        try Registry(store: f.store).addOrganizer("杨建军", team: team, actor: "admin", nowMillis: at)
        var volunteer = Volunteer(community: "C01", name: "张桂兰", phone: "13800001234")
        volunteer.team = team
        let member = try Registry(store: f.store).addVolunteer(
            volunteer, actor: "admin", nowMillis: at, allowDuplicate: false
        ).id
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
        #expect(
            try app.issueCredential(organizer, .init(person: member, enrolment: true)).credential.role == .volunteer)
        #expect(refusal { try app.issueCredential(organizer, .init(person: f.volunteers[0])) }?.code == .notAllowed)
        // A merchant for its own staff, not for itself or another; a volunteer for nobody.
        let merchant = Principal(f.merchant)
        #expect(try app.issueCredential(merchant, .init(person: f.merchant, role: .staff)).credential.role == .staff)
        #expect(refusal { try app.issueCredential(merchant, .init(person: f.merchant)) }?.code == .notAllowed)
        #expect(refusal { try app.issueCredential(volunteer, .init(person: member)) }?.code == .notAllowed)
        // Staff issue nothing; a role the person does not hold is refused; unknown people too.
        let staff = Principal(f.merchant, role: .staff, credential: "Cx")
        #expect(
            refusal { try app.issueCredential(staff, .init(person: f.merchant, role: .staff)) }?.code == .notAllowed)
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
        #expect(
            device.credential.person == member && device.credential.kind == .device && device.credential.label == "手机")
        let principal = try app.authenticate(token: device.secret)
        #expect(principal == Principal(member, role: .volunteer, credential: device.credential.id))
        #expect(refusal { try app.enrol(.init(code: code)) }?.code == .badEnrolmentCode)
        // The database holds hashes, never the code or the token.
        let stored = try f.strings("SELECT secret_hash FROM credential").joined(separator: " ")
        #expect(
            !stored.contains(code) && !stored.contains(device.secret)
                && !stored.contains(String(device.secret.suffix(43))))
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

    /// The sign-in limits (`SignInGuard`, a rule with a clock): a wrong code counts per code value,
    /// per device and per address; an address that spent its tries still lets a device it was given
    /// (that has not failed) try, so a neighbour in the same room signs in; the window slides.
    @Test func enrolmentGuessesAreLimitedPerCodeDeviceAndAddressWithoutStoppingANeighbour() throws {
        let clock = TestClock()
        var limits = SignInGuard.Limits()
        (limits.perCode, limits.perDevice, limits.perAddress, limits.devicesPerAddress, limits.window) = (
            2, 3, 5, 4, 60
        )
        let guardian = SignInGuard(limits: limits, clock: { clock.now })
        func wrong() throws -> Bool { throw JifenError.badEnrolmentCode }
        func right() throws -> Bool { true }
        func attempt(_ code: String, device: String?, address: String = "a", _ body: () throws -> Bool) -> String {
            do {
                return try guardian.enrolment(code: code, device: device, address: address, body) ? "ok" : "?"
            } catch let wait as SignInGuard.Wait { return "wait \(wait.seconds)" } catch { return "wrong" }
        }
        // Per code value: the same wrong code twice, then it waits (whatever device or address).
        #expect(attempt("AAAA-AAAA", device: nil, address: "x", wrong) == "wrong")
        #expect(attempt("aaaaaaaa", device: nil, address: "y", wrong) == "wrong")
        #expect(attempt("AAAA-AAAA", device: nil, address: "z", wrong) == "wait 60")
        // Per device: three wrong codes, then that device waits; the neighbour's device at the same
        // address does not.
        let guesser = try #require(guardian.newDevice(address: "a")),
            neighbour = try #require(guardian.newDevice(address: "a"))
        for i in 0..<3 { #expect(attempt("BBBB-BB\(10 + i)", device: guesser, wrong) == "wrong") }
        #expect(attempt("BBBB-BB20", device: guesser, right) == "wait 60")
        // Per address: two more wrong codes (five from "a") spend the address; a cookie-less try waits...
        #expect(attempt("CCCC-CC10", device: nil, wrong) == "wrong")
        #expect(attempt("CCCC-CC11", device: "forged-cookie", wrong) == "wrong")
        #expect(attempt("CCCC-CC12", device: nil, right).hasPrefix("wait"))
        #expect(attempt("CCCC-CC13", device: "forged-cookie", right).hasPrefix("wait"))
        // ... but the neighbour's device, handed out here and never wrong, signs in.
        #expect(attempt("DDDD-DDDD", device: neighbour, right) == "ok")
        // Another address is untouched.
        #expect(attempt("EEEE-EEEE", device: nil, address: "b", right) == "ok")
        // Devices per address: four in the window ("a" got two), then none until it slides.
        #expect(guardian.newDevice(address: "a") != nil && guardian.newDevice(address: "a") != nil)
        #expect(guardian.newDevice(address: "a") == nil)
        #expect(guardian.knows(device: neighbour) && !guardian.knows(device: "forged-cookie"))
        // The window slides: a minute later everything may try again.
        clock.advance(minutes: 1.01)
        #expect(attempt("CCCC-CC12", device: nil, right) == "ok")
        #expect(attempt("BBBB-BB20", device: guesser, right) == "ok")
        #expect(guardian.newDevice(address: "a") != nil)
    }

    /// A bearer credential is always checked: wrong ones from an address past the rate are answered
    /// "wait", a right one from the same address is served, and nothing is kept per credential id.
    @Test func wrongCredentialsSlowTheirAddressButARightOneIsAlwaysServed() {
        let clock = TestClock()
        var limits = SignInGuard.Limits()
        (limits.credentialsPerAddress, limits.window) = (3, 60)
        let guardian = SignInGuard(limits: limits, clock: { clock.now })
        func attempt(_ valid: Bool, address: String = "a") -> String {
            do {
                return try guardian.credential(address: address) { () throws -> String in
                    if valid { return "ok" }; throw JifenError.badCredential
                }
            } catch let wait as SignInGuard.Wait { return "wait \(wait.seconds)" } catch { return "wrong" }
        }
        #expect((0..<3).map { _ in attempt(false) } == ["wrong", "wrong", "wrong"])
        #expect(attempt(false) == "wait 60")
        #expect(attempt(true) == "ok")
        #expect(attempt(false, address: "b") == "wrong")
        clock.advance(minutes: 1.01)
        #expect(attempt(false) == "wrong")
    }
}
