import Foundation
import JifenCore
import JifenSQLite

/// The shape of a district for `scripts/bench district`: how many of each, and over how long.
struct DistrictShape {
    var communities = 50
    var volunteers = 100_000
    var merchants = 1000
    var transfers = 1_000_000
    /// Months of history, ending with the month before `endMonth`.
    var months = 120
    /// The first day after the history (local time): the clock of the commands timed afterwards.
    var endYear = 2026
    var endMonth = 12
    /// Transfers of the one volunteer that `person erase` is timed on.
    var eraseTarget = 1000
}

/// What the generator wrote, for the script's lines.
struct DistrictCounts {
    var byKind: [TransferKind: Int] = [:]
    var total: Int { byKind.values.reduce(0, +) }
    var eraseTarget = ""
    var eraseTargetTransfers = 0
    var fallbacks = 0
    var postSeconds = 0.0
    var expireSeconds = 0.0
    var sealSeconds = 0.0
}

/// Builds a district through the ledger's one write path (`Ledger.post`, `Ledger.expire`,
/// `Registry.addVolunteer`) in large transactions, so every row is what the CLI would write
/// and `verify` passes however the store chains transfers; the clock is the generator's own
/// (ten years of months), never today's.
///
/// The mix, per community and month: points earned for service hours (issuance → volunteer),
/// redeemed at the community's merchants, a few refunds of recent redemptions (linked to them),
/// gifts between volunteers, merchants settling their takings, and every month's expiry run
/// (points are valid 36 months) moving lapsed points to the expiry account.
struct DistrictGenerator {
    let store: any Store
    let shape: DistrictShape
    let zone = TimeZone(identifier: "Asia/Shanghai")!
    var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    /// Called after each month is written and expired, with the first instant of the next month:
    /// where a monthly checkpoint is sealed once the store has them.
    var monthClosed: (_ store: any Store, _ year: Int, _ month: Int, _ nextMonthStart: Date) throws -> Void = {
        _, _, _, _ in
    }

