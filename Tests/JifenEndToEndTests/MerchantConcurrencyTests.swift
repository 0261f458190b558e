import Foundation
import JifenTestSupport
import Synchronization
import Testing

/// Eight real `jifen` processes redeeming from the same volunteers with fresh codes and retried
/// keys, then refunding the same redemptions at once: no overdraft, no double spend, no double
/// refund, and the zero sum exact. On one SQLite file and on one PostgreSQL server.
@Suite(.serialized, .tags(.alone)) struct MerchantConcurrencyTests {
    struct Done: Hashable {
        var key: String
        var redemption: String
        var volunteer: String
        var merchant: String
        var points: Int
    }

    @Test(arguments: StoreKind.allCases)
    func eightProcessesRedeemAndRefund(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let volunteers = ["V0001", "V0002", "V0003"]
        let merchants = ["M001", "M002"]
        expectOK(try box.jifen(["volunteer", "add", "--name", "王秀英", "--phone", "13800009999"]))
        expectOK(try box.jifen(["merchant", "add", "--name", "二号店"]))
        for v in volunteers { expectOK(try box.jifen(["grant", v, "60", "--reason", "start", "--key", "start-\(v)"])) }
        // A volunteer has one live code: another worker's newer code for her voids this one, which
        // then answers code-wrong like any wrong code and counts in the merchant's budget. The
        // workers open a new code and try again, as at the till; the budget is raised so that
        // these honest collisions do not stop the merchants (SecurityTests.PayCodes tests the budget).
        expectOK(try box.jifen(["config", "set", "codes.wrong_budget", "1000"]))
        let start = ["V0001": 110, "V0002": 60, "V0003": 60]
        let done = Mutex<[Done]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var rng = SystemRandomNumberGenerator()
            for step in 0..<8 {
                let volunteer = volunteers.randomElement(using: &rng)!
                let merchant = merchants.randomElement(using: &rng)!
                let points = Int.random(in: 5...30, using: &rng)
                let key = "w\(worker)-\(step)"
                func newCode() -> String? {
                    (try? box.jifen(["code", volunteer, "--json", "--busy-timeout", "30"]))?.object["code"] as? String
                }
                guard var code = newCode() else {
                    failures.withLock { $0.append("\(key): no code") }
                    continue
                }
                // Every other redemption is retried with the same key and code: it must not take points twice.
                var (attempt, voided) = (0, 0)
                while attempt < (step % 2 == 0 ? 2 : 1) {
                    defer { attempt += 1 }
                    guard
                        let run = try? box.jifen([
                            "--as", merchant, "redeem", merchant, "--code", code, "--points", String(points),
                            "--key", key, "--json", "--busy-timeout", "30",
                        ])
                    else { continue }
                    if attempt == 0, run.status == Exit.refused, run.stderr.contains("code-wrong"), voided < 20,
                        let fresh = newCode()
                    {
                        (code, voided, attempt) = (fresh, voided + 1, -1)
                        continue
                    }
                    switch run.status {
                    case 0:
                        let replayed = run.object["replayed"] as? Bool ?? true
                        if replayed != (attempt == 1) {
                            failures.withLock { $0.append("\(key): replayed \(replayed) on attempt \(attempt)") }
                        }
                        if !replayed, let id = run.object["redemption"] as? String {
                            done.withLock {
                                $0.append(
                                    Done(
                                        key: key, redemption: id, volunteer: volunteer, merchant: merchant,
                                        points: points))
                            }
                        }
                    case Exit.refused where run.stderr.contains("points available"):
                        // Refused, so nothing to replay (and the code may be voided by a newer one since).
                        attempt = 2
                    default:
                        failures.withLock { $0.append("\(key): \(run)") }
                    }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let redeemed = done.withLock { $0 }
        #expect(redeemed.count >= 8, "too few redemptions went through: \(redeemed.count)")
        #expect(Set(redeemed.map(\.redemption)).count == redeemed.count, "a redemption id was reported twice")

        // Each redemption is refunded in full by four processes at once, each with its own key.
        let refunds = Mutex<[String: [Int]]>([:])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for (index, r) in redeemed.enumerated().shuffled() where index % 2 == worker % 2 {
                guard
                    let run = try? box.jifen([
                        "refund", r.redemption, "--reason", "并发退款", "--key", "rf\(worker)", "--json", "--busy-timeout",
                        "30",
                    ])
                else { continue }
                if run.status == 0 {
                    refunds.withLock { $0[r.redemption, default: []].append(run.object["refunded"] as? Int ?? -1) }
                } else if !(run.status == Exit.refused && run.stderr.contains("already refunded")) {
                    failures.withLock { $0.append("refund \(r.redemption): \(run)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let refunded = refunds.withLock { $0 }
        for r in redeemed {
            #expect(refunded[r.redemption] == [r.points], "\(r.redemption): refunds \(refunded[r.redemption] ?? [])")
        }
        // Everything came back: each volunteer has the opening balance, each merchant nothing.
        for v in volunteers {
            #expect(try box.jifen(["balance", v, "--json"]).object["balance"] as? Int == start[v], "\(v)")
        }
        for m in merchants {
            #expect(try box.jifen(["balance", m, "--json"]).object["balance"] as? Int == 0, "\(m)")
        }
        // Each reported redemption is in the ledger exactly once.
        var keys: [String: Int] = [:]
        for m in merchants {
            let lines = try box.jifen(["statement", m, "--json"]).object["lines"] as? [[String: Any]] ?? []
            for line in lines {
                if let key = (line["transfer"] as? [String: Any])?["key"] as? String, key.hasPrefix("redemption:") {
                    keys[key, default: 0] += 1
                }
            }
        }
        #expect(Set(keys.keys) == Set(redeemed.map { "redemption:\($0.key)" }))
        #expect(keys.values.allSatisfy { $0 == 1 })
        let verify = try box.jifen(["verify", "--json"])
        #expect(verify.object["ok"] as? Bool == true, "\(verify)")
    }

    /// Processes listing offers, adding teams and issuing certificates at once take the same next
    /// id: the loser's transaction is rerun (PostgreSQL) or waits (SQLite), and every one gets its own.
    @Test(arguments: StoreKind.allCases)
    func concurrentRegistryWritesEachGetTheirOwnId(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let results = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { worker in
            for (kind, arguments) in [
                ("offer", ["offer", "add", "M001", "--title", "项目\(worker)", "--points", "5"]),
                ("team", ["team", "add", "--name", "服务队\(worker)"]),
                ("config", ["config", "set", "points.per_hour", String(10 + worker)]),
            ] {
                guard let run = try? box.jifen(arguments + ["--json", "--busy-timeout", "30"]) else { continue }
                if run.status == 0 {
                    results.withLock {
                        $0.append("\(kind):\(run.object["id"] as? String ?? run.object["new_value"] as? String ?? "?")")
                    }
                } else {
                    failures.withLock { $0.append("\(kind) \(worker): \(run)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let done = results.withLock { $0 }
        #expect(Set(done.filter { $0.hasPrefix("offer:") }) == Set((1...6).map { "offer:O00\($0)" }), "\(done)")
        #expect(Set(done.filter { $0.hasPrefix("team:") }) == Set((1...6).map { "team:T0\($0)" }), "\(done)")
        // Six changes of one rule: each history row's old value is the value the one before it set.
        let history = try box.jifen(["config", "history", "--json"])
        let changes = (try? JSONSerialization.jsonObject(with: Data(history.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(changes.count == 6, "\(history)")
        for (earlier, later) in zip(changes, changes.dropFirst()) {
            #expect(later["old_value"] as? String == earlier["new_value"] as? String, "\(history)")
        }
        #expect(try box.jifen(["offer", "list", "--json"]).stdout.components(separatedBy: "\"id\"").count == 7)
    }
}
