import CoreMetrics
public import Foundation
public import JifenCore
public import Logging
import Synchronization

/// How a notifier runs; from `WebhookSettings` plus the process's own choices.
public struct NotifierOptions: Sendable {
    /// Names this process's leases, e.g. `host:pid`.
    public var owner: String
    public var concurrency: Int
    public var timeout: TimeInterval
    public var leaseMillis: Int64
    /// Deliver what is due, then return (for cron), instead of running until stopped.
    public var once: Bool
    /// Sleep between looks at an empty queue.
    public var pollMillis: Int64
    /// Longest wait before finished attempts are recorded while others are in flight.
    public var flushMillis: Int64
    public var timeZone: TimeZone

    public init(
        owner: String, settings: WebhookSettings, once: Bool, pollMillis: Int64 = 200, flushMillis: Int64 = 50,
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!
    ) {
        self.owner = owner
        concurrency = settings.concurrency
        timeout = TimeInterval(settings.timeoutSeconds)
        leaseMillis = settings.leaseMillis
        self.once = once
        self.pollMillis = pollMillis
        self.flushMillis = flushMillis
        self.timeZone = timeZone
    }
}

/// What a run did.
public struct NotifierSummary: Sendable, Equatable, Codable {
    public var attempts = 0
    public var delivered = 0
    public var retrying = 0
    public var dead = 0
    public var endpointsDisabled = 0

    mutating func count(_ record: AttemptRecord) {
        attempts += 1
        switch record.decision {
        case .delivered: delivered += 1
        case .retry: retrying += 1
        case .dead: dead += 1
        case .disableEndpoint: endpointsDisabled += 1
        }
    }
}

/// The delivery loop: claims due deliveries, sends them concurrently, records each attempt with
/// the retry policy's decision. Claims and records share one write transaction per batch.
public struct Notifier: Sendable {
    let store: any Store
    let transport: any HTTPTransport
    let policy: RetryPolicy
    let options: NotifierOptions
    let nowMillis: @Sendable () -> Int64
    let random: @Sendable () -> Double
    let addresses: AddressCheck
    let logger: Logger

    /// - Parameters:
    ///   - nowMillis: the clock; tests inject their own.
    ///   - random: numbers in 0..<1 for jitter.
    ///   - resolve: host name → addresses, to refuse private ones before each attempt.
    ///   - logger: passed in; the notifier logs delivery ids, endpoint ids and outcomes, never secrets.
    public init(
        store: any Store, transport: any HTTPTransport, policy: RetryPolicy, options: NotifierOptions,
        nowMillis: @escaping @Sendable () -> Int64 = { Date().millis },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        resolve: @escaping @Sendable (String) -> [String] = WebhookURLPolicy.resolve, logger: Logger
    ) {
        self.store = store
        self.transport = transport
        self.policy = policy
        self.options = options
        self.nowMillis = nowMillis
        self.random = random
        addresses = AddressCheck(resolve: resolve)
        self.logger = logger
    }

