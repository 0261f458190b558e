import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Merchants on the store seam: codes, redemptions, holds, refunds, settlement, expiry notices.
@Suite struct MerchantConformanceTests {
    /// Both stores: offers and settings are set up through the facade both have (`OfferCatalog`, `RuleBook`).
    static let stores = StoreKind.allCases

    func code(_ f: Fixture, _ volunteer: String) throws -> String {
        try Merchants(store: f.ledger.store, now: f.ledger.now).issueCode(volunteer: volunteer, actor: volunteer).code
    }

    func events(_ f: Fixture, _ type: String) throws -> [String] {
        try f.eventPayloads(type)
    }

    /// The code hashes stored, oldest first.
    func storedCodes(_ f: Fixture) throws -> [String] {
        try f.strings("SELECT hash FROM redemption_code ORDER BY id")
    }

    func stock(_ f: Fixture) throws -> Int64? {
        try Merchants(store: f.facade).offers(
            merchant: nil, affordableBy: nil, includeRetired: true, nowMillis: f.clock.now.millis
        )
        .first?.stock
    }

    func offer(_ f: Fixture, points: Int64 = 30, stock: Int64? = nil, from: String? = nil) throws -> Offer {
        try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "理发", points: points, stock: stock, validFrom: from, validTo: nil,
            actor: "admin", nowMillis: f.clock.now.millis)
    }

    @Test(arguments: MerchantConformanceTests.stores)
    func aCodeRedeemsOnceAndTheKeyReplays(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let c = try code(f, v)
        #expect(c.count == 6 && c.allSatisfy(\.isNumber))
        let request = RedeemRequest(merchant: f.merchant, code: c, points: 40, key: "till-1")
        let receipt = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(request, actor: f.merchant)
        #expect(receipt.balanceLeft == 60 && !receipt.replayed)
        #expect(receipt.transfer?.kind == .redeem && receipt.transfer?.reference == "R001")
        #expect(try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(request, actor: f.merchant).replayed)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
                    RedeemRequest(merchant: f.merchant, code: c, points: 40, key: "till-2"), actor: f.merchant)
            }?.code == .codeWrong)
        #expect(try f.balance(v) == 60)
        #expect(try f.balance(f.merchant) == 40)
        #expect(try events(f, "points.redeemed").count == 1)
        // The code itself is never stored.
        let stored = try storedCodes(f)
        #expect(!stored.contains(c) && stored == [Codes.hash(c)])
        #expect(try f.verify().ok)
    }

    @Test(arguments: MerchantConformanceTests.stores)
    func refusedRedemptionsChangeNothing(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 50)
        let soldOut = try offer(f, stock: 0)
        let retired = try offer(f)
        _ = try Merchants(store: f.facade).retireOffer(retired.id, actor: "admin", nowMillis: f.clock.now.millis)
        let later = try offer(f, from: "2099-01-01")
        let c = try code(f, v)
        let before = try f.snapshot()
        for (request, expected) in [
            (RedeemRequest(merchant: f.merchant, code: c, points: 51, key: "a"), "insufficient-points"),
            (RedeemRequest(merchant: f.merchant, code: c, offer: soldOut.id, key: "b"), "out-of-stock"),
            (RedeemRequest(merchant: f.merchant, code: c, offer: retired.id, key: "c"), "offer-retired"),
            (RedeemRequest(merchant: f.merchant, code: c, offer: later.id, key: "d"), "offer-not-yet"),
            (RedeemRequest(merchant: f.merchant, code: c, offer: "O999", key: "e"), "unknown-id"),
        ] {
            #expect(
                refusal { try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(request, actor: f.merchant) }?
                    .code.rawValue == expected)
        }
        #expect(try f.snapshot() == before)
        // The code was not spent by the refusals.
        #expect(
            try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
                RedeemRequest(merchant: f.merchant, code: c, points: 50, key: "f"), actor: f.merchant
            )
            .balanceLeft == 0)
    }

    @Test(arguments: MerchantConformanceTests.stores)
    func holdsReserveStockAndResolveOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let o = try offer(f, points: 30, stock: 2)
        let held = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: try code(f, v), offer: o.id, key: "h1", hold: true),
            actor: f.merchant)
        #expect(held.redemption.status == .held && held.balanceLeft == 70)
        #expect(try stock(f) == 1)
        let picked = try Merchants(store: f.ledger.store, now: f.ledger.now).pickup(
            held.redemption.id, actor: f.merchant)
        #expect(picked.redemption.status == .pickedUp && picked.transfer?.amount == 30)
        #expect(
            try Merchants(store: f.ledger.store, now: f.ledger.now).pickup(held.redemption.id, actor: f.merchant)
                .replayed)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).release(held.redemption.id, actor: f.merchant)
            }?.code == .holdResolved)
        let released = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: try code(f, v), offer: o.id, key: "h2", hold: true),
            actor: f.merchant)
        #expect(try stock(f) == 0)
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).release(released.redemption.id, actor: v)
        #expect(
            try Merchants(store: f.ledger.store, now: f.ledger.now).release(released.redemption.id, actor: v).replayed)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).pickup(
                    released.redemption.id, actor: f.merchant)
            }?.code == .holdResolved)
        #expect(try stock(f) == 1)
        let lapsing = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: try code(f, v), offer: o.id, key: "h3", hold: true),
            actor: f.merchant)
        f.clock.advance(days: 4)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).pickup(lapsing.redemption.id, actor: f.merchant)
            }?.code == .holdResolved)
        let report = try f.ledger.expire(asOf: nil, actor: "admin")
        #expect(report.lapsedHolds.count == 1)
        #expect(try stock(f) == 1)
        #expect(try f.balance(v) == 70 && f.balance(f.merchant) == 30)
        #expect(try events(f, "points.held").count == 3 && events(f, "points.released").count == 2)
        #expect(try f.verify().ok)
    }

    @Test(arguments: MerchantConformanceTests.stores)
    func refundsAreLinkedPartialAndNeverExceedTheRedemption(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let other = try f.addMerchant("另一家")
        let r = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: try code(f, v), points: 50, key: "r"), actor: f.merchant
        ).redemption
        // Another merchant's redemption answers as a missing one; its volunteer is told it is not hers to refund.
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
                    r.id, points: 10, reason: "x", key: "o", actor: other)
            }?.code == .unknownID)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
                    r.id, points: 10, reason: "x", key: "o", actor: v)
            }?.code
                == .notYourRedemption)
        let first = try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
            r.id, points: 20, reason: "少做一次", key: "k1", actor: f.merchant)
        #expect(
            first.posted.transfer.kind == .refund && first.posted.transfer.reverses == r.transfer && first.left == 30)
        #expect(
            try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
                r.id, points: 20, reason: "少做一次", key: "k1", actor: f.merchant
            ).posted.replayed)
        let before = try f.snapshot()
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
                    r.id, points: 31, reason: "x", key: "k2", actor: f.merchant)
            }?.code
                == .refundTooMuch)
        #expect(try f.snapshot() == before)
        let rest = try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
            r.id, points: nil, reason: "全退", key: "k3", actor: "admin")
        #expect(rest.posted.transfer.amount == 30 && rest.left == 0)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
                    r.id, points: 1, reason: "x", key: "k4", actor: f.merchant)
            }?.code
                == .fullyRefunded)
        #expect(try f.balance(v) == 100 && f.balance(f.merchant) == 0)
        // The points went back to the day they came from: one lot only.
        #expect(try f.store.read { try $0.openLots(account: v, limit: 10) }.count == 1)
        #expect(try events(f, "points.refunded").count == 2)
        #expect(try f.verify().ok)
    }

    @Test(arguments: MerchantConformanceTests.stores)
    func settlingCoversEachRedemptionOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).settle(
                    merchant: f.merchant, throughDay: nil, actor: "admin")
            }?.code
                == .nothingToSettle)
        let a = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: try code(f, v), points: 30, key: "a"), actor: f.merchant
        ).redemption
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: try code(f, v), points: 20, key: "b"), actor: f.merchant)
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
            a.id, points: 10, reason: "x", key: "r", actor: f.merchant)
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).settle(
                    merchant: f.merchant, throughDay: nil, actor: f.merchant)
            }?.code
                == .notAllowed)
        let settled = try Merchants(store: f.ledger.store, now: f.ledger.now).settle(
            merchant: f.merchant, throughDay: nil, actor: "admin")
        #expect(settled.settlement.points == 40 && settled.lines.count == 2)
        #expect(
            settled.posted.transfer.kind == .settle && settled.posted.transfer.credit == Account.settlement(f.community)
        )
        #expect(
            refusal {
                try Merchants(store: f.ledger.store, now: f.ledger.now).settle(
                    merchant: f.merchant, throughDay: nil, actor: "admin")
            }?.code
                == .nothingToSettle)
        #expect(try f.balance(f.merchant) == 0 && f.balance(Account.settlement(f.community)) == 40)
        #expect(try events(f, "merchant.settled").count == 1)
        #expect(try f.verify().ok)
    }

    @Test(arguments: MerchantConformanceTests.stores)
    func expiryAnnouncesLotsOnceBeforeTheyLapse(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try Settings(store: f.facade).setSetting(
            key: "points.validity_months", value: "1", actor: "admin", nowMillis: f.clock.now.millis)
        _ = try f.grant(f.volunteers[0], 40)
        _ = try f.grant(f.volunteers[1], 10)
        f.clock.advance(days: 3)
        #expect(try f.ledger.expire(asOf: nil, actor: "admin").expiringNotices.count == 2)
        #expect(try f.ledger.expire(asOf: nil, actor: "admin").expiringNotices.isEmpty)
        #expect(try events(f, "points.expiring").count == 2)
        let view = try f.store.read { try BalanceView.read(f.volunteers[0], nowMillis: f.clock.now.millis, in: $0) }
        #expect(view.expiringSoon == 40)
        f.clock.advance(days: 40)
        #expect(try f.ledger.expire(asOf: nil, actor: "admin").points == 50)
        #expect(try events(f, "points.expired").count == 2)
        #expect(try f.verify().ok)
    }
}
