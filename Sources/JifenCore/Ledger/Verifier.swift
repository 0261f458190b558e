public import Foundation

/// One thing `verify` found wrong, named precisely enough to find it.
public struct VerifyFault: Sendable, Equatable, Codable {
    public var check: String
    /// The community whose chain is broken (for the chain's checks).
    public var community: String?
    public var transfer: Int64?
    public var account: String?
    public var lot: Int64?
    /// The month of the checkpoint concerned (for the checkpoints' checks).
    public var checkpoint: String?
    public var expected: String
    public var found: String

    public func message(_ language: Language) -> String {
        var place: [String] = []
        if let community { place.append(language == .zh ? "社区 \(community)" : "community \(community)") }
        if let transfer { place.append(language == .zh ? "转账 #\(transfer)" : "transfer #\(transfer)") }
        if let account { place.append(language == .zh ? "账户 \(account)" : "account \(account)") }
        if let lot { place.append(language == .zh ? "批次 #\(lot)" : "lot #\(lot)") }
        if let checkpoint { place.append(language == .zh ? "封账 \(checkpoint)" : "checkpoint \(checkpoint)") }
        let what = Self.names[check].map { $0.text(language) } ?? check
        let expectedWord = language == .zh ? "应为" : "expected"
        let foundWord = language == .zh ? "实为" : "found"
        return "\(what) — \(place.joined(separator: ", ")): \(expectedWord) \(expected), \(foundWord) \(found)"
    }

    static let names: [String: Bilingual] = [
        "chain-link": Bilingual(zh: "哈希链断开", en: "hash chain broken"),
        "content-hash": Bilingual(zh: "转账内容被改动", en: "transfer content changed"),
        "memo-digest": Bilingual(zh: "转账备注被改动", en: "transfer memo changed"),
        "checkpoint-hash": Bilingual(zh: "月度封账内容被改动", en: "checkpoint content changed"),
        "checkpoint-link": Bilingual(zh: "月度封账链断开", en: "checkpoint chain broken"),
        "checkpoint-head": Bilingual(zh: "月度封账与哈希链不符", en: "checkpoint differs from the hash chain"),
        "checkpoint-balance": Bilingual(zh: "月度封账余额与转账记录不符", en: "checkpoint balance differs from the transfers"),
        "checkpoint-count": Bilingual(zh: "月度封账笔数与哈希链不符", en: "checkpoint count differs from the hash chain"),
        "transfer-shape": Bilingual(zh: "转账格式错误", en: "malformed transfer"),
        "sequence": Bilingual(zh: "哈希链位置不连续", en: "hash chain places not consecutive"),
        "balance": Bilingual(zh: "余额与转账记录不符", en: "balance differs from its transfers"),
        "zero-sum": Bilingual(zh: "余额总和不为零", en: "balances do not sum to zero"),
        "negative": Bilingual(zh: "账户透支", en: "account overdrawn"),
        "lot": Bilingual(zh: "批次与其明细不符", en: "lot differs from its entries"),
        "lots-balance": Bilingual(zh: "批次合计与余额不符", en: "lots do not add up to the balance"),
        "holds": Bilingual(zh: "冻结超过余额", en: "holds exceed the balance"),
        "unknown-account": Bilingual(zh: "转账指向不存在的账户", en: "transfer names an unknown account"),
        "request-points": Bilingual(zh: "服务请求的积分与其状态不符", en: "a service request's points differ from its state"),
        "request-hold": Bilingual(zh: "服务请求的冻结与其状态不符", en: "a service request's hold differs from its state"),
    ]
}

public struct VerifyReport: Sendable, Equatable, Codable {
    public var transfers = 0
    public var accounts = 0
    public var lots = 0
    /// Transfers committed but not yet given their place in the hash chain (PostgreSQL seals
    /// them right after commit; `jifen verify` seals first). Counted in balances, not a fault.
    public var unsealed = 0
    public var faults: [VerifyFault] = []
    /// How many hash chains (communities with transfers) were checked.
    public var chains = 0
    /// How many checkpoints (月度封账) were checked.
    public var checkpoints = 0
    /// True when every transfer was hashed again (`verify --full`); false when each chain was
    /// checked from its last checkpoint on (the checkpoint's own hash, then the transfers after it).
    public var full = true
    /// Transfers hashed again in this run (all of them with `full`).
    public var checked = 0
    public var ok: Bool { faults.isEmpty }
}

