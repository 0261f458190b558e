import Foundation
import JifenCore
import JifenNotify
import JifenTestSupport
import Logging

/// A store to put subscriptions and events in: both fixtures of the notifier's tests.
protocol WebhookFixture {
    var queueStore: any Store { get }
}

extension WebhookFixture {
    @discardableResult
    func addWebhook(
        _ url: String, format: WebhookFormat = .standard, events: String = "*", secret: String? = nil,
        rate: Int = 0
    ) throws -> WebhookEndpoint {
        try Webhooks(store: queueStore).addWebhook(
            NewWebhook(
                url: url, format: format, events: WebhookEventFilter.parse(events),
                secret: WebhookSigning.secret(secret, for: format), ratePerMinute: rate, allowPrivate: true),
            actor: "admin", nowMillis: Date().millis)
    }

    /// Writes events the way the ledger does: into the outbox, in one write transaction.
    func insertEvents(_ count: Int, type: String = "points.granted", atMillis: Int64 = Date().millis) throws {
        try queueStore.write { tx in
            for index in 0..<count {
                let payload = Events.json([
                    "to": "V\(1000 + index)", "points": "\(index + 1)", "memo": "测试 \(index)", "actor": "admin",
                ])
                try tx.insert(event: OutboxEvent(type: type, payload: payload, atMillis: atMillis))
            }
        }
    }
}

/// A fresh SQLite ledger in its own folder, with a community and the admin `admin`; the folder
/// is removed when the test lets go of it.
struct TestDatabase: WebhookFixture {
    let scratch: Scratch
    let db: any Store
    let community: String

    var path: String { scratch.location }
    var folder: URL { scratch.directory }
    var queueStore: any Store { db }

    init() throws {
        scratch = try Scratch(.sqlite, folderPrefix: "jifen-notify-", file: "jifen.sqlite", schemaPrefix: "n_")
        // Created and closed first, as `jifen init` does: closing checkpoints the WAL, so the
        // file's header carries Jifen's application id for every later connection and process.
        do {
            let created = try scratch.create()
            community = try Registry(store: created).initialise(
                communityName: "玫瑰园社区", admin: "admin", nowMillis: Date().millis
            ).id
        }
        db = try scratch.open()
    }

    /// A second connection to the same file, as another process would have.
    func reopen() throws -> any Store { try scratch.open() }

    func remove() { scratch.remove() }
}

/// Settings for tests: short timeouts and a fast retry schedule.
func fastSettings(schedule: [Int64] = [20, 20, 20, 20, 20, 20, 20, 20], timeout: Int = 2) -> WebhookSettings {
    var settings = WebhookSettings()
    settings.retrySchedule = schedule
    settings.jitterPercent = 0
    settings.timeoutSeconds = timeout
    settings.concurrency = 16
    return settings
}

func makeNotifier(
    _ store: any Store, settings: WebhookSettings, once: Bool = true, owner: String = "test",
    nowMillis: @escaping @Sendable () -> Int64 = { Date().millis }
) -> Notifier {
    var logger = Logger(label: "jifen.notify.test")
    logger.logLevel = .critical
    return Notifier(
        store: store, transport: URLSessionTransport(), policy: RetryPolicy(settings),
        options: NotifierOptions(owner: owner, settings: settings, once: once, pollMillis: 20, flushMillis: 10),
        nowMillis: nowMillis, logger: logger)
}

/// Waits up to `seconds` for `condition`, without holding a thread of the concurrency pool.
func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

/// Runs `jifen` to completion; returns its exit status and output.
@discardableResult
func runJifen(_ arguments: [String], db: String) throws -> (status: Int32, output: String) {
    let process = try startJifen(arguments, db: db)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A `jifen` process against `db`, configured but not started: this process's environment
/// without `JIFEN_NOW`, acting as `admin`, in English.
func startJifen(_ arguments: [String], db: String) throws -> Process {
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "JIFEN_NOW")
    environment["JIFEN_ACTOR"] = "admin"
    return try jifenProcess(["--db", db, "--lang", "en"] + arguments, environment: environment)
}
