import Foundation

/// A pending hold as the lots see it: what it reserves and since when.
public struct PendingHold: Sendable, Equatable {
    public var id: Int64
    public var amount: Int64
    public var createdAtMillis: Int64
    public var expiresAtMillis: Int64

    public init(id: Int64, amount: Int64, createdAtMillis: Int64, expiresAtMillis: Int64) {
        self.id = id
        self.amount = amount
        self.createdAtMillis = createdAtMillis
        self.expiresAtMillis = expiresAtMillis
    }
}

/// How a volunteer's lots stand at a moment: which points each pending hold reserved, which
/// lots have lapsed (their day has come, whether or not `expire` has run), and so what may be spent.
///
/// A hold is tied to the lots it reserved: pending holds, oldest first, each take the oldest lots
/// that were still valid on the day the hold was made. Neither spending nor expiry touches a
/// reserved point; posting the hold takes exactly its own. A lot whose day has come is not
/// spendable even before `expire` moves it: a missed expiry run never extends validity.
public struct LotStanding: Sendable, Equatable {
    /// Open lots, in spending order (expiry day, then id).
    public var lots: [Lot]
    /// Points of each lot (by id) reserved by pending holds.
    public var reserved: [Int64: Int64] = [:]
    /// The lots each pending hold (by id) reserved, in the order it takes them.
    public var byHold: [Int64: [(lot: Int64, amount: Int64)]] = [:]
    /// Points reserved by pending holds, whether or not their lots could be told apart.
    public var held: Int64 = 0
    /// Today in the community's zone: lots expiring on or before it have lapsed.
    public var today: String

    public static func == (a: LotStanding, b: LotStanding) -> Bool {
        a.lots == b.lots && a.reserved == b.reserved && a.held == b.held && a.today == b.today
    }

    /// What is left of a lot once pending holds have taken theirs.
    public func free(_ lot: Lot) -> Int64 { max(0, lot.remaining - (reserved[lot.id] ?? 0)) }

    public func isLapsed(_ lot: Lot) -> Bool { lot.expiresOn <= today }

    /// Points whose day has come and that no hold reserved: no longer spendable, left for `expire`.
    public var lapsed: Int64 { lots.filter(isLapsed).reduce(0) { $0 + free($1) } }

    /// What may be spent now out of `balance`: less the holds, less what has lapsed.
    public func available(balance: Int64) -> Int64 { balance - held - lapsed }

    /// What one hold reserved.
    public func reservedBy(hold: Int64) -> Int64 { byHold[hold]?.reduce(0) { $0 + $1.amount } ?? 0 }

    /// Places `holds` (oldest first) on `lots` (spending order).
    public init(lots: [Lot], holds: [PendingHold], today: String, dayOf: (Int64) -> String) {
        self.lots = lots
        self.today = today
        for hold in holds.sorted(by: { $0.id < $1.id }) {
            held += hold.amount
            let madeOn = dayOf(hold.createdAtMillis)
            var left = hold.amount
            var taken: [(lot: Int64, amount: Int64)] = []
            // The lots valid when the hold was made first; any others only if the books were
            // ever out of step (they never are while every write comes through the ledger).
            for pass in 0..<2 where left > 0 {
                for lot in lots where left > 0 && (pass == 1 || lot.expiresOn > madeOn) {
                    let amount = min(left, free(lot))
                    guard amount > 0 else { continue }
                    reserved[lot.id, default: 0] += amount
                    taken.append((lot.id, amount))
                    left -= amount
                }
            }
            byHold[hold.id] = taken
        }
    }
}

extension Lots {
    /// How `account`'s lots stand at `nowMillis` (see `LotStanding`).
    public static func standing(account: String, nowMillis: Int64, in tx: any ReadTransaction) throws -> LotStanding {
        let zone = try Rules(settings: tx.settings()).timeZone
        let holds = try tx.pendingHolds(account: account, nowMillis: nowMillis)
        let lots = try tx.openLots(account: account, limit: 100_000)
        return LotStanding(
            lots: lots, holds: holds, today: DayFormat.string(Date(millis: nowMillis), in: zone),
            dayOf: { DayFormat.string(Date(millis: $0), in: zone) })
    }

    /// The points an account may spend now: its balance less pending holds and, for a volunteer,
    /// less lapsed points that `expire` has not moved yet.
    public static func available(_ account: Account, nowMillis: Int64, in tx: any ReadTransaction) throws -> Int64 {
        guard account.kind.keepsLots else {
            return account.balance - (try tx.heldAmount(account: account.id, nowMillis: nowMillis))
        }
        return try standing(account: account.id, nowMillis: nowMillis, in: tx).available(balance: account.balance)
    }
}