/// Recomputes everything the ledger stores and compares: the hash chain, every balance from its
/// transfers, the zero sum, every lot from its entries, lots against balances, holds against balances.
public enum Verifier {
    /// How many communities `verify --full` checks at once (each on its own connection).
    public static let defaultWorkers = max(2, min(4, ProcessInfo.processInfo.activeProcessorCount))

    /// - Parameter full: hash every transfer again and check every checkpoint against the chain,
    ///   communities in parallel on `workers` connections that read one snapshot; false checks each
    ///   community's chain from its last checkpoint on (fast: the cost grows with the transfers
    ///   since, not with the history).
    public static func verify(
        _ store: any Store, nowMillis: Int64 = Date().millis, full: Bool = true, workers: Int = defaultWorkers
    ) throws
        -> VerifyReport
    {
        guard full else { return try store.read { try verify(reader: $0, nowMillis: nowMillis, full: false) } }
        let communities = try store.read { try $0.chainCommunities() }
        let queue = WorkQueue(count: communities.count)
        return try store.readConcurrently(workers: max(1, min(workers, communities.count))) { reader in
            try chainParts(communities, queue: queue, reader: reader)
        } finish: { parts, reader in
            try finishFull(parts: parts.flatMap { $0 }, communities: communities, reader: reader, nowMillis: nowMillis)
        }
    }

    /// Verifies what `reader` sees inside a transaction the caller holds (e.g. a copy before it commits).
    public static func verify(
        reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64, full: Bool = true
    ) throws -> VerifyReport {
        if full {
            let communities = try reader.chainCommunities()
            let parts = try chainParts(communities, queue: WorkQueue(count: communities.count), reader: reader)
            return try finishFull(parts: parts, communities: communities, reader: reader, nowMillis: nowMillis)
        }
        var report = VerifyReport()
        report.full = false
        var computed: [String: Int64] = [:]
        let moved = try verifySinceCheckpoints(reader: reader, report: &report, computed: &computed)
        return try verifyState(
            reader: reader, nowMillis: nowMillis, report: report, computed: computed, lotsOf: moved)
    }

    /// Hands out work items (communities) to the workers of `verify --full`, each item once.
    final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        let count: Int
        init(count: Int) { self.count = count }
        func take() -> Int? {
            lock.withLock {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }
    }

    /// What checking one community's chain found.
    struct ChainPart: Sendable {
        var index = 0
        var faults: [VerifyFault] = []
        var transfers = 0
        var checked = 0
        var checkpoints = 0
        var hasChain = false
        /// The community's balances from its transfers.
        var balances: [String: Int64] = [:]
        /// Points per service request, from the chain's transfers (`RequestAudit`).
        var requests: [String: Int64] = [:]
    }

    /// Checks the communities `queue` hands out, one after another, on `reader`.
    static func chainParts(
        _ communities: [String], queue: WorkQueue, reader: any ReadTransaction & LedgerAuditing
    ) throws -> [ChainPart] {
        var parts: [ChainPart] = []
        var audit: RequestAudit?
        while let index = queue.take() {
            if audit == nil { audit = try RequestAudit(reader: reader) }
            audit?.net = [:]
            var part = try verifyChain(communities[index], reader: reader, audit: &audit!)
            part.index = index
            part.requests = audit!.net
            parts.append(part)
        }
        return parts
    }

    /// Puts the communities' findings together in the communities' order (so the report reads as a
    /// run one community after another would), adds the transfers still awaiting their seal, and
    /// checks the requests and the stored state, all on `reader`.
    static func finishFull(
        parts: [ChainPart], communities: [String], reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64
    ) throws -> VerifyReport {
        var report = VerifyReport()
        report.full = true
        var computed: [String: Int64] = [:]
        var audit = try RequestAudit(reader: reader)
        for part in parts.sorted(by: { $0.index < $1.index }) {
            report.faults += part.faults
            report.transfers += part.transfers
            report.checked += part.checked
            report.checkpoints += part.checkpoints
            if part.hasChain { report.chains += 1 }
            for (account, balance) in part.balances { computed[account, default: 0] += balance }
            audit.merge(part.requests)
        }
        try reader.forEachUnsealedTransfer { t in
            report.transfers += 1
            report.unsealed += 1
            audit.add(t)
            checkContent(t, into: &report)
            computed[t.debit, default: 0] -= t.amount
            computed[t.credit, default: 0] += t.amount
            return true
        }
        report.faults += try audit.faults(reader: reader, nowMillis: nowMillis)
        return try verifyState(reader: reader, nowMillis: nowMillis, report: report, computed: computed)
    }

