import Foundation
import JifenCore
import JifenSQLite
import JifenTestSupport
import Synchronization
import Testing

/// The delivery queue on both stores: fan-out in the event's transaction, exclusive leases, rate
/// slots, replays. Every test runs unchanged on SQLite and on PostgreSQL.
@Suite struct DeliveryStoreTests {
    let lease: Int64 = 60_000

    @Test(arguments: StoreKind.allCases)
    func eventsQueueOnlyForSubscriptionsThatSelectThem(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        let points = try test.addWebhook("http://127.0.0.1:1/a", events: "points.*")
        let all = try test.addWebhook("http://127.0.0.1:1/b", events: "*")
        let activities = try test.addWebhook("http://127.0.0.1:1/c", events: "activity.published")
        try test.insertEvents(2, type: "points.granted")
        try test.insertEvents(1, type: "activity.published")
        try test.insertEvents(1, type: "merchant.settled")
        #expect(try Webhooks(store: test.db).deliveries(endpoint: points.id).count == 2)
        #expect(try Webhooks(store: test.db).deliveries(endpoint: all.id).count == 4)
        #expect(
            try Webhooks(store: test.db).deliveries(endpoint: activities.id).map(\.eventType) == ["activity.published"])
        #expect(Set(try Webhooks(store: test.db).deliveries().map(\.webhookID)).count == 7)
    }

    @Test(arguments: StoreKind.allCases)
    func aRolledBackChangeQueuesNothing(_ kind: StoreKind) throws {
        struct Abort: Error {}
        let test = try QueueFixture.make(kind)
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
        #expect(try Webhooks(store: test.db).deliveries().isEmpty)
        #expect(
            try test.db.recordAndClaim([], owner: "a", nowMillis: Date().millis + 1, limit: 10, leaseMillis: lease)
                .isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func aLedgerChangeQueuesItsEventInTheSameTransaction(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a", events: "points.granted")
        let volunteer = try test.addVolunteer("张桂兰")
        _ = try Ledger(store: test.db).grant(
            to: volunteer.id, amount: 120, reason: "纸质台账结转", key: "carry", actor: "admin")
        let claimed = try test.db.recordAndClaim(
            [], owner: "a", nowMillis: Date().millis + 1, limit: 10, leaseMillis: lease)
        #expect(claimed.count == 1)
        #expect(claimed.first?.event.payload.contains(#""points":120"#) == true)
    }

    @Test(arguments: StoreKind.allCases)
    func leasesAreExclusiveAndExpire(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(5, atMillis: 1_000)
        let other = try test.reopen()
        let a = try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 3, leaseMillis: lease)
        let b = try other.recordAndClaim([], owner: "b", nowMillis: 2_500, limit: 10, leaseMillis: lease)
        #expect(a.count == 3 && b.count == 2)
        #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
        #expect(
            try other.recordAndClaim([], owner: "b", nowMillis: 2_000 + lease - 1, limit: 10, leaseMillis: lease)
                .isEmpty)
        // "a" died: after its lease, "b" takes its deliveries, with the same webhook-ids.
        let taken = try other.recordAndClaim([], owner: "b", nowMillis: 2_000 + lease, limit: 10, leaseMillis: lease)
        #expect(taken.map(\.webhookID) == a.map(\.webhookID))
        #expect(taken.allSatisfy { $0.attempt == 1 })
        // "a" coming back late cannot overwrite "b"'s claim; its attempt is still in the history.
        let late = AttemptRecord(
            deliveryID: a[0].id, endpointID: a[0].endpoint.id, attempt: 1, atMillis: 3_000, durationMillis: 5,
            statusCode: 200, error: "", decision: .delivered)
        _ = try test.db.recordAndClaim([late], owner: "a", nowMillis: 3_000 + lease, limit: 0, leaseMillis: lease)
        #expect(try Webhooks(store: test.db).deliveries().first { $0.id == a[0].id }?.status == .pending)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentClaimsFromTwoConnectionsNeverOverlap(_ kind: StoreKind) async throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(400, atMillis: 1_000)
        let stores = [test.db, try test.reopen(), try test.reopen()]
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    var mine: [Int64] = []
                    while true {
                        let batch = try store.recordAndClaim(
                            [], owner: "p\(index)", nowMillis: 5_000, limit: 7, leaseMillis: 60_000)
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

    @Test(arguments: StoreKind.allCases)
    func aRobotGetsOneMessagePerRateSlot(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/robot?key=k", format: .wecom, rate: 20)
        try test.insertEvents(10, atMillis: 1_000)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 10_000, limit: 10, leaseMillis: lease).count == 1)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 12_999, limit: 10, leaseMillis: lease).isEmpty)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 13_000, limit: 10, leaseMillis: lease).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func pausedQueuesDisabledDoesNotAndResumeSends(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        let endpoint = try test.addWebhook("http://127.0.0.1:1/a")
        _ = try Webhooks(store: test.db).setWebhookStatus(endpoint.id, to: .paused, actor: "admin")
        try test.insertEvents(2, atMillis: 1_000)
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 10, leaseMillis: lease).isEmpty)
        _ = try Webhooks(store: test.db).setWebhookStatus(endpoint.id, to: .active, actor: "admin")
        let claimed = try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 10, leaseMillis: lease)
        #expect(claimed.count == 2)
        let gone = AttemptRecord(
            deliveryID: claimed[0].id, endpointID: endpoint.id, attempt: 1, atMillis: 2_100, durationMillis: 3,
            statusCode: 410, error: "410 Gone", decision: .disableEndpoint(retryAtMillis: 2_100))
        _ = try test.db.recordAndClaim([gone], owner: "a", nowMillis: 2_200, limit: 0, leaseMillis: lease)
        #expect(try Webhooks(store: test.db).webhook(endpoint.id).status == .disabled)
        try test.insertEvents(1, atMillis: 2_300)
        #expect(try Webhooks(store: test.db).deliveries(endpoint: endpoint.id).count == 2)  // nothing new queued while disabled
        #expect(try test.db.recordAndClaim([], owner: "a", nowMillis: 999_999, limit: 10, leaseMillis: lease).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func deadDeliveriesReplayWithTheirWebhookID(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(1, atMillis: 1_000)
        let first = try #require(
            try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 1, leaseMillis: lease).first)
        let dead = AttemptRecord(
            deliveryID: first.id, endpointID: first.endpoint.id, attempt: 1, atMillis: 2_000, durationMillis: 3,
            statusCode: 500, error: "HTTP 500", decision: .dead)
        _ = try test.db.recordAndClaim([dead], owner: "a", nowMillis: 2_001, limit: 0, leaseMillis: lease)
        #expect(try Webhooks(store: test.db).deliveries(deadOnly: true).map(\.id) == [first.id])
        #expect(throws: JifenError.self) { try Webhooks(store: test.db).replayDead(actor: "V0001", nowMillis: 3_000) }  // admins only
        #expect(try Webhooks(store: test.db).deliveries(deadOnly: true).count == 1)
        #expect(try Webhooks(store: test.db).replayDead(actor: "admin", nowMillis: 3_000) == 1)
        let again = try #require(
            try test.db.recordAndClaim([], owner: "b", nowMillis: 3_000, limit: 1, leaseMillis: lease).first)
        #expect(again.webhookID == first.webhookID && again.attempt == 1)
        #expect(throws: JifenError.self) {
            try Webhooks(store: test.db).replay(event: 999, actor: "admin", nowMillis: 3_000)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func onlyAdminsChangeSubscriptions(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        #expect(throws: JifenError.self) {
            try Webhooks(store: test.db).addWebhook(
                NewWebhook(
                    url: "https://x.example/h", format: .standard, events: ["*"], secret: "",
                    ratePerMinute: 0, allowPrivate: false), actor: "V0001", nowMillis: 1)
        }
        #expect(try test.db.webhooks().isEmpty)
    }

    /// The fan-out trigger selects exactly what the core's rule selects, on both stores: PostgreSQL
    /// matches with LIKE, where `_` is a wildcard unless escaped, and SQLite with GLOB, where it is not.
    @Test(arguments: StoreKind.allCases)
    func fanOutMatchesPatternsAsTheCoreRuleDoes(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        let patterns = ["*", "points.*", "points.granted", "points_x.*", "a_b.c", "activity.*", "a.b.*"]
        let types = [
            "points.granted", "points.transferred", "pointsx.granted", "points_x.y", "pointsAx.y", "points_xy.z",
            "a_b.c", "axb.c", "a_b.cd", "activity.published", "activity", "points.", "a.b.c.d", "a.bc",
        ]
        var endpoints: [String: Int64] = [:]
        for pattern in patterns {
            endpoints[pattern] = try test.addWebhook("http://127.0.0.1:1/\(endpoints.count)", events: pattern).id
        }
        for type in types { try test.insertEvents(1, type: type) }
        for pattern in patterns {
            let queued = try test.db.deliveries(endpoint: endpoints[pattern], deadOnly: false, limit: 100).map(
                \.eventType)
            let expected = types.filter { WebhookEventFilter.matches(pattern, $0) }
            #expect(queued.sorted() == expected.sorted(), "pattern \(pattern)")
        }
        // The same rule when an event is replayed to subscriptions added after it was written.
        let late = try test.addWebhook("http://127.0.0.1:1/late", events: "points_x.*")
        let eventIDs = Dictionary(
            try test.db.deliveries(endpoint: endpoints["*"], deadOnly: false, limit: 100).map {
                ($0.eventType, $0.event)
            },
            uniquingKeysWith: { a, _ in a })
        for type in ["points_x.y", "pointsAx.y"] {
            _ = try Webhooks(store: test.db).replay(event: try #require(eventIDs[type]), actor: "admin", nowMillis: 5)
        }
        #expect(try Webhooks(store: test.db).deliveries(endpoint: late.id).map(\.eventType) == ["points_x.y"])
    }

    /// Several notifiers claiming at the same instant: a robot's slot goes to exactly one of them.
    @Test(arguments: StoreKind.allCases)
    func aRobotSlotGoesToOneOfSeveralConcurrentClaims(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/robot?key=k", format: .wecom, rate: 20)
        try test.insertEvents(40, atMillis: 1_000)
        let stores = try (0..<4).map { _ in try test.reopen() }
        for round in 0..<5 {
            let now = 10_000 + Int64(round) * 3_000
            let counts = Mutex<[Int]>([])
            inParallel(stores.count) { index in
                let claimed =
                    (try? stores[index].recordAndClaim(
                        [], owner: "n\(index)", nowMillis: now, limit: 10, leaseMillis: 60_000))?.count ?? -100
                counts.withLock { $0.append(claimed) }
            }
            #expect(counts.withLock { $0.reduce(0, +) } == 1, "round \(round): \(counts.withLock { $0 })")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func replayingAnEventQueuesItAgainWithItsWebhookID(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        try test.addWebhook("http://127.0.0.1:1/a")
        try test.insertEvents(1, atMillis: 1_000)
        let first = try #require(
            try test.db.recordAndClaim([], owner: "a", nowMillis: 2_000, limit: 1, leaseMillis: lease).first)
        let done = AttemptRecord(
            deliveryID: first.id, endpointID: first.endpoint.id, attempt: 1, atMillis: 2_000, durationMillis: 3,
            statusCode: 200, error: "", decision: .delivered)
        _ = try test.db.recordAndClaim([done], owner: "a", nowMillis: 2_001, limit: 0, leaseMillis: lease)
        let delivered = try #require(try Webhooks(store: test.db).deliveries().first)
        #expect(delivered.status == .delivered && delivered.deliveredAtMillis == 2_000 && delivered.attempts == 1)
        #expect(throws: JifenError.self) {
            try Webhooks(store: test.db).replay(event: first.event.id, actor: "V0001", nowMillis: 3_000)
        }
        #expect(try Webhooks(store: test.db).replay(event: first.event.id, actor: "admin", nowMillis: 3_000) == 1)
        let again = try #require(
            try test.db.recordAndClaim([], owner: "b", nowMillis: 3_000, limit: 5, leaseMillis: lease).first)
        #expect(again.webhookID == first.webhookID && again.attempt == 1 && again.event == first.event)
    }

    @Test(arguments: StoreKind.allCases)
    func subscriptionsChangeAlikeOnBothStores(_ kind: StoreKind) throws {
        let test = try QueueFixture.make(kind)
        defer { test.remove() }
        let added = try test.addWebhook(
            "http://127.0.0.1:1/a", events: "points.*,activity.published",
            secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        #expect(
            added.events == ["activity.published", "points.*"] && added.status == .active && added.createdBy == "admin")
        #expect(try test.db.webhooks() == [added])
        #expect(try Webhooks(store: test.db).webhook(added.id) == added)
        let rotated = try Webhooks(store: test.db).rotateWebhookSecret(
            added.id, newSecret: "whsec_bmV3", graceMillis: 3_600_000, actor: "admin", nowMillis: 1_000)
        #expect(
            rotated.secret == "whsec_bmV3" && rotated.previousSecret == added.secret
                && rotated.previousSecretUntilMillis == 3_601_000)
        #expect(rotated.signingSecrets(nowMillis: 2_000) == ["whsec_bmV3", added.secret])
        let paused = try Webhooks(store: test.db).setWebhookStatus(added.id, to: .paused, actor: "admin")
        #expect(paused.status == .paused && paused.statusReason == "paused by admin")
        #expect(try Webhooks(store: test.db).setWebhookStatus(added.id, to: .active, actor: "admin").statusReason == "")
        try test.insertEvents(2)
        #expect(throws: JifenError.self) { try Webhooks(store: test.db).removeWebhook(added.id, actor: "V0001") }
        #expect(try Webhooks(store: test.db).removeWebhook(added.id, actor: "admin") == rotated)
        #expect(try test.db.webhooks().isEmpty && Webhooks(store: test.db).deliveries().isEmpty)
        let unknown = refusal { try Webhooks(store: test.db).webhook(added.id) }
        #expect(unknown?.code == .unknownID && unknown?.category == .refused)
        #expect(
            refusal { try Webhooks(store: test.db).setWebhookStatus(99, to: .paused, actor: "admin") }?.code
                == .unknownID)
        #expect(try Settings(store: test.db).webhookSettings() == WebhookSettings())
    }
}

/// Runs `body(i)` for i in 0..<count on that many threads at once and waits for all.
func inParallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        Thread {
            body(i)
            group.leave()
        }.start()
    }
    group.wait()
}
