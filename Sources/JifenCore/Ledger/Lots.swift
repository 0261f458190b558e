import Foundation

/// Lots: which points of a volunteer expire when. Spending takes the oldest lots first; points
/// that come back (a refund, a reversal) return to the days they came from; a gift keeps its days.
enum Lots {
    static func move(
        _ t: Transfer, from debit: Account, to credit: Account, standing: LotStanding? = nil,
        in tx: any WriteTransaction
    ) throws {
        // Every lot change and entry is gathered first and written at the end, so a store may
        // write them as one statement each.
        var book = Book()
        var consumed: [(day: String, amount: Int64)] = []
        if debit.kind.keepsLots {
            let standing = try standing ?? Self.standing(account: debit.id, nowMillis: t.atMillis, in: tx)
            consumed = try consume(t, account: debit.id, standing: standing, into: &book, in: tx)
        }
        guard credit.kind.keepsLots else { return try book.write(in: tx) }
        var portions: [(day: String, amount: Int64)]
        if let originalID = t.reverses, let original = try tx.transfer(id: originalID), original.debit == credit.id {
            portions = try returning(t, original: original, to: credit.id, in: tx)
        } else if debit.kind.keepsLots {
            portions = consumed
        } else {
            portions = []
        }
        let placed = portions.reduce(0) { $0 + $1.amount }
        if placed < t.amount {
            let rules = try Rules(settings: tx.settings())
            portions.append((rules.expiryDay(forEarningAt: Date(millis: t.atMillis)), t.amount - placed))
        }
        for portion in portions where portion.amount > 0 {
            book.add(portion.amount, to: credit.id, expiresOn: portion.day, transfer: t.id)
        }
        try book.write(in: tx)
    }

    /// The lot changes and entries of one transfer, in the order they happen.
    struct Book {
        private(set) var changes: [LotChange] = []
        private(set) var entries: [LotEntry] = []

        /// Takes points from (or gives back to) a lot whose id is known.
        mutating func change(lot: Lot, by delta: Int64, account: String, transfer: Int64) {
            changes.append(.lot(id: lot.id, delta: delta))
            entries.append(
                LotEntry(lot: lot.id, account: account, transfer: transfer, delta: delta, expiresOn: lot.expiresOn))
        }

        /// Adds points to an account's lot of a day (its id is known once written).
        mutating func add(_ amount: Int64, to account: String, expiresOn day: String, transfer: Int64) {
            changes.append(.day(account: account, expiresOn: day, amount: amount))
            entries.append(LotEntry(lot: 0, account: account, transfer: transfer, delta: amount, expiresOn: day))
        }

        /// Writes the changes, then the entries with their lots' ids (one entry a change).
        mutating func write(in tx: any WriteTransaction) throws {
            guard !changes.isEmpty else { return }
            let ids = try tx.apply(lotChanges: changes)
            for (index, id) in ids.enumerated() { entries[index].lot = id }
            try tx.insert(lotEntries: entries)
        }
    }

    /// Takes `t.amount` from an account's lots, never a point that another pending hold reserved:
    /// - posting a hold takes the lots that hold reserved (they may have lapsed since: the hold keeps them);
    /// - an expiry takes lapsed points, oldest first;
    /// - a reversal takes back the very points the reversed transfer created first, then the oldest;
    /// - anything else spends valid lots only, oldest first.
    private static func consume(
        _ t: Transfer, account: String, standing: LotStanding, into book: inout Book,
        in tx: any WriteTransaction
    ) throws -> [(day: String, amount: Int64)] {
        var left = t.amount
        var taken: [(day: String, amount: Int64)] = []
        var free: [Int64: Int64] = [:]
        // The open lots as read in this transaction, kept up to date as they are taken from,
        // so a lot is not read again (only a lot that is not open is looked up).
        var known: [Int64: Lot] = [:]
        for lot in standing.lots {
            free[lot.id] = standing.free(lot)
            known[lot.id] = lot
        }
        func take(_ lotID: Int64, upTo cap: Int64, ownReservation: Bool = false) throws {
            guard left > 0, let lot = try known[lotID] ?? tx.lot(id: lotID) else { return }
            let amount = min(left, cap, lot.remaining)
            guard amount > 0 else { return }
            book.change(lot: lot, by: -amount, account: account, transfer: t.id)
            known[lot.id] = Lot(
                id: lot.id, account: lot.account, expiresOn: lot.expiresOn, remaining: lot.remaining - amount)
            taken.append((lot.expiresOn, amount))
            if !ownReservation { free[lot.id] = max(0, (free[lot.id] ?? 0) - amount) }
            left -= amount
        }
        if let hold = t.hold {
            for portion in standing.byHold[hold] ?? [] {
                try take(portion.lot, upTo: portion.amount, ownReservation: true)
            }
        }
        var anyDay = t.kind == .expire || t.kind == .reverse
        if t.kind == .reverse, let original = try t.reverses.flatMap({ try tx.transfer(id: $0) }),
            original.credit == account
        {
            // Reversing an earning takes back the very points it created before any others.
            for entry in try tx.lotEntries(transfer: original.id) where entry.account == account && entry.delta > 0 {
                try take(entry.lot, upTo: free[entry.lot] ?? 0)
            }
        }
        if t.hold != nil { anyDay = false }
        for lot in standing.lots where left > 0 && (anyDay || !standing.isLapsed(lot)) {
            try take(lot.id, upTo: free[lot.id] ?? 0)
        }
        guard left == 0 else {
            throw JifenError.fault(
                .lotsOutOfStep,
                zh: "\(account) 的积分批次与余额不一致（少 \(left)）。请运行 jifen verify 并联系管理员。",
                en:
                    "The lots of \(account) do not add up to its balance (short by \(left)). Run jifen verify and call the admin."
            )
        }
        return taken
    }

    /// Where returning points go: back to the days the original took them from, latest expiry
    /// first, less what earlier refunds and reversals of the same original already gave back.
    private static func returning(
        _ t: Transfer, original: Transfer, to account: String,
        in tx: any WriteTransaction
    ) throws -> [(day: String, amount: Int64)] {
        var byDay: [String: Int64] = [:]
        for entry in try tx.lotEntries(transfer: original.id) where entry.account == account && entry.delta < 0 {
            byDay[entry.expiresOn, default: 0] += -entry.delta
        }
        for earlier in try tx.reversals(of: original.id) where earlier.id != t.id {
            for entry in try tx.lotEntries(transfer: earlier.id) where entry.account == account && entry.delta > 0 {
                byDay[entry.expiresOn, default: 0] -= entry.delta
            }
        }
        var left = t.amount
        var portions: [(day: String, amount: Int64)] = []
        for day in byDay.keys.sorted(by: >) where left > 0 {
            let amount = min(left, byDay[day] ?? 0)
            if amount > 0 {
                portions.append((day, amount))
                left -= amount
            }
        }
        return portions
    }
}
