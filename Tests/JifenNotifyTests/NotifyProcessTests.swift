import Foundation
import JifenCore
import JifenLoopback
import JifenSQLite
import JifenTestSupport
import Synchronization
import Testing

/// The real `jifen` binary: crashes and signals of `jifen notify`.
@Suite(.serialized, .tags(.alone)) struct NotifyProcessTests {
    /// A database made with the CLI: a volunteer, fast notifier settings, five points events.
    func prepare(receiver: String, grants: Int = 5) throws -> TestDatabase {
        let test = try TestDatabase()
        for arguments in [
            ["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234"],
            ["config", "set", "webhook.timeout_seconds", "1"],
            ["config", "set", "webhook.lease_seconds", "2"],
            ["config", "set", "webhook.retry_schedule", "100ms,100ms,100ms"],
            ["webhook", "add", receiver, "--events", "points.*", "--allow-private"],
        ] {
            let (status, output) = try runJifen(arguments, db: test.path)
            #expect(status == 0, "\(arguments): \(output)")
        }
        for index in 0..<grants {
            let (status, output) = try runJifen(["grant", "V0001", "\(index + 1)", "--reason", "测试"], db: test.path)
            #expect(status == 0, "\(output)")
        }
        return test
    }

    @Test func killedMidDeliveryThenRestartedLosesNothingAndKeepsTheWebhookID() async throws {
        #expect(jifenExecutable() != nil, "the jifen binary should be built next to the tests")
        let answering = Atomic<Bool>(false)
        let server = try LoopbackServer { _ in
            answering.load(ordering: .acquiring) ? .respond(status: 200) : .hang(seconds: 30)
        }
        defer { server.stop() }
        let test = try prepare(receiver: server.url())
        defer { test.remove() }

        let notifier = try startJifen(["notify"], db: test.path)
        notifier.standardOutput = FileHandle.nullDevice
        notifier.standardError = FileHandle.nullDevice
        try notifier.run()
        // All five in flight, none answered (a loaded machine may already be retrying).
        #expect(await eventually(30) { server.requests.count >= 5 })
        kill(notifier.processIdentifier, SIGKILL)
        notifier.waitUntilExit()
        let firstWave = server.requests.count
        #expect(notifier.terminationReason == .uncaughtSignal)
        let inFlight = Set(server.requests.compactMap { $0.headers["webhook-id"] })
        #expect(inFlight.count == 5)
        #expect(try Webhooks(store: test.db).deliveries().allSatisfy { $0.status == .pending })

        answering.store(true, ordering: .releasing)
        try await Task.sleep(for: .milliseconds(2_100))  // the dead process's leases run out
        let (status, output) = try runJifen(["notify", "--once"], db: test.path)
        #expect(status == 0, "\(output)")
        let deliveries = try Webhooks(store: test.db).deliveries()
        #expect(deliveries.count == 5 && deliveries.allSatisfy { $0.status == .delivered })
        let redelivered = server.requests.dropFirst(firstWave).compactMap { $0.headers["webhook-id"] }
        #expect(Set(redelivered) == inFlight)  // the same webhook-ids: a receiver deduplicates them
    }

    @Test func sigtermFinishesTheDeliveryInFlightThenExitsCleanly() async throws {
        #expect(jifenExecutable() != nil, "the jifen binary should be built next to the tests")
        let server = try LoopbackServer { _ in
            usleep(700_000)  // slow, but inside the one-second timeout
            return .respond(status: 200)
        }
        defer { server.stop() }
        let test = try prepare(receiver: server.url(), grants: 1)
        defer { test.remove() }
        let notifier = try startJifen(["notify"], db: test.path)
        notifier.standardOutput = FileHandle.nullDevice
        notifier.standardError = FileHandle.nullDevice
        try notifier.run()
        #expect(await eventually(10) { server.requests.count == 1 })
        notifier.terminate()  // SIGTERM while the answer is still coming
        notifier.waitUntilExit()
        #expect(notifier.terminationReason == .exit && notifier.terminationStatus == 0)
        #expect(try Webhooks(store: test.db).deliveries().map(\.status) == [.delivered])
    }
}
