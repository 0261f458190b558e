import Foundation
import JifenCore
import JifenPostgres
import JifenTestSupport
import Synchronization
import Testing

/// What only the PostgreSQL store needs shown: many writers at once on separate connections,
/// the database's own guards, and its migrations.
@Suite(.tags(.alone), .needsPostgres) struct PostgresStoreTests {
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
                        _ = try ledger.hold(
                            TransferRequest(
                                kind: .redeem, debit: from, credit: to, amount: amount, key: "h\(worker)-\(step)"),
                            actor: "admin", timeoutMinutes: 600)
                    } else {
                        _ = try ledger.transfer(
                            from: from, to: to, amount: amount, memo: "", key: "w\(worker)-\(step)", actor: "admin")
                    }
                    outcomes.withLock { $0.done += 1 }
                } catch let error as JifenError where error.code == .insufficientPoints {
                    outcomes.withLock { $0.refused += 1 }
                } catch {
                    outcomes.withLock { $0.other.append("\(error)") }
                }
            }
        }
        let result = outcomes.withLock { $0 }
        #expect(result.other.isEmpty, "\(result.other)")
        #expect(result.done + result.refused == 240)
        // Both paths raced: some writes went through and some were refused. How many went through
        // depends on the order the threads ran (holds keep their points), so a fixed share would fail on
        // a legal order (runs on this machine went through 20 to 45 of the 240).
        #expect(result.done > 0 && result.refused > 0, "\(result)")
        let views = try f.volunteers.map { v in
            try f.store.read { try BalanceView.read(v, nowMillis: f.clock.now.millis, in: $0) }
        }
        #expect(views.allSatisfy { $0.available >= 0 }, "\(views)")
        #expect(views.reduce(0) { $0 + $1.balance } == 300)
        let report = try f.verify()
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        var count = 0
        try f.store.read {
            try $0.forEachTransfer { _ in
                count += 1; return true
            }
        }
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
                results.withLock {
                    $0.append(
                        .failure(error as? JifenError ?? JifenError.fault(.unexpected, zh: "\(error)", en: "\(error)")))
                }
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
        #expect(throws: JifenError.self) {
            try store.execute(unsafeSQL: "UPDATE account SET balance = -1 WHERE kind = 'volunteer'")
        }
        #expect(try f.balance(f.volunteers[0]) == 5)
        #expect(try f.verify().ok)
    }

    @Test func createRefusesAnInitialisedDatabaseAndOpenFindsIt() throws {
        let f = try Fixture.make(.postgres)
        let store = try #require(f.store as? PostgresStore)
        #expect(refusal { try PostgresStore.create(url: store.target.display) }?.code == .alreadyInitialised)
        let again = try PostgresStore.open(url: store.target.display)
        #expect(try again.communities().map(\.id) == ["C01"])
        let empty = store.target.display.replacingOccurrences(of: "schema=", with: "schema=e")
        #expect(refusal { try PostgresStore.open(url: empty) }?.code == .noDatabase)
    }
}

/// What a PostgreSQL URL may say, read without a server.
@Suite struct PostgresURLTests {
    @Test(arguments: [
        "mysql://x@h/db", "postgres://u@h:0/db", "postgres://u@h/", "postgres://u@h/db?schema=Bad-Name",
        "postgres://u@h1,h2:0/db", "postgres://u@h1,,h3/db", "postgres://u@h1,h2:x/db",
        "postgres://u@h1,h2/db?target_session_attrs=primary", "postgres://u@h/db?host=a,b&port=1,2,3",
        "postgres://u@h/db?connect_timeout=0",
    ])
    func badURLsAreUsageErrors(url: String) {
        #expect(refusal { try PostgresTarget(url: url) }?.category == .usage)
    }

