public import Foundation

/// One thing `verify` found wrong, named precisely enough to find it.
public struct VerifyFault: Sendable, Equatable, Codable {
    public var check: String
    public var transfer: Int64?
    public var account: String?
    public var lot: Int64?
    public var expected: String
    public var found: String

    public func message(_ language: Language) -> String {
        var place: [String] = []
        if let transfer { place.append(language == .zh ? "转账 #\(transfer)" : "transfer #\(transfer)") }
        if let account { place.append(language == .zh ? "账户 \(account)" : "account \(account)") }
        if let lot { place.append(language == .zh ? "批次 #\(lot)" : "lot #\(lot)") }
        let what = Self.names[check].map { $0.text(language) } ?? check
        let expectedWord = language == .zh ? "应为" : "expected"
        let foundWord = language == .zh ? "实为" : "found"
        return "\(what) — \(place.joined(separator: ", ")): \(expectedWord) \(expected), \(foundWord) \(found)"
    }

    static let names: [String: Bilingual] = [
        "chain-link": Bilingual(zh: "哈希链断开", en: "hash chain broken"),
        "content-hash": Bilingual(zh: "转账内容被改动", en: "transfer content changed"),
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
    public var ok: Bool { faults.isEmpty }
}

/// Recomputes everything the ledger stores and compares: the hash chain, every balance from its
/// transfers, the zero sum, every lot from its entries, lots against balances, holds against balances.
public enum Verifier {
    public static func verify(_ store: any Store, nowMillis: Int64 = Date().millis) throws -> VerifyReport {
        try store.read { try verify(reader: $0, nowMillis: nowMillis) }
    }

    /// Verifies what `reader` sees inside a transaction the caller holds (e.g. a copy before it commits).
    public static func verify(reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64) throws -> VerifyReport {
        do {
            var report = VerifyReport()
            var computed: [String: Int64] = [:]
            var previous = TransferHash.genesis
            var expectedSeq: Int64 = 1
            var requestAudit = try RequestAudit(reader: reader)
            try reader.forEachTransfer { t in
                report.transfers += 1
                requestAudit.add(t)
                if !t.isSealed {
                    report.unsealed += 1
                } else {
                    if t.seq != expectedSeq {
                        report.faults.append(
                            VerifyFault(
                                check: "sequence", transfer: t.id, expected: "\(expectedSeq)", found: "\(t.seq)"))
                        expectedSeq = t.seq
                    }
                    expectedSeq += 1
                    if t.prevHash != previous {
                        report.faults.append(
                            VerifyFault(check: "chain-link", transfer: t.id, expected: previous, found: t.prevHash))
                    }
                    let hash = TransferHash.compute(t)
                    if hash != t.hash {
                        report.faults.append(
                            VerifyFault(check: "content-hash", transfer: t.id, expected: hash, found: t.hash))
                    }
                    previous = t.hash
                }
                if t.amount <= 0 || t.debit == t.credit {
                    report.faults.append(
                        VerifyFault(
                            check: "transfer-shape", transfer: t.id,
                            expected: "amount > 0, two accounts", found: "amount \(t.amount), \(t.debit) → \(t.credit)")
                    )
                }
                computed[t.debit, default: 0] -= t.amount
                computed[t.credit, default: 0] += t.amount
                return true
            }
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
            report.faults += try requestAudit.faults(reader: reader, nowMillis: nowMillis)
            return report
        }
    }
}
