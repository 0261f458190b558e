import Foundation
import JifenCore
import JifenPostgres
import Synchronization
import Testing

/// What only the PostgreSQL store needs shown: many writers at once on separate connections,
/// the database's own guards, and its migrations.
@Suite struct PostgresStoreTests {
    /// Runs `body(i)` for i in 0..<count on that many threads at once and waits for all.
    func inParallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            let thread = Thread {
                body(i)
                group.leave()
            }
            thread.start()
        }
        group.wait()
    }

    @Test func concurrentTransfersNeverOverdrawAndKeepTheChain() throws {
        let f = try Fixture.make(.postgres)
        for v in f.volunteers { _ = try f.grant(v, 100) }
        let outcomes = Mutex<(done: Int, refused: Int, other: [String])>((0, 0, []))
        let ledger = f.ledger, volunteers = f.volunteers
        inParallel(8) { worker in
            var rng = SplitMix64(state: UInt64(worker + 1))
            for step in 0..<30 {
                let from = volunteers.randomElement(using: &rng)!
                let to = volunteers.filter { $0 != from }.randomElement(using: &rng)!
                let amount = Int64.random(in: 1...60, using: &rng)
                do {
                    // Holds count against what is available, which no database constraint checks:
                    // only the account locks keep a hold and a spend from both taking the same points.
                    if Bool.random(using: &rng) {
                        _ = try ledger.hold(TransferRequest(kind: .redeem, debit: from, credit: to, amount: amount, key: "h\(worker)-\(step)"),
                                            actor: "admin", timeoutMinutes: 600)
                    } else {
                        _ = try ledger.transfer(from: from, to: to, amount: amount, memo: "", key: "w\(worker)-\(step)", actor: "admin")
                    }
                    outcomes.withLock { $0.done += 1 }
                } catch let error as JifenError where error.code == "insufficient-points" {
                    outcomes.withLock { $0.refused += 1 }
                } catch {
                    outcomes.withLock { $0.other.append("\(error)") }
                }
            }
        }
        let result = outcomes.withLock { $0 }
        #expect(result.other.isEmpty, "\(result.other)")
        #expect(result.done + result.refused == 240)
        #expect(result.done > 20)
        let views = try f.volunteers.map { v in try f.store.read { try BalanceView.read(v, nowMillis: f.clock.now.millis, in: $0) } }
        #expect(views.allSatisfy { $0.available >= 0 }, "\(views)")
        #expect(views.reduce(0) { $0 + $1.balance } == 300)
        let report = try f.verify()
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        var count = 0
        try f.store.read { try $0.forEachTransfer { _ in count += 1; return true } }
        #expect(count > 3 && count <= 3 + result.done)
    }

    @Test func oneKeyRacedByEightWritersPostsOnce() throws {
        let f = try Fixture.make(.postgres)
        let results = Mutex<[Result<Posted, JifenError>]>([])
        let ledger = f.ledger, target = f.volunteers[0]
        inParallel(8) { _ in
            do {
                let posted = try ledger.grant(to: target, amount: 25, reason: "结转", key: "same-key", actor: "admin")
                results.withLock { $0.append(.success(posted)) }
            } catch {
                results.withLock { $0.append(.failure(error as? JifenError ?? JifenError.fault("x", zh: "\(error)", en: "\(error)"))) }
            }
        }
        let all = results.withLock { $0 }
        let posted = all.compactMap { try? $0.get() }
        #expect(posted.count == 8, "\(all)")
        #expect(posted.filter { !$0.replayed }.count == 1)
        #expect(Set(posted.map(\.transfer.id)).count == 1)
        #expect(try f.balance(target) == 25)
        #expect(try f.verify().ok)
    }

    @Test func theDatabaseRefusesChangedTransfersAndNegativeBalances() throws {
        let f = try Fixture.make(.postgres)
        _ = try f.grant(f.volunteers[0], 5)
        let store = try #require(f.store as? PostgresStore)
        #expect(throws: JifenError.self) { try store.execute(unsafeSQL: "UPDATE transfer SET amount = 6") }
        #expect(throws: JifenError.self) { try store.execute(unsafeSQL: "DELETE FROM transfer") }
        #expect(throws: JifenError.self) { try store.execute(unsafeSQL: "UPDATE account SET balance = -1 WHERE kind = 'volunteer'") }
        #expect(try f.balance(f.volunteers[0]) == 5)
        #expect(try f.verify().ok)
    }

    @Test func createRefusesAnInitialisedDatabaseAndOpenFindsIt() throws {
        let f = try Fixture.make(.postgres)
        let store = try #require(f.store as? PostgresStore)
        #expect(refusal { try PostgresStore.create(url: store.target.display) }?.code == "already-initialised")
        let again = try PostgresStore.open(url: store.target.display)
        #expect(try again.communities().map(\.id) == ["C01"])
        let empty = store.target.display.replacingOccurrences(of: "schema=", with: "schema=e")
        #expect(refusal { try PostgresStore.open(url: empty) }?.code == "no-database")
    }

    @Test(arguments: ["mysql://x@h/db", "postgres://u@h:0/db", "postgres://u@h/", "postgres://u@h/db?schema=Bad-Name"])
    func badURLsAreUsageErrors(url: String) {
        #expect(refusal { try PostgresTarget(url: url) }?.category == .usage)
    }
}