    /// Runs until `stop` is set (or, with `once`, until nothing is due), then finishes the
    /// deliveries in flight, records them, and returns.
    /// - Throws: `JifenError` when the database fails; attempts in flight are then retried by
    ///   whichever notifier claims them after their lease.
    public func run(until stop: StopFlag) async throws -> NotifierSummary {
        var summary = NotifierSummary()
        let batch = max(1, options.concurrency / 2)
        // Children return an attempt's record, or nil for a tick: a tick wakes the loop to claim
        // more while every delivery in flight is slow, so one hanging receiver holds up no other.
        try await withThrowingTaskGroup(of: AttemptRecord?.self) { group in
            var inFlight = 0
            var tickPending = false
            var finished: [AttemptRecord] = []
            var lastCall = Int64.min
            while true {
                let stopping = stop.isSet
                let now = nowMillis()
                let room = stopping ? 0 : options.concurrency - inFlight
                if inFlight == 0 || finished.count >= batch || now - lastCall >= options.flushMillis {
                    let claimed = try store.recordAndClaim(
                        finished, owner: options.owner, nowMillis: now, limit: room,
                        leaseMillis: options.leaseMillis)
                    lastCall = now
                    for record in finished { summary.count(record) }
                    finished.removeAll(keepingCapacity: true)
                    for delivery in claimed {
                        group.addTask { await self.attempt(delivery) }
                        inFlight += 1
                    }
                    if inFlight == 0 {
                        if stopping || options.once { break }
                        try? await Task.sleep(for: .milliseconds(options.pollMillis))
                        continue
                    }
                }
                if !tickPending && !stopping && inFlight < options.concurrency {
                    tickPending = true
                    let pause = options.pollMillis
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(pause))
                        return nil
                    }
                }
                guard let next = try await group.next() else { continue }
                if let record = next {
                    inFlight -= 1
                    finished.append(record)
                } else {
                    tickPending = false
                }
            }
        }
        return summary
    }

    /// Makes one attempt of a claimed delivery and decides what follows.
    public func attempt(_ delivery: ClaimedDelivery) async -> AttemptRecord {
        let started = nowMillis()
        let (result, status) = await send(delivery, nowMillis: started)
        let finished = nowMillis()
        let decision = policy.decide(attempt: delivery.attempt, result: result, nowMillis: finished, random: random())
        let outcome: String
        switch decision {
        case .delivered: outcome = "delivered"
        case .retry: outcome = "retry"
        case .dead: outcome = "dead"
        case .disableEndpoint: outcome = "endpoint_disabled"
        }
        // To the metrics facade (a no-op unless the process bootstrapped one).
        Counter(label: "jifen_webhook_attempts_total", dimensions: [("result", outcome)]).increment()
        CoreMetrics.Timer(label: "jifen_webhook_attempt_duration_seconds").recordMilliseconds(finished - started)
        var error = ""
        if case .failure(_, let reason, _) = result { error = reason }
        if case .gone = result { error = "410 Gone: endpoint disabled" }
        let record = AttemptRecord(
            deliveryID: delivery.id, endpointID: delivery.endpoint.id, attempt: delivery.attempt,
            atMillis: started, durationMillis: finished - started, statusCode: status, error: error, decision: decision)
        if error.isEmpty {
            logger.debug(
                "delivered",
                metadata: [
                    "delivery": "\(delivery.id)", "endpoint": "\(delivery.endpoint.id)", "status": "\(status ?? 0)",
                ])
        } else {
            logger.notice(
                "delivery failed",
                metadata: [
                    "delivery": "\(delivery.id)", "endpoint": "\(delivery.endpoint.id)",
                    "attempt": "\(delivery.attempt)",
                    "error": "\(error)", "next": "\(decision)",
                ])
        }
        return record
    }

    /// Sends one attempt and classifies the answer; no decision, nothing recorded (`webhook test`).
    public func send(_ delivery: ClaimedDelivery, nowMillis: Int64) async -> (AttemptResult, Int?) {
        do {
            let request = try WebhookMessage.request(
                for: delivery, nowMillis: nowMillis, timeout: options.timeout, timeZone: options.timeZone)
            if !delivery.endpoint.allowPrivate {
                // Checked at every attempt, on the host as the connection spells it: a name that now
                // resolves to a private address, or to nothing, is not sent to (fail closed).
                switch addresses.verdict(url: request.url) {
                case .allowed: break
                case .forbidden(let address):
                    return (ResponseClassifier.classify(TransportFailure.forbiddenAddress(address)), nil)
                case .unresolved:
                    return (
                        ResponseClassifier.classify(
                            TransportFailure.connection("host name does not resolve; not sent (fail closed)")), nil
                    )
                }
            }
            let response = try await transport.send(request)
            return (
                ResponseClassifier.classify(response, format: delivery.endpoint.format, nowMillis: self.nowMillis()),
                response.status
            )
        } catch let failure as TransportFailure {
            return (ResponseClassifier.classify(failure), nil)
        } catch {
            return (.failure(status: nil, reason: "\(error)", retryAfterMillis: nil), nil)
        }
    }
}

/// Resolves hosts for the private-address check. Nothing is cached: each attempt resolves
/// again and judges every address, so a name whose answers change (DNS rebinding, a moved
/// record) is judged on what it answers now.
final class AddressCheck: Sendable {
    private let resolve: @Sendable (String) -> [String]

    init(resolve: @escaping @Sendable (String) -> [String]) { self.resolve = resolve }

    func verdict(url: URL) -> WebhookURLPolicy.Verdict {
        guard let host = WebhookURLPolicy.host(of: url), !host.isEmpty else { return .unresolved }
        return WebhookURLPolicy.verdict(host: host, resolve: resolve)
    }
}
