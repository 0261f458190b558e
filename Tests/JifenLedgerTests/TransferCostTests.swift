import Foundation
import JifenCore
import JifenSQLite
import JifenTestSupport
import Testing

/// What one transfer costs the SQLite store, counted (never timed): the statements a transfer
/// runs, BEGIN and COMMIT included, and the pages its commit appends to the WAL.
@Suite struct TransferCostTests {
    /// Volunteers with points in several lots each, then admin moves between them, as `scripts/bench ledger` does.
    func measured(transfers: Int = 60) throws -> (cost: SQLiteCost, fixture: Fixture) {
        let f = try Fixture.make(.sqlite)
        let store = try #require(f.store as? SQLiteStore)
        for volunteer in f.volunteers {
            for _ in 0..<3 {
                _ = try f.grant(volunteer, 1_000)
                f.clock.advance(days: 40)
            }
        }
        var rng = SplitMix64(state: 7)
        let cost = try store.measuringCost {
            for i in 0..<transfers {
                let from = Int(rng.next() % 3)
                let to = (from + 1 + Int(rng.next() % 2)) % 3
                _ = try f.ledger.transfer(
                    from: f.volunteers[from], to: f.volunteers[to], amount: Int64(1 + rng.next() % 10), memo: "",
                    key: "cost-\(i)", actor: "admin")
            }
        }
        return (cost, f)
    }

    @Test func aTransferRunsAtMostEightStatements() throws {
        let transfers = 60
        let (cost, f) = try measured(transfers: transfers)
        // BEGIN, one read of everything posting needs, the transfer, both balances, the lots, the
        // lot entries, the event, COMMIT.
        #expect(Double(cost.statements) / Double(transfers) <= 8)
        // The event's webhook fan-out, the one trigger left.
        #expect(Double(cost.triggerStatements) / Double(transfers) <= 2)
        #expect(try f.verify().ok)
    }

    @Test func aCommitWritesABoundedNumberOfPages() throws {
        let transfers = 60
        let (cost, _) = try measured(transfers: transfers)
        // The transfer row and its six indexes, two balances, two lots, the lot entries and their
        // index, the event: 13 pages, and a page split now and then.
        #expect(Double(cost.walFrames) / Double(transfers) <= 15)
    }

    @Test func aReplayAfterTheBalanceMovedStillReturnsTheFirstTransfer() throws {
        let f = try Fixture.make(.sqlite)
        _ = try f.grant(f.volunteers[0], 10)
        let first = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 10, memo: "", key: "once", actor: f.volunteers[0])
        // The payer has nothing left: the replay is still the first answer, not an overdraft.
        let again = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 10, memo: "", key: "once", actor: f.volunteers[0])
        #expect(again.replayed && again.transfer.id == first.transfer.id)
        // Two posts in one transaction: the second reads what the first wrote, not a stale prefetch.
        _ = try f.grant(f.volunteers[1], 5)
        try f.store.write { tx in
            for i in 0..<2 {
                _ = try Ledger.post(
                    TransferRequest(
                        kind: .transfer, debit: f.volunteers[1], credit: f.volunteers[2], amount: 7, key: "two-\(i)"),
                    actor: "admin", atMillis: f.clock.nowMillis, in: tx)
            }
        }
        #expect(try f.balance(f.volunteers[1]) == 1)
        #expect(try f.balance(f.volunteers[2]) == 14)
        // A third would overdraw by what the two before took: refused.
        let refused = refusal {
            try f.ledger.transfer(
                from: f.volunteers[1], to: f.volunteers[2], amount: 2, memo: "", key: "three", actor: f.volunteers[1])
        }
        #expect(refused?.code == .insufficientPoints)
        #expect(try f.verify().ok)
    }
}
