import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// Group commit (`Store.writeBatch`, `WriteBatcher`): many operations in one transaction and one
/// commit, each write a savepoint, answer exactly what one-at-a-time execution in the batch's
/// order answers, on both stores.
@Suite struct GroupCommitTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    func app(_ f: Fixture) -> JifenApp {
        let clock = f.clock
        return JifenApp(store: f.store, clock: { clock.now }, zone: Self.zone)
    }

    /// The same start on a fixture: points for two volunteers, a code of each (one live code per volunteer).
    func prepare(_ f: Fixture) throws -> (app: JifenApp, codes: [String]) {
        let app = app(f)
        let admin = Principal("admin")
        _ = try app.grant(admin, .init(account: f.volunteers[0], points: 100, reason: "开账", key: "open-0"))
        _ = try app.grant(admin, .init(account: f.volunteers[1], points: 10, reason: "开账", key: "open-1"))
        let codes = try (0..<2).map { i in
            try app.issueCode(Principal(f.volunteers[i]), .init(account: f.volunteers[i])).code
        }
        return (app, codes)
    }

    /// Accepted and refused operations on the same accounts, each answer as text (a result's
    /// JSON, or a refusal's code), in order.
    func operations(_ f: Fixture, _ app: JifenApp, codes: [String]) -> [() throws -> String] {
        let (v1, v2, v3) = (f.volunteers[0], f.volunteers[1], f.volunteers[2])
        let admin = Principal("admin"), merchant = Principal(f.merchant)
        func text<T: Encodable>(_ value: T) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            // A code is random digits, so its hash differs between the two ledgers: left out.
            return String(decoding: try encoder.encode(value), as: UTF8.self)
                .replacingOccurrences(of: #""codeHash":"[0-9a-f]*","#, with: "", options: .regularExpression)
        }
        return [
            { try text(app.grant(admin, .init(account: v1, points: 50, reason: "补发", key: "g1"))) },
            // v2 has 10: refused, and changes nothing.
            { try text(app.transfer(Principal(v2), .init(from: v2, to: v3, points: 30, key: "t1"))) },
            { try text(app.transfer(Principal(v1), .init(from: v1, to: v2, points: 120, key: "t2"))) },
            // Now v2 has 130: the same transfer passes, as it would right after t2's commit.
            { try text(app.transfer(Principal(v2), .init(from: v2, to: v3, points: 30, key: "t1"))) },
            // A key reused with other content.
            { try text(app.transfer(Principal(v1), .init(from: v1, to: v3, points: 5, key: "t2"))) },
            // The same key and content: the first answer again.
            { try text(app.transfer(Principal(v1), .init(from: v1, to: v2, points: 120, key: "t2"))) },
            { try text(app.redeem(merchant, .init(merchant: f.merchant, code: codes[0], points: 10, key: "r1"))) },
            // A used code.
            { try text(app.redeem(merchant, .init(merchant: f.merchant, code: codes[0], points: 5, key: "r2"))) },
            // v1 has 20 left: refused.
            { try text(app.transfer(Principal(v1), .init(from: v1, to: v3, points: 25, key: "t4"))) },
            { try text(app.transfer(Principal(v3), .init(from: v3, to: v1, points: 15, key: "t5"))) },
            // Not enough for this redemption (v2 has 100; the code allows 200): the code stays unused...
            { try text(app.redeem(merchant, .init(merchant: f.merchant, code: codes[1], points: 150, key: "r3"))) },
            // ...and takes the next one.
            { try text(app.redeem(merchant, .init(merchant: f.merchant, code: codes[1], points: 35, key: "r4"))) },
            // A volunteer may not grant; an unknown account.
            { try text(app.grant(Principal(v1), .init(account: v1, points: 1, reason: "自己", key: "g2"))) },
            { try text(app.transfer(Principal(v1), .init(from: v1, to: "V9999", points: 1, key: "t6"))) },
            { try text(app.transfer(Principal(v2), .init(from: v2, to: v1, points: 1, key: "t7"))) },
        ]
    }

    /// A memo's digest takes a random salt, so the same memo hashes differently in two ledgers:
    /// answers are compared with every hex digest and salt (and the hashes over them) blanked.
    /// Each ledger's own chain is proven by `verify` at the end of each test.
    static func blankingDigests(_ text: String) -> String {
        text.replacingOccurrences(of: "[0-9a-f]{32,64}", with: "#", options: .regularExpression)
    }

    static func answer(_ result: Result<String, any Error>) -> String {
        switch result {
        case .success(let text): blankingDigests(text)
        case .failure(let error as JifenError): "refused \(error.code.rawValue)"
        case .failure(let error): "error \(error)"
        }
    }

    /// The whole state a client could see: every account's balance, the chain, the outbox.
    func state(_ f: Fixture) throws -> [String] {
        try f.strings("SELECT id || ':' || CAST(balance AS TEXT) FROM account ORDER BY id")
            + f.strings(
                "SELECT CAST(id AS TEXT) || ':' || CAST(seq AS TEXT) || ':' || community || ':' || memo || ':' "
                    + "|| CAST(amount AS TEXT) FROM transfer ORDER BY id")
            + f.strings("SELECT type || ':' || payload FROM event ORDER BY id")
    }

    @Test(arguments: StoreKind.allCases)
    func oneBatchMixingAcceptedAndRefusedAnswersAsOneAtATime(kind: StoreKind) throws {
        let batched = try Fixture.make(kind), single = try Fixture.make(kind)
        let (batchedApp, batchedCodes) = try prepare(batched)
        let (singleApp, singleCodes) = try prepare(single)
        let batchAnswers = batched.store.writeBatch(operations(batched, batchedApp, codes: batchedCodes)).map(
            Self.answer)
        let singleAnswers = operations(single, singleApp, codes: singleCodes).map { operation in
            Self.answer(Result { try operation() })
        }
        #expect(batchAnswers.count == singleAnswers.count)
        for (index, (b, s)) in zip(batchAnswers, singleAnswers).enumerated() {
            #expect(b == s, "operation \(index): batched \(b) / one at a time \(s)")
        }
        // The mix really has both: accepted and refused ones of each kind.
        let refused = batchAnswers.filter { $0.hasPrefix("refused ") }
        #expect(
            Set(refused) == [
                "refused insufficient-points", "refused key-reused", "refused code-wrong", "refused not-allowed",
                "refused unknown-id",
            ])
        #expect(batchAnswers.count - refused.count == 8)
        #expect(try state(batched) == state(single))
        #expect(try batched.verify().ok)
        #expect(try single.verify().ok)
    }

    /// A server's store (`JifenApp.serving`: SQLite with read connections of its own): the batch's
    /// operations still read inside the batch's transaction, so they answer as one at a time.
    @Test(arguments: StoreKind.allCases)
    func withReadersABatchStillReadsItsOwnTransaction(kind: StoreKind) throws {
        let batched = try Fixture.make(kind), single = try Fixture.make(kind)
        let (plainApp, batchedCodes) = try prepare(batched)
        let batchedApp = plainApp.serving(readers: 2)
        let (singleApp, singleCodes) = try prepare(single)
        let batchAnswers = try batchedApp.store.writeBatch(operations(batched, batchedApp, codes: batchedCodes)).map(
            Self.answer)
        let singleAnswers = operations(single, singleApp, codes: singleCodes).map { operation in
            Self.answer(Result { try operation() })
        }
        #expect(batchAnswers == singleAnswers)
        #expect(try state(batched) == state(single))
        #expect(try batched.verify().ok)
    }

    /// With readers, a balance read is answered while a group commit's transaction is held open
    /// (its operation blocked inside the batch), and shows the last commit; after the batch
    /// commits, the next read shows its write. On one connection, the read waited for the batch.
    @Test func aReadDoesNotWaitForABatchHeldOpen() throws {
        let f = try Fixture.make(.sqlite)
        let app = app(f).serving(readers: 2)
        let store = try app.store
        let (admin, v1) = (Principal("admin"), f.volunteers[0])
        _ = try app.grant(admin, .init(account: v1, points: 100, reason: "开账", key: "open"))
        let (inside, release, finished) = (
            DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)
        )
        Thread.detachNewThread {
            _ = store.writeBatch([
                {
                    _ = try app.grant(admin, .init(account: v1, points: 5, reason: "批内", key: "inside"))
                    inside.signal()
                    release.wait()
                    return 0
                }
            ])
            finished.signal()
        }
        inside.wait()
        final class Box: @unchecked Sendable { var balance: Int64? }
        let box = Box(), read = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.balance = try? app.balance(admin, v1).view.balance
            read.signal()
        }
        let answered = read.wait(timeout: .now() + 30)
        release.signal()
        finished.wait()
        if answered == .timedOut { read.wait() }
        #expect(answered == .success, "the read waited for the batch")
        #expect(box.balance == 100, "a read beside the open batch sees the last commit, not the batch's write")
        #expect(try app.balance(admin, v1).view.balance == 105)
    }

    /// An operation's own error that is no database error (the sign-in limit's wait is one) is its
    /// answer in a batch, unchanged: not taken for a lost connection to the database.
    @Test(arguments: StoreKind.allCases)
    func anOperationsOwnErrorIsItsAnswerUnchanged(kind: StoreKind) throws {
        struct Refusal: Error, Equatable { let n: Int }
        let f = try Fixture.make(kind)
        let results = f.store.writeBatch([{ () throws -> Int in throw Refusal(n: 7) }, { 1 }])
        guard case .failure(let error) = results[0] else {
            Issue.record("the throwing operation answered \(results[0])")
            return
        }
        #expect(error as? Refusal == Refusal(n: 7), "answered \(error)")
        #expect(try results[1].get() == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentWritersThroughTheBatcherStayExact(kind: StoreKind) async throws {
        let f = try Fixture.make(kind)
        let app = app(f)
        let admin = Principal("admin")
        let (v1, v2, v3) = (f.volunteers[0], f.volunteers[1], f.volunteers[2])
        for v in [v1, v2, v3] {
            _ = try app.grant(admin, .init(account: v, points: 100, reason: "开账", key: "open-\(v)"))
        }
        let batcher = WriteBatcher(app: app, maxBatch: 16)
        // 300 transfers of 1 point around a ring of three, from 30 tasks at once; some are
        // retried with the same key (a replay), some reuse a key with other content (refused).
        let accounts = [v1, v2, v3]
        let outcomes = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for task in 0..<30 {
                group.addTask {
                    var (posted, replayed, refused) = (0, 0, 0)
                    for n in 0..<10 {
                        let from = accounts[(task + n) % 3], to = accounts[(task + n + 1) % 3]
                        let key = "ring-\(task)-\(n)"
                        let input = JifenApp.TransferInput(from: from, to: to, points: 1, key: key)
                        let first = try await batcher.perform { try app.transfer(Principal(from), input) }
                        #expect(!first.replayed)
                        posted += 1
                        if n % 3 == 0 {
                            let again = try await batcher.perform { try app.transfer(Principal(from), input) }
                            #expect(again.replayed && again.transfer == first.transfer)
                            replayed += 1
                        }
                        if n % 4 == 0 {
                            do {
                                _ = try await batcher.perform {
                                    try app.transfer(Principal(from), .init(from: from, to: to, points: 2, key: key))
                                }
                                Issue.record("a reused key with other content was accepted")
                            } catch let error as JifenError {
                                #expect(error.code == .keyReused)
                                refused += 1
                            }
                        }
                    }
                    return (posted, replayed, refused)
                }
            }
            var total = (0, 0, 0)
            for try await outcome in group { total = (total.0 + outcome.0, total.1 + outcome.1, total.2 + outcome.2) }
            return total
        }
        #expect(outcomes.0 == 300)
        #expect(try f.strings("SELECT CAST(count(*) AS TEXT) FROM transfer WHERE key LIKE 'ring-%'") == ["300"])
        #expect(try f.balance(v1) + f.balance(v2) + f.balance(v3) == 300)
        #expect(try f.verify().ok)
    }

    /// Random operations of the ledger (grants, transfers, reversals, holds posted and voided,
    /// keys reused with the same or other content, amounts out of range), carried out in batches
    /// of random size on one ledger and one at a time on another: every answer, every row of
    /// the chain and the outbox, and every balance are the same, and both verify.
    @Test(arguments: StoreKind.allCases, [11, 12, 13] as [UInt64])
    func randomBatchesAnswerAsOneAtATime(kind: StoreKind, seed: UInt64) throws {
        let batched = try Fixture.make(kind), single = try Fixture.make(kind)
        var rng = SplitMix64(state: seed)
        let accounts = batched.volunteers + [batched.merchant]
        // The operations as data, so both ledgers are given exactly the same.
        var plan: [(kind: Int, amount: Int64, from: String, to: String, key: String, pick: Int64, minutes: Int)] = []
        var keys: [String] = []
        for step in 0..<150 {
            let key = Bool.random(using: &rng) && !keys.isEmpty ? keys.randomElement(using: &rng)! : "k\(step)"
            keys.append(key)
            plan.append(
                (
                    Int.random(in: 0..<8, using: &rng), Int64.random(in: -2...60, using: &rng),
                    accounts.randomElement(using: &rng)!,
                    accounts.randomElement(using: &rng)!, key, Int64.random(in: 1...40, using: &rng),
                    Int.random(in: 1...300, using: &rng)
                ))
        }
        func operations(_ f: Fixture) -> [() throws -> String] {
            plan.map { p in
                {
                    switch p.kind {
                    case 0, 1:
                        return
                            "\(try f.ledger.grant(to: p.from, amount: p.amount, reason: "r", key: p.key, actor: "admin"))"
                    case 2, 3:
                        return
                            "\(try f.ledger.transfer(from: p.from, to: p.to, amount: p.amount, memo: "", key: p.key, actor: "admin"))"
                    case 4: return "\(try f.ledger.reverse(p.pick, reason: "fix", actor: "admin"))"
                    case 5:
                        let request = TransferRequest(
                            kind: .redeem, debit: p.from, credit: p.to, amount: p.amount, key: p.key)
                        return "\(try f.ledger.hold(request, actor: "admin", timeoutMinutes: p.minutes))"
                    case 6: return "\(try f.ledger.postHold(p.pick % 8 + 1, actor: "admin"))"
                    default: return "\(try f.ledger.voidHold(p.pick % 8 + 1, actor: "admin"))"
                    }
                }
            }
        }
        var batchAnswers: [String] = []
        var rest = operations(batched)[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...24, using: &rng)
            batchAnswers += batched.store.writeBatch(Array(rest.prefix(size))).map(Self.answer)
            rest = rest.dropFirst(size)
        }
        let singleAnswers = operations(single).map { operation in Self.answer(Result { try operation() }) }
        for (index, (b, s)) in zip(batchAnswers, singleAnswers).enumerated() {
            #expect(b == s, "seed \(seed) operation \(index): batched \(b) / one at a time \(s)")
        }
        #expect(batchAnswers.count == plan.count)
        #expect(batchAnswers.filter { !$0.hasPrefix("refused ") }.count > 30, "too few accepted")
        #expect(try state(batched) == state(single))
        #expect(try batched.verify().ok)
        #expect(try single.verify().ok)
    }
}
