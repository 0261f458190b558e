import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Random sequences of operations; after every one the ledger's invariants hold, and an
/// operation that was refused changed nothing.
@Suite struct PropertyTests {
    @Test(arguments: StoreKind.allCases, [1, 2, 3, 4, 5, 6] as [UInt64])
    func invariantsHoldAfterEveryOperation(kind: StoreKind, seed: UInt64) throws {
        let f = try Fixture.make(kind)
        var rng = SplitMix64(state: seed)
        let accounts = f.volunteers + [f.merchant]
        var transfers: [Int64] = []
        var holds: [Int64] = []
        var keys: [String] = []
        var succeeded = 0
        for step in 0..<120 {
            let before = try f.snapshot()
            let amount = Int64.random(in: -2...60, using: &rng)
            let from = accounts.randomElement(using: &rng)!
            let to = accounts.randomElement(using: &rng)!
            // Sometimes retry an earlier key, with the same or other content.
            let key = Bool.random(using: &rng) && !keys.isEmpty ? keys.randomElement(using: &rng)! : "k\(step)"
            keys.append(key)
            let outcome: Result<Void, any Error>
            do {
                switch Int.random(in: 0..<9, using: &rng) {
                case 0, 1:
                    transfers.append(
                        try f.ledger.grant(to: from, amount: amount, reason: "r", key: key, actor: "admin").transfer.id)
                case 2, 3:
                    transfers.append(
                        try f.ledger.transfer(from: from, to: to, amount: amount, memo: "", key: key, actor: "admin")
                            .transfer.id)
                case 4:
                    let id = transfers.randomElement(using: &rng) ?? 1
                    transfers.append(try f.ledger.reverse(id, reason: "fix", actor: "admin").transfer.id)
                case 5:
                    holds.append(
                        try f.ledger.hold(
                            TransferRequest(kind: .redeem, debit: from, credit: to, amount: amount, key: key),
                            actor: "admin", timeoutMinutes: Int.random(in: 1...300, using: &rng)
                        ).hold.id)
                case 6:
                    transfers.append(
                        try f.ledger.postHold(holds.randomElement(using: &rng) ?? 1, actor: "admin").transfer.id)
                case 7:
                    _ = try f.ledger.voidHold(holds.randomElement(using: &rng) ?? 1, actor: "admin")
                default:
                    f.clock.advance(days: Double.random(in: 0...400, using: &rng))
                    _ = try f.ledger.expire(asOf: nil, actor: "admin")
                }
                outcome = .success(())
                succeeded += 1
            } catch {
                outcome = .failure(error)
            }
            if case .failure(let error) = outcome {
                #expect(error is JifenError, "step \(step): unexpected \(error)")
                #expect((error as? JifenError)?.category != .fault, "step \(step): fault \(error)")
                #expect(try f.snapshot() == before, "step \(step): a refused operation changed the ledger")
            }
            let report = try f.verify()
            #expect(report.ok, "\(kind) seed \(seed) step \(step): \(report.faults.map { $0.message(.en) })")
            if !report.ok { return }
        }
        // The sequence must exercise the ledger, not only its refusals.
        #expect(succeeded > 30, "seed \(seed): only \(succeeded) operations succeeded")
        #expect(transfers.count > 10)
    }
}
