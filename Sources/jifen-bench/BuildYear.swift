import Foundation
import JifenCore
import JifenSQLite

/// A year of a busy community for the report benchmark: `transfers` spread evenly over the 365
/// days before `now`, through the same `Ledger.post` every CLI write uses, 5,000 per transaction.
/// Half are earnings, a third redemptions at 59 merchants, the rest refunds and gifts.
func buildYear(_ db: SQLiteStore, transfers count: Int, volunteers: [String], now: Int64) throws {
    var merchants: [String] = []
    for i in 1...59 {
        merchants.append(
            try Registry(store: db).addMerchant(
                Merchant(community: "C01", name: "bench shop \(i)"), actor: "admin", nowMillis: now
            ).id)
    }
    let step = max(1, 365 * 86_400_000 / Int64(count))
    let start = now - step * Int64(count)
    var rng = SplitMix(state: 42)
    var done = 0
    while done < count {
        let batch = min(5000, count - done)
        try db.write { tx in
            for i in done..<(done + batch) {
                let at = start + step * Int64(i)
                let v = volunteers[Int(rng.next() % UInt64(volunteers.count))]
                let m = merchants[Int(rng.next() % UInt64(merchants.count))]
                let roll = rng.next() % 100
                let request: TransferRequest
                switch roll {
                case 0..<50:
                    request = TransferRequest(
                        kind: .earn, debit: Account.issuance("C01"), credit: v, amount: Int64(1 + rng.next() % 40),
                        key: "y\(i)")
                case 50..<85:
                    request = TransferRequest(
                        kind: .redeem, debit: v, credit: m, amount: Int64(1 + rng.next() % 30), key: "y\(i)",
                        reference: "R\(i)")
                case 85..<90 where i > 10_000:
                    request = TransferRequest(kind: .refund, debit: m, credit: v, amount: 1, key: "y\(i)")
                default:
                    let w = volunteers[Int(rng.next() % UInt64(volunteers.count))]
                    request =
                        w == v
                        ? TransferRequest(
                            kind: .earn, debit: Account.issuance("C01"), credit: v, amount: 5, key: "y\(i)")
                        : TransferRequest(
                            kind: .transfer, debit: v, credit: w, amount: Int64(1 + rng.next() % 5), key: "y\(i)")
                }
                _ = try Ledger.post(request, actor: "admin", atMillis: at, in: tx)
            }
        }
        done += batch
    }
}

/// Deterministic numbers, so every run builds the same ledger.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
