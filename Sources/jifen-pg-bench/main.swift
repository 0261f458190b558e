import Foundation
import JifenCore
import JifenPostgres
import Synchronization

// Jifen transfers on PostgreSQL for `scripts/bench-postgres.sh`: CLIENTS threads, each with its own
// connection, post one transfer per transaction through `Ledger.transfer`, the code path of
// `jifen transfer`, for SECONDS; prints transfers_per_second=….
//
//   jifen-pg-bench URL ACCOUNTS CLIENTS SECONDS
//   jifen-pg-bench balance-read URL [NOW_MILLIS]   (scripts/bench district)
//
// URL names an empty database or a new ?schema=; ACCOUNTS volunteers are opened with a grant each
// (set-up, not measured). 10 accounts make the hot case: most transfers then wait on row locks.

let arguments = CommandLine.arguments
if arguments.count >= 3, arguments[1] == "balance-read" {
    // `jifen-pg-bench balance-read URL [NOW_MILLIS]` (scripts/bench district): µs per `balance` of
    // 2,000 random volunteers of an existing database, one read transaction each, after 200 to warm up
    // (each is a round trip to the server).
    let store = try PostgresStore.open(url: arguments[2])
    let now = arguments.count > 3 ? Int64(arguments[3]) ?? Date().millis : Date().millis
    let ids = try store.read { try $0.allAccounts() }.filter { $0.kind == .volunteer }.map(\.id)
    var state: UInt64 = 7
    func pick() -> String {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return ids[Int((state >> 33) % UInt64(ids.count))]
    }
    let ledger = Ledger(store: store)
    for _ in 0..<200 { _ = try ledger.balance(pick(), nowMillis: now) }
    let reads = 2000
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<reads { _ = try ledger.balance(pick(), nowMillis: now) }
    let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(reads)
    print(String(format: "balance_read_us=%.2f", micros))
    exit(0)
}
guard arguments.count == 5, let accountCount = Int(arguments[2]), accountCount >= 2,
    let clients = Int(arguments[3]), clients >= 1, let seconds = Double(arguments[4])
else {
    FileHandle.standardError.write(Data("usage: jifen-pg-bench URL ACCOUNTS CLIENTS SECONDS\n".utf8))
    exit(64)
}

let store = try PostgresStore.create(url: arguments[1])
_ = try Registry(store: store).initialise(communityName: "bench", admin: "admin", nowMillis: Date().millis)
let volunteers: [String] = (1...accountCount).map { Registry.id(prefix: "V", number: $0) }
let opened = Date().millis
try store.write { tx in
    for id in volunteers {
        try tx.createAccount(Account(id: id, kind: .volunteer, community: "C01"))
        _ = try Ledger.post(
            TransferRequest(
                kind: .grant, debit: Account.issuance("C01"), credit: id, amount: 100_000_000, key: "open-\(id)"),
            actor: "admin", atMillis: opened, in: tx)
    }
}

/// CPU seconds this process has used (user + system), to show the client's share of the work.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let ledger = Ledger(store: store)
let cpuBefore = cpuSeconds()
let wireBefore = (statements: store.wireCounts.statements, roundTrips: store.wireCounts.roundTrips)
let done = Atomic<Int>(0)
let failures = Mutex<[String]>([])
let deadline = Date().addingTimeInterval(seconds)
let start = Date()
let group = DispatchGroup()
for client in 0..<clients {
    group.enter()
    Thread {
        var rng = SystemRandomNumberGenerator()
        var step = 0
        while Date() < deadline {
            let from = volunteers.randomElement(using: &rng)!
            var to = from
            while to == from { to = volunteers.randomElement(using: &rng)! }
            do {
                _ = try ledger.transfer(from: from, to: to, amount: 1, memo: "", key: "b\(client)-\(step)", actor: from)
                done.add(1, ordering: .relaxed)
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
            step += 1
        }
        group.leave()
    }.start()
}
group.wait()
let elapsed = Date().timeIntervalSince(start)
let cpu = cpuSeconds() - cpuBefore
let statements = store.wireCounts.statements - wireBefore.statements
let roundTrips = store.wireCounts.roundTrips - wireBefore.roundTrips
let errors = failures.withLock { $0 }
if !errors.isEmpty {
    FileHandle.standardError.write(Data("\(errors.count) transfers failed, e.g. \(errors[0])\n".utf8))
    exit(1)
}
let report = try Verifier.verify(store)
guard report.ok else {
    FileHandle.standardError.write(Data("verify failed: \(report.faults.prefix(3).map { $0.message(.en) })\n".utf8))
    exit(1)
}
let count = done.load(ordering: .relaxed)
print("transfers=\(count) seconds=\(String(format: "%.1f", elapsed)) verified=\(report.transfers)")
// Statements sent and round trips waited for, sealing included, per transfer.
print("statements_per_transfer=\(String(format: "%.2f", Double(statements) / Double(max(count, 1))))")
print("round_trips_per_transfer=\(String(format: "%.2f", Double(roundTrips) / Double(max(count, 1))))")
print("client_cpu_ms_per_transfer=\(String(format: "%.2f", cpu * 1000 / Double(max(count, 1))))")
print("transfers_per_second=\(String(format: "%.0f", Double(count) / elapsed))")
