import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// Districts, street offices and the communities under them, on each real store: the tree, its
/// bad input, and what an admin of an office may do below it and is refused beside it.
@Suite struct OfficeConformanceTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// District D1 with street offices S1 (C01, C02) and S2 (C03); district D2 with T1 (C04).
    /// Admins: 区一 of D1, 街一 of S1, 区二 of D2.
    func tree(_ f: Fixture) throws -> JifenApp {
        let clock = f.clock
        let app = JifenApp(store: f.store, clock: { clock.now }, zone: zone)
        let admin = Principal("admin")
        _ = try app.addOffice(admin, .init(id: "D1", name: "一区"))
        _ = try app.addOffice(admin, .init(id: "D2", name: "二区"))
        _ = try app.addOffice(admin, .init(id: "S1", name: "一街道", district: "D1"))
        _ = try app.addOffice(admin, .init(id: "T1", name: "二区街道", district: "D2"))
        _ = try app.addOfficeAdmin(admin, .init(office: "D1", person: "区一"))
        _ = try app.addOfficeAdmin(admin, .init(office: "D2", person: "区二"))
        _ = try app.addOfficeAdmin(Principal("区一"), .init(office: "S1", person: "街一"))
        // The district's admin adds a street office; a street's admin a community under it.
        _ = try app.addOffice(Principal("区一"), .init(id: "S2", name: "二街道", district: "D1"))
        _ = try app.placeCommunity(admin, .init(community: "C01", office: "S1"))
        #expect(try app.addCommunity(Principal("街一"), .init(name: "二社区", office: "S1")).id == "C02")
        #expect(try app.addCommunity(Principal("区一"), .init(name: "三社区", office: "S2", district: "D1")).id == "C03")
        #expect(try app.addCommunity(admin, .init(name: "四社区", office: "T1")).id == "C04")
        return app
    }

    @Test(arguments: StoreKind.allCases)
    func theTreeAndWhoSeesWhat(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try tree(f)
        let owner = Principal("admin", isOwner: true)
        #expect(try app.listOffices(owner).map(\.id) == ["D1", "D2", "S1", "S2", "T1"])
        #expect(try app.listOffices(Principal("街一")).map(\.id) == ["S1"])
        #expect(try app.listOffices(Principal("区一")).map(\.id) == ["D1", "S1", "S2"])
        #expect(try app.communities(owner, .init()).map(\.id) == ["C01", "C02", "C03", "C04"])
        #expect(try app.communities(owner, .init(office: "D1")).map(\.id) == ["C01", "C02", "C03"])
        #expect(try app.communities(Principal("街一"), .init()).map(\.id) == ["C01", "C02"])
        #expect(try app.communities(Principal("区二"), .init()).map(\.id) == ["C04"])
        #expect(
            try app.communities(Principal("区一"), .init(office: "S2")).map { [$0.id, $0.office] } == [["C03", "S2"]])
        // The checks other areas use: the top office, and whether two communities share one.
        let answers = try f.store.read { tx -> [String] in
            [
                try Offices.topOffice(of: "C01", in: tx)?.id ?? "-",
                try Offices.topOffice(of: "C04", in: tx)?.id ?? "-",
                "\(try Offices.shareOffice("C01", "C02", in: tx))", "\(try Offices.shareOffice("C01", "C03", in: tx))",
                "\(try Offices.shareOffice("C01", "C04", in: tx))", "\(try Offices.shareOffice("C01", "C99", in: tx))",
            ]
        }
        #expect(answers == ["D1", "D2", "true", "true", "false", "false"])
        // An office admin's scope: its offices and what lies below.
        let scope = try f.store.read { try Permissions.officeScope("区一", in: $0) }
        #expect(scope?.offices == ["D1", "S1", "S2"] && scope?.communities == ["C01", "C02", "C03"])
        #expect(try f.store.read { try Permissions.officeScope("admin", in: $0) } == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func badInputIsRefusedWithItsOwnCodeAndChangesNothing(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try tree(f)
        let admin = Principal("admin")
        let before = try app.listOffices(admin)
        #expect(refusal { try app.addOffice(admin, .init(id: "X1", name: "街", district: "S1")) }?.code == .officeParent)
        #expect(
            refusal { try app.addOffice(admin, .init(id: "X1", name: "街", district: "Q9")) }?.code == .unknownOffice)
        #expect(refusal { try app.addOffice(admin, .init(id: "D1", name: "又一区")) }?.code == .duplicateOffice)
        #expect(refusal { try app.addOffice(admin, .init(id: "D 1", name: "区")) }?.code == .badOfficeID)
        #expect(try app.listOffices(admin) == before)
        // A community under a street office of another district than typed; under an unknown office.
        #expect(
            refusal { try app.addCommunity(admin, .init(name: "五社区", office: "T1", district: "D1")) }?.code
                == .officeMismatch)
        #expect(refusal { try app.addCommunity(admin, .init(name: "五社区", office: "Q9")) }?.code == .unknownOffice)
        #expect(
            refusal { try app.placeCommunity(admin, .init(community: "C01", office: "Q9")) }?.code == .unknownOffice)
        #expect(try app.communities(admin, .init()).count == 4)
    }

    @Test(arguments: StoreKind.allCases)
    func anOfficeAdminManagesBelowAndIsRefusedBeside(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try tree(f)
        let street = Principal("街一"), other = Principal("区二")
        // Below: people, merchants, teams and points of C01.
        let v = try app.addVolunteer(street, .init(name: "王芳", phone: "13800002222", community: "C01"))
        _ = try app.addTeam(street, .init(name: "巡逻队", community: "C02"))
        _ = try f.ledger.grant(to: v.id, amount: 20, reason: "结转", key: "k1", actor: "街一")
        #expect(try f.balance(v.id) == 20)
        #expect(try app.volunteers(street, .init()).map(\.community).allSatisfy { ["C01", "C02"].contains($0) })
        // Beside: another street's community is refused; its accounts answer as missing ones.
        let beside = try app.addVolunteer(Principal("admin"), .init(name: "刘强", phone: "13800003333", community: "C03"))
        #expect(
            refusal { try app.addVolunteer(street, .init(name: "赵六", phone: "13800004444", community: "C03")) }?.code
                == .notAllowed)
        #expect(
            refusal { try f.ledger.grant(to: beside.id, amount: 5, reason: "x", key: "k2", actor: "街一") }?.code
                == .unknownID)
        #expect(
            refusal { try f.ledger.grant(to: v.id, amount: 5, reason: "x", key: "k3", actor: "区二") }?.code == .unknownID
        )
        #expect(
            refusal { try app.addVolunteer(other, .init(name: "赵六", phone: "13800004444", community: "C01")) }?.code
                == .notAllowed)
        #expect(try app.volunteers(other, .init()).isEmpty)
        // Up and across: no district, no street beside, no move, no installation settings.
        #expect(refusal { try app.addOffice(street, .init(id: "D3", name: "三区")) }?.code == .notAllowed)
        #expect(
            refusal { try app.addOffice(street, .init(id: "S3", name: "三街道", district: "D1")) }?.code == .notAllowed)
        #expect(refusal { try app.addCommunity(street, .init(name: "六社区", office: "S2")) }?.code == .notAllowed)
        #expect(refusal { try app.addOfficeAdmin(street, .init(office: "D1", person: "某人")) }?.code == .notAllowed)
        #expect(refusal { try app.placeCommunity(street, .init(community: "C02", office: "S1")) }?.code == .notAllowed)
        #expect(
            refusal {
                try Settings(store: f.store).setSetting(key: "points.per_hour", value: "12", actor: "街一", nowMillis: 0)
            }?.code == .notAllowed)
        // An organizer's or a volunteer's credential of the same person does not act as an office admin.
        try ActingCredential.$role.withValue(.organizer) {
            #expect(
                refusal { try app.addVolunteer(street, .init(name: "钱七", phone: "13800005555", community: "C01")) }?
                    .code == .notAllowed)
        }
        // An admin's credential may be issued for an office admin.
        #expect(try Credentials(store: f.store).strongestRole(of: "街一") == .admin)
    }

    @Test(arguments: StoreKind.allCases)
    func aCommunityUnderNoOfficeWorksAsBefore(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let clock = f.clock
        let app = JifenApp(store: f.store, clock: { clock.now }, zone: zone)
        #expect(
            try app.communities(Principal("admin"), .init()) == [PlacedCommunity(id: "C01", name: "测试社区", office: nil)])
        _ = try app.addTeam(Principal("admin"), .init(name: "助老队"))
        _ = try f.ledger.grant(to: f.volunteers[0], amount: 10, reason: "结转", key: "k", actor: "admin")
        // Nobody but the installation's admin administers it; an office admin of nothing is nobody.
        #expect(refusal { try app.addTeam(Principal("街一"), .init(name: "巡逻队")) }?.code == .notAllowed)
        #expect(try app.report(Principal("admin"), .init(month: "2026-11")).report.totals.granted >= 0)
    }

    @Test(arguments: StoreKind.allCases)
    func anOfficesMonthReportSumsItsCommunitiesAndAStreetAdminReadsOnlyItsOwn(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try tree(f)
        let owner = Principal("admin", isOwner: true)
        let far = try app.addVolunteer(Principal("admin"), .init(name: "刘强", phone: "13800003333", community: "C03"))
        _ = try f.ledger.grant(to: f.volunteers[0], amount: 20, reason: "结转", key: "g1", actor: "admin")
        _ = try f.ledger.grant(to: far.id, amount: 7, reason: "结转", key: "g2", actor: "admin")
        // The whole database, as before; one community; a district: the sum and each community.
        let whole = try app.report(owner, .init())
        #expect(whole.sections == nil && whole.report.totals.granted == 27)
        let one = try app.report(owner, .init(community: "C03"))
        #expect(one.sections == nil && one.report.totals.granted == 7 && one.publication.community == "三社区")
        let district = try app.report(owner, .init(office: "D1"))
        #expect(district.sections?.map(\.community) == ["C01", "C02", "C03"])
        #expect(district.report.totals.granted == 27 && district.publication.community == "一区")
        #expect(district.sections?.map(\.report.totals.granted) == [20, 0, 7])
        #expect(district.report.outstanding == district.sections?.map(\.report.outstanding).reduce(0, +))
        // A street office's admin reads its own communities, and is refused another street's.
        let street = try app.report(Principal("街一"), .init())
        #expect(street.sections?.map(\.community) == ["C01", "C02"] && street.report.totals.granted == 20)
        #expect(try app.report(Principal("街一"), .init(community: "C01")).report.totals.granted == 20)
        #expect(refusal { try app.report(Principal("街一"), .init(community: "C03")) }?.code == .notAllowed)
        #expect(refusal { try app.report(Principal("街一"), .init(office: "S2")) }?.code == .notAllowed)
        #expect(refusal { try app.report(Principal("街一"), .init(office: "D1")) }?.code == .notAllowed)
        // Bad input: a community not below the office named, an unknown office.
        #expect(refusal { try app.report(owner, .init(community: "C04", office: "D1")) }?.code == .officeMismatch)
        #expect(refusal { try app.report(owner, .init(office: "Q9")) }?.code == .unknownOffice)
    }

    /// An office admin reads the people, records and requests below its offices, and issues their
    /// credentials; beside them it reads nothing (an id there answers as a missing one).
    @Test(arguments: StoreKind.allCases)
    func anOfficeAdminReadsAndIssuesBelowAndNothingBeside(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try tree(f)
        let admin = Principal("admin"), street = Principal("街一")
        // A team with its organizer, a volunteer with approved hours and a resident with a request,
        // in C01 (below 街一's S1) and in C03 (beside it).
        var people: [String: (volunteer: String, resident: String, request: String)] = [:]
        for (community, organizer) in [("C01", "组一"), ("C03", "组三")] {
            let team = try app.addTeam(
                admin, .init(name: "助老队\(community)", community: community, organizer: organizer))
            let v = try app.addVolunteer(
                admin, .init(name: "志愿者\(community)", phone: "1380000\(community.suffix(2))11", community: community))
            let start = f.clock.now.addingTimeInterval(-5 * 3600)
            let activity = try app.postActivity(
                Principal(organizer),
                .init(
                    team: team.id, title: "探访\(community)", start: DayFormat.minute(start, in: zone),
                    end: DayFormat.minute(start.addingTimeInterval(2 * 3600), in: zone))
            ).activity.id
            _ = try app.joinActivity(Principal(v.id), .init(activity: activity, volunteer: v.id))
            let record = try app.addHours(Principal(organizer), .init(activity: activity, volunteer: v.id, minutes: 60))
            _ = try app.approveRecords(Principal(organizer), .records([record.id]))
            let resident = try app.addResident(
                admin,
                .init(
                    name: "居民\(community)", phone: "1390000\(community.suffix(2))22", address: "幸福里1号",
                    area: "幸福里", community: community)
            ).id
            let request = try app.postRequest(admin, .init(resident: resident, content: "换灯泡")).id
            people[community] = (v.id, resident, request)
        }
        let (near, far) = (try #require(people["C01"]), try #require(people["C03"]))
        // Records: everyone's below, one volunteer's below; another street's volunteer is refused.
        #expect(try app.listRecords(street, .init()).map(\.record.volunteer) == [near.volunteer])
        #expect(try app.listRecords(street, .init(volunteer: near.volunteer)).count == 1)
        #expect(refusal { try app.listRecords(street, .init(volunteer: far.volunteer)) }?.code == .notAllowed)
        #expect(
            Set(try app.listRecords(Principal("区一"), .init()).map(\.record.volunteer)) == [
                near.volunteer, far.volunteer,
            ])
        #expect(try app.listRecords(Principal("区二"), .init()).isEmpty)
        // Residents and requests: below, and beside as missing ones.
        #expect(try app.residents(street, .init()).map(\.id) == [near.resident])
        #expect(try app.resident(street, .init(resident: near.resident)).id == near.resident)
        #expect(refusal { try app.resident(street, .init(resident: far.resident)) }?.code == .unknownID)
        #expect(try app.requestList(street, .init()).map(\.request.id) == [near.request])
        #expect(try app.requestShow(street, .init(request: near.request)).request.id == near.request)
        #expect(refusal { try app.requestShow(street, .init(request: far.request)) }?.code == .unknownID)
        // Reading is not acting: the community's desk still accepts or rejects a request.
        #expect(refusal { try app.acceptRequest(street, .init(request: near.request)) } != nil)
        // Credentials: for the people below, not beside, never an admin's.
        #expect(
            try app.issueCredential(street, .init(person: near.volunteer, label: "手机")).credential.person
                == near.volunteer)
        #expect(try app.issueCredential(street, .init(person: "组一", enrolment: true)).credential.role == .organizer)
        #expect(refusal { try app.issueCredential(street, .init(person: far.volunteer)) }?.code == .notAllowed)
        #expect(refusal { try app.issueCredential(street, .init(person: "区一")) }?.code == .notAllowed)
    }
}
