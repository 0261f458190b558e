import Foundation

/// The monthly report's sums, one query per store.
public protocol ReportQueries {
    /// - Parameters:
    ///   - startMillis, endMillis: the month, `[start, end)`.
    ///   - firstDay, lastDay: the month's days in the community's zone (for service records).
    ///   - sinceMillis: the month's end when it has passed: read `movedSince` from it; else nil.
    ///   - communities: only these communities' accounts, transfers (either side), people, teams,
    ///     merchants and service records; nil: the whole database.
    func reportSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?,
        communities: [String]?
    ) throws -> ReportSums

    /// Each community's sums, as `reportSums(…, communities: [community])` reads them, read for
    /// all of them at once: the month's transfers once, grouped by the communities they touch
    /// (a transfer between two of them counts in both), and the other rows grouped by community.
    /// A community with nothing gets empty sums.
    func reportSectionSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?,
        communities: [String]
    ) throws -> [String: ReportSums]

    /// The checkpoints sealed for `month`, one per community of the database that has one, in the
    /// order of the communities' ids: read by month (an index), not by decoding every checkpoint's
    /// balances.
    func reportCheckpoints(month: String) throws -> [CheckpointStamp]
    /// How many transfers the ledger holds, sealed or not, for a monitor.
    func transferCount() throws -> Int
}

extension ReportQueries {
    /// The whole database's sums.
    public func reportSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?
    ) throws -> ReportSums {
        try reportSums(
            startMillis: startMillis, endMillis: endMillis, firstDay: firstDay, lastDay: lastDay,
            sinceMillis: sinceMillis, communities: nil)
    }
}

/// One group of the month's transfers as a store reads it for `reportSectionSums`: transfers of
/// one kind between the same two accounts (and, for reversals, reversing the same kind), with the
/// communities of both accounts. `ReportSectionTally` adds them to each community they touch.
public struct ReportTransferGroup: Sendable {
    public var kind: String
    public var debit: String
    public var credit: String
    /// The kind of the transfer reversed (reversals only).
    public var reversedKind: String?
    /// The accounts' communities (nil: no such account row).
    public var debitCommunity: String?
    public var creditCommunity: String?
    public var points: Int64
    public var count: Int

    public init(
        kind: String, debit: String, credit: String, reversedKind: String?, debitCommunity: String?,
        creditCommunity: String?, points: Int64, count: Int
    ) {
        self.kind = kind; self.debit = debit; self.credit = credit; self.reversedKind = reversedKind
        self.debitCommunity = debitCommunity; self.creditCommunity = creditCommunity; self.points = points
        self.count = count
    }

    /// The communities of `within` this group touches, each once.
    func touched(_ within: Set<String>) -> [String] {
        var out: [String] = []
        if let d = debitCommunity, within.contains(d) { out.append(d) }
        if let c = creditCommunity, within.contains(c), c != debitCommunity { out.append(c) }
        return out
    }
}

/// Adds the month's transfer groups to each community's sums, as the one-community queries would
/// have read them (both stores use it, so they agree).
public struct ReportSectionTally {
    public var sums: [String: ReportSums]
    let within: Set<String>
    var byKind: [String: [String: (points: Int64, count: Int)]] = [:]
    var byAccount: [String: [AccountKey: Int64]] = [:]
    var reversed: [String: [AccountKey: Int64]] = [:]
    var movedSince: [String: [String: Int64]] = [:]

    struct AccountKey: Hashable {
        var account: String
        var kind: String
        var credited: Bool
    }

    public init(communities: [String]) {
        within = Set(communities)
        sums = Dictionary(communities.map { ($0, ReportSums()) }, uniquingKeysWith: { a, _ in a })
    }

    /// A group of the month's transfers.
    public mutating func addMonth(_ g: ReportTransferGroup) {
        for c in g.touched(within) {
            byKind[c, default: [:]][g.kind, default: (0, 0)].points += g.points
            byKind[c, default: [:]][g.kind, default: (0, 0)].count += g.count
            byAccount[c, default: [:]][AccountKey(account: g.credit, kind: g.kind, credited: true), default: 0] +=
                g.points
            byAccount[c, default: [:]][AccountKey(account: g.debit, kind: g.kind, credited: false), default: 0] +=
                g.points
            if g.kind == TransferKind.reverse.rawValue, let reversedKind = g.reversedKind {
                reversed[c, default: [:]][
                    AccountKey(account: g.debit, kind: reversedKind, credited: false), default: 0] += g.points
            }
        }
    }

    /// A group of the transfers at or after the month's end.
    public mutating func addSince(_ g: ReportTransferGroup) {
        for c in g.touched(within) {
            movedSince[c, default: [:]][g.credit, default: 0] += g.points
            movedSince[c, default: [:]][g.debit, default: 0] -= g.points
        }
    }

    /// The sums, the transfer groups folded in.
    public func finished() -> [String: ReportSums] {
        var out = sums
        for (c, kinds) in byKind {
            out[c]?.byKind = kinds.sorted { $0.key < $1.key }.map {
                ReportSums.KindSum(kind: $0.key, points: $0.value.points, count: $0.value.count)
            }
        }
        func list(_ d: [AccountKey: Int64]) -> [ReportSums.AccountSum] {
            d.sorted {
                ($0.key.account, $0.key.kind, $0.key.credited ? 1 : 0) < (
                    $1.key.account, $1.key.kind, $1.key.credited ? 1 : 0
                )
            }.map {
                ReportSums.AccountSum(
                    account: $0.key.account, kind: $0.key.kind, points: $0.value, credited: $0.key.credited)
            }
        }
        for (c, d) in byAccount { out[c]?.byAccount = list(d) }
        for (c, d) in reversed { out[c]?.reversedByKind = list(d) }
        for (c, d) in movedSince { out[c]?.movedSince = d }
        return out
    }
}
