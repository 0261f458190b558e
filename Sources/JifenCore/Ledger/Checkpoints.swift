public import Foundation

/// What checkpoints read, in bulk (`LedgerAuditing` has them too, for `verify`).
public protocol CheckpointReading {
    /// Every checkpoint of a community, in chain order (place, then month; genesis first).
    func checkpoints(community: String) throws -> [Checkpoint]
    /// Where each checkpoint of a community stands, in chain order, without its balances: `verify
    /// --full` then reads one checkpoint at a time (`checkpoint(community:month:)`) as the chain reaches it.
    func checkpointMarks(community: String) throws -> [CheckpointMark]
    func checkpoint(community: String, month: String) throws -> Checkpoint?
    /// Every community's id, in order.
    func chainCommunities() throws -> [String]
    /// A community's sealed transfers with a place after `afterSeq`, in chain order; stops when
    /// `body` returns false.
    func forEachChainTransfer(community: String, afterSeq: Int64, _ body: (Transfer) throws -> Bool) throws
}

/// A checkpoint's month and place in its chain.
public struct CheckpointMark: Sendable, Equatable {
    public var month: String
    public var seq: Int64
    public init(month: String, seq: Int64) {
        self.month = month
        self.seq = seq
    }
}

/// Sealing months (月度封账).
extension Ledger {
    /// Seals, for every community, each month closed at `nowMillis` (in `timeZone`) that has no
    /// checkpoint yet, oldest first: idempotent, so running it again (or daily from cron) seals
    /// only what closed since. A community's first checkpoint is the month of its first transfer.
    /// Transfers of a month are those placed in the chain after the previous checkpoint, up to
    /// the first one dated at or after the month's end. Transfers not yet sealed wait for the
    /// next month's checkpoint (callers seal pending transfers first).
    /// - Returns: the checkpoints sealed now.
    @discardableResult
    public func sealCheckpoints(nowMillis: Int64, timeZone: TimeZone) throws -> [Checkpoint] {
        try store.write { tx in
            var sealed: [Checkpoint] = []
            for community in try tx.chainCommunities() {
                sealed += try Self.sealMonths(
                    community: community, after: Self.lastCheckpoint(community, in: tx), nowMillis: nowMillis,
                    timeZone: timeZone, in: tx)
            }
            return sealed
        }
    }

    /// A community's last checkpoint, with its balances: found by its place among the marks, so
    /// sealing a month reads one checkpoint, not every one sealed before.
    static func lastCheckpoint(_ community: String, in tx: any ReadTransaction) throws -> Checkpoint? {
        guard let mark = try tx.checkpointMarks(community: community).last else { return nil }
        return try tx.checkpoint(community: community, month: mark.month)
    }

    /// Seals one community's months closed at `nowMillis` after `last` (its last checkpoint, nil
    /// before the first), oldest first, as `sealCheckpoints` does; a caller that keeps the last
    /// checkpoint itself (a generator sealing month after month) passes it in.
    /// - Returns: the checkpoints sealed now, the community's new last one last.
    public static func sealMonths(
        community: String, after last: Checkpoint?, nowMillis: Int64, timeZone: TimeZone, in tx: any WriteTransaction
    ) throws -> [Checkpoint] {
        let currentMonth = String(DayFormat.string(Date(millis: nowMillis), in: timeZone).prefix(7))
        var last = last
        var month: String
        if let last, last.month != Checkpoint.genesisMonth {
            month = try Self.month(after: last.month, in: timeZone)
        } else {
            var first: Transfer?
            try tx.forEachChainTransfer(community: community, afterSeq: last?.seq ?? 0) {
                first = $0
                return false
            }
            guard let first else { return [] }
            month = String(DayFormat.string(first.at, in: timeZone).prefix(7))
        }
        var sealed: [Checkpoint] = []
        var balances = last?.balances ?? [:]
        var seq = last?.seq ?? 0
        var head = last?.head ?? TransferHash.genesis
        var count = last?.transfers ?? 0
        while month < currentMonth {
            let end = try DayFormat.monthRange(month, in: timeZone).end
            try tx.forEachChainTransfer(community: community, afterSeq: seq) { t in
                guard t.atMillis < end else { return false }
                balances[t.debit, default: 0] -= t.amount
                balances[t.credit, default: 0] += t.amount
                seq = t.seq
                head = t.hash
                count += 1
                return true
            }
            let checkpoint = Checkpoint(
                community: community, month: month, seq: seq, head: head, transfers: count,
                balances: balances, previous: last?.hash ?? TransferHash.genesis, sealedAtMillis: nowMillis)
            try tx.insert(checkpoint: checkpoint)
            sealed.append(checkpoint)
            last = checkpoint
            month = try Self.month(after: month, in: timeZone)
        }
        return sealed
    }

    /// The last checkpoint of a community (the notice prints its short hash), or nil.
    public func lastCheckpoint(community: String, month: String? = nil) throws -> Checkpoint? {
        try store.read { tx in
            guard let month else { return try Self.lastCheckpoint(community, in: tx) }
            return try tx.checkpoint(community: community, month: month)
        }
    }

    static func month(after month: String, in zone: TimeZone) throws -> String {
        let end = try DayFormat.monthRange(month, in: zone).end
        return String(DayFormat.string(Date(millis: end), in: zone).prefix(7))
    }
}
