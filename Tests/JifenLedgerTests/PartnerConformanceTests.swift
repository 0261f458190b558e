import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Merchants across communities (通存通兑) on both stores: a partner community's volunteers spend
/// at the merchant, paid within their own community; refunds and settlement stay there too.
@Suite struct PartnerConformanceTests {
    static let stores = StoreKind.allCases

    /// The fixture, a second and a third community, and a volunteer of each with 100 points.
    struct Setup {
        var f: Fixture
        var merchants: Merchants
        /// C01's volunteer, C02's and C03's.
        var home: String
        var partner: String
        var stranger: String
    }

    func setup(_ kind: StoreKind) throws -> Setup {
        let f = try Fixture.make(kind)
        let registry = Registry(store: f.store)
        var ids: [String] = []
        for (n, name) in ["玫瑰园", "金凤", "银湖"].enumerated() where n > 0 {
            let c = try registry.addCommunity(name: name + "社区", actor: "admin", nowMillis: f.clock.now.millis)
            ids.append(
                try registry.addVolunteer(
                    Volunteer(community: c.id, name: "志愿者\(name)", phone: "1390000000\(n)"), actor: "admin",
                    nowMillis: f.clock.now.millis, allowDuplicate: false
                ).id)
        }
        let s = Setup(
            f: f, merchants: Merchants(store: f.ledger.store, now: f.ledger.now), home: f.volunteers[0],
            partner: ids[0], stranger: ids[1])
        for v in [s.home, s.partner, s.stranger] { _ = try f.grant(v, 100) }
        return s
    }

    func code(_ s: Setup, _ volunteer: String) throws -> String {
        try s.merchants.issueCode(volunteer: volunteer, actor: volunteer).code
    }

    func redeem(_ s: Setup, _ volunteer: String, _ points: Int64, key: String, hold: Bool = false) throws -> Receipt {
        try s.merchants.redeem(
            RedeemRequest(merchant: s.f.merchant, code: try code(s, volunteer), points: points, key: key, hold: hold),
            actor: s.f.merchant)
    }