    /// Several hosts, as libpq takes them: each its own port (5432 when none), tried for one that
    /// accepts writes; the URL shown keeps the list and drops the password.
    @Test func severalHostsAreReadInOrder() throws {
        let target = try PostgresTarget(
            url: "postgres://jifen:secret@db1:5433,db2,[::1]:5434/jifen?schema=rose&connect_timeout=3")
        #expect(target.hosts.map(\.description) == ["db1:5433", "db2:5432", "[::1]:5434"])
        #expect(target.requiresWritable)
        #expect(target.connectTimeout == 3)
        #expect(target.user == "jifen" && target.password == "secret" && target.database == "jifen")
        #expect(target.schema == "rose")
        #expect(target.display == "postgres://jifen@db1:5433,db2,[::1]:5434/jifen?schema=rose&connect_timeout=3")

        let query = try PostgresTarget(url: "postgres://u@x/db?host=a,b&port=5433,5434")
        #expect(query.hosts.map(\.description) == ["a:5433", "b:5434"])
        let one = try PostgresTarget(url: "postgres://u@db:6000/db")
        #expect(one.hosts.map(\.description) == ["db:6000"] && !one.requiresWritable)
        #expect(try PostgresTarget(url: "postgres://u@db/db?target_session_attrs=read-write").requiresWritable)
        #expect(try !PostgresTarget(url: "postgres://u@a,b/db?target_session_attrs=any").requiresWritable)
        let socket = try PostgresTarget(url: "postgres://u@x:5439/db?host=/run/postgresql")
        #expect(socket.host == "/run/postgresql" && socket.port == 5439)
    }
}

/// TLS to the test server, which scripts/test starts with a self-signed certificate for localhost.
@Suite(.needsPostgres) struct PostgresTLSTests {
    /// Fails unless the statement runs on an encrypted connection.
    static let requireEncrypted = """
        DO $$ BEGIN
            IF NOT (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) THEN RAISE EXCEPTION 'not encrypted'; END IF;
        END $$
        """

    func url(_ query: String) throws -> String {
        let base = try testPostgresURL()
        return base + (base.contains("?") ? "&" : "?") + query
    }

    func certificate() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["JIFEN_TEST_POSTGRES_CA"], !path.isEmpty else {
            throw JifenError.fault(
                .noTestPostgres, zh: "没有设置 JIFEN_TEST_POSTGRES_CA。请用 scripts/test 运行测试。",
                en: "JIFEN_TEST_POSTGRES_CA is not set. Run the tests with scripts/test.")
        }
        return path
    }

    @Test func requireEncryptsAndVerifyFullChecksTheCertificate() throws {
        let schema = "tls_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let encrypted = try PostgresStore.create(url: try url("schema=\(schema)&sslmode=require"))
        try encrypted.execute(unsafeSQL: Self.requireEncrypted)
        let plain = try PostgresStore.open(url: try url("schema=\(schema)"))
        #expect(throws: JifenError.self) { try plain.execute(unsafeSQL: Self.requireEncrypted) }
        let localhost = try url("schema=\(schema)&sslmode=verify-full&sslrootcert=\(try certificate())")
            .replacingOccurrences(of: "@127.0.0.1:", with: "@localhost:")
        let verified = try PostgresStore.open(url: localhost)
        try verified.execute(unsafeSQL: Self.requireEncrypted)
        // Not signed by a root the system trusts: refused.
        let untrusted = try url("schema=\(schema)&sslmode=verify-full").replacingOccurrences(
            of: "@127.0.0.1:", with: "@localhost:")
        #expect(refusal { try PostgresStore.open(url: untrusted) }?.category == .fault)
        #expect(
            refusal { try PostgresTarget(url: "postgres://u@x/db?host=/tmp&sslmode=require") }?.code == .badPostgresURL)
        #expect(refusal { try PostgresTarget(url: "postgres://u@x/db?sslmode=sometimes") }?.code == .badPostgresURL)
    }
}

