import Foundation
import JifenTestSupport
import Testing

/// `jifen serve` on SQLite reads on connections of its own (`SQLiteReaders`): a read does not wait
/// for the writer, and a caller's read after its acknowledged write sees that write.
@Suite(.serialized) struct ReaderPoolServerTests {
    /// Another process holds the file's write lock, so the server's writer is stuck inside its
    /// batch's `BEGIN IMMEDIATE` with a transfer: a balance read (its sign-in included) is still
    /// answered at once. On one shared connection it queued behind the writer until the lock went.
    /// Once the lock is released, the transfer commits and the next read shows it.
    @Test func aBalanceReadIsAnsweredWhileTheWriterIsBlockedInsideABatch() throws {
        let box = try ServerTests.community(.sqlite)
        let token = try ServerTests.token(box, for: "V0001")
        let server = try ServerProcess(box, extra: ["--batch-max", "64", "--busy-timeout", "60"])
        defer { server.stop() }
        let balance = server.base + "/v1/accounts/V0001/balance"
        #expect(try http("GET", balance, token: token).points == 100)

        // Another connection takes the write lock and keeps it until told.
        let lock = Process()
        lock.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        lock.arguments = [box.db]
        let (input, output) = (Pipe(), Pipe())
        lock.standardInput = input
        lock.standardOutput = output
        try lock.run()
        defer { if lock.isRunning { lock.terminate() } }
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 'locked';\n".utf8))
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "sqlite3 did not take the lock")
            seen.append(chunk)
        }

        // The transfer goes to the writer, which waits for the lock inside its batch.
        final class Box: @unchecked Sendable { var answer: Answer?; var error: (any Error)? }
        let posted = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do {
                posted.answer = try http(
                    "POST", server.base + "/v1/transfers", token: token,
                    json: ["from": "V0001", "to": "V0002", "points": 7, "memo": "while locked"], timeout: 120)
            } catch { posted.error = error }
            done.signal()
        }
        usleep(500_000)
        #expect(done.wait(timeout: .now()) == .timedOut, "the transfer was answered while the file was locked")

        // Reads are answered while the writer is blocked, and see the last commit.
        for _ in 0..<5 {
            let read = try http("GET", balance, token: token, timeout: 20)
            #expect(read.status == 200 && read.points == 100, "\(read)")
        }
        #expect(done.wait(timeout: .now()) == .timedOut, "the transfer was answered while the file was locked")

        // The lock goes; the transfer commits; the caller's next read sees it.
        input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        try input.fileHandleForWriting.close()
        lock.waitUntilExit()
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(
            posted.answer?.status == 200, "\(String(describing: posted.answer)) \(String(describing: posted.error))")
        #expect(try http("GET", balance, token: token).points == 93)
    }

    /// Two payers, each paying 1 point 25 times while a third client keeps the readers busy: after
    /// every acknowledged transfer, the payer's own balance read shows exactly that transfer.
    @Test func eachCallerReadsItsOwnAcknowledgedWrites() throws {
        let box = try ServerTests.community(.sqlite)
        try expectOK(
            box.jifen(["grant", "V0002", "100", "--reason", "start", "--key", "start-2"], env: ["JIFEN_ACTOR": "李主任"]))
        let tokens = try ["V0001", "V0002", "V0003"].map { try ServerTests.token(box, for: $0) }
        let server = try ServerProcess(box, extra: ["--batch-max", "64", "--readers", "2"])
        defer { server.stop() }
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var list: [String] = []
            var stop = false
            func add(_ text: String) { lock.withLock { list.append(text) } }
        }
        let failures = Failures()
        let group = DispatchGroup()
        for (payer, token) in zip(["V0001", "V0002"], tokens) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for n in 1...25 {
                    do {
                        let paid = try http(
                            "POST", server.base + "/v1/transfers", token: token,
                            json: ["from": payer, "to": "V0003", "points": 1, "memo": "ryw \(payer) \(n)"])
                        guard paid.status == 200 else { failures.add("\(payer) #\(n): \(paid)"); return }
                        let read = try http("GET", server.base + "/v1/accounts/\(payer)/balance", token: token)
                        if read.points != 100 - n {
                            failures.add("\(payer) after \(n) acknowledged transfers read \(read)")
                        }
                    } catch { failures.add("\(payer) #\(n): \(error)") }
                }
            }
        }
        let reader = Thread {
            while !failures.lock.withLock({ failures.stop }) {
                _ = try? http("GET", server.base + "/v1/accounts/V0003/balance", token: tokens[2])
            }
        }
        reader.start()
        group.wait()
        failures.lock.withLock { failures.stop = true }
        #expect(failures.list.isEmpty, "\(failures.list)")
        #expect(try http("GET", server.base + "/v1/accounts/V0003/balance", token: tokens[2]).points == 50)
        #expect(server.stop() == 0)
    }
}

extension Answer {
    /// The balance in a `GET /v1/accounts/{account}/balance` answer.
    fileprivate var points: Int? { (object["view"] as? [String: Any])?["balance"] as? Int }
}
