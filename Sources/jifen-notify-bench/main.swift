// `scripts/bench-notify.sh`: 10,000 events to a loopback receiver that fails 30% of first
// attempts, through the same Notifier and URLSession transport as `jifen notify`, on a real
// SQLite file with the default durability (synchronous = FULL). The retry schedule is shortened
// with the `webhook.retry_schedule` setting, as an admin would with `jifen config set`.
import Foundation
import JifenCore
import JifenLoopback
import JifenNotify
import JifenSQLite
import Logging
import Synchronization

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}

let events = option("--events", 10_000)
let failPercent = option("--fail-percent", 30)
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-notify-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let path = folder.appendingPathComponent("bench.sqlite").path
do {
    let created = try SQLiteStore.create(path: path)
    _ = try Registry(store: created).initialise(communityName: "玫瑰园社区", admin: "admin", nowMillis: Date().millis)
}
let db = try SQLiteStore.open(path: path)
_ = try Settings(store: db).setSetting(
    key: "webhook.retry_schedule", value: "200ms,500ms,1s,2s", actor: "admin", nowMillis: Date().millis)

/// Fails `failPercent` of first attempts (chosen by webhook-id), answers 200 otherwise.
final class Receiver: Sendable {
    struct State {
        var attempts: [String: Int] = [:]
        var firstAttempts = 0
        var firstFailures = 0
        var delivered = 0
        var firstPassDone: Date?
        var allDone: Date?
    }
    let state = Mutex(State())
    let events: Int
    let failPercent: Int
    init(events: Int, failPercent: Int) { self.events = events; self.failPercent = failPercent }

    func handle(_ request: LoopbackServer.Request) -> LoopbackServer.Reply {
        let id = request.headers["webhook-id"] ?? ""
        let roll = id.unicodeScalars.reduce(UInt32(0)) { $0 &* 31 &+ $1.value } % 100
        return state.withLock { s in
            let attempt = (s.attempts[id] ?? 0) + 1
            s.attempts[id] = attempt
            if attempt == 1 {
                s.firstAttempts += 1
                if s.firstAttempts == events { s.firstPassDone = Date() }
                if roll < failPercent { s.firstFailures += 1; return .respond(status: 500) }
            }
            s.delivered += 1
            if s.delivered == events { s.allDone = Date() }
            return .respond(status: 200)
        }
    }
}

let receiver = Receiver(events: events, failPercent: failPercent)
let server = try LoopbackServer { receiver.handle($0) }
let secret = WebhookSigning.generateStandardSecret()
_ = try Webhooks(store: db).addWebhook(
    NewWebhook(
        url: server.url("/bench"), format: .standard, events: ["points.*"], secret: secret,
        ratePerMinute: 0, allowPrivate: true), actor: "admin", nowMillis: Date().millis)
let insertStart = Date()
try db.write { tx in
    for index in 0..<events {
        let payload = Events.json(["to": "V\(index % 441 + 1)", "points": "\(index % 50 + 1)", "memo": "bench"])
        try tx.insert(event: OutboxEvent(type: "points.granted", payload: payload, atMillis: Date().millis))
    }
}
print(
    "events=\(events) written in \(String(format: "%.2f", Date().timeIntervalSince(insertStart))) s; receiver fails \(failPercent)% of first attempts"
)

let settings = try Settings(store: db).webhookSettings()
var logger = Logger(label: "jifen.notify.bench")
logger.logLevel = .critical
let notifier = Notifier(
    store: db, transport: URLSessionTransport(maxConnectionsPerHost: settings.concurrency),
    policy: RetryPolicy(settings),
    options: NotifierOptions(owner: "bench", settings: settings, once: false), logger: logger)
let stop = StopFlag()
let started = Date()
let run = Task.detached { try await notifier.run(until: stop) }
let deadline = Date().addingTimeInterval(600)
while receiver.state.withLock({ $0.allDone == nil }) && Date() < deadline {
    try await Task.sleep(for: .milliseconds(10))
}
stop.set()
let summary = try await run.value
server.stop()

let state = receiver.state.withLock { $0 }
let delivered = try Webhooks(store: db).deliveries(limit: events + 10).filter { $0.status == .delivered }.count
guard let firstPass = state.firstPassDone, let allDone = state.allDone, delivered == events else {
    print(
        "FAILED: \(delivered) of \(events) delivered (receiver saw \(state.firstAttempts) first attempts, \(state.delivered) successes)"
    )
    exit(1)
}
let firstPassSeconds = firstPass.timeIntervalSince(started)
let allSeconds = allDone.timeIntervalSince(started)
let perSecond = Int((Double(events) / firstPassSeconds).rounded())
print(
    "first pass: \(events) attempts in \(String(format: "%.2f", firstPassSeconds)) s (\(perSecond)/s), \(state.firstFailures) failed and retried"
)
print(
    """
    all delivered: \(events) events in \(String(format: "%.2f", allSeconds)) s, \(summary.attempts) attempts, retry \
    schedule \(settings.retrySchedule.map { "\($0)ms" }.joined(separator: ","))
    """
)
print("deliveries_per_second=\(perSecond)")
