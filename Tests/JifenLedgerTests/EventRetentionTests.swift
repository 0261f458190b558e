import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Delivered outbox events are pruned after `events.retention_days`; the ledger, its chain and
/// `verify` are untouched, and an event still owed a delivery stays.
@Suite struct EventRetentionTests {
    @Test(arguments: StoreKind.allCases)
    func deliveredEventsArePrunedAfterTheRetentionAndNothingElse(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let hook = try Webhooks(store: f.store).addWebhook(
            NewWebhook(
                url: "http://127.0.0.1:1/a", format: .standard, events: ["points.granted"], secret: "",
                ratePerMinute: 0,
                allowPrivate: true), actor: "admin", nowMillis: f.clock.nowMillis)
        _ = try f.grant(f.volunteers[0], 100, key: "old-grant")  // owed a delivery
        _ = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 30, memo: "", key: "old-gift", actor: f.volunteers[0])
        let old = try f.eventTypes()
        #expect(old.contains("points.granted") && old.count >= 2)

        // Inside the retention (90 days by default): nothing goes.
        f.clock.advance(days: 89)
        #expect(try EventRetention.prune(store: f.store, nowMillis: f.clock.nowMillis) == 0)
        #expect(try f.eventTypes() == old)

        // Past it: the events nobody subscribed to go; the grant still owed its delivery stays.
        f.clock.advance(days: 2)
        _ = try f.grant(f.volunteers[2], 10, key: "new-grant")
        let pruned = try EventRetention.prune(store: f.store, nowMillis: f.clock.nowMillis)
        #expect(pruned == old.count - 1)
        #expect(try f.eventTypes() == ["points.granted", "points.granted"])
        #expect(try f.verify().ok)

        // Delivered: then it goes too; the new grant's event (inside the retention) stays.
        let claimed = try f.store.recordAndClaim(
            [], owner: "t", nowMillis: f.clock.nowMillis, limit: 10, leaseMillis: 60_000)
        #expect(claimed.count == 2)
        let first = try #require(claimed.min { $0.id < $1.id })
        let done = AttemptRecord(
            deliveryID: first.id, endpointID: hook.id, attempt: 1, atMillis: f.clock.nowMillis, durationMillis: 1,
            statusCode: 200, error: "", decision: .delivered)
        _ = try f.store.recordAndClaim([done], owner: "t", nowMillis: f.clock.nowMillis, limit: 0, leaseMillis: 60_000)
        #expect(try EventRetention.prune(store: f.store, nowMillis: f.clock.nowMillis) == 1)
        #expect(try f.eventTypes() == ["points.granted"])
        #expect(try Webhooks(store: f.store).deliveries().map(\.status) == [.pending])

        // The ledger is whole: every transfer, its chain and its balances.
        #expect(try f.snapshot().transfers == 3)
        #expect(try f.verify().ok)
        #expect(try f.balance(f.volunteers[1]) == 30)
    }

    @Test(arguments: StoreKind.allCases)
    func aRetentionOfZeroKeepsEveryEvent(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try Settings(store: f.store).setSetting(
            key: "events.retention_days", value: "0", actor: "admin", nowMillis: f.clock.nowMillis)
        _ = try f.grant(f.volunteers[0], 100)
        let before = try f.eventTypes()
        f.clock.advance(days: 4000)
        #expect(try EventRetention.prune(store: f.store, nowMillis: f.clock.nowMillis) == 0)
        #expect(try f.eventTypes() == before)
        #expect(
            refusal {
                try Settings(store: f.store).setSetting(
                    key: "events.retention_days", value: "-1", actor: "admin", nowMillis: f.clock.nowMillis)
            }?.code == .badSetting)
    }
}