    private var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c
    }

    func monthStart(_ index: Int) -> Date {
        // index 0 is the first month of the history; index `months` the day after it.
        let first = calendar.date(from: DateComponents(year: shape.endYear, month: shape.endMonth, day: 1))!
        return calendar.date(byAdding: .month, value: index - shape.months, to: first)!
    }

    /// The first community and its admin, and durability `normal` while generating (expiry writes one
    /// short transaction per volunteer: no fsync for each); the store must be opened again after it.
    func prepare() throws {
        let opened = monthStart(0).millis - 86_400_000
        _ = try Registry(store: store).initialise(communityName: "第1社区", admin: "admin", nowMillis: opened)
        _ = try Settings(store: store).setSetting(key: "durability", value: "normal", actor: "admin", nowMillis: opened)
    }

    func generate() throws -> DistrictCounts {
        let opened = monthStart(0).millis - 86_400_000
        let registry = Registry(store: store)
        // One district (D01) with five street offices; the communities spread over the streets.
        let offices = Offices(store: store)
        _ = try offices.addOffice(
            id: "D01", kind: .district, parent: nil, name: "第1区", actor: "admin", nowMillis: opened)
        let streets = (1...5).map { "D01-S0\($0)" }
        for (n, street) in streets.enumerated() {
            _ = try offices.addOffice(
                id: street, kind: .street, parent: "D01", name: "第\(n + 1)街道", actor: "admin", nowMillis: opened)
        }
        _ = try offices.place(community: "C01", under: streets[0], actor: "admin")
        var communities = ["C01"]
        for n in 2...max(2, shape.communities) where n <= shape.communities {
            communities.append(
                try offices.addCommunity(
                    name: "第\(n)社区", office: streets[(n - 1) % streets.count], actor: "admin", nowMillis: opened
                ).id)
        }

        var volunteers: [[String]] = Array(repeating: [], count: communities.count)
        var merchants: [[String]] = Array(repeating: [], count: communities.count)
        var number = 0
        var shop = 0
        // Volunteers and merchants as `seed` loads them: checked rows, numbered here, one
        // transaction per community (registering one at a time scans for the next number each time).
        for (c, community) in communities.enumerated() {
            let count = shape.volunteers / communities.count + (c < shape.volunteers % communities.count ? 1 : 0)
            let shops = shape.merchants / communities.count + (c < shape.merchants % communities.count ? 1 : 0)
            try store.write { tx in
                for _ in 0..<count {
                    number += 1
                    var v = try Volunteer(
                        community: community, name: "志愿者\(number)", phone: "13" + pad(number, 9),
                        consent: number % 3 != 0
                    ).checked()
                    v.id = Registry.id(prefix: "V", number: number)
                    v.createdAtMillis = opened
                    try tx.insert(volunteer: v, actor: "admin", nowMillis: opened)
                    try tx.createAccount(Account(id: v.id, kind: .volunteer, community: community))
                    volunteers[c].append(v.id)
                }
                for _ in 0..<shops {
                    shop += 1
                    var m = try Merchant(community: community, name: "商户\(shop)").checked()
                    m.id = Registry.id(prefix: "M", number: shop)
                    m.createdAtMillis = opened
                    try tx.insert(merchant: m, actor: "admin", nowMillis: opened)
                    try tx.createAccount(Account(id: m.id, kind: .merchant, community: community))
                    merchants[c].append(m.id)
                }
            }
        }
        log("district: \(communities.count) communities, \(number) volunteers, \(shape.merchants) merchants")

        var counts = DistrictCounts()
        counts.eraseTarget = volunteers[0][0]
        var rng = SplitMix(state: 2024)
        var balance: [String: Int64] = [:]
        // Recent redemptions per community that may still be refunded (id, volunteer, merchant, amount).
        var recent: [[(Int64, String, String, Int64)]] = Array(repeating: [], count: communities.count)
        // Expiry transfers count toward the total: the month's quota is what is left, spread evenly.
        // Twice her share, until she has them: expiry transfers take part of each month's quota.
        let hotEvery = shape.eraseTarget > 0 ? max(1, shape.transfers / (2 * shape.eraseTarget)) : Int.max
        var written = 0
        var key = 0
        let started = Date()
        var postSeconds = 0.0
        var expireSeconds = 0.0
        var sealSeconds = 0.0
        for month in 0..<shape.months {
            let from = monthStart(month).millis
            let to = monthStart(month + 1).millis
            var phase = Date()
            let quota = (shape.transfers - written) / (shape.months - month)
            let step = max(1, (to - from) / Int64(max(1, quota)))
            var done = 0
            while done < quota {
                let batch = min(10_000, quota - done)
                try store.write { tx in
                    for i in done..<(done + batch) {
                        key += 1
                        let at = from + step * Int64(i)
                        let c = Int(rng.next() % UInt64(communities.count))
                        var cv = c
                        var v = volunteers[c][Int(rng.next() % UInt64(volunteers[c].count))]
                        if key % hotEvery == 0, counts.eraseTargetTransfers < shape.eraseTarget {
                            cv = 0
                            v = counts.eraseTarget
                        }
                        let community = communities[cv]
                        let shop = merchants[cv][Int(rng.next() % UInt64(merchants[cv].count))]
                        let roll = rng.next() % 100
                        let have = balance[v] ?? 0
                        var request: TransferRequest
                        switch roll {
                        case 0..<40:
                            request = earn(v, community, key, rng.next())
                        case 40..<86 where have > 0:
                            let amount = min(have, Int64(5 + rng.next() % 36))
                            request = TransferRequest(
                                kind: .redeem, debit: v, credit: shop, amount: amount, key: "d\(key)",
                                reference: "R\(key)")
                        case 86..<88 where !recent[cv].isEmpty:
                            let (original, volunteer, merchant, amount) = recent[cv].removeLast()
                            let back = min(amount, balance[merchant] ?? 0, Int64(1 + rng.next() % 10))
                            request =
                                back > 0
                                ? TransferRequest(
                                    kind: .refund, debit: merchant, credit: volunteer, amount: back, key: "d\(key)",
                                    reference: "R\(original)", reverses: original)
                                : earn(v, community, key, rng.next())
                        case 88..<94 where have > 1:
                            var w = volunteers[cv][Int(rng.next() % UInt64(volunteers[cv].count))]
                            if w == v {
                                w = volunteers[cv][(volunteers[cv].firstIndex(of: v)! + 1) % volunteers[cv].count]
                            }
                            request = TransferRequest(
                                kind: .transfer, debit: v, credit: w, amount: min(have, Int64(1 + rng.next() % 10)),
                                key: "d\(key)")
                        case 94..<97 where (balance[shop] ?? 0) > 0:
                            request = TransferRequest(
                                kind: .settle, debit: shop, credit: Account.settlement(community),
                                amount: balance[shop]!, key: "d\(key)", reference: "S\(month)")
                        default:
                            request = earn(v, community, key, rng.next())
                        }
                        let posted: Posted
                        do {
                            posted = try Ledger.post(request, actor: "admin", atMillis: at, in: tx)
                        } catch let error as JifenError where error.code == .insufficientPoints {
                            // Lapsed points not yet expired this month: earn instead.
                            counts.fallbacks += 1
                            request = earn(v, community, key, rng.next())
                            posted = try Ledger.post(request, actor: "admin", atMillis: at, in: tx)
                        }
                        let t = posted.transfer
                        balance[t.debit, default: 0] -= t.amount
                        balance[t.credit, default: 0] += t.amount
                        counts.byKind[t.kind, default: 0] += 1
                        if t.debit == counts.eraseTarget || t.credit == counts.eraseTarget {
                            counts.eraseTargetTransfers += 1
                        }
                        if t.kind == .redeem {
                            recent[cv].append((t.id, t.debit, t.credit, t.amount))
                            if recent[cv].count > 50 { recent[cv].removeFirst() }
                        }
                    }
                }
                done += batch
                written += batch
            }
            postSeconds += Date().timeIntervalSince(phase)
            phase = Date()
            // The month's expiry run, as a cron job would start it on the first of the next month.
            let next = monthStart(month + 1).addingTimeInterval(1800)
            let expired = try expireMonth(asOfDay: DayFormat.string(next, in: zone), atMillis: next.millis)
            // As `jifen expire` does: delivered events past `events.retention_days` are pruned.
            try EventRetention.prune(store: store, nowMillis: next.millis)
            expireSeconds += Date().timeIntervalSince(phase)
            phase = Date()
            for t in expired {
                balance[t.debit, default: 0] -= t.amount
                balance[t.credit, default: 0] += t.amount
                counts.byKind[t.kind, default: 0] += 1
                if t.debit == counts.eraseTarget { counts.eraseTargetTransfers += 1 }
            }
            written += expired.count
            let components = calendar.dateComponents([.year, .month], from: monthStart(month))
            try monthClosed(store, components.year!, components.month!, next)
            sealSeconds += Date().timeIntervalSince(phase)
            if month % 12 == 11 || month == shape.months - 1 {
                let seconds = Date().timeIntervalSince(started)
                log(
                    "\(components.year!)-\(pad(components.month!, 2)): \(written) transfers, "
                        + "\(Int(Double(written) / max(seconds, 0.001)))/s (posting \(Int(postSeconds)) s, "
                        + "expiry \(Int(expireSeconds)) s, checkpoints \(Int(sealSeconds)) s)")
            }
        }
        counts.postSeconds = postSeconds
        counts.expireSeconds = expireSeconds
        counts.sealSeconds = sealSeconds
        _ = try Settings(store: store).setSetting(
            key: "durability", value: "full", actor: "admin", nowMillis: monthStart(shape.months).millis)
        return counts
    }

    /// The month's expiry run in ONE transaction (what `Ledger.expire` does in one short
    /// transaction per volunteer): for each account with lapsed lots, what is left of the lots
    /// lapsed on or before `day` moves to the community's expiry account through `Ledger.post`,
    /// with the key `Ledger.expire` uses. The district has no holds, so nothing is reserved under
    /// a lot. The `points.expiring` notice events (outbox messages, not ledger rows) are not written.
    func expireMonth(asOfDay day: String, atMillis at: Int64) throws -> [Transfer] {
        try store.write { tx in
            var posted: [Transfer] = []
            for account in try tx.accountsWithLapsedLots(onOrBefore: day) {
                guard let volunteer = try tx.account(account) else { continue }
                let lapsed = try tx.openLots(account: account, limit: 100_000)
                    .filter { $0.expiresOn <= day }.reduce(Int64(0)) { $0 + $1.remaining }
                let amount = min(lapsed, volunteer.balance)
                guard amount > 0 else { continue }
                let last = try tx.chainHead()?.seq ?? 0
                let request = TransferRequest(
                    kind: .expire, debit: account, credit: Account.expiry(volunteer.community),
                    amount: amount, key: "expire:\(account):\(day):\(last)", reference: day)
                posted.append(try Ledger.post(request, actor: "admin", atMillis: at, in: tx).transfer)
            }
            return posted
        }
    }

    private func earn(_ volunteer: String, _ community: String, _ key: Int, _ random: UInt64) -> TransferRequest {
        // 30 to 240 minutes of service, a point for each quarter of an hour.
        TransferRequest(
            kind: .earn, debit: Account.issuance(community), credit: volunteer, amount: Int64(2 + random % 15),
            key: "d\(key)", reference: "H\(key)")
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// `jifen-bench district …` and `jifen-bench balance-read …` (scripts/bench district).
func districtMain(_ arguments: [String]) throws {
    let path = arguments[2]
    if arguments[1] == "balance-read" {
        let store = try SQLiteStore.open(path: path, busyTimeout: 30)
        let now = arguments.count > 3 ? Int64(arguments[3]) ?? Date().millis : Date().millis
        print(String(format: "balance_read_us=%.2f", try timeBalanceReads(store, nowMillis: now)))
        return
    }
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    var shape = DistrictShape()
    let numbers = arguments.dropFirst(3).map { Int($0.replacingOccurrences(of: ",", with: "")) }
    guard !numbers.contains(nil), numbers.count >= 1 else {
        FileHandle.standardError.write(
            Data(
                "usage: jifen-bench district DB TRANSFERS [VOLUNTEERS MERCHANTS COMMUNITIES ERASE_TARGET]\n".utf8))
        exit(64)
    }
    let n = numbers.map { $0! }
    shape.transfers = n[0]
    if n.count > 1 { shape.volunteers = n[1] }
    if n.count > 2 { shape.merchants = n[2] }
    if n.count > 3 { shape.communities = n[3] }
    if n.count > 4 { shape.eraseTarget = n[4] }
    try DistrictGenerator(store: try SQLiteStore.create(path: path, busyTimeout: 30), shape: shape).prepare()
    let store = try SQLiteStore.open(path: path, busyTimeout: 30)
    let started = Date()
    var generator = DistrictGenerator(store: store, shape: shape)
    // Each month's checkpoint is sealed once the month has closed, as an admin's monthly run would.
    let zone = generator.zone
    generator.monthClosed = { store, _, _, next in
        try Ledger(store: store).sealCheckpoints(nowMillis: next.millis, timeZone: zone)
    }
    let counts = try generator.generate()
    let seconds = Date().timeIntervalSince(started)
    print("transfers=\(counts.total)")
    for kind in TransferKind.allCases where counts.byKind[kind] != nil {
        print("transfers_\(kind.rawValue)=\(counts.byKind[kind]!)")
    }
    print("insufficient_fallbacks=\(counts.fallbacks)")
    print("erase_target=\(counts.eraseTarget)")
    print("erase_target_transfers=\(counts.eraseTargetTransfers)")
    print(String(format: "generate_seconds=%.1f", seconds))
    print(String(format: "generate_transfers_per_second=%.0f", Double(counts.total) / seconds))
    print(
        String(
            format: "generate_phases=posting %.0f s, expiry %.0f s, checkpoints %.0f s", counts.postSeconds,
            counts.expireSeconds, counts.sealSeconds))
    print("now_millis=\(generator.monthStart(shape.months).millis + 36_000_000)")
    let last = Calendar(identifier: .gregorian).dateComponents(
        in: generator.zone, from: generator.monthStart(shape.months - 1))
    print("report_month=\(last.year!)-\(pad(last.month!, 2))")
}

/// µs per `balance` of 20,000 random volunteers, read the way `jifen balance` reads (one read
/// transaction each), in this process so the figure is not process start-up.
func timeBalanceReads(_ store: any Store, nowMillis: Int64) throws -> Double {
    let ids = try store.read { try $0.allAccounts() }.filter { $0.kind == .volunteer }.map(\.id)
    var rng = SplitMix(state: 7)
    let ledger = Ledger(store: store)
    // Warm the cache as a running server would have it.
    for _ in 0..<1000 { _ = try ledger.balance(ids[Int(rng.next() % UInt64(ids.count))], nowMillis: nowMillis) }
    let reads = 20_000
    var total: Int64 = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<reads {
        total &+= try ledger.balance(ids[Int(rng.next() % UInt64(ids.count))], nowMillis: nowMillis).balance
    }
    let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(reads)
    FileHandle.standardError.write(
        Data("balance reads: \(reads) of \(ids.count) volunteers (checksum \(total))\n".utf8))
    return micros
}