    /// The chain checks of one transfer against its chain's head so far.
    static func checkLink(_ t: Transfer, head: ChainLink, into report: inout VerifyReport) {
        if t.seq != head.seq + 1 {
            report.faults.append(
                VerifyFault(
                    check: "sequence", community: t.community, transfer: t.id, expected: "\(head.seq + 1)",
                    found: "\(t.seq)"))
        }
        if t.prevHash != head.hash {
            report.faults.append(
                VerifyFault(
                    check: "chain-link", community: t.community, transfer: t.id, expected: head.hash, found: t.prevHash)
            )
        }
        checkContent(t, into: &report)
    }

    /// The checks of one transfer on its own: its hash, its memo's digest, its shape.
    static func checkContent(_ t: Transfer, into report: inout VerifyReport) {
        report.checked += 1
        if t.isSealed {
            let hash = TransferHash.compute(t)
            if hash != t.hash {
                report.faults.append(
                    VerifyFault(
                        check: "content-hash", community: t.community, transfer: t.id, expected: hash, found: t.hash))
            }
        }
        // The memo's text against its digest, while it has one (an erased memo has no salt).
        if let salt = t.memoSalt, TransferHash.memoDigest(t.memo, salt: salt) != t.memoDigest {
            report.faults.append(
                VerifyFault(
                    check: "memo-digest", community: t.community, transfer: t.id, expected: t.memoDigest,
                    found: TransferHash.memoDigest(t.memo, salt: salt)))
        } else if t.memoSalt == nil, t.memo.isEmpty != t.memoDigest.isEmpty, t.isSealed {
            report.faults.append(
                VerifyFault(
                    check: "memo-digest", community: t.community, transfer: t.id,
                    expected: t.memoDigest.isEmpty ? "no memo" : "a memo", found: t.memo.isEmpty ? "none" : "a memo"))
        }
        if t.amount <= 0 || t.debit == t.credit {
            report.faults.append(
                VerifyFault(
                    check: "transfer-shape", transfer: t.id,
                    expected: "amount > 0, two accounts", found: "amount \(t.amount), \(t.debit) → \(t.credit)"))
        }
    }

    /// One checkpoint on its own: its hash, and its link to the one before it (when given: the
    /// previous checkpoint's stored hash and place).
    static func checkCheckpoint(
        _ c: Checkpoint, previous: (hash: String, seq: Int64)?, into faults: inout [VerifyFault]
    ) {
        let hash = c.computeHash()
        if hash != c.hash {
            faults.append(
                VerifyFault(
                    check: "checkpoint-hash", community: c.community, checkpoint: c.month, expected: hash,
                    found: c.hash))
        }
        if let previous, c.previous != previous.hash {
            faults.append(
                VerifyFault(
                    check: "checkpoint-link", community: c.community, checkpoint: c.month, expected: previous.hash,
                    found: c.previous))
        }
        if let previous, c.seq < previous.seq {
            faults.append(
                VerifyFault(
                    check: "checkpoint-head", community: c.community, checkpoint: c.month,
                    expected: "≥ \(previous.seq)",
                    found: "\(c.seq)"))
        }
    }

