import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// A person's rights over her data, on each store: her copy holds everything about her and
/// nothing of anyone else; erasure keeps every point and `verify` green; retention erases the
/// inactive at the boundary the core defines.
@Suite struct PersonDataTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!
    let admin = Principal("admin")

    /// Two volunteers with distinctive synthetic names and phones, who served together under an
    /// organizer and gave each other points; the first is also a resident who asked for help.
    struct World {
        let app: JifenApp
        let her: String, other: String, resident: String
    }

    static let herName = "欧阳娜娜", herPhone = "13911112222", herAddress = "幸福里9号楼3单元302"
    static let otherName = "司马青衫", otherPhone = "13733334444", organizer = "杨建军"

    func world(_ f: Fixture) throws -> World {
        let clock = f.clock
        let app = JifenApp(store: f.store, clock: { clock.now }, zone: zone)
        let at = clock.now.millis
        let registry = Registry(store: f.store)
        let her = try registry.addVolunteer(
            Volunteer(community: "C01", name: Self.herName, phone: Self.herPhone), actor: "admin", nowMillis: at,
            allowDuplicate: false
        ).id
        let other = try registry.addVolunteer(
            Volunteer(community: "C01", name: Self.otherName, phone: Self.otherPhone), actor: "admin", nowMillis: at,
            allowDuplicate: false
        ).id
        let team = try registry.addTeam(
            name: "平安使者巡逻队", leader: Self.organizer, community: nil, actor: "admin", nowMillis: at
        ).id
        try registry.addOrganizer(Self.organizer, team: team, actor: "admin", nowMillis: at)
        let start = clock.now.addingTimeInterval(-5 * 3600)
        let activity = try app.postActivity(
            Principal(Self.organizer),
            .init(
                team: team, title: "夜间巡逻", start: DayFormat.minute(start, in: zone),
                end: DayFormat.minute(start.addingTimeInterval(3 * 3600), in: zone))
        ).activity.id
        for v in [her, other] {
            _ = try app.joinActivity(Principal(v), .init(activity: activity, volunteer: v))
            let record = try app.addHours(
                Principal(Self.organizer), .init(activity: activity, volunteer: v, minutes: 120, note: "\(v) 表现很好"))
            _ = try app.approveRecords(Principal(Self.organizer), .records([record.id]))
        }
        _ = try f.ledger.transfer(from: her, to: other, amount: 3, memo: "谢谢", key: "gift-1", actor: her)
        _ = try f.ledger.transfer(from: other, to: her, amount: 2, memo: "回礼", key: "gift-2", actor: other)
        let resident = try app.addResident(
            admin,
            .init(name: Self.herName, phone: Self.herPhone, address: Self.herAddress, area: "幸福里9号楼", volunteer: her)
        ).id
        _ = try app.postRequest(admin, .init(resident: resident, content: "请帮我换灯泡，找\(Self.herName)"))
        _ = try app.issueCredential(admin, .init(person: her, label: "\(Self.herName)的手机"))
        _ = try app.issueCredential(admin, .init(person: other, label: "\(Self.otherName)的手机"))
        return World(app: app, her: her, other: other, resident: resident)
    }

    func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    func section(_ export: PersonExport, _ kind: String) -> PersonSection? {
        export.sections.first { $0.kind == kind }
    }

    @Test(arguments: StoreKind.allCases)
    func herExportHoldsEverythingAboutHerAndNothingOfAnyoneElse(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let w = try world(f)
        for asker in [admin, Principal(w.her, role: .volunteer, credential: "c1")] {
            let export = try w.app.exportPerson(asker, .init(person: w.her))
            #expect(export.ids == PersonIDs(volunteer: w.her, resident: w.resident))
            #expect(export.volunteer?.name == Self.herName && export.volunteer?.phone == Self.herPhone)
            #expect(export.resident?.address == Self.herAddress)
            #expect(section(export, "transfers")?.rows.count ?? 0 >= 3)  // earned, gave, got
            #expect(section(export, "service_records")?.rows.count == 1)
            #expect(section(export, "service_record_versions")?.rows.isEmpty == false)
            #expect(section(export, "participations")?.rows.count == 1)
            #expect(section(export, "credentials")?.rows.count == 1)
            #expect(section(export, "service_requests")?.rows.count == 1)
            #expect(section(export, "accounts")?.rows.count == 1)
            #expect(section(export, "events")?.rows.isEmpty == false)
            let text = try json(export)
            for theirs in [Self.otherName, Self.otherPhone, Self.organizer] {
                #expect(!text.contains(theirs), "\(theirs) in her export")
            }
            // No secret or hash column is exported.
            #expect(export.sections.allSatisfy { !$0.columns.contains { $0.contains("hash") || $0 == "secret" } })
            // The CSV files: one per kind, each a table with its columns.
            let files = export.csvFiles
            #expect(files.first?.name == "profile.csv")
            #expect(files.count == export.sections.count + 1)
            #expect(files.allSatisfy { !$0.text.contains(Self.otherName) && !$0.text.contains(Self.otherPhone) })
        }
        // The other volunteer's copy holds none of hers either.
        let theirs = try json(try w.app.exportPerson(admin, .init(person: w.other)))
        #expect(!theirs.contains(Self.herName) && !theirs.contains(Self.herPhone) && theirs.contains(Self.otherName))
    }

    @Test(arguments: StoreKind.allCases)
    func exportingSomeoneElseAnswersAsAnUnknownPerson(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let w = try world(f)
        let me = Principal(w.her, role: .volunteer, credential: "c1")
        let other = refusal { try w.app.exportPerson(me, .init(person: w.other)) }
        let missing = refusal { try w.app.exportPerson(me, .init(person: "V9999")) }
        #expect(other?.code == .unknownID && missing?.code == .unknownID)
        #expect(other?.message.en == missing?.message.en.replacingOccurrences(of: "V9999", with: w.other))
        // An organizer is no admin over the community.
        #expect(refusal { try w.app.exportPerson(Principal(Self.organizer), .init(person: w.her)) }?.code == .unknownID)
        // Her own, signed in.
        #expect(try w.app.exportMine(me).person == w.her)
    }

    @Test(arguments: StoreKind.allCases)
    func erasureKeepsEveryPointAndVerifyGreenAndHappensOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let w = try world(f)
        let balances = (try f.balance(w.her), try f.balance(w.other))
        let transfers = try f.snapshot().transfers
        // The reason is kept after the erasure: it may not carry her data, or any long number.
        for bad in ["", "\(Self.herName)本人申请", "电话 \(Self.herPhone)", "工单 12345678"] {
            #expect(
                refusal { try w.app.erasePerson(admin, .init(person: w.her, reason: bad)) }?.code == .badErasureReason)
        }
        // Not an admin: refused, nothing erased.
        #expect(
            refusal { try w.app.erasePerson(Principal(Self.organizer), .init(person: w.her, reason: "本人申请注销")) }?.code
                == .notAllowed)
        let erasure = try w.app.erasePerson(admin, .init(person: w.her, reason: "本人申请注销"))
        #expect(erasure.erasedBy == "admin" && erasure.reason == "本人申请注销" && erasure.community == "C01")

        #expect(try f.balance(w.her) == balances.0 && f.balance(w.other) == balances.1)
        #expect(try f.snapshot().transfers == transfers)
        let report = try f.verify()
        #expect(report.ok, "\(report.faults)")

        let after = try w.app.exportPerson(admin, .init(person: w.her))
        #expect(after.volunteer?.name == Persons.erased && after.volunteer?.phone == Persons.erased)
        #expect(after.volunteer?.idNumber == nil)
        #expect(after.resident?.name == Persons.erased && after.resident?.address == Persons.erased)
        let text = try json(after)
        for hers in [Self.herName, Self.herPhone, Self.herAddress] {
            #expect(!text.contains(hers), "\(hers) still held after erasure")
        }
        let leaks = try f.strings("SELECT payload FROM event").filter {
            $0.contains(Self.herName) || $0.contains(Self.herPhone) || $0.contains("请帮我换灯泡")
        }
        #expect(leaks.isEmpty, "\(leaks)")
        #expect(try f.strings("SELECT body FROM service_request").allSatisfy { !$0.contains(Self.herName) })
        // Her credentials are revoked; the other's is not.
        let credentials = section(after, "credentials")
        #expect(credentials?.rows.allSatisfy { credentials?.value($0, "revoked_at") != .null } == true)
        #expect(try f.store.read { try $0.credentials(person: w.other) }.allSatisfy { $0.revokedAtMillis == nil })
        // The erasure is in her copy; the other volunteer keeps his name.
        #expect(section(after, "erasures")?.rows.count == 2)  // her volunteer id and her resident id
        #expect(try f.store.read { try $0.volunteer(w.other) }?.name == Self.otherName)
        // The memos of her transfers are erased (the chain holds their digests): the whole history
        // still proves, and neither note she exchanged is left.
        let memos = try f.strings("SELECT memo FROM transfer WHERE memo <> ''")
        #expect(!memos.contains("谢谢") && !memos.contains("回礼") && memos.contains(Persons.erased), "\(memos)")
        let full = try Verifier.verify(f.store, nowMillis: f.clock.now.millis, full: true)
        #expect(full.ok, "\(full.faults)")

        // Twice: its own code, by either of her ids.
        #expect(
            refusal { try w.app.erasePerson(admin, .init(person: w.her, reason: "本人申请注销")) }?.code == .alreadyErased)
        #expect(
            refusal { try w.app.erasePerson(admin, .init(person: w.resident, reason: "本人申请注销")) }?.code
                == .alreadyErased)
        #expect(refusal { try w.app.erasePerson(admin, .init(person: "V9999", reason: "本人申请注销")) }?.code == .unknownID)
    }

    /// The memos of her transfers are quoted in the outbox's events (`"memo":"谢谢"`): erasure
    /// replaces them there too, while the same words in a transfer between two others stay. A
    /// team's leader is free text: where it names her, her name goes; another leader stays.
    @Test(arguments: StoreKind.allCases)
    func erasureScrubsHerMemosFromEventsAndHerNameFromTeamLeaders(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let w = try world(f)
        let third = f.volunteers[0]
        _ = try f.grant(w.other, 10)
        _ = try f.ledger.transfer(from: w.other, to: third, amount: 1, memo: "谢谢", key: "gift-3", actor: w.other)
        let at = f.clock.now.millis
        let registry = Registry(store: f.store)
        let led = try registry.addTeam(
            name: "助老服务队", leader: "\(Self.herName)（\(Self.herPhone)）", community: nil, actor: "admin", nowMillis: at)
        let others = try registry.addTeam(
            name: "环保服务队", leader: Self.otherName, community: nil, actor: "admin", nowMillis: at)
        let memoEvents = {
            try f.strings("SELECT payload FROM event WHERE payload LIKE '%\"memo\":\"谢谢\"%' OR payload LIKE '%回礼%'")
        }
        #expect(try memoEvents().count == 3)

        _ = try w.app.erasePerson(admin, .init(person: w.her, reason: "本人申请注销"))
        // Only the event of the gift between the two others still quotes 谢谢.
        let left = try memoEvents()
        #expect(left.count == 1 && left[0].contains("\"to\":\"\(third)\""), "\(left)")
        let hers = try f.strings("SELECT payload FROM event").filter {
            $0.contains("\"from\":\"\(w.her)\"") || $0.contains("\"to\":\"\(w.her)\"")
        }
        #expect(!hers.isEmpty && hers.allSatisfy { !$0.contains("谢谢") && !$0.contains("回礼") }, "\(hers)")
        #expect(hers.contains { $0.contains("\"memo\":\"\(Persons.erased)\"") }, "\(hers)")
        // Team leaders: hers scrubbed (name and phone), the other's kept.
        let leaders = { (id: String) in try f.store.read { try $0.team(id) }?.leader }
        #expect(try leaders(led.id) == "\(Persons.erased)（\(Persons.erased)）")
        #expect(try leaders(others.id) == Self.otherName)
        // Every point and the whole chain still prove.
        let full = try Verifier.verify(f.store, nowMillis: f.clock.now.millis, full: true)
        #expect(full.ok, "\(full.faults)")
    }

    /// The sweep's one query agrees with the core's rule person by person: whoever it lists has no
    /// activity at or after the cutoff (`Persons.lastActive`), and whoever it leaves out has some,
    /// or is erased; a volunteer and the resident who is her go together.
    @Test(arguments: StoreKind.allCases)
    func theSweepsOneQueryAgreesWithEachPersonsLastActivity(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let w = try world(f)
        let start = f.clock.now.millis
        f.clock.advance(days: 10)
        _ = try f.grant(f.volunteers[1], 5)
        f.clock.advance(days: 10)
        // She (a volunteer) is active through her resident id only: a request asked later.
        _ = try w.app.postRequest(admin, .init(resident: w.resident, content: "请帮我取药"))
        let lone = try w.app.addResident(admin, .init(name: "赵大爷", phone: "13900002222")).id
        f.clock.advance(days: 10)
        let people = try f.strings("SELECT id FROM volunteer UNION SELECT id FROM resident ORDER BY 1")
        for cutoff in [start, start + 1, start + 10 * 86_400_000, start + 15 * 86_400_000, f.clock.now.millis + 1] {
            let listed = try f.store.read {
                try $0.personsInactive(sinceMillis: cutoff, sources: PersonInventory.activitySources)
            }
            let byRule = try f.store.read { tx in
                try people.filter { id in
                    guard let ids = try tx.personIDs(id) else { return false }
                    return Retention.isInactive(
                        lastActiveMillis: try Persons.lastActive(ids, in: tx), cutoffMillis: cutoff)
                }
            }
            #expect(listed == byRule, "cutoff \(cutoff)")
        }
        let mid = try f.store.read {
            try $0.personsInactive(sinceMillis: start + 15 * 86_400_000, sources: PersonInventory.activitySources)
        }
        #expect(!mid.contains(w.her) && !mid.contains(w.resident) && !mid.contains(lone) && mid.contains(w.other))
        // Erased people are not listed again.
        _ = try w.app.erasePerson(admin, .init(person: w.other, reason: "本人申请注销"))
        let after = try f.store.read {
            try $0.personsInactive(sinceMillis: f.clock.now.millis + 1, sources: PersonInventory.activitySources)
        }
        #expect(!after.contains(w.other) && after.contains(w.her) && after.contains(lone))
    }

    @Test(arguments: StoreKind.allCases)
    func retentionErasesOnlyThoseInactiveBeforeTheCutoff(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let clock = f.clock
        let app = JifenApp(store: f.store, clock: { clock.now }, zone: zone)
        let start = clock.now
        let (active, idle) = (f.volunteers[0], f.volunteers[1])
        clock.advance(days: 1)
        _ = try f.grant(active, 5)  // her last activity: one day after everyone registered
        // Exactly five years after registration: registered at the cutoff is not before it; nobody goes.
        let fiveYears = Calendar(identifier: .gregorian).date(byAdding: .year, value: 5, to: start)!
        clock.advance(minutes: fiveYears.timeIntervalSince(clock.now) / 60)
        var sweep = try app.sweepPersons(admin, .init())
        #expect(sweep.years == 5 && sweep.erased.isEmpty)
        // One second later: the idle ones go, the one active a day later stays.
        clock.advance(minutes: 1.0 / 60)
        sweep = try app.sweepPersons(admin, .init())
        let erased = Set(sweep.erased.map(\.person))
        #expect(erased.contains(idle) && !erased.contains(active))
        #expect(sweep.erased.allSatisfy { $0.reason == "retention: inactive 5 years" })
        #expect(try f.store.read { try $0.volunteer(idle) }?.name == Persons.erased)
        // A second sweep erases nobody twice.
        #expect(try app.sweepPersons(admin, .init()).erased.isEmpty)
        // A day later she is past it too; verify stays green.
        clock.advance(days: 1)
        #expect(try app.sweepPersons(admin, .init()).erased.map(\.person) == [active])
        #expect(try f.verify().ok)
        // Retention 0: off.
        #expect(try app.sweepPersons(admin, .init(years: 0)).erased.isEmpty)
        // Only an admin sweeps.
        #expect(refusal { try app.sweepPersons(Principal(f.volunteers[2]), .init()) }?.code == .notAllowed)
    }

    @Test func inactiveIsStrictlyBeforeTheCutoff() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let cutoff = Retention.cutoff(now: now, years: 5, zone: zone)
        #expect(Retention.isInactive(lastActiveMillis: cutoff - 1, cutoffMillis: cutoff))
        #expect(!Retention.isInactive(lastActiveMillis: cutoff, cutoffMillis: cutoff))
        #expect(Retention.isInactive(lastActiveMillis: nil, cutoffMillis: cutoff))
        #expect(PersonInventory.maskOther("杨建军") == "杨**")
        #expect(
            PersonInventory.maskOther("V0002") == "V0002" && PersonInventory.maskOther("C01.issuance") == "C01.issuance"
        )
    }
}