/// The hash chain on PostgreSQL is given after commit (`Chaining.afterCommit`): what that
/// changes, and what it must not.
@Suite(.needsPostgres) struct PostgresChainTests {
    @Test func aTransferLeftUnsealedIsCountedThenSealedInCommitOrder() throws {
        let f = try Fixture.make(.postgres)
        _ = try f.grant(f.volunteers[0], 10)
        // A crash between commit and seal leaves transfers unsealed: make two the same way.
        let store = try #require(f.store as? PostgresStore)
        try store.execute(
            unsafeSQL:
                "INSERT INTO transfer (id, kind, debit, credit, amount, key, actor, at, prev_hash, hash, community) "
                + "SELECT nextval('transfer_id_seq'), 'grant', 'C01.issuance', 'V0002', 5, 'crashed-1', 'admin', 1, '', '', 'C01'"
        )
        try store.execute(unsafeSQL: "UPDATE account SET balance = balance + 5 WHERE id = 'V0002'")
        try store.execute(unsafeSQL: "UPDATE account SET balance = balance - 5 WHERE id = 'C01.issuance'")
        var report = try f.verify()
        #expect(report.unsealed == 1)
        // Balances are still proven from every transfer, sealed or not (lots aside: the raw insert made none).
        #expect(
            !report.faults.contains { $0.check == "balance" || $0.check == "zero-sum" },
            "\(report.faults.map { $0.message(.en) })")
        #expect(try store.sealPending() == 1)
        report = try f.verify()
        #expect(report.unsealed == 0)
        let sealed = try #require(try f.store.read { try $0.transfer(key: "crashed-1") })
        #expect(sealed.seq == 2 && sealed.hash == TransferHash.compute(sealed))
        #expect(!report.faults.contains { ["chain-link", "content-hash", "sequence"].contains($0.check) })
        // Nothing is left to seal a second time.
        #expect(try store.sealPending() == 0)
    }

    @Test func aSealedTransferCannotBeChangedOrSealedAgain() throws {
        let f = try Fixture.make(.postgres)
        _ = try f.grant(f.volunteers[0], 10)
        let store = try #require(f.store as? PostgresStore)
        #expect(throws: JifenError.self) {
            try store.execute(unsafeSQL: "UPDATE transfer SET amount = 11 WHERE seq = 1")
        }
        #expect(throws: JifenError.self) {
            try store.execute(unsafeSQL: "UPDATE transfer SET seq = 7, hash = 'x' WHERE seq = 1")
        }
        #expect(throws: JifenError.self) { try store.execute(unsafeSQL: "DELETE FROM transfer WHERE seq = 1") }
        // Unsealed, only the seal may be written: not the content.
        try store.execute(
            unsafeSQL:
                "INSERT INTO transfer (id, kind, debit, credit, amount, key, actor, at, prev_hash, hash) "
                + "SELECT nextval('transfer_id_seq'), 'grant', 'C01.issuance', 'V0002', 5, 'raw', 'admin', 1, '', ''"
        )
        #expect(throws: JifenError.self) {
            try store.execute(unsafeSQL: "UPDATE transfer SET amount = 6, seq = 2 WHERE key = 'raw'")
        }
        #expect(try f.verify().faults.allSatisfy { $0.check != "chain-link" })
    }

    @Test func tamperingWithASealedTransferIsFound() throws {
        let f = try Fixture.make(.postgres)
        for v in f.volunteers { _ = try f.grant(v, 10) }
        let store = try #require(f.store as? PostgresStore)
        // An operator who disables the guard and edits a row is caught by verify.
        try store.execute(unsafeSQL: "ALTER TABLE transfer DISABLE TRIGGER transfer_immutable")
        try store.execute(unsafeSQL: "UPDATE transfer SET amount = 11 WHERE seq = 2")
        let report = try f.verify()
        #expect(report.faults.contains { $0.check == "content-hash" && $0.community == "C01" })
    }
}

/// Several hosts in the URL: the store connects to the first that accepts writes.
@Suite(.needsPostgres) struct PostgresHostListTests {
    /// The test server's URL with `before` listed in front of its own host, and a fresh schema.
    func url(before: String) throws -> String {
        let base = try testPostgresURL()
        let listed = base.replacingOccurrences(of: "@127.0.0.1:", with: "@\(before),127.0.0.1:")
        #expect(listed != base)
        return TestPostgres.url(listed, schema: TestPostgres.freshSchema(prefix: "hosts_"))
    }

    @Test func aHostThatIsDownIsPassedOver() throws {
        // Port 1 on loopback: nothing listens, the connection is refused.
        let url = try url(before: "127.0.0.1:1")
        let store = try PostgresStore.create(url: url)
        defer { try? store.execute(unsafeSQL: "DROP SCHEMA \(store.target.schema!) CASCADE") }
        #expect(store.target.hosts.count == 2 && store.target.requiresWritable)
        #expect(try PostgresStore.open(url: url).communities() == [])
    }

    @Test func noHostAcceptingWritesIsNoPrimaryAndBusy() throws {
        let error = refusal { try PostgresStore.open(url: "postgres://postgres@127.0.0.1:1,127.0.0.1:2/jifen_test") }
        #expect(error?.code == .noPrimary)
        #expect(error?.category == .busy)
    }
}