    /// `verify` from each chain's last checkpoint: that checkpoint's own hash and its link to the one
    /// before, the transfer at its place against its head, then every later transfer of the chain;
    /// balances are the checkpoint's plus what moved after it (the stored balances of the accounts
    /// that did not move must then equal their checkpoint's). Older checkpoints and transfers are
    /// not read: `verify --full` proves them.
    /// - Returns: the accounts that moved since their community's last checkpoint (their lots are checked).
    static func verifySinceCheckpoints(
        reader: any ReadTransaction & LedgerAuditing, report: inout VerifyReport, computed: inout [String: Int64]
    ) throws -> Set<String> {
        var moved = Set<String>()
        for community in try reader.chainCommunities() {
            // The marks (month, place) only: the checkpoints' balances are read for the last two.
            let lastTwo = try reader.checkpointMarks(community: community).suffix(2).compactMap {
                try reader.checkpoint(community: community, month: $0.month)
            }
            var head = ChainLink(seq: 0, hash: TransferHash.genesis)
            var count: Int64 = 0
            var started = false
            if let last = lastTwo.last {
                report.checkpoints += 1
                let before = lastTwo.count == 2 ? lastTwo[0] : nil
                checkCheckpoint(last, previous: before.map { ($0.hash, $0.seq) }, into: &report.faults)
                if last.seq > 0 {
                    for (account, balance) in last.balances { computed[account, default: 0] += balance }
                    count = last.transfers
                    // The transfer at the checkpoint's place must still carry the hash it sealed.
                    var found: Transfer?
                    try reader.forEachChainTransfer(community: community, afterSeq: last.seq - 1) {
                        found = $0
                        return false
                    }
                    if let found, found.seq == last.seq {
                        checkContent(found, into: &report)
                        if found.hash != last.head {
                            report.faults.append(
                                VerifyFault(
                                    check: "checkpoint-head", community: community, transfer: found.id,
                                    checkpoint: last.month,
                                    expected: last.head, found: found.hash))
                        }
                    } else {
                        report.faults.append(
                            VerifyFault(
                                check: "checkpoint-head", community: community, checkpoint: last.month,
                                expected: "transfer at place \(last.seq)", found: "none"))
                    }
                    head = ChainLink(seq: last.seq, hash: last.head)
                    started = true
                }
            }
            try reader.forEachChainTransfer(community: community, afterSeq: head.seq) { t in
                checkLink(t, head: head, into: &report)
                head = ChainLink(seq: t.seq, hash: t.hash)
                computed[t.debit, default: 0] -= t.amount
                computed[t.credit, default: 0] += t.amount
                moved.insert(t.debit)
                moved.insert(t.credit)
                count += 1
                started = true
                return true
            }
            if started { report.chains += 1 }
            report.transfers += Int(count)
        }
        try reader.forEachUnsealedTransfer { t in
            report.transfers += 1
            report.unsealed += 1
            checkContent(t, into: &report)
            computed[t.debit, default: 0] -= t.amount
            computed[t.credit, default: 0] += t.amount
            moved.insert(t.debit)
            moved.insert(t.credit)
            return true
        }
        return moved
    }

    /// `verify --full` of one community: every transfer of its chain in order, and every checkpoint
    /// (its hash, its link, and against the chain: its place's hash, the balances and count up to
    /// it). Memory holds the community's running balances and one checkpoint at a time, read when
    /// the chain reaches its place.
    static func verifyChain(
        _ community: String, reader: any ReadTransaction & LedgerAuditing, audit: inout RequestAudit
    ) throws -> ChainPart {
        var part = ChainPart()
        var report = VerifyReport()
        let marks = try reader.checkpointMarks(community: community)
        var next = 0
        var previous: (hash: String, seq: Int64)?
        var head = ChainLink(seq: 0, hash: TransferHash.genesis)
        var running: [String: Int64] = [:]
        var count: Int64 = 0
        func reach(seq: Int64, hash: String, transferID: Int64?) throws {
            while next < marks.count, marks[next].seq <= seq {
                let mark = marks[next]
                next += 1
                guard let c = try reader.checkpoint(community: community, month: mark.month) else { continue }
                part.checkpoints += 1
                checkCheckpoint(c, previous: previous, into: &report.faults)
                previous = (c.hash, c.seq)
                guard c.seq == seq else {
                    report.faults.append(
                        VerifyFault(
                            check: "checkpoint-head", community: community, checkpoint: c.month,
                            expected: "transfer at place \(c.seq)", found: "none"))
                    continue
                }
                if c.head != hash {
                    report.faults.append(
                        VerifyFault(
                            check: "checkpoint-head", community: community, transfer: transferID,
                            checkpoint: c.month,
                            expected: hash, found: c.head))
                }
                if c.transfers != count {
                    report.faults.append(
                        VerifyFault(
                            check: "checkpoint-count", community: community, checkpoint: c.month,
                            expected: "\(count)", found: "\(c.transfers)"))
                }
                // Only the accounts that differ are sorted (for the report's order).
                var differing: [String] = []
                for (account, balance) in c.balances where running[account, default: 0] != balance {
                    differing.append(account)
                }
                for (account, balance) in running where balance != 0 && c.balances[account] == nil {
                    differing.append(account)
                }
                for account in differing.sorted() {
                    report.faults.append(
                        VerifyFault(
                            check: "checkpoint-balance", community: community, account: account,
                            checkpoint: c.month,
                            expected: "\(running[account, default: 0])",
                            found: "\(c.balances[account, default: 0])"))
                }
            }
        }
        try reach(seq: 0, hash: TransferHash.genesis, transferID: nil)
        try reader.forEachChainTransfer(community: community, afterSeq: 0) { t in
            part.hasChain = true
            audit.add(t)
            checkLink(t, head: head, into: &report)
            head = ChainLink(seq: t.seq, hash: t.hash)
            running[t.debit, default: 0] -= t.amount
            running[t.credit, default: 0] += t.amount
            count += 1
            try reach(seq: t.seq, hash: t.hash, transferID: t.id)
            return true
        }
        // Checkpoints past the end of the chain (or of a chain with no transfer left).
        try reach(seq: Int64.max, hash: "", transferID: nil)
        part.faults = report.faults
        part.checked = report.checked
        part.transfers = Int(count)
        part.balances = running
        return part
    }

