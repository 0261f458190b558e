import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// A micro-wish of one community fulfilled by a partner merchant of another (通存通兑), on both
/// stores: the merchant may claim it only while it accepts the wish's community's points, is paid
/// into its receivable account there (`M001@C02`), as a redemption pays it, and the settlement of
/// that community covers it. No transfer crosses communities.
@Suite struct PartnerWishConformanceTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let organizer = "金凤组长"

    @Test(arguments: StoreKind.allCases)
    func aPartnerMerchantIsPaidForAWishInTheWishsCommunity(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let now = f.clock.now.millis
        let registry = Registry(store: f.store)
        let c2 = try registry.addCommunity(name: "金凤社区", actor: "admin", nowMillis: now).id
        let donor = try registry.addVolunteer(
            Volunteer(community: c2, name: "志愿者金凤", phone: "13900000002"), actor: "admin", nowMillis: now,
            allowDuplicate: false
        ).id
        _ = try f.grant(donor, 100)
        let team = try registry.addTeam(
            name: "助老队", leader: Self.organizer, community: c2, actor: "admin", nowMillis: now
        )
        .id
        try registry.addOrganizer(Self.organizer, team: team, actor: "admin", nowMillis: now)
        let clock = f.clock
        let app = JifenApp(store: f.store, clock: { clock.now }, zone: Self.zone)
        let wish = try app.postWish(
            Principal(Self.organizer),
            .init(
                team: team, title: "一个新书包", beneficiaryKind: .child, beneficiaryName: "小明", beneficiaryDetails: "",
                points: 50)
        ).id
        _ = try app.donateToWish(Principal(donor), .init(wish: wish, points: 50, key: "d1"))
        let merchant = f.merchant  // M001, at home in C01

        // Not yet a partner of C02: the claim is refused and nothing changes.
        let before = try f.snapshot()
        #expect(refusal { try app.claimWish(Principal(merchant), .init(wish: wish)) } != nil)
        #expect(try f.snapshot() == before)

        let merchants = Merchants(store: f.ledger.store, now: f.ledger.now)
        _ = try merchants.addPartner(merchant: merchant, community: c2, actor: "admin")
        let receivable = Account.receivable(merchant: merchant, community: c2)
        _ = try app.claimWish(Principal(merchant), .init(wish: wish))
        let realized = try app.realizeWish(Principal(Self.organizer), .init(wish: wish, text: "书包已送到"))
        let paid = try #require(realized.transfers.first)
        #expect(paid.kind == .fulfil && paid.debit == Account.donation(c2) && paid.credit == receivable, "\(paid)")
        #expect(try f.balance(receivable) == 50 && f.balance(merchant) == 0 && f.balance(Account.donation(c2)) == 0)
        try expectBooksBalancePerCommunity(f)

        // Settled where it was paid: C02's settlement account, from the receivable account.
        let settled = try merchants.settle(merchant: merchant, throughDay: nil, actor: "admin")
        #expect(settled.community == c2 && settled.wishPoints == 50 && settled.others.isEmpty, "\(settled)")
        #expect(settled.posted.transfer.debit == receivable && settled.posted.transfer.credit == Account.settlement(c2))
        #expect(try f.balance(receivable) == 0)
        #expect(try app.wish(Principal(Self.organizer), .init(wish: wish)).wish.settlement == settled.settlement.id)
        #expect(
            refusal { _ = try merchants.settle(merchant: merchant, throughDay: nil, actor: "admin") }?.code
                == .nothingToSettle)
        try expectBooksBalancePerCommunity(f)
    }

    /// Each community's balances sum to zero, every transfer has both its accounts in one
    /// community, and the whole history verifies.
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
        let report = try Verifier.verify(f.store, nowMillis: f.clock.now.millis, full: true)
        #expect(report.ok, "\(report.faults)")
    }
}
