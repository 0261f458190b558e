import Foundation
import JifenCore
import JifenSQLite

// Benchmarks for `scripts/bench`. Each measures the code path the CLI runs, in one process, so the
// figure is the ledger's cost and not process start-up.
//
//   jifen-bench ledger DB TRANSFERS [full|normal]   one transfer per transaction, like `jifen transfer`
//   jifen-bench balance DB TRANSFERS                builds a ledger of TRANSFERS, then times `balance`
//   jifen-bench report DB TRANSFERS                 builds a year of TRANSFERS (earn, redeem, refund, gifts)
//                                                   at 59 merchants, for scripts/bench-report.sh to time
//   jifen-bench district DB TRANSFERS [VOLUNTEERS MERCHANTS COMMUNITIES ERASE_TARGET]
//                                                   ten years of a district (scripts/bench district)
//   jifen-bench balance-read DB NOW_MILLIS          times `balance` of random volunteers of an existing DB

let arguments = CommandLine.arguments
if arguments.count >= 3, arguments[1] == "district" || arguments[1] == "balance-read" {
    try districtMain(arguments)
    exit(0)
}
guard arguments.count >= 4, let count = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: jifen-bench ledger|balance|report DB TRANSFERS [full|normal]\n".utf8))
    exit(64)
}
let path = arguments[2]
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }

let accountCount = 1000
let db = try SQLiteStore.create(path: path, busyTimeout: 30)
_ = try Registry(store: db).initialise(communityName: "bench", admin: "admin", nowMillis: Date().millis)
if arguments.count >= 5, arguments[4].lowercased() == "normal" {
    _ = try Settings(store: db).setSetting(key: "durability", value: "normal", actor: "admin", nowMillis: Date().millis)
}
// Accounts and their opening grants in one transaction: set-up, not measured.
let volunteers: [String] = (1...accountCount).map { Registry.id(prefix: "V", number: $0) }
for id in volunteers {
    _ = try Registry(store: db).addVolunteer(
        Volunteer(community: "C01", name: "bench \(id)", phone: "13800000000"), actor: "admin", nowMillis: Date().millis
    )
}
let now = Date().millis
try db.write { tx in
    for id in volunteers {
        _ = try Ledger.post(
            TransferRequest(
                kind: .grant, debit: Account.issuance("C01"), credit: id, amount: 1_000_000, key: "open-\(id)"),
            actor: "admin", atMillis: now, in: tx)
    }
}
var rng = SystemRandomNumberGenerator()
func pair() -> (String, String) {
    var rng = SystemRandomNumberGenerator()
    let a = Int.random(in: 0..<accountCount, using: &rng)
    var b = Int.random(in: 0..<accountCount - 1, using: &rng)
    if b >= a { b += 1 }
    return (volunteers[a], volunteers[b])
}

if arguments[1] == "import-setup" {
    // 1,000 volunteers (made above) and `count` activities of one team, one a day going back:
    // the database `jifen hours import` loads a million-row sheet into.
    let team = try Registry(store: db).addTeam(
        name: "bench", leader: "", community: "C01", actor: "admin", nowMillis: Date().millis)
    try Registry(store: db).addOrganizer("admin", team: team.id, actor: "admin", nowMillis: Date().millis)
    let day: Int64 = 86_400_000
    let start = Date().millis - Int64(count + 2) * day
    try db.write { tx in
        for i in 0..<count {
            let a = Activity(
                id: Registry.id(prefix: "A", number: i + 1), community: "C01", team: team.id, title: "bench \(i)",
                startMillis: start + Int64(i) * day, endMillis: start + Int64(i) * day + 3_600_000,
                checkinCode: "000000",
                createdBy: "admin")
            try tx.insert(activity: a, nowMillis: Date().millis)
        }
    }
    print("volunteers=\(accountCount) activities=\(count)")
    exit(0)
}

// A fresh process opens the file as the CLI does.
let reopened = try SQLiteStore.open(path: path, busyTimeout: 30)
let ledger = Ledger(store: reopened)
let run = UUID().uuidString.prefix(8)

switch arguments[1] {
case "ledger":
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<count {
        let (from, to) = pair()
        _ = try ledger.transfer(
            from: from, to: to, amount: Int64.random(in: 1...10, using: &rng), memo: "",
            key: "b\(run)-\(i)", actor: "admin")
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "%d transfers in %.3f s", count, seconds))
    print(String(format: "transfers_per_second=%.0f", Double(count) / seconds))
    // Then what one transfer costs the store, counted on a few more (not timed).
    let measured = 200
    let cost = try reopened.measuringCost {
        for i in 0..<measured {
            let (from, to) = pair()
            _ = try ledger.transfer(
                from: from, to: to, amount: Int64.random(in: 1...10, using: &rng), memo: "",
                key: "m\(run)-\(i)", actor: "admin")
        }
    }
    print(String(format: "pages_per_commit=%.2f", Double(cost.walFrames) / Double(measured)))
    print(String(format: "statements_per_transfer=%.2f", Double(cost.statements) / Double(measured)))
    print(String(format: "trigger_statements_per_transfer=%.2f", Double(cost.triggerStatements) / Double(measured)))
case "balance":
    // Build the ledger in batches of 5,000 transfers per transaction (the same Ledger.post each
    // CLI write uses), then read balances the way `jifen balance` does.
    var done = 0
    while done < count {
        let batch = min(5000, count - done)
        try reopened.write { tx in
            for i in 0..<batch {
                let (from, to) = pair()
                _ = try Ledger.post(
                    TransferRequest(
                        kind: .transfer, debit: from, credit: to, amount: Int64.random(in: 1...10),
                        key: "f\(run)-\(done + i)"), actor: "admin", atMillis: now, in: tx)
            }
        }
        done += batch
    }
    let reads = 20_000
    let start = DispatchTime.now().uptimeNanoseconds
    var total: Int64 = 0
    for _ in 0..<reads {
        total &+= try Ledger(store: reopened).balance(pair().0, nowMillis: now).balance
    }
    let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(reads)
    print(String(format: "ledger of %d transfers: %.2f µs per balance read (checksum %lld)", count, micros, total))
    print(String(format: "balance_read_us=%.2f", micros))
case "report":
    try buildYear(reopened, transfers: count, volunteers: volunteers, now: now)
    print("ledger_built=\(count)")
default:
    FileHandle.standardError.write(Data("unknown benchmark \(arguments[1])\n".utf8))
    exit(64)
}
