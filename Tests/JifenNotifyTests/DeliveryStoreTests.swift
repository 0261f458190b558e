import Foundation
import JifenCore
import JifenSQLite
import Testing

/// The delivery queue in SQLite: fan-out in the event's transaction, exclusive leases, rate slots.
@Suite struct DeliveryStoreTests {
    let lease: Int64 = 60_000

    @Test func eventsQueueOnlyForSubscriptionsThatSelectThem() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        let points = try test.addWebhook("http://127.0.0.1:1/a", events: "points.*")
        let all = try test.addWebhook("http://127.0.0.1:1/b", events: "*")
        let activities = try test.addWebhook("http://127.0.0.1:1/c", events: "activity.published")
        try test.insertEvents(2, type: "points.granted")
        try test.insertEvents(1, type: "activity.published")
        try test.insertEvents(1, type: "merchant.settled")
        #expect(try test.db.deliveries(endpoint: points.id).count == 2)
        #expect(try test.db.deliveries(endpoint: all.id).count == 4)
        #expect(try test.db.deliveries(endpoint: activities.id).map(\.eventType) == ["activity.published"])
        #expect(Set(try test.db.deliveries().map(\.webhookID)).count == 7)
    }

    @Test func aRolledBackChangeQueuesNothing() throws {
        struct Abort: Error {}
        let test = try TestDatabase()
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        #expect(throws: (any Error).self) {
            try test.db.write { tx in
                try tx.insert(event: OutboxEvent(type: "points.granted", payload: "{}", atMillis: 1))
                throw Abort()
            }
        }
        // A refused ledger write (unknown account) writes no event either.
        #expect(throws: JifenError.self) {
            try Ledger(store: test.db).grant(to: "V9999", amount: 5, reason: "x", key: "k1", actor: "admin")
        }
        #expect(try test.db.deliveries().isEmpty)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: Date().millis + 1, limit: 10, leaseMillis: lease).isEmpty)
    }

    @Test func aLedgerChangeQueuesItsEventInTheSameTransaction() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a", events: "points.granted")
        let volunteer = try test.db.addVolunteer(Volunteer(community: test.community, name: "张桂兰", phone: "13800001234"), actor: "admin", nowMillis: 1)
        _ = try Ledger(store: test.db).grant(to: volunteer.id, amount: 120, reason: "纸质台账结转", key: "carry", actor: "admin")
        let claimed = try test.db.recordAndClaim([], owner: "a", nowMillis: Date().millis + 1, limit: 10, leaseMillis: lease)
        #expect(claimed.count == 1)
        #expect(claimed.first?.event.payload.contains(#""points":120"#) == true)
    }

    @Test func leasesAreExclusiveAndExpire() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(5, atMillis: 1_000)
        let other = try test.reopen()
        let a = try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 3, leaseMillis: lease)
        let b = try other.recordAndClaim([], owner: "b", nowMillis: 2_500, limit: 10, leaseMillis: lease)
        #expect(a.count == 3 && b.count == 2)
        #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
        #expect(try other.recordAndClaim([], owner: "b", nowMillis: 2_000 + lease - 1, limit: 10, leaseMillis: lease).isEmpty)
        // "a" died: after its lease, "b" takes its deliveries, with the same webhook-ids.
        let taken = try other.recordAndClaim([], owner: "b", nowMillis: 2_000 + lease, limit: 10, leaseMillis: lease)
        #expect(taken.map(\.webhookID) == a.map(\.webhookID))
        #expect(taken.allSatisfy { $0.attempt == 1 })
        // "a" coming back late cannot overwrite "b"'s claim; its attempt is still in the history.
        let late = AttemptRecord(deliveryID: a[0].id, endpointID: a[0].endpoint.id, attempt: 1, atMillis: 3_000, durationMillis: 5,
                                 statusCode: 200, error: "", decision: .delivered)
        _ = try test.db.recordAndClaim([late], owner: "a", nowMillis: 3_000 + lease, limit: 0, leaseMillis: lease)
        #expect(try test.db.deliveries().first { $0.id == a[0].id }?.status == .pending)
    }

    @Test func concurrentClaimsFromTwoConnectionsNeverOverlap() async throws {
        let test = try TestDatabase()
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(400, atMillis: 1_000)
        let stores = [test.db, try test.reopen(), try test.reopen()]
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let batch = try store.recordAndClaim([], owner: "p\(index)", nowMillis: 5_000, limit: 7, leaseMillis: 60_000)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        let all = claimed.flatMap { $0 }
        #expect(all.count == 400 && Set(all).count == 400)
    }

    @Test func aRobotGetsOneMessagePerRateSlot() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/robot?key=k", format: .wecom, rate: 20)
        try test.insertEvents(10, atMillis: 1_000)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 10_000, limit: 10, leaseMillis: lease).count == 1)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 12_999, limit: 10, leaseMillis: lease).isEmpty)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 13_000, limit: 10, leaseMillis: lease).count == 1)
    }

    @Test func pausedQueuesDisabledDoesNotAndResumeSends() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        let endpoint = try test.addWebhook("http://127.0.0.1:1/a")
        _ = try test.db.setWebhookStatus(endpoint.id, to: .paused, actor: "admin")
        try test.insertEvents(2, atMillis: 1_000)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 10, leaseMillis: lease).isEmpty)
        _ = try test.db.setWebhookStatus(endpoint.id, to: .active, actor: "admin")
        let claimed = try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 10, leaseMillis: lease)
        #expect(claimed.count == 2)
        let gone = AttemptRecord(deliveryID: claimed[0].id, endpointID: endpoint.id, attempt: 1, atMillis: 2_100, durationMillis: 3,
                                 statusCode: 410, error: "410 Gone", decision: .disableEndpoint(retryAtMillis: 2_100))
        _ = try test.db.recordAndClaim([gone], owner: "a", nowMillis: 2_200, limit: 0, leaseMillis: lease)
        #expect(try test.db.webhook(endpoint.id).status == .disabled)
        try test.insertEvents(1, atMillis: 2_300)
        #expect(try test.db.deliveries(endpoint: endpoint.id).count == 2)  // nothing new queued while disabled
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 999_999, limit: 10, leaseMillis: lease).isEmpty)
    }

    @Test func deadDeliveriesReplayWithTheirWebhookID() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(1, atMillis: 1_000)
        let first = try #require(try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 1, leaseMillis: lease).first)
        let dead = AttemptRecord(deliveryID: first.id, endpointID: first.endpoint.id, attempt: 1, atMillis: 2_000, durationMillis: 3,
                                 statusCode: 500, error: "HTTP 500", decision: .dead)
        _ = try test.db.recordAndClaim([dead], owner: "a", nowMillis: 2_001, limit: 0, leaseMillis: lease)
        #expect(try test.db.deliveries(deadOnly: true).map(\.id) == [first.id])
        #expect(throws: JifenError.self) { try test.db.replayDead(actor: "V0001", nowMillis: 3_000) }  // admins only
        #expect(try test.db.deliveries(deadOnly: true).count == 1)
        #expect(try test.db.replayDead(actor: "admin", nowMillis: 3_000) == 1)
        let again = try #require(try test.db.recordAndClaim([], owner: "b", nowMillis: 3_000, limit: 1, leaseMillis: lease).first)
        #expect(again.webhookID == first.webhookID && again.attempt == 1)
        #expect(throws: JifenError.self) { try test.db.replay(event: 999, actor: "admin", nowMillis: 3_000) }
    }

    @Test func onlyAdminsChangeSubscriptions() throws {
        let test = try TestDatabase()
        defer { test.remove() }
        #expect(throws: JifenError.self) {
            try test.db.addWebhook(NewWebhook(url: "https://x.example/h", format: .standard, events: ["*"], secret: "",
                                              ratePerMinute: 0, allowPrivate: false), actor: "V0001", nowMillis: 1)
        }
        #expect(try test.db.webhooks().isEmpty)
    }
}