    /// Each community's balances sum to zero, and every transfer has both its accounts in one community.
    func expectBooksBalancePerCommunity(_ f: Fixture) throws {
        let accounts = try f.snapshot().accounts
        let community = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0.community) })
        let sums = Dictionary(accounts.map { ($0.community, $0.balance) }, uniquingKeysWith: +)
        #expect(sums.values.allSatisfy { $0 == 0 }, "per community: \(sums)")
        try f.store.read { r in
            try r.forEachTransfer { t in
                #expect(community[t.debit] == community[t.credit], "#\(t.id) crosses: \(t.debit) → \(t.credit)")
                return true
            }
        }
        let report = try f.verify()
        #expect(report.ok, "\(report.faults)")
    }

    @Test(arguments: PartnerConformanceTests.stores)
    func aPartnerCommunitysVolunteerSpendsRefundsAndSettlesInHerCommunity(kind: StoreKind) throws {
        let s = try setup(kind)
        let f = s.f
        let c2 = "C02"
        // Before any partnership her code is not live at this merchant: one answer, nothing moves.
        let before = try f.snapshot()
        #expect(refusal { try redeem(s, s.partner, 40, key: "early") }?.code == .codeWrong)
        #expect(try f.snapshot().accounts == before.accounts)

        let list = try s.merchants.addPartner(merchant: f.merchant, community: c2, actor: "admin")
        #expect(list.home == "C01" && list.partners.map(\.community) == [c2] && list.partners[0].isActive)
        // Adding it again is harmless; the home community and an unknown one are refused.
        #expect(try s.merchants.addPartner(merchant: f.merchant, community: c2, actor: "admin").partners.count == 1)
        #expect(
            refusal { try s.merchants.addPartner(merchant: f.merchant, community: "C01", actor: "admin") }?.code
                == .partnerHome)
        #expect(
            refusal { try s.merchants.addPartner(merchant: f.merchant, community: "C99", actor: "admin") }?.code
                == .unknownID)

        let receivable = Account.receivable(merchant: f.merchant, community: c2)
        let spent = try redeem(s, s.partner, 40, key: "p-1")
        #expect(spent.transfer?.debit == s.partner && spent.transfer?.credit == receivable)
        #expect(spent.balanceLeft == 60)
        _ = try redeem(s, s.home, 30, key: "h-1")
        // A held redemption picked up is paid within her community too.
        let held = try redeem(s, s.partner, 20, key: "p-2", hold: true)
        let picked = try s.merchants.pickup(held.redemption.id, actor: f.merchant)
        #expect(picked.transfer?.credit == receivable)
        // The refund comes back from the account that took the points in.
        let refund = try s.merchants.refund(
            spent.redemption.id, points: 10, reason: "退一半", key: "r-1", actor: f.merchant)
        #expect(refund.posted.transfer.debit == receivable && refund.posted.transfer.credit == s.partner)
        #expect(try f.balance(s.partner) == 50 && f.balance(receivable) == 50 && f.balance(f.merchant) == 30)
        #expect(try s.merchants.accounts(merchant: f.merchant).map(\.balance).reduce(0, +) == 80)
        try expectBooksBalancePerCommunity(f)

        // The notice of C02 shows what its volunteers spent at C01's merchant.
        let month = String(DayFormat.string(f.clock.now, in: TimeZone(identifier: "Asia/Shanghai")!).prefix(7))
        let report = try MonthReport.make(month: month, grouping: nil, nowMillis: f.clock.now.millis, from: f.store)
        #expect(report.elsewhere?.count == 1)
        let line = try #require(report.elsewhere?.first)
        #expect(line.community == c2 && line.merchant == f.merchant && line.merchantCommunity == "C01")
        #expect(line.points == 50 && line.count == 2)

        // Settlement: each community settles its own share into its own settlement account.
        let settled = try s.merchants.settle(merchant: f.merchant, throughDay: nil, actor: "admin")
        #expect(settled.community == "C01" && settled.settlement.points == 30)
        #expect(settled.posted.transfer.credit == Account.settlement("C01"))
        #expect(settled.others.count == 1)
        let other = try #require(settled.others.first)
        #expect(other.community == c2 && other.settlement.points == 50 && other.lines.count == 2)
        #expect(other.posted.transfer.debit == receivable && other.posted.transfer.credit == Account.settlement(c2))
        #expect(try f.balance(f.merchant) == 0 && f.balance(receivable) == 0)
        #expect(try f.balance(Account.settlement("C01")) == 30 && f.balance(Account.settlement(c2)) == 50)
        #expect(
            refusal { try s.merchants.settle(merchant: f.merchant, throughDay: nil, actor: "admin") }?.code
                == .nothingToSettle)
        try expectBooksBalancePerCommunity(f)
    }

    @Test(arguments: PartnerConformanceTests.stores)
    func partnersLieUnderOneStreetOfficeOrDistrict(kind: StoreKind) throws {
        let s = try setup(kind)
        let f = s.f
        let offices = Offices(store: f.store)
        let at = f.clock.now.millis
        _ = try offices.addOffice(id: "D01", kind: .district, parent: nil, name: "东区", actor: "admin", nowMillis: at)
        _ = try offices.addOffice(
            id: "D01-S01", kind: .street, parent: "D01", name: "东街", actor: "admin", nowMillis: at)
        _ = try offices.addOffice(id: "D02", kind: .district, parent: nil, name: "西区", actor: "admin", nowMillis: at)
        // Only the merchant's home placed: C02, under no office, shares none with it.
        _ = try offices.place(community: "C01", under: "D01-S01", actor: "admin")
        #expect(
            refusal { try s.merchants.addPartner(merchant: f.merchant, community: "C02", actor: "admin") }?.code
                == .partnerOutside)
        // A community of another district is refused and nothing is written.
        _ = try offices.place(community: "C03", under: "D02", actor: "admin")
        #expect(
            refusal { try s.merchants.addPartner(merchant: f.merchant, community: "C03", actor: "admin") }?.code
                == .partnerOutside)
        #expect(try s.merchants.partners(merchant: f.merchant).partners.isEmpty)
        // Under the same district (the street's parent) it partners.
        _ = try offices.place(community: "C02", under: "D01", actor: "admin")
        let list = try s.merchants.addPartner(merchant: f.merchant, community: "C02", actor: "admin")
        #expect(list.partners.map(\.community) == ["C02"])
        _ = try redeem(s, s.partner, 40, key: "tree-1")
        try expectBooksBalancePerCommunity(f)
    }

    @Test(arguments: PartnerConformanceTests.stores)
    func removingAPartnerStopsSpendingButWhatWasSpentStillSettles(kind: StoreKind) throws {
        let s = try setup(kind)
        let f = s.f
        _ = try s.merchants.addPartner(merchant: f.merchant, community: "C02", actor: "admin")
        _ = try redeem(s, s.partner, 40, key: "p-1")
        let list = try s.merchants.removePartner(merchant: f.merchant, community: "C02", actor: "admin")
        #expect(list.partners.count == 1 && !list.partners[0].isActive && list.partners[0].removedBy == "admin")
        #expect(
            refusal { try s.merchants.removePartner(merchant: f.merchant, community: "C02", actor: "admin") }?.code
                == .notPartner)
        #expect(
            refusal { try s.merchants.removePartner(merchant: f.merchant, community: "C03", actor: "admin") }?.code
                == .notPartner)
        let before = try f.snapshot()
        #expect(refusal { try redeem(s, s.partner, 10, key: "p-2") }?.code == .codeWrong)
        #expect(try f.snapshot().accounts == before.accounts)
        let settled = try s.merchants.settle(merchant: f.merchant, throughDay: nil, actor: "admin")
        #expect(settled.community == "C02" && settled.settlement.points == 40 && settled.others.isEmpty)
        #expect(try f.balance(Account.settlement("C02")) == 40)
        try expectBooksBalancePerCommunity(f)
        // Added again, the same receivable account takes the points in.
        _ = try s.merchants.addPartner(merchant: f.merchant, community: "C02", actor: "admin")
        #expect(
            try redeem(s, s.partner, 10, key: "p-3").transfer?.credit
                == Account.receivable(merchant: f.merchant, community: "C02"))
        try expectBooksBalancePerCommunity(f)
    }

    @Test(arguments: PartnerConformanceTests.stores)
    func onlyAnAdminAddsPartnersAndNoPointCrossesACommunity(kind: StoreKind) throws {
        let s = try setup(kind)
        let f = s.f
        let before = try f.snapshot()
        // The merchant cannot open itself to another community's points, nor can a volunteer.
        for actor in [f.merchant, s.partner, s.home] {
            #expect(
                refusal { try s.merchants.addPartner(merchant: f.merchant, community: "C02", actor: actor) }?.code
                    == .notAllowed)
        }
        _ = try s.merchants.addPartner(merchant: f.merchant, community: "C02", actor: "admin")
        #expect(
            refusal { try s.merchants.removePartner(merchant: f.merchant, community: "C02", actor: f.merchant) }?.code
                == .notAllowed)
        // A volunteer of a community the merchant does not accept cannot pay there.
        #expect(refusal { try redeem(s, s.stranger, 10, key: "x-1") }?.code == .codeWrong)
        #expect(try f.balance(s.stranger) == 100)
        // And the ledger itself refuses any transfer between two communities.
        let crossing = refusal {
            try f.store.write { tx in
                try Ledger.post(
                    TransferRequest(kind: .redeem, debit: s.partner, credit: f.merchant, amount: 5, key: "cross"),
                    actor: "admin", atMillis: f.clock.now.millis, in: tx)
            }
        }
        #expect(crossing?.code == .crossCommunity)
        #expect(
            refusal {
                try f.store.write { tx in
                    try Ledger.hold(
                        TransferRequest(
                            kind: .redeem, debit: s.stranger,
                            credit: Account.receivable(merchant: f.merchant, community: "C02"), amount: 5,
                            key: "cross-hold"),
                        actor: "admin", atMillis: f.clock.now.millis, in: tx)
                }
            }?.code == .crossCommunity)
        #expect(try f.snapshot().transfers == before.transfers)
        try expectBooksBalancePerCommunity(f)
    }

    @Test(arguments: PartnerConformanceTests.stores)
    func aMerchantWithoutPartnersSettlesAsBefore(kind: StoreKind) throws {
        let s = try setup(kind)
        let f = s.f
        _ = try redeem(s, s.home, 30, key: "h-1")
        #expect(try s.merchants.partners(merchant: f.merchant).partners.isEmpty)
        #expect(try s.merchants.accounts(merchant: f.merchant).map(\.id) == [f.merchant])
        let settled = try s.merchants.settle(merchant: f.merchant, throughDay: nil, actor: "admin")
        #expect(settled.community == "C01" && settled.others.isEmpty && settled.settlement.points == 30)
        let month = String(DayFormat.string(f.clock.now, in: TimeZone(identifier: "Asia/Shanghai")!).prefix(7))
        #expect(
            try MonthReport.make(month: month, grouping: nil, nowMillis: f.clock.now.millis, from: f.store).elsewhere
                == nil)
        try expectBooksBalancePerCommunity(f)
    }
}
