import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// Micro-wishes through the application layer, on both stores: the life of a wish, who may do
/// what and see whom, bad input, and random transitions with the ledger's invariants after each.
@Suite struct WishConformanceTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let organizer = "组长"
    static let otherOrganizer = "别队组长"

    struct World {
        var f: Fixture
        var app: JifenApp
        var team: String
        var merchant2: String
        var donations: String { Account.donation(f.community) }
    }

    static func world(_ kind: StoreKind) throws -> World {
        let f = try Fixture.make(kind)
        let now = f.clock.now.millis
        let team = try Registry(store: f.store).addTeam(
            name: "助老队", leader: organizer, community: nil, actor: "admin", nowMillis: now
        )
        .id
        let other = try Registry(store: f.store).addTeam(
            name: "巡逻队", leader: otherOrganizer, community: nil, actor: "admin", nowMillis: now
        ).id
        try Registry(store: f.store).addOrganizer(organizer, team: team, actor: "admin", nowMillis: now)
        try Registry(store: f.store).addOrganizer(otherOrganizer, team: other, actor: "admin", nowMillis: now)
        for v in f.volunteers { _ = try f.grant(v, 200) }
        let clock = f.clock
        return World(
            f: f, app: JifenApp(store: f.store, clock: { clock.now }, zone: zone), team: team,
            merchant2: try f.addMerchant("第二商户"))
    }

    static func post(_ w: World, points: Int64 = 0, title: String = "一个新书包") throws -> String {
        try w.app.postWish(
            Principal(organizer),
            .init(
                team: w.team, title: title, beneficiaryKind: .child, beneficiaryName: "小明",
                beneficiaryDetails: "三年级，住3号楼", points: points)
        ).id
    }

    static func code(_ body: () throws -> Any) -> String? { refusal(body)?.code.rawValue }

    /// The donation account's balance from the transfers alone: donations less returns less payments.
    static func donationFlows(_ w: World) throws -> Int64 {
        try w.f.store.read { r in
            var total: Int64 = 0
            try r.forEachTransfer { t in
                if t.credit == w.donations { total += t.amount }
                if t.debit == w.donations { total -= t.amount }
                return true
            }
            return total
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFundedWishIsDonatedClaimedRealizedPaidAndSettled(kind: StoreKind) throws {
        let w = try Self.world(kind)
        let (v1, v2) = (w.f.volunteers[0], w.f.volunteers[1])
        let id = try Self.post(w, points: 100)
        #expect(id == "W001")
        let first = try w.app.donateToWish(Principal(v1), .init(wish: id, points: 40, key: "k1"))
        #expect(first.points == 40 && !first.replayed && first.wish.raised == 40 && first.wish.needed == 60)
        let again = try w.app.donateToWish(Principal(v1), .init(wish: id, points: 40, key: "k1"))
        #expect(again.replayed && again.wish.raised == 40)
        #expect(try w.f.balance(v1) == 160)
        _ = try w.app.donateToWish(Principal(v2), .init(wish: id, points: 30))
        let back = try w.app.withdrawDonation(Principal(v2), .init(wish: id))
        #expect(back.points == 30 && back.transfers.allSatisfy { $0.kind == .reverse && $0.credit == v2 })
        #expect(try w.f.balance(v2) == 200)
        // Withdrawing twice says nothing is left, and moves nothing.
        let repeated = refusal { try w.app.withdrawDonation(Principal(v2), .init(wish: id)) }
        #expect(
            repeated?.code == .nothingToWithdraw && repeated?.message.en.contains("nothing is left") == true,
            "\(String(describing: repeated))")
        #expect(try w.f.balance(v2) == 200)
        #expect(try w.f.balance(w.donations) == 40)

        let claimed = try w.app.claimWish(Principal(w.f.merchant), .init(wish: id))
        #expect(
            claimed.wish.wish.status == .claimed && claimed.wish.beneficiaryShown
                && claimed.wish.wish.beneficiaryName == "小明")
        // Once claimed, a donor cannot take back.
        #expect(Self.code { try w.app.withdrawDonation(Principal(v1), .init(wish: id)) } == "wish-state")
        let realized = try w.app.realizeWish(Principal(Self.organizer), .init(wish: id, text: "书包已送到"))
        #expect(realized.wish.wish.status == .realized && realized.points == 40)
        #expect(realized.transfers.first?.kind == .fulfil && realized.transfers.first?.credit == w.f.merchant)
        #expect(try w.f.balance(w.f.merchant) == 40 && w.f.balance(w.donations) == 0)
        // A retried realization moves nothing.
        #expect(
            Self.code { try w.app.realizeWish(Principal(Self.organizer), .init(wish: id, text: "书包已送到")) }
                == "wish-state")
        #expect(try w.f.balance(w.f.merchant) == 40)

        let settled = try Merchants(store: w.f.ledger.store, now: w.f.ledger.now).settle(
            merchant: w.f.merchant, throughDay: nil, actor: "admin")
        #expect(settled.wishPoints == 40 && settled.posted.transfer.amount == 40)
        // One wish reads "1 wish", not "1 wishes".
        #expect(
            settled.posted.transfer.memo.hasPrefix("0 redemptions, 1 wish through "), "\(settled.posted.transfer.memo)")
        #expect(try w.f.balance(w.f.merchant) == 0)
        #expect(
            Self.code {
                try Merchants(store: w.f.ledger.store, now: w.f.ledger.now).settle(
                    merchant: w.f.merchant, throughDay: nil, actor: "admin")
            }
                == "nothing-to-settle")

        let shown = try w.app.wish(Principal(Self.organizer), .init(wish: id))
        #expect(shown.history?.map(\.action) == ["post", "donate", "donate", "withdraw", "claim", "realize"])
        #expect(shown.wish.settlement == settled.settlement.id)
        let types = try w.f.eventTypes()
        for type in ["wish.posted", "points.donated", "wish.withdrawn", "wish.claimed", "wish.realized", "wish.paid"] {
            #expect(types.contains(type), "\(type)")
        }
        // The beneficiary's name never goes to group chats.
        #expect(try w.f.eventPayloads("wish.posted").allSatisfy { !$0.contains("小明") })
        #expect(try w.f.verify().ok)

        // The month's notice: donations, the donation account, and the realized wish on the roll.
        let month = String(DayFormat.string(w.f.clock.now, in: Self.zone).prefix(7))
        let report = try w.app.report(Principal("admin"), .init(month: month)).report
        #expect(report.totals.donated == 70)
        #expect(report.reconciles)
        let notice = try #require(report.wishes)
        #expect(
            notice.realized.map(\.id) == [id] && notice.donated == 70 && notice.returned == 30 && notice.paid == 40
                && notice.held == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func takingDownReturnsEveryDonationAndOnlyWhileOpen(kind: StoreKind) throws {
        let w = try Self.world(kind)
        let id = try Self.post(w, points: 90)
        for v in w.f.volunteers { _ = try w.app.donateToWish(Principal(v), .init(wish: id, points: 20)) }
        _ = try w.app.claimWish(Principal(w.f.merchant), .init(wish: id))
        #expect(
            Self.code { try w.app.takeDownWish(Principal(Self.organizer), .init(wish: id, text: "不需要了")) }
                == "wish-state")
        _ = try w.app.revokeWishClaim(Principal(Self.organizer), .init(wish: id, text: "商户缺货"))
        let down = try w.app.takeDownWish(Principal(Self.organizer), .init(wish: id, text: "不需要了"))
        #expect(down.wish.wish.status == .takenDown && down.points == 60 && down.transfers.count == 3)
        for v in w.f.volunteers { #expect(try w.f.balance(v) == 200) }
        #expect(try w.f.balance(w.donations) == 0 && w.f.verify().ok)
        #expect(
            Self.code { try w.app.donateToWish(Principal(w.f.volunteers[0]), .init(wish: id, points: 5)) }
                == "wish-state")
    }

    /// Who may make each transition, and who sees the beneficiary.
    @Test(arguments: StoreKind.allCases)
    func thePermissionTable(kind: StoreKind) throws {
        let w = try Self.world(kind)
        let (v1, v2) = (w.f.volunteers[0], w.f.volunteers[1])
        let funded = try Self.post(w, points: 50)
        let plain = try Self.post(w, title: "一双棉鞋")
        // Posting: the team's organizer or an admin.
        for actor in [v1, w.f.merchant, Self.otherOrganizer, "路人"] {
            #expect(
                Self.code {
                    try w.app.postWish(
                        Principal(actor),
                        .init(team: w.team, title: "x", beneficiaryKind: .elder, beneficiaryName: "王奶奶"))
                }
                    == "not-allowed", "\(actor)")
        }
        _ = try w.app.postWish(
            Principal("admin"), .init(team: w.team, title: "绘本", beneficiaryKind: .child, beneficiaryName: "小雨"))
        // Who sees the beneficiary of an open wish.
        func sees(_ actor: String, _ id: String) throws -> Bool {
            let v = try w.app.wish(Principal(actor), .init(wish: id))
            #expect(v.beneficiaryShown == (v.wish.beneficiaryName == "小明"), "\(actor)")
            return v.beneficiaryShown
        }
        #expect(try sees(Self.organizer, plain) && sees("admin", plain))
        #expect(
            try !sees(v1, plain) && !sees(w.f.merchant, plain) && !sees(Self.otherOrganizer, plain)
                && !sees("路人", plain))
        #expect(try w.app.wish(Principal(v1), .init(wish: plain)).wish.beneficiaryName == "小*")
        #expect(try w.app.wishes(Principal(v1), .init()).allSatisfy { !$0.beneficiaryShown })
        #expect(try w.app.wish(Principal("someone", isOwner: true), .init(wish: plain)).beneficiaryShown)

        // Claiming: a registered volunteer or merchant; a point-funded wish: a merchant only.
        #expect(Self.code { try w.app.claimWish(Principal("路人"), .init(wish: plain)) } == "not-allowed")
        #expect(Self.code { try w.app.claimWish(Principal(Self.organizer), .init(wish: plain)) } == "not-allowed")
        #expect(Self.code { try w.app.claimWish(Principal(v1), .init(wish: funded)) } == "not-allowed")
        _ = try w.app.claimWish(Principal(v1), .init(wish: plain))
        #expect(try sees(v1, plain) && !sees(v2, plain))
        // Cancelling: the claimant only.
        for actor in [v2, Self.organizer, "admin", w.f.merchant] {
            #expect(
                Self.code { try w.app.cancelWishClaim(Principal(actor), .init(wish: plain)) } == "not-allowed",
                "\(actor)")
        }
        // Revoking and realizing: the team's organizer or an admin.
        for actor in [v1, v2, Self.otherOrganizer, w.f.merchant] {
            #expect(
                Self.code { try w.app.revokeWishClaim(Principal(actor), .init(wish: plain, text: "r")) }
                    == "not-allowed", "\(actor)")
            #expect(
                Self.code { try w.app.realizeWish(Principal(actor), .init(wish: plain, text: "n")) } == "not-allowed",
                "\(actor)")
        }
        _ = try w.app.cancelWishClaim(Principal(v1), .init(wish: plain))
        #expect(try !sees(v1, plain))
        _ = try w.app.claimWish(Principal(v2), .init(wish: plain))
        _ = try w.app.revokeWishClaim(Principal("admin"), .init(wish: plain, text: "联系不上"))
        _ = try w.app.claimWish(Principal(w.f.merchant), .init(wish: plain))
        _ = try w.app.realizeWish(Principal(Self.organizer), .init(wish: plain, text: "已送到"))
        #expect(try sees(w.f.merchant, plain))
        // Taking down: the organizer, only while open; donating: a volunteer from their own points.
        for actor in [v1, w.f.merchant, Self.otherOrganizer] {
            #expect(
                Self.code { try w.app.takeDownWish(Principal(actor), .init(wish: funded, text: "r")) } == "not-allowed",
                "\(actor)")
        }
        #expect(
            Self.code { try w.app.donateToWish(Principal(w.f.merchant), .init(wish: funded, points: 5)) }
                == "not-allowed")
        #expect(
            Self.code { try w.app.donateToWish(Principal("admin"), .init(wish: funded, points: 5)) } == "not-allowed")
        // Counter staff do none of it.
        let staff = Principal(w.f.merchant, role: .staff, credential: "c1")
        #expect(Self.code { try w.app.claimWish(staff, .init(wish: funded)) } == "not-allowed")
        #expect(try w.f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func badInputIsRefusedAndChangesNothing(kind: StoreKind) throws {
        let w = try Self.world(kind)
        let v = w.f.volunteers[0]
        let funded = try Self.post(w, points: 500)
        let plain = try Self.post(w)
        let before = try w.f.snapshot()
        let cases: [(String, () throws -> Any)] = [
            ("insufficient-points", { try w.app.donateToWish(Principal(v), .init(wish: funded, points: 250)) }),
            ("bad-amount", { try w.app.donateToWish(Principal(v), .init(wish: funded, points: 0)) }),
            ("bad-amount", { try w.app.donateToWish(Principal(v), .init(wish: funded, points: -5)) }),
            ("wish-funding", { try w.app.donateToWish(Principal(v), .init(wish: plain, points: 5)) }),
            ("wish-state", { try w.app.realizeWish(Principal(Self.organizer), .init(wish: plain, text: "n")) }),
            ("not-allowed", { try w.app.cancelWishClaim(Principal(v), .init(wish: plain)) }),
            ("bad-wish-id", { try w.app.claimWish(Principal(v), .init(wish: "X9")) }),
            ("unknown-id", { try w.app.claimWish(Principal(v), .init(wish: "W099")) }),
            ("nothing-to-withdraw", { try w.app.withdrawDonation(Principal(v), .init(wish: funded)) }),
            ("reason-required", { try w.app.realizeWish(Principal(Self.organizer), .init(wish: plain, text: " ")) }),
            (
                "bad-amount",
                {
                    try w.app.postWish(
                        Principal(Self.organizer),
                        .init(team: w.team, title: "x", beneficiaryKind: .child, beneficiaryName: "a", points: -1))
                }
            ),
        ]
        for (expected, body) in cases {
            let got = Self.code(body)
            // (Cancelling an unclaimed wish: nobody holds the claim, so it is not this volunteer's to cancel.)
            #expect(got == expected, "\(expected): \(String(describing: got))")
            #expect(try w.f.snapshot() == before)
        }
        _ = try w.app.claimWish(Principal(v), .init(wish: plain))
        let claimed = try w.f.snapshot()
        #expect(
            Self.code { try w.app.takeDownWish(Principal(Self.organizer), .init(wish: plain, text: "r")) }
                == "wish-state")
        #expect(Self.code { try w.app.claimWish(Principal(w.f.volunteers[1]), .init(wish: plain)) } == "wish-state")
        _ = try w.app.donateToWish(Principal(v), .init(wish: funded, points: 100, key: "d1"))
        // The same key for another content is refused; beyond what a wish needs too.
        #expect(
            Self.code { try w.app.donateToWish(Principal(v), .init(wish: funded, points: 99, key: "d1")) }
                == "key-reused")
        let small = try Self.post(w, points: 10)
        #expect(Self.code { try w.app.donateToWish(Principal(v), .init(wish: small, points: 11)) } == "wish-funding")
        // A donation is taken back with wish withdraw, never by an admin's reversal.
        let donation = try #require(try w.app.wish(Principal("admin"), .init(wish: funded)).history?.last)
        #expect(donation.action == "donate")
        let transferID = try w.f.store.read { r in
            var id: Int64 = 0
            try r.forEachTransfer { t in
                if t.kind == .donate { id = t.id }; return true
            }
            return id
        }
        #expect(Self.code { try w.f.ledger.reverse(transferID, reason: "r", actor: "admin") } == "cannot-reverse")
        let after = try w.f.snapshot()
        #expect(claimed.transfers + 1 == after.transfers)
        #expect(try w.f.verify().ok)
    }

    /// Random transitions by random people; after each, a refused one changed nothing, the
    /// donation account equals donations less returns less payments and the wishes' holdings, the
    /// balances sum to zero and verify is green.
    @Test(arguments: StoreKind.allCases, [11, 12, 13] as [UInt64])
    func randomTransitionsKeepTheInvariants(kind: StoreKind, seed: UInt64) throws {
        let w = try Self.world(kind)
        var rng = SplitMix64(state: seed)
        var ids = [try Self.post(w, points: 120), try Self.post(w, points: 60), try Self.post(w)]
        let people = w.f.volunteers + [w.f.merchant, w.merchant2, Self.organizer, Self.otherOrganizer, "admin"]
        var keys: [String] = []
        var done = 0
        for step in 0..<70 {
            let before = try w.f.snapshot()
            let wishesBefore = try w.f.store.read { try $0.wishes() }
            let actor = Principal(people.randomElement(using: &rng)!)
            let id = ids.randomElement(using: &rng)!
            let key = Bool.random(using: &rng) && !keys.isEmpty ? keys.randomElement(using: &rng)! : "s\(seed)-\(step)"
            keys.append(key)
            let outcome = refusal {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: return try w.app.claimWish(actor, .init(wish: id))
                case 1: return try w.app.cancelWishClaim(actor, .init(wish: id))
                case 2: return try w.app.revokeWishClaim(actor, .init(wish: id, text: "r"))
                case 3: return try w.app.realizeWish(actor, .init(wish: id, text: "n"))
                case 4: return try w.app.takeDownWish(actor, .init(wish: id, text: "r"))
                case 5, 6:
                    return try w.app.donateToWish(
                        actor, .init(wish: id, points: Int64.random(in: -3...80, using: &rng), key: key))
                case 7: return try w.app.withdrawDonation(actor, .init(wish: id))
                case 8: return try w.app.claimWish(Principal(w.f.merchant), .init(wish: id))
                default:
                    let new = try Self.post(w, points: Int64.random(in: 0...100, using: &rng))
                    ids.append(new)
                    return new
                }
            }
            if outcome == nil {
                done += 1
            } else {
                #expect(try w.f.snapshot() == before, "step \(step): \(outcome!)")
                #expect(try w.f.store.read { try $0.wishes() } == wishesBefore, "step \(step)")
            }
            let held = try w.f.store.read { try $0.wishes() }.reduce(0) { $0 + $1.donated }
            let account = try w.f.balance(w.donations)
            #expect(account == held, "step \(step)")
            #expect(try Self.donationFlows(w) == account, "step \(step)")
            #expect(try w.f.store.read { try $0.allAccounts() }.reduce(0) { $0 + $1.balance } == 0)
            let report = try w.f.verify()
            #expect(report.ok, "step \(step): \(report.faults)")
        }
        #expect(done > 10)
    }
}
