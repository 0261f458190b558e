import Foundation
import JifenCore
import JifenPostgres
import JifenTestSupport
import Testing

/// What one transfer costs the PostgreSQL store on the wire, counted by the store itself
/// (`PostgresStore.wireCounts`): statements sent, and round trips (times the writer waited for
/// the server). Counts, not times: a regression that adds a query or a wait to every transfer
/// fails here on any machine. Alone: the sealer's lock is one per database, and other suites'
/// writers on the same server would make these writers find it taken and look again.
@Suite(.tags(.alone), .needsPostgres) struct PostgresRoundTripTests {
    @Test func aTransferIsFourRoundTripsAndTwelveStatementsSealingIncluded() throws {
        let f = try Fixture.make(.postgres)
        let store = try #require(f.store as? PostgresStore)
        let (a, b) = (f.volunteers[0], f.volunteers[1])
        _ = try f.grant(a, 1000)
        _ = try f.grant(b, 1000)
        // The first transfer each way opens the receiving side's lot: not counted.
        _ = try f.ledger.transfer(from: a, to: b, amount: 1, memo: "", key: "warm-ab", actor: a)
        _ = try f.ledger.transfer(from: b, to: a, amount: 1, memo: "", key: "warm-ba", actor: b)
        let statements = store.wireCounts.statements, roundTrips = store.wireCounts.roundTrips
        let transfers = 20
        for i in 0..<transfers {
            let (from, to) = i.isMultiple(of: 2) ? (a, b) : (b, a)
            _ = try f.ledger.transfer(from: from, to: to, amount: 1, memo: "", key: "t\(i)", actor: from)
        }
        let sent = Double(store.wireCounts.statements - statements) / Double(transfers)
        let waited = Double(store.wireCounts.roundTrips - roundTrips) / Double(transfers)
        // Each transfer alone, sealed by its own writer: (1) BEGIN and the idempotency key's
        // lookup; (2) both accounts locked, then read with their holds, lots, names and the rules;
        // (3) the writes as one statement, COMMIT, the seal look and the transfers awaiting their
        // seal with their chain's head; (4) BEGIN, the seal as one statement, COMMIT and the
        // sealer's lock given back. Before: 14 statements and 11 round trips.
        #expect(sent <= 12, "statements a transfer: \(sent)")
        #expect(waited <= 4, "round trips a transfer: \(waited)")
        // Every transfer was sealed by the time its writer was answered, and the chain holds.
        let last = try #require(try f.store.read { try $0.transfer(key: "t\(transfers - 1)") })
        #expect(last.isSealed)
        #expect(try Verifier.verify(f.store).ok)
    }

    @Test func aTransferInAGroupCommitIsFourRoundTrips() throws {
        let f = try Fixture.make(.postgres)
        let store = try #require(f.store as? PostgresStore)
        let (a, b) = (f.volunteers[0], f.volunteers[1])
        _ = try f.grant(a, 1000)
        _ = try f.grant(b, 1000)
        _ = try f.ledger.transfer(from: a, to: b, amount: 1, memo: "", key: "warm-ab", actor: a)
        _ = try f.ledger.transfer(from: b, to: a, amount: 1, memo: "", key: "warm-ba", actor: b)
        let statements = store.wireCounts.statements, roundTrips = store.wireCounts.roundTrips
        let transfers = 20
        let ledger = f.ledger
        let results = store.writeBatch(
            (0..<transfers).map { i in
                let (from, to) = i.isMultiple(of: 2) ? (a, b) : (b, a)
                return { try ledger.transfer(from: from, to: to, amount: 1, memo: "", key: "g\(i)", actor: from) }
            })
        for result in results { _ = try result.get() }
        let sent = Double(store.wireCounts.statements - statements) / Double(transfers)
        let waited = Double(store.wireCounts.roundTrips - roundTrips) / Double(transfers)
        // Each operation, a savepoint of the batch's transaction: SAVEPOINT and the key's lookup;
        // the locks and the locked rows; the writes and RELEASE. The batch holds the sealer's lock
        // and seals once at its end (or before an operation reads an unsealed transfer back), so
        // its BEGIN, lock, sealing and COMMIT are shared by all.
        #expect(sent <= 8.5, "statements a transfer: \(sent)")
        #expect(waited <= 4.5, "round trips a transfer: \(waited)")
        #expect(try Verifier.verify(f.store).ok)
    }
}