    /// The checks of the stored state against the balances computed from the transfers: every
    /// balance, the zero sum, overdrafts, every lot, lots against balances, holds against balances.
    /// - Parameter lotsOf: check only these accounts' lots against their balances (`verify` from the
    ///   checkpoints: the accounts that moved since); nil checks every lot against its entries too.
    static func verifyState(
        reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64, report input: VerifyReport,
        computed: [String: Int64], lotsOf scope: Set<String>? = nil
    ) throws -> VerifyReport {
        var report = input
        do {
            let accounts = try reader.allAccounts()
            report.accounts = accounts.count
            var stored: [String: Account] = [:]
            var storedSum: Int64 = 0
            for account in accounts {
                stored[account.id] = account
                storedSum += account.balance
                let fromTransfers = computed[account.id] ?? 0
                if fromTransfers != account.balance {
                    report.faults.append(
                        VerifyFault(
                            check: "balance", account: account.id,
                            expected: "\(fromTransfers)", found: "\(account.balance)"))
                }
                if !account.kind.mayGoNegative && account.balance < 0 {
                    report.faults.append(
                        VerifyFault(
                            check: "negative", account: account.id, expected: "≥ 0", found: "\(account.balance)"))
                }
            }
            for account in computed.keys.sorted() where stored[account] == nil {
                report.faults.append(
                    VerifyFault(check: "unknown-account", account: account, expected: "an account row", found: "none"))
            }
            if storedSum != 0 {
                report.faults.append(VerifyFault(check: "zero-sum", expected: "0", found: "\(storedSum)"))
            }
            var lotTotals: [String: Int64] = [:]
            var lotFaults: [(lot: Lot, entries: Int64)] = []
            if let scope {
                // The lots of the accounts that moved: against their balances (their entries: --full).
                // A few hundred accounts at a time: their spent lots stay in the store, so all of
                // them at once would grow with the history.
                let accounts = scope.sorted()
                for start in stride(from: 0, to: accounts.count, by: 500) {
                    let lots = try reader.lots(accounts: Array(accounts[start..<min(start + 500, accounts.count)]))
                    report.lots += lots.count
                    for lot in lots {
                        if lot.remaining < 0 { lotFaults.append((lot, lot.remaining)) }
                        lotTotals[lot.account, default: 0] += lot.remaining
                    }
                }
                lotFaults.sort { $0.lot.id < $1.lot.id }
            } else {
                let audit = try reader.lotAudit()
                report.lots = audit.count
                lotTotals = audit.totals
                lotFaults = audit.mismatched
            }
            for (lot, fromEntries) in lotFaults {
                report.faults.append(
                    VerifyFault(
                        check: "lot", account: lot.account, lot: lot.id,
                        expected: "\(fromEntries)", found: "\(lot.remaining)"))
            }
            for account in accounts where account.kind.keepsLots && scope?.contains(account.id) != false {
                let total = lotTotals[account.id] ?? 0
                if total != account.balance {
                    report.faults.append(
                        VerifyFault(
                            check: "lots-balance", account: account.id,
                            expected: "\(account.balance)", found: "\(total)"))
                }
            }
            var held: [String: Int64] = [:]
            for hold in try reader.pendingHolds(nowMillis: nowMillis) { held[hold.debit, default: 0] += hold.amount }
            for (account, amount) in held.sorted(by: { $0.key < $1.key }) {
                if let a = stored[account], !a.kind.mayGoNegative, amount > a.balance {
                    report.faults.append(
                        VerifyFault(check: "holds", account: account, expected: "≤ \(a.balance)", found: "\(amount)"))
                }
            }
            return report
        }
    }
}
