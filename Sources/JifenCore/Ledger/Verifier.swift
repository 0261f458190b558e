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
    /// - Parameter full: hash every transfer again and check every checkpoint against the chain;
    ///   false checks each community's chain from its last checkpoint on (fast: the cost grows
    ///   with the transfers since, not with the history).
    public static func verify(
        _ store: any Store, nowMillis: Int64 = Date().millis, full: Bool = true
    ) throws
        -> VerifyReport
    {
        try store.read { try verify(reader: $0, nowMillis: nowMillis, full: full) }
    }

    /// Verifies what `reader` sees inside a transaction the caller holds (e.g. a copy before it commits).
    public static func verify(
        reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64, full: Bool = true
    ) throws -> VerifyReport {
        var report = VerifyReport()
        report.full = full
        var computed: [String: Int64] = [:]
        if full {
            try verifyChains(reader: reader, nowMillis: nowMillis, report: &report, computed: &computed)
        } else {
            try verifySinceCheckpoints(reader: reader, report: &report, computed: &computed)
        }
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

    /// A community's checkpoints on their own: each one's hash, and each one's link to the one before.
    static func checkCheckpoints(_ checkpoints: [Checkpoint], into report: inout VerifyReport) {
        var previous: Checkpoint?
        for c in checkpoints {
            report.checkpoints += 1
            let hash = c.computeHash()
            if hash != c.hash {
                report.faults.append(
                    VerifyFault(
                        check: "checkpoint-hash", community: c.community, checkpoint: c.month, expected: hash,
                        found: c.hash))
            }
            if let previous, c.previous != previous.hash {
                report.faults.append(
                    VerifyFault(
                        check: "checkpoint-link", community: c.community, checkpoint: c.month, expected: previous.hash,
                        found: c.previous))
            }
            if let previous, c.seq < previous.seq {
                report.faults.append(
                    VerifyFault(
                        check: "checkpoint-head", community: c.community, checkpoint: c.month,
                        expected: "≥ \(previous.seq)",
                        found: "\(c.seq)"))
            }
            previous = c
        }
    }

    /// `verify` from each chain's last checkpoint: the checkpoint's own hash (and the links of
    /// all checkpoints), the transfer at its place against its head, then every later transfer
    /// of the chain; balances are the checkpoint's plus what moved after it.
    static func verifySinceCheckpoints(
        reader: any ReadTransaction & LedgerAuditing, report: inout VerifyReport, computed: inout [String: Int64]
    ) throws {
        for community in try reader.chainCommunities() {
            let checkpoints = try reader.checkpoints(community: community)
            checkCheckpoints(checkpoints, into: &report)
            var head = ChainLink(seq: 0, hash: TransferHash.genesis)
            var count: Int64 = 0
            var started = false
            if let last = checkpoints.last, last.seq > 0 {
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
            try reader.forEachChainTransfer(community: community, afterSeq: head.seq) { t in
                checkLink(t, head: head, into: &report)
                head = ChainLink(seq: t.seq, hash: t.hash)
                computed[t.debit, default: 0] -= t.amount
                computed[t.credit, default: 0] += t.amount
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
            return true
        }
    }

    /// `verify --full`: every transfer of every chain, and every checkpoint against the chain
    /// (its place's hash, the balances and count up to it).
    static func verifyChains(
        reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64, report: inout VerifyReport,
        computed: inout [String: Int64]
    ) throws {
        do {
            // One chain per community: its head so far, as the chain's transfers arrive in order;
            // its checkpoints not yet reached, and its balances and count so far.
            var heads: [String: ChainLink] = [:]
            var waiting: [String: ArraySlice<Checkpoint>] = [:]
            var running: [String: [String: Int64]] = [:]
            var counts: [String: Int64] = [:]
            func reach(_ community: String, seq: Int64, hash: String, transferID: Int64?) {
                while let c = waiting[community]?.first, c.seq <= seq {
                    waiting[community] = waiting[community]?.dropFirst()
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
                    if c.transfers != counts[community, default: 0] {
                        report.faults.append(
                            VerifyFault(
                                check: "checkpoint-count", community: community, checkpoint: c.month,
                                expected: "\(counts[community, default: 0])", found: "\(c.transfers)"))
                    }
                    let balances = (running[community] ?? [:]).filter { $0.value != 0 }
                    for account in Set(balances.keys).union(c.balances.keys).sorted()
                    where balances[account, default: 0] != c.balances[account, default: 0] {
                        report.faults.append(
                            VerifyFault(
                                check: "checkpoint-balance", community: community, account: account,
                                checkpoint: c.month,
                                expected: "\(balances[account, default: 0])",
                                found: "\(c.balances[account, default: 0])"))
                    }
                }
            }
            func open(_ community: String) throws {
                guard waiting[community] == nil else { return }
                let checkpoints = try reader.checkpoints(community: community)
                checkCheckpoints(checkpoints, into: &report)
                waiting[community] = checkpoints[...]
                reach(community, seq: 0, hash: TransferHash.genesis, transferID: nil)
            }
            var requestAudit = try RequestAudit(reader: reader)
            try reader.forEachTransfer { t in
                report.transfers += 1
                requestAudit.add(t)
                if !t.isSealed {
                    report.unsealed += 1
                    checkContent(t, into: &report)
                } else {
                    try open(t.community)
                    checkLink(
                        t, head: heads[t.community] ?? ChainLink(seq: 0, hash: TransferHash.genesis), into: &report)
                    heads[t.community] = ChainLink(seq: t.seq, hash: t.hash)
                    running[t.community, default: [:]][t.debit, default: 0] -= t.amount
                    running[t.community, default: [:]][t.credit, default: 0] += t.amount
                    counts[t.community, default: 0] += 1
                    reach(t.community, seq: t.seq, hash: t.hash, transferID: t.id)
                }
                computed[t.debit, default: 0] -= t.amount
                computed[t.credit, default: 0] += t.amount
                return true
            }
            // Checkpoints past the end of their chain (or of a chain with no transfer left).
            for community in try reader.chainCommunities() {
                try open(community)
                reach(community, seq: Int64.max, hash: "", transferID: nil)
            }
            report.chains = heads.count
            report.faults += try requestAudit.faults(reader: reader, nowMillis: nowMillis)
        }
    }

    /// The checks of the stored state against the balances computed from the transfers: every
    /// balance, the zero sum, overdrafts, every lot, lots against balances, holds against balances.
    static func verifyState(
        reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64, report input: VerifyReport,
        computed: [String: Int64]
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
            let lots = try reader.allLots()
            report.lots = lots.count
            let entrySums = try reader.lotEntrySums()
            var lotTotals: [String: Int64] = [:]
            for lot in lots {
                let fromEntries = entrySums[lot.id] ?? 0
                if fromEntries != lot.remaining || lot.remaining < 0 {
                    report.faults.append(
                        VerifyFault(
                            check: "lot", account: lot.account, lot: lot.id,
                            expected: "\(fromEntries)", found: "\(lot.remaining)"))
                }
                lotTotals[lot.account, default: 0] += lot.remaining
            }
            for account in accounts where account.kind.keepsLots {
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
