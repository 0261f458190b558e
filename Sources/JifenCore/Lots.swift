import Foundation

/// Lots: which points of a volunteer expire when. Spending takes the oldest lots first; points
/// that come back (a refund, a reversal) return to the days they came from; a gift keeps its days.
enum Lots {
    static func move(_ t: Transfer, from debit: Account, to credit: Account, in tx: any LedgerWriting) throws {
        var consumed: [(day: String, amount: Int64)] = []
        if debit.kind.keepsLots {
            var preferred: [Int64] = []
            // Reversing an earning takes back the very points it created before any others.
            if let original = try t.reverses.flatMap({ try tx.transfer(id: $0) }), original.credit == debit.id {
                preferred = try tx.lotEntries(transfer: original.id).filter { $0.account == debit.id && $0.delta > 0 }.map(\.lot)
            }
            consumed = try consume(t, account: debit.id, preferring: preferred, in: tx)
        }
        guard credit.kind.keepsLots else { return }
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
            portions.append((rules.expiryDay(forEarningAt: t.at), t.amount - placed))
        }
        for portion in portions where portion.amount > 0 {
            try add(portion.amount, to: credit.id, expiresOn: portion.day, transfer: t.id, in: tx)
        }
    }

    /// Takes `t.amount` from an account's lots, preferred lots first, then oldest first.
    private static func consume(_ t: Transfer, account: String, preferring preferred: [Int64],
                                in tx: any LedgerWriting) throws -> [(day: String, amount: Int64)] {
        var left = t.amount
        var taken: [(day: String, amount: Int64)] = []
        func take(_ lot: Lot) throws {
            let amount = min(left, lot.remaining)
            guard amount > 0 else { return }
            try tx.addToLot(id: lot.id, delta: -amount)
            try tx.insert(lotEntry: LotEntry(lot: lot.id, account: account, transfer: t.id, delta: -amount, expiresOn: lot.expiresOn))
            taken.append((lot.expiresOn, amount))
            left -= amount
        }
        for id in preferred where left > 0 {
            if let lot = try tx.lot(id: id) { try take(lot) }
        }
        while left > 0 {
            let lots = try tx.openLots(account: account, limit: 16)
            guard !lots.isEmpty else {
                throw JifenError.fault("lots-out-of-step",
                                       zh: "\(account) 的积分批次与余额不一致（少 \(left)）。请运行 jifen verify 并联系管理员。",
                                       en: "The lots of \(account) do not add up to its balance (short by \(left)). Run jifen verify and call the admin.")
            }
            for lot in lots where left > 0 { try take(lot) }
        }
        return taken
    }

    /// Where returning points go: back to the days the original took them from, latest expiry
    /// first, less what earlier refunds and reversals of the same original already gave back.
    private static func returning(_ t: Transfer, original: Transfer, to account: String,
                                  in tx: any LedgerWriting) throws -> [(day: String, amount: Int64)] {
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

    private static func add(_ amount: Int64, to account: String, expiresOn day: String, transfer: Int64,
                            in tx: any LedgerWriting) throws {
        let id: Int64
        if let lot = try tx.lot(account: account, expiresOn: day) {
            id = lot.id
            try tx.addToLot(id: id, delta: amount)
        } else {
            id = try tx.insert(lot: Lot(account: account, expiresOn: day, remaining: amount))
        }
        try tx.insert(lotEntry: LotEntry(lot: id, account: account, transfer: transfer, delta: amount, expiresOn: day))
    }
}
