import Foundation
import JifenTestSupport
import Synchronization
import Testing

/// Several real `jifen` processes on one SQLite file or one PostgreSQL database: no balance negative, the zero sum exact, every
/// operation that reported success present exactly once, nothing else.
@Suite(.serialized, .tags(.alone)) struct ConcurrencyTests {
    struct Reported: Hashable {
        var key: String
        var from: String
        var to: String
        var points: Int
    }

    @Test(arguments: StoreKind.allCases)
    func eightProcessesSpendingFromTheSameAccounts(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let accounts = ["V0001", "V0002", "V0003"]
        expectOK(try box.jifen(["volunteer", "add", "--name", "王秀英", "--phone", "13800009999"]))
        for account in accounts {
            expectOK(try box.jifen(["grant", account, "40", "--reason", "start", "--key", "start-\(account)"]))
        }
        let reported = Mutex<[Reported]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var rng = SystemRandomNumberGenerator()
            for step in 0..<12 {
                let from = accounts.randomElement(using: &rng)!
                let to = accounts.filter { $0 != from }.randomElement(using: &rng)!
                let points = Int.random(in: 1...25, using: &rng)
                let key = "w\(worker)-\(step)"
                // Retry every third operation with the same key: it must not move points twice.
                for _ in 0..<(step % 3 == 0 ? 2 : 1) {
                    guard
                        let run = try? box.jifen([
                            "transfer", from, to, String(points), "--key", key, "--json", "--busy-timeout", "30",
                        ])
                    else { continue }
                    switch run.status {
                    case 0:
                        if run.object["replayed"] as? Bool == false {
                            reported.withLock { $0.append(Reported(key: key, from: from, to: to, points: points)) }
                        }
                    case Exit.refused
                    where run.stderr.contains("insufficient-points") || run.stderr.contains("available"):
                        break
                    default:
                        failures.withLock { $0.append("\(key): \(run)") }
                    }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let done = reported.withLock { $0 }
        #expect(done.count > 20, "too few transfers went through: \(done.count)")
        // Balances follow from exactly the reported operations.
        var expected = Dictionary(uniqueKeysWithValues: accounts.map { ($0, $0 == "V0001" ? 90 : 40) })
        for r in done {
            expected[r.from]! -= r.points
            expected[r.to]! += r.points
        }
        for account in accounts {
            let balance = try box.jifen(["balance", account, "--json"]).object["balance"] as? Int
            #expect(balance == expected[account], "\(account)")
            #expect((balance ?? -1) >= 0)
        }
        var keys: [String] = []
        for account in accounts {
            let lines = try box.jifen(["statement", account, "--json"]).object["lines"] as? [[String: Any]] ?? []
            keys += lines.compactMap { ($0["transfer"] as? [String: Any])?["key"] as? String }.filter {
                $0.hasPrefix("w")
            }
        }
        // Each transfer shows on two statements: its payer's and its payee's.
        let counts = Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(Set(counts.keys) == Set(done.map(\.key)))
        #expect(counts.values.allSatisfy { $0 == 2 })
        let verify = try box.jifen(["verify", "--json"])
        #expect(verify.object["ok"] as? Bool == true, "\(verify)")
    }

    /// kill -9 at random points of a long workload, many times; after each, `verify` passes and
    /// every operation that printed success is there.
    @Test func killedMidWorkloadLosesNothingReported() throws {
        let box = try Sandbox().seeded()
        var reported: Set<String> = []
        var rng = SystemRandomNumberGenerator()
        for round in 0..<10 {
            let log = box.directory.appendingPathComponent("round-\(round).log")
            let pidFile = box.directory.appendingPathComponent("round-\(round).pid")
            // Under setsid, bash leads its own process group: $$ is the group to kill.
            let script = """
                echo $$ > "\(pidFile.path)"
                for i in $(seq 1 400); do
                  k="r\(round)-$i"
                  if "$JIFEN" --db "$DB" grant V000$((i % 2 + 1)) 1 --reason crash --key "$k" >/dev/null 2>&1; then echo "$k"; fi
                done
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["bash", "-c", script]
            process.environment = ["JIFEN": jifenBinary.path, "DB": box.db, "PATH": "/usr/bin:/bin"]
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            try process.run()
            usleep(UInt32.random(in: 200_000...1_500_000, using: &rng))
            var group: Int32 = 0
            for _ in 0..<100 where group == 0 {
                group =
                    Int32(
                        (try? String(contentsOf: pidFile, encoding: .utf8))?.trimmingCharacters(
                            in: .whitespacesAndNewlines) ?? "") ?? 0
                if group == 0 { usleep(10_000) }
            }
            #expect(group > 0, "round \(round): the workload never started")
            kill(-group, SIGKILL)
            process.waitUntilExit()
            while kill(-group, 0) == 0 { usleep(10_000) }
            try handle.close()
            let lines = String(decoding: try Data(contentsOf: log), as: UTF8.self).split(separator: "\n").map(
                String.init)
            reported.formUnion(lines)
            let verify = try box.jifen(["verify"])
            #expect(verify.status == 0, "round \(round): \(verify)")
        }
        #expect(reported.count > 10, "the workload barely ran: \(reported.count)")
        var present: [String: Int] = [:]
        for account in ["V0001", "V0002"] {
            let lines = try box.jifen(["statement", account, "--json"]).object["lines"] as? [[String: Any]] ?? []
            for line in lines {
                if let key = (line["transfer"] as? [String: Any])?["key"] as? String { present[key, default: 0] += 1 }
            }
        }
        let missing = reported.filter { present[$0] != 1 }
        #expect(missing.isEmpty, "reported but not present exactly once: \(missing.sorted().prefix(10))")
    }
}
