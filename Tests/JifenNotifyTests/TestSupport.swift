import Foundation
import JifenCore
import JifenNotify
import JifenSQLite
import Logging
import Synchronization

/// A store to put subscriptions and events in: both fixtures of the notifier's tests.
protocol WebhookFixture {
    var queueStore: any Store { get }
}

extension WebhookFixture {
    @discardableResult
    func addWebhook(_ url: String, format: WebhookFormat = .standard, events: String = "*", secret: String? = nil,
                    rate: Int = 0) throws -> WebhookEndpoint {
        try queueStore.addWebhook(NewWebhook(url: url, format: format, events: WebhookEventFilter.parse(events),
                                     secret: WebhookSigning.secret(secret, for: format), ratePerMinute: rate, allowPrivate: true),
                          actor: "admin", nowMillis: Date().millis)
    }

    /// Writes events the way the ledger does: into the outbox, in one write transaction.
    func insertEvents(_ count: Int, type: String = "points.granted", atMillis: Int64 = Date().millis) throws {
        try queueStore.write { tx in
            for index in 0..<count {
                let payload = Events.json(["to": "V\(1000 + index)", "points": "\(index + 1)", "memo": "测试 \(index)", "actor": "admin"])
                try tx.insert(event: OutboxEvent(type: type, payload: payload, atMillis: atMillis))
            }
        }
    }
}

/// A fresh database file in its own folder, with a community and the admin `admin`.
struct TestDatabase: WebhookFixture {
    let folder: URL
    let path: String
    let db: SQLiteStore
    let community: String

    var queueStore: any Store { db }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("jifen.sqlite").path
        // Created and closed first, as `jifen init` does: closing checkpoints the WAL, so the
        // file's header carries Jifen's application id for every later connection and process.
        do {
            let created = try SQLiteStore.create(path: path)
            community = try created.initialise(communityName: "玫瑰园社区", admin: "admin", nowMillis: Date().millis).id
        }
        db = try SQLiteStore.open(path: path)
    }

    /// A second connection to the same file, as another process would have.
    func reopen() throws -> SQLiteStore { try SQLiteStore.open(path: path) }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let millis: Mutex<Int64>
    init(_ start: Int64 = 1_700_000_000_000) { millis = Mutex(start) }
    var now: Int64 { millis.withLock { $0 } }
    func advance(_ delta: Int64) { millis.withLock { $0 += delta } }
    var function: @Sendable () -> Int64 { { [self] in now } }
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

func makeNotifier(_ store: any Store, settings: WebhookSettings, once: Bool = true, owner: String = "test",
                  nowMillis: @escaping @Sendable () -> Int64 = { Date().millis }) -> Notifier {
    var logger = Logger(label: "jifen.notify.test")
    logger.logLevel = .critical
    return Notifier(store: store, transport: URLSessionTransport(), policy: RetryPolicy(settings),
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

/// The built `jifen` executable, next to the test bundle in the build folder.
func jifenExecutable() -> URL? {
    var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    return candidates.map { $0.appendingPathComponent("jifen") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
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

/// A `jifen` process, configured but not started.
func startJifen(_ arguments: [String], db: String) throws -> Process {
    guard let executable = jifenExecutable() else { throw POSIXError(.ENOENT) }
    let process = Process()
    process.executableURL = executable
    process.arguments = ["--db", db, "--lang", "en"] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "JIFEN_NOW")
    environment["JIFEN_ACTOR"] = "admin"
    process.environment = environment
    return process
}
