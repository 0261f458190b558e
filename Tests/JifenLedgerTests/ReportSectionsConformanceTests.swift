import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// An office's month report reads every community's section at once (`MonthReport.makeSections`,
/// the stores' `reportSectionSums`): each section must be exactly the community's own report,
/// on each real store, for every grouping, a closed month (balances less what moved since) and
/// the current one, with gifts, adjustments and a reversal.
@Suite struct ReportSectionsConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func eachSectionIsTheCommunitysOwnReport(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try OfficeConformanceTests().tree(f)
        let admin = Principal("admin")
        let owner = Principal("admin", isOwner: true)
        let far = try app.addVolunteer(admin, .init(name: "刘强", phone: "13800003333", community: "C03"))
        let near = try app.addVolunteer(admin, .init(name: "王芳", phone: "13800004444", community: "C02"))
        let g1 = try f.ledger.grant(to: f.volunteers[0], amount: 20, reason: "结转", key: "g1", actor: "admin")
        _ = try f.ledger.grant(to: f.volunteers[1], amount: 9, reason: "结转", key: "g2", actor: "admin")
        _ = try f.ledger.grant(to: far.id, amount: 7, reason: "结转", key: "g3", actor: "admin")
        _ = try f.ledger.grant(to: f.volunteers[0], amount: 11, reason: "结转", key: "g4", actor: "admin")
        _ = try f.ledger.reverse(g1.transfer.id, reason: "重复发放", actor: "admin")
        // A gift within C01 (points do not cross communities).
        _ = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 3, memo: "", key: "t1", actor: f.volunteers[0])
        _ = try f.ledger.grant(to: near.id, amount: 2, reason: "结转", key: "g6", actor: "admin")
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let november = String(DayFormat.string(f.clock.now, in: zone).prefix(7))
        // December: more moves after November's end, and November sealed.
        f.clock.advance(days: 31)
        _ = try f.ledger.grant(to: far.id, amount: 5, reason: "结转", key: "g5", actor: "admin")
        _ = try f.ledger.transfer(
            from: f.volunteers[1], to: f.volunteers[0], amount: 4, memo: "", key: "t3", actor: "admin")
        _ = try f.ledger.sealCheckpoints(nowMillis: f.clock.nowMillis, timeZone: zone)
        let december = String(DayFormat.string(f.clock.now, in: zone).prefix(7))
        let communities = ["C01", "C02", "C03"]
        for month in [november, december] {
            for grouping in [nil] + ReportGrouping.allCases.map(Optional.some) {
                let sections = try MonthReport.makeSections(
                    month: month, grouping: grouping, nowMillis: f.clock.nowMillis, communities: communities,
                    from: f.store)
                #expect(sections.keys.sorted() == communities)
                for c in communities {
                    let own = try MonthReport.make(
                        month: month, grouping: grouping, nowMillis: f.clock.nowMillis, communities: [c], from: f.store)
                    #expect(sections[c] == own, "\(month) \(String(describing: grouping)) \(c)")
                }
            }
            // Through the app: the district's sections are the communities' own reports.
            let district = try app.report(owner, .init(month: month, office: "D1"))
            for section in district.sections ?? [] {
                let own = try app.report(owner, .init(month: month, community: section.community))
                #expect(section.report == own.report, "\(month) \(section.community)")
            }
            #expect(district.sections?.map(\.community) == communities)
        }
        let closed = try MonthReport.makeSections(
            month: november, grouping: nil, nowMillis: f.clock.nowMillis, communities: communities, from: f.store)
        #expect(closed["C01"]?.totals.granted == 40 && closed["C01"]?.checkpoints.count == 1)
        #expect(closed["C03"]?.outstanding == 7 && closed["C02"]?.outstanding == 2)
    }
}
