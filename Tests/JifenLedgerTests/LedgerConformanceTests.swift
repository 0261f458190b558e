import Foundation
import GRDB
import JifenCore
import JifenTestSupport
import Testing

/// The ledger's behaviour, written against the store seam: every store must pass all of it.
@Suite struct LedgerConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func grantCreditsFromIssuanceAndSumsToZero(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let posted = try f.grant(f.volunteers[0], 120)
        #expect(posted.transfer.kind == .grant)
        #expect(posted.transfer.debit == f.issuance)
        #expect(try f.balance(f.volunteers[0]) == 120)
        #expect(try f.balance(f.issuance) == -120)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func sameKeySameContentReturnsFirstResult(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let first = try f.grant(f.volunteers[0], 50, key: "carry-over")
        let again = try f.grant(f.volunteers[0], 50, key: "carry-over")
        #expect(!first.replayed)
        #expect(again.replayed)
        // PostgreSQL seals after the commit: the first answer has no place in the chain yet,
        // the replay reads the sealed row. Everything else is the same transfer.
        var sealedFirst = first.transfer
        if kind == .postgres {
            #expect(!first.transfer.isSealed && first.transfer.hash.isEmpty)
            let stored = try #require(try f.store.read { try $0.transfer(id: first.transfer.id) })
            #expect(stored.isSealed)
            sealedFirst.seq = stored.seq; sealedFirst.prevHash = stored.prevHash; sealedFirst.hash = stored.hash
        }
        #expect(again.transfer == sealedFirst)
        #expect(try f.balance(f.volunteers[0]) == 50)
    }

    @Test(arguments: StoreKind.allCases)
    func sameKeyOtherContentIsRefusedAndChangesNothing(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try f.grant(f.volunteers[0], 50, key: "k")
        let before = try f.snapshot()
        let error = refusal { try f.grant(f.volunteers[0], 51, key: "k") }
        #expect(error?.code == .keyReused)
        #expect(error?.category == .refused)
        #expect(try f.snapshot() == before)
    }

    @Test(arguments: StoreKind.allCases)
    func overdraftIsRefusedAndChangesNothing(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try f.grant(f.volunteers[0], 30)
        let before = try f.snapshot()
        let error = refusal {
            try f.ledger.transfer(
                from: f.volunteers[0], to: f.volunteers[1], amount: 31, memo: "", key: "g", actor: f.volunteers[0])
        }
        #expect(error?.code == .insufficientPoints)
        #expect(try f.snapshot() == before)
    }

    @Test(arguments: StoreKind.allCases)
    func volunteersMayGiveOnlyTheirOwnPoints(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try f.grant(f.volunteers[0], 30)
        let error = refusal {
            try f.ledger.transfer(
                from: f.volunteers[0], to: f.volunteers[1], amount: 5, memo: "", key: "g", actor: f.volunteers[1])
        }
        #expect(error?.code == .notAllowed)
        let gift = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 5, memo: "给老伴", key: "g", actor: f.volunteers[0])
        #expect(gift.transfer.kind == .transfer)
        let moved = try f.ledger.transfer(
            from: f.volunteers[1], to: f.volunteers[2], amount: 5, memo: "fix", key: "a", actor: "admin")
        #expect(moved.transfer.kind == .adjust)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func onlyAdminsGrantAndReverse(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let error = refusal {
            try f.ledger.grant(to: f.volunteers[0], amount: 5, reason: "x", key: "k", actor: f.volunteers[0])
        }
        #expect(error?.code == .notAllowed)
        let posted = try f.grant(f.volunteers[0], 5)
        #expect(
            refusal { try f.ledger.reverse(posted.transfer.id, reason: "x", actor: "someone") }?.code == .notAllowed)
    }

    @Test(arguments: StoreKind.allCases)
    func reversalIsLinkedOnceAndNeverReversedItself(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let earned = try f.grant(f.volunteers[0], 40)
        let reversal = try f.ledger.reverse(earned.transfer.id, reason: "重复录入", actor: "admin")
        #expect(reversal.transfer.reverses == earned.transfer.id)
        #expect(reversal.transfer.debit == f.volunteers[0])
        #expect(try f.balance(f.volunteers[0]) == 0)
        #expect(try f.ledger.reverse(earned.transfer.id, reason: "重复录入", actor: "admin").replayed)
        #expect(
            refusal { try f.ledger.reverse(earned.transfer.id, reason: "other", actor: "admin") }?.code
                == .alreadyReversed)
        #expect(
            refusal { try f.ledger.reverse(reversal.transfer.id, reason: "x", actor: "admin") }?.code == .cannotReverse)
        #expect(refusal { try f.ledger.reverse(999, reason: "x", actor: "admin") }?.code == .unknownID)
        #expect(
            refusal { try f.ledger.reverse(earned.transfer.id, reason: "  ", actor: "admin") }?.code == .reasonRequired)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func reversingSpentEarningsIsRefused(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let earned = try f.grant(f.volunteers[0], 40)
        _ = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 30, memo: "", key: "g", actor: "admin")
        #expect(
            refusal { try f.ledger.reverse(earned.transfer.id, reason: "x", actor: "admin") }?.code
                == .insufficientPoints)
    }

    @Test(arguments: StoreKind.allCases)
    func unknownAccountsAndBadAmountsAreRefused(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let before = try f.snapshot()
        #expect(refusal { try f.grant("V9999", 5) }?.code == .unknownID)
        for amount: Int64 in [0, -5, Points.maximum + 1] {
            #expect(refusal { try f.grant(f.volunteers[0], amount) }?.category == .usage)
        }
        #expect(
            refusal {
                try f.ledger.transfer(
                    from: f.volunteers[0], to: f.volunteers[0], amount: 1, memo: "", key: "s", actor: "admin")
            }?.code == .sameAccount)
        #expect(try f.snapshot() == before)
    }

    @Test(arguments: StoreKind.allCases)
    func holdsCountAgainstAvailableAndResolveOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let request = TransferRequest(
            kind: .redeem, debit: v, credit: f.merchant, amount: 70, key: "h1", reference: "offer")
        let (hold, replayed) = try f.ledger.hold(request, actor: v)
        #expect(!replayed)
        #expect(try f.ledger.hold(request, actor: v).replayed)
        // 30 left available: a second spend of 31 is refused, of 30 allowed.
        let spend = TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 31, key: "s1")
        #expect(refusal { try f.ledger.post(spend, actor: v) }?.code == .insufficientPoints)
        #expect(
            refusal {
                try f.ledger.hold(
                    TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 31, key: "h2"), actor: v)
            }?
            .code == .insufficientPoints)
        let posted = try f.ledger.postHold(hold.id, actor: f.merchant)
        #expect(posted.transfer.amount == 70)
        #expect(posted.transfer.hold == hold.id)
        #expect(try f.ledger.postHold(hold.id, actor: f.merchant).replayed)
        #expect(refusal { try f.ledger.voidHold(hold.id, actor: f.merchant) }?.code == .holdResolved)
        #expect(try f.balance(v) == 30)
        #expect(try f.balance(f.merchant) == 70)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func voidedAndLapsedHoldsGiveThePointsBack(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let voided = try f.ledger.hold(
            TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 60, key: "a"), actor: v
        ).hold
        _ = try f.ledger.voidHold(voided.id, actor: v)
        _ = try f.ledger.voidHold(voided.id, actor: v)
        #expect(refusal { try f.ledger.postHold(voided.id, actor: f.merchant) }?.code == .holdResolved)
        let lapsing = try f.ledger.hold(
            TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 90, key: "b"), actor: v,
            timeoutMinutes: 30
        ).hold
        f.clock.advance(minutes: 31)
        #expect(refusal { try f.ledger.postHold(lapsing.id, actor: f.merchant) }?.code == .holdResolved)
        // The points are available again even before the lapse is recorded.
        _ = try f.ledger.post(
            TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 100, key: "c"), actor: v)
        let lapsed = try f.ledger.lapseHolds(actor: "admin")
        #expect(lapsed.map(\.id) == [lapsing.id])
        #expect(try f.ledger.lapseHolds(actor: "admin").isEmpty)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func spendingTakesTheOldestLotsFirst(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 10)
        f.clock.advance(days: 40)
        _ = try f.grant(v, 20)
        _ = try f.ledger.post(
            TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 15, key: "r"), actor: v)
        let lots = try f.store.read { try $0.openLots(account: v, limit: 10) }
        #expect(lots.count == 1)
        #expect(lots.first?.remaining == 15)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func expiryMovesLapsedLotsToTheSinkOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 10)
        f.clock.advance(days: 400)
        _ = try f.grant(v, 20)
        f.clock.advance(days: 800)  // the first lot (36 months) has lapsed, the second not yet
        let report = try f.ledger.expire(asOf: nil, actor: "admin")
        #expect(report.points == 10)
        #expect(try f.balance(v) == 20)
        #expect(try f.balance(f.expirySink) == 10)
        #expect(try f.ledger.expire(asOf: nil, actor: "admin").points == 0)
        #expect(refusal { try f.ledger.expire(asOf: "2999-01-01", actor: "admin") }?.code == .futureDate)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func expiryLeavesHeldPointsToTheirHold(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 50)
        f.clock.advance(days: 365 * 3 - 1)
        let hold = try f.ledger.hold(
            TransferRequest(kind: .redeem, debit: v, credit: f.merchant, amount: 20, key: "h"), actor: v,
            timeoutMinutes: 60 * 24 * 5
        ).hold
        f.clock.advance(days: 2)
        #expect(try f.ledger.expire(asOf: nil, actor: "admin").points == 30)
        _ = try f.ledger.postHold(hold.id, actor: f.merchant)
        #expect(try f.balance(v) == 0)
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func returnedPointsKeepTheirExpiryDays(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (a, b) = (f.volunteers[0], f.volunteers[1])
        _ = try f.grant(a, 10)
        let day = try f.store.read { try $0.openLots(account: a, limit: 1).first?.expiresOn }
        f.clock.advance(days: 100)
        let gift = try f.ledger.transfer(from: a, to: b, amount: 10, memo: "", key: "g", actor: a)
        #expect(try f.store.read { try $0.openLots(account: b, limit: 5).map(\.expiresOn) } == [day])
        _ = try f.ledger.reverse(gift.transfer.id, reason: "送错人", actor: "admin")
        #expect(try f.store.read { try $0.openLots(account: a, limit: 5).map(\.expiresOn) } == [day])
        #expect(try f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func hashChainLinksEveryTransfer(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        // As stored: on PostgreSQL the place and hash are given right after the commit.
        let ids = [try f.grant(f.volunteers[0], 1).transfer.id, try f.grant(f.volunteers[1], 2).transfer.id]
        let first = try #require(try f.store.read { try $0.transfer(id: ids[0]) })
        let second = try #require(try f.store.read { try $0.transfer(id: ids[1]) })
        #expect(first.seq == 1 && second.seq == 2)
        #expect(first.prevHash == TransferHash.genesis)
        #expect(second.prevHash == first.hash)
        #expect(TransferHash.compute(second) == second.hash)
        var forged = second
        forged.amount = 3
        #expect(TransferHash.compute(forged) != second.hash)
    }

    @Test(arguments: StoreKind.allCases)
    func outboxEventIsWrittenWithEachTransfer(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try f.grant(f.volunteers[0], 9)
        _ = refusal { try f.grant(f.volunteers[0], 0) }
        #expect(try f.eventTypes() == ["points.granted"])
    }
}
