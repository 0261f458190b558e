import Foundation
import JifenCore
import JifenPostgres
import JifenSQLite
import JifenTestSupport
import Testing

/// The facade level the CLI uses besides the ledger (`JifenCore/StoreFacades.swift`): offers,
/// rules, teams, activity and record listings, certificates. The same expectations on every store.
@Suite struct FacadeConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func offersAreListedRetiredAndFilteredByWhatAVolunteerCanAfford(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let at = f.clock.now.millis
        let today = DayFormat.string(f.clock.now, in: try Settings(store: f.facade).rules().timeZone)
        let cheap = try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "理发", points: 30, stock: 2, validFrom: today, validTo: nil, actor: f.merchant,
            nowMillis: at)
        let dear = try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "体检", points: 300, stock: nil, validFrom: nil, validTo: nil, actor: "admin",
            nowMillis: at)
        let soldOut = try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "洗车", points: 10, stock: 0, validFrom: nil, validTo: nil, actor: "admin",
            nowMillis: at)
        let later = try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "年货", points: 10, stock: nil, validFrom: "2099-01-01", validTo: nil,
            actor: "admin", nowMillis: at)
        #expect([cheap.id, dear.id, soldOut.id, later.id] == ["O001", "O002", "O003", "O004"])
        #expect(cheap.validFrom == today && cheap.stock == 2 && dear.stock == nil)

        // Refusals: bad input is usage, the wrong actor or an unknown merchant is refused; none writes.
        let checks: [(() throws -> Any, JifenError.Category)] = [
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: f.merchant, title: "", points: 1, stock: nil, validFrom: nil, validTo: nil,
                        actor: "admin", nowMillis: at)
                }, .usage
            ),
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: f.merchant, title: "x", points: 0, stock: nil, validFrom: nil, validTo: nil,
                        actor: "admin", nowMillis: at)
                }, .usage
            ),
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: f.merchant, title: "x", points: 1, stock: -1, validFrom: nil, validTo: nil,
                        actor: "admin", nowMillis: at)
                }, .usage
            ),
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: f.merchant, title: "x", points: 1, stock: nil, validFrom: "2026-12-02",
                        validTo: "2026-12-01", actor: "admin", nowMillis: at)
                }, .usage
            ),
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: f.merchant, title: "x", points: 1, stock: nil, validFrom: "明天", validTo: nil,
                        actor: "admin", nowMillis: at)
                }, .usage
            ),
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: f.merchant, title: "x", points: 1, stock: nil, validFrom: nil, validTo: nil,
                        actor: f.volunteers[0], nowMillis: at)
                }, .refused
            ),
            (
                {
                    try Merchants(store: f.facade).addOffer(
                        merchant: "M999", title: "x", points: 1, stock: nil, validFrom: nil, validTo: nil,
                        actor: "admin", nowMillis: at)
                }, .refused
            ),
            ({ try Merchants(store: f.facade).retireOffer(cheap.id, actor: f.volunteers[0], nowMillis: at) }, .refused),
            ({ try Merchants(store: f.facade).retireOffer("O999", actor: "admin", nowMillis: at) }, .refused),
            (
                {
                    try Merchants(store: f.facade).offers(
                        merchant: "M999", affordableBy: nil, includeRetired: true, nowMillis: at)
                },
                .refused
            ),
            (
                {
                    try Merchants(store: f.facade).offers(
                        merchant: nil, affordableBy: f.merchant, includeRetired: true, nowMillis: at)
                },
                .refused
            ),
        ]
        for (index, (body, category)) in checks.enumerated() {
            #expect(refusal(body)?.category == category, "check \(index)")
        }
        #expect(
            try Merchants(store: f.facade).offers(merchant: nil, affordableBy: nil, includeRetired: true, nowMillis: at)
                .count == 4)

        let v = f.volunteers[0]
        #expect(
            try Merchants(store: f.facade).offers(merchant: nil, affordableBy: v, includeRetired: true, nowMillis: at)
                .isEmpty)
        _ = try f.grant(v, 100)
        #expect(
            try Merchants(store: f.facade).offers(merchant: nil, affordableBy: v, includeRetired: true, nowMillis: at)
                .map(\.id) == [
                    cheap.id
                ])
        let retired = try Merchants(store: f.facade).retireOffer(cheap.id, actor: f.merchant, nowMillis: at)
        #expect(retired.isRetired)
        #expect(
            try Merchants(store: f.facade).retireOffer(cheap.id, actor: "admin", nowMillis: at + 1).retiredAtMillis
                == retired.retiredAtMillis)
        #expect(
            try Merchants(store: f.facade).offers(merchant: nil, affordableBy: v, includeRetired: true, nowMillis: at)
                .isEmpty)
        #expect(
            try Merchants(store: f.facade).offers(
                merchant: f.merchant, affordableBy: nil, includeRetired: false, nowMillis: at
            ).map(\.id)
                == ["O002", "O003", "O004"])
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func rulesAreChangedByAnAdminAndEveryChangeIsKept(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let at = f.clock.now.millis
        let defaults = try Settings(store: f.facade).settingViews()
        #expect(defaults.map(\.key) == Rules.definitions.map(\.key) && defaults.allSatisfy(\.isDefault))
        let first = try Settings(store: f.facade).setSetting(
            key: "points.per_hour", value: " 12 ", actor: "admin", nowMillis: at)
        #expect(
            first == SettingChange(key: "points.per_hour", oldValue: nil, newValue: "12", actor: "admin", atMillis: at))
        let second = try Settings(store: f.facade).setSetting(
            key: "points.per_hour", value: "15", actor: "admin", nowMillis: at + 1)
        #expect(second.oldValue == "12")
        _ = try Settings(store: f.facade).setSetting(
            key: "points.per_hour.elder_care", value: "20", actor: "admin", nowMillis: at + 2)
        #expect(
            refusal {
                try Settings(store: f.facade).setSetting(
                    key: "points.per_hour", value: "abc", actor: "admin", nowMillis: at)
            }?
            .category == .usage)
        #expect(
            refusal {
                try Settings(store: f.facade).setSetting(key: "no.such.key", value: "1", actor: "admin", nowMillis: at)
            }?.category
                == .usage)
        #expect(
            refusal {
                try Settings(store: f.facade).setSetting(
                    key: "points.per_hour", value: "11", actor: f.volunteers[0], nowMillis: at)
            }?.category == .refused)
        #expect(try Settings(store: f.facade).rules().pointsPerHour == 15)
        let views = try Settings(store: f.facade).settingViews()
        #expect(views.count == defaults.count + 1 && views.last?.key == "points.per_hour.elder_care")
        let rate = try #require(views.first { $0.key == "points.per_hour" })
        #expect(
            rate
                == SettingView(
                    key: "points.per_hour", value: "15", isDefault: false, updatedBy: "admin", updatedAtMillis: at + 1))
        #expect(try f.facade.settingChanges().map(\.newValue) == ["12", "15", "20"])
    }

    @Test(arguments: StoreKind.allCases)
    func teamsActivitiesRecordsAndCertificates(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let at = f.clock.now.millis
        let team = try Registry(store: f.facade).addTeam(
            name: "平安使者巡逻队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at)
        #expect(
            refusal {
                try Registry(store: f.facade).addTeam(
                    name: "x", leader: "", community: nil, actor: f.volunteers[0], nowMillis: at)
            }?.category == .refused)
        #expect(
            refusal { try Registry(store: f.facade).addOrganizer("杨建军", team: "T99", actor: "admin", nowMillis: at) }?
                .category
                == .refused)
        try Registry(store: f.facade).addOrganizer("杨建军", team: team.id, actor: "admin", nowMillis: at)
        try Registry(store: f.facade).addOrganizer("杨建军", team: team.id, actor: "admin", nowMillis: at)  // twice: harmless
        #expect(try f.facade.teams() == [team])

        let service = Service(store: f.facade, now: { f.clock.now })
        let start = f.clock.now.addingTimeInterval(-5 * 3600)
        let past = try service.post(
            ActivityRequest(
                team: team.id, title: "夜间巡逻", start: start, end: start.addingTimeInterval(3 * 3600),
                place: "东门", content: "巡逻"), actor: "杨建军")
        let future = try service.post(
            ActivityRequest(
                team: team.id, title: "义诊", start: f.clock.now.addingTimeInterval(86_400),
                end: f.clock.now.addingTimeInterval(90_000)), actor: "杨建军")
        #expect(
            try f.facade.activities(team: nil, startingAfter: nil, endingBefore: nil).map(\.id) == [past.id, future.id])
        #expect(try f.facade.activities(team: nil, startingAfter: at, endingBefore: nil).map(\.id) == [future.id])
        #expect(try f.facade.activities(team: nil, startingAfter: nil, endingBefore: at).map(\.id) == [past.id])
        #expect(try f.facade.activities(team: "T99", startingAfter: nil, endingBefore: nil).isEmpty)

        let (v0, v1) = (f.volunteers[0], f.volunteers[1])
        _ = try service.join(past.id, volunteer: v0, actor: v0)
        let (shown, people) = try Service(store: f.facade).activity(past.id)
        #expect(shown == past && people.map(\.volunteer) == [v0])
        #expect(refusal { try Service(store: f.facade).activity("A9999") }?.category == .refused)

        let r0 = try service.addHours(past.id, volunteer: v0, minutes: 120, note: "", actor: "杨建军")
        let r1 = try service.addHours(past.id, volunteer: v1, minutes: 90, note: "补录", actor: "杨建军")
        #expect(
            try Service(store: f.facade).records(
                activity: past.id, volunteer: nil, pendingOnly: true, from: nil, to: nil
            ).map(
                \.record.id) == [r0.id, r1.id])
        _ = try service.approve([r0.id], actor: "杨建军")
        let pending = try Service(store: f.facade).records(
            activity: nil, volunteer: nil, pendingOnly: true, from: nil, to: nil)
        #expect(pending.map(\.record.id) == [r1.id])
        let view = try #require(
            try Service(store: f.facade).records(activity: nil, volunteer: v0, pendingOnly: false, from: nil, to: nil)
                .first)
        #expect(view.record.status == .approved && view.record.points == 20)
        #expect(
            view.activityTitle == "夜间巡逻" && view.place == "东门" && view.content == "巡逻" && view.team == team.id
                && view.teamName == "平安使者巡逻队" && view.personInCharge == "杨建军" && view.volunteerName == "志愿者甲")
        let day = r0.serviceDay
        #expect(
            try Service(store: f.facade).records(activity: nil, volunteer: nil, pendingOnly: false, from: day, to: day)
                .count == 2)
        #expect(
            try Service(store: f.facade).records(
                activity: nil, volunteer: nil, pendingOnly: false, from: "2099-01-01", to: nil
            ).isEmpty
        )
        _ = try service.correct(r0.id, minutes: 150, reason: "核对", actor: "杨建军")
        #expect(try Service(store: f.facade).recordHistory(r0.id).map(\.action) == ["add", "approve", "correct"])
        #expect(refusal { try Service(store: f.facade).recordHistory("H9999999") }?.category == .refused)
        #expect(try f.facade.isAdmin("admin") && !f.facade.isAdmin("杨建军"))
        #expect(try f.facade.isVolunteer(v0) && !f.facade.isVolunteer("杨建军"))

        let book = try #require(f.store as? any Store)
        let zone = try Settings(store: f.facade).rules().timeZone
        let (certificate, covered) = try Service(store: book).issueCertificate(
            volunteer: v0, fromDay: day, toDay: day, actor: "admin", nowMillis: at, zone: zone)
        #expect(
            certificate.number == Certificate.number(issuedOn: DayFormat.string(f.clock.now, in: zone), issuedBefore: 0)
        )
        #expect(certificate.minutes == 150 && certificate.records == 1 && covered.map(\.record.id) == [r0.id])
        let (second, _) = try Service(store: book).issueCertificate(
            volunteer: v0, fromDay: day, toDay: day, actor: "admin", nowMillis: at, zone: zone)
        #expect(second.number.hasSuffix("-0002"))
        let typed = certificate.code.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(try Service(store: book).verifyCertificate(code: typed).stillMatches)
        #expect(
            refusal { try Service(store: book).verifyCertificate(code: "0000-0000-0000") }?.code == .unknownCertificate)
        _ = try service.correct(r0.id, minutes: 140, reason: "再核对", actor: "杨建军")
        #expect(try Service(store: book).verifyCertificate(code: certificate.code).stillMatches == false)
        #expect(try f.verify().ok)
    }

    /// The same month played on a store: grants, service approved, a redemption refunded in part, a settlement.
    func playMonth(_ f: Fixture) throws -> (any Store, month: String) {
        let at = f.clock.now.millis
        let team = try Registry(store: f.facade).addTeam(
            name: "巡逻队", leader: "杨建军", community: nil, actor: "admin", nowMillis: at)
        try Registry(store: f.facade).addOrganizer("杨建军", team: team.id, actor: "admin", nowMillis: at)
        let service = Service(store: f.facade, now: { f.clock.now })
        let start = f.clock.now.addingTimeInterval(-5 * 3600)
        let activity = try service.post(
            ActivityRequest(
                team: team.id, title: "巡逻", start: start, end: start.addingTimeInterval(3 * 3600),
                category: "patrol"), actor: "杨建军")
        let record = try service.addHours(activity.id, volunteer: f.volunteers[0], minutes: 120, note: "", actor: "杨建军")
        _ = try service.approve([record.id], actor: "杨建军")
        _ = try f.grant(f.volunteers[1], 100, key: "g1")
        let code = try Merchants(store: f.ledger.store, now: f.ledger.now).issueCode(
            volunteer: f.volunteers[1], actor: f.volunteers[1]
        ).code
        let r = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: code, points: 40, key: "r1"), actor: f.merchant
        ).redemption
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
            r.id, points: 10, reason: "x", key: "f1", actor: f.merchant)
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).settle(
            merchant: f.merchant, throughDay: nil, actor: "admin")
        let reporting = try #require(f.store as? any Store)
        return (
            reporting,
            String(DayFormat.string(f.clock.now, in: try Settings(store: f.facade).rules().timeZone).prefix(7))
        )
    }

    @Test(.needsPostgres) func theMonthsReportIsTheSameOnBothStores() throws {
        var reports: [[MonthReport]] = []
        for kind in StoreKind.allCases {
            let f = try Fixture.make(kind)
            let (store, month) = try playMonth(f)
            let now = f.clock.now.millis
            let groupings: [ReportGrouping?] = [nil] + ReportGrouping.allCases.map { $0 }
            reports.append(
                try groupings.map { try MonthReport.make(month: month, grouping: $0, nowMillis: now, from: store) })
            let totals = try #require(reports.last?.first)
            #expect(
                totals.totals.earned == 20 && totals.totals.granted == 100 && totals.totals.redeemed == 40
                    && totals.totals.refunded == 10 && totals.totals.settled == 30, "\(kind)")
            #expect(totals.outstanding == 20 + 70 && totals.merchantsUnsettled == 0 && totals.transfers == 5, "\(kind)")
            #expect(
                totals.service.hoursServedMinutes == 120 && totals.service.earnedByCategory == ["patrol": 20], "\(kind)"
            )
            #expect(totals.topVolunteers.map(\.id) == [f.volunteers[0]], "\(kind)")
            let byMerchant = try #require(reports.last?[3])
            #expect(
                byMerchant.rows.map(\.key) == [f.merchant] && byMerchant.rows.first?.figures.settled == 30, "\(kind)")
            // A month already over: balances at its end, not today's.
            f.clock.advance(days: 40)
            _ = try f.grant(f.volunteers[2], 7, key: "later")
            let earlier = try MonthReport.make(month: month, grouping: nil, nowMillis: f.clock.now.millis, from: store)
            #expect(earlier.outstanding == 90 && earlier.transfers == 5, "\(kind)")
        }
        #expect(reports.count == 2 && reports[0] == reports[1])
    }
}
