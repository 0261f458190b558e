import Foundation
import GRDB
import JifenCore
import JifenTestSupport
import Testing

@testable import JifenPostgres
@testable import JifenSQLite

/// One hash chain per community, memos out of the hash, and the move of an older database from
/// the one global chain: on both stores.
@Suite struct CommunityChainTests {
    /// Changes rows behind the ledger's back (the immutability guard switched off), as someone
    /// holding the database could.
    static func tamper(_ f: Fixture, _ sql: String) throws {
        switch f.kind {
        case .sqlite:
            let queue = try DatabaseQueue(path: f.location)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DROP TRIGGER transfer_immutable_update; DROP TRIGGER transfer_immutable_delete")
                try db.execute(sql: sql)
            }
        case .postgres:
            let store = try #require(f.store as? PostgresStore)
            try store.execute(unsafeSQL: "ALTER TABLE transfer DISABLE TRIGGER transfer_immutable")
            try store.execute(unsafeSQL: sql)
        }
    }

    /// The fixture with a second community C02 and one volunteer there.
    static func twoCommunities(_ kind: StoreKind) throws -> (Fixture, String) {
        let f = try Fixture.make(kind)
        let c02 = try Registry(store: f.store).addCommunity(name: "第二社区", actor: "admin", nowMillis: f.clock.now.millis)
        #expect(c02.id == "C02")
        let v = try Registry(store: f.store).addVolunteer(
            Volunteer(community: c02.id, name: "志愿者丁", phone: "13800000001"),
            actor: "admin", nowMillis: f.clock.now.millis, allowDuplicate: false
        ).id
        return (f, v)
    }

    @Test(arguments: StoreKind.allCases)
    func eachCommunityHasItsOwnChain(kind: StoreKind) throws {
        let (f, other) = try Self.twoCommunities(kind)
        var ids: [Int64] = []
        for (account, amount) in [(f.volunteers[0], 1), (other, 2), (f.volunteers[1], 3), (other, 4)]
            as [(String, Int64)]
        {
            ids.append(try f.grant(account, amount).transfer.id)
        }
        let stored = try ids.map { id in try #require(try f.store.read { try $0.transfer(id: id) }) }
        #expect(stored.map(\.community) == ["C01", "C02", "C01", "C02"])
        #expect(stored.map(\.seq) == [1, 1, 2, 2])
        #expect(stored[0].prevHash == TransferHash.genesis && stored[1].prevHash == TransferHash.genesis)
        #expect(stored[2].prevHash == stored[0].hash && stored[3].prevHash == stored[1].hash)
        for t in stored { #expect(TransferHash.compute(t) == t.hash) }
        let report = try f.verify()
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        #expect(report.chains == 2 && report.transfers == 4)
        #expect(try f.store.read { try $0.chainHead(community: "C02") } == ChainLink(seq: 2, hash: stored[3].hash))
    }

    @Test(arguments: StoreKind.allCases)
    func tamperingInOneCommunityIsNamedAndTheOtherStillVerifies(kind: StoreKind) throws {
        let (f, other) = try Self.twoCommunities(kind)
        for v in f.volunteers { _ = try f.grant(v, 5) }
        for amount in [6, 7, 8] as [Int64] { _ = try f.grant(other, amount) }
        try Self.tamper(f, "UPDATE transfer SET amount = 70 WHERE community = 'C02' AND seq = 2")
        let report = try f.verify()
        let chainFaults = report.faults.filter { ["content-hash", "chain-link", "sequence"].contains($0.check) }
        #expect(!chainFaults.isEmpty)
        #expect(chainFaults.allSatisfy { $0.community == "C02" }, "\(chainFaults)")
        #expect(report.faults.contains { $0.check == "content-hash" && $0.community == "C02" })
        #expect(
            report.faults.first { $0.check == "content-hash" }?.message(.en).contains("community C02") == true)
        // C01's chain and its accounts are untouched and prove.
        #expect(!report.faults.contains { $0.community == "C01" || f.volunteers.contains($0.account ?? "") })
    }

    @Test(arguments: StoreKind.allCases)
    func aChangedMemoIsFoundAndAnErasedOneStillVerifies(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try f.grant(f.volunteers[0], 50)
        let gift = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 10, memo: "给妈妈买菜 13800000000", key: "gift",
            actor: f.volunteers[0])
        _ = try f.ledger.transfer(
            from: f.volunteers[1], to: f.volunteers[2], amount: 3, memo: "谢谢", key: "thanks", actor: f.volunteers[1])
        let stored = try #require(try f.store.read { try $0.transfer(id: gift.transfer.id) })
        #expect(stored.memo == "给妈妈买菜 13800000000")
        #expect(stored.memoDigest.count == 64 && stored.memoSalt != nil)
        #expect(!TransferHash.canonical(stored).contains("给妈妈"))
        // The memo reads as before in a statement and in JSON (never the salt).
        let (_, lines) = try f.ledger.statement(f.volunteers[1], fromMillis: nil, toMillis: nil)
        #expect(lines.contains { $0.transfer.memo == "给妈妈买菜 13800000000" })
        let json = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        #expect(json.contains("memoDigest") && !json.contains("memoSalt") && !json.contains(stored.memoSalt ?? "-"))

        // Erasing the memos of a person's transfers keeps every hash and verify green.
        #expect(try f.ledger.eraseMemos(involving: f.volunteers[1]) == 2)
        let erased = try #require(try f.store.read { try $0.transfer(id: gift.transfer.id) })
        #expect(erased.memo == Ledger.erasedMemo && erased.memoSalt == nil)
        #expect(erased.hash == stored.hash && erased.memoDigest == stored.memoDigest)
        let report = try f.verify()
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        // Twice changes nothing; an unknown account is refused.
        #expect(try f.ledger.eraseMemos(involving: f.volunteers[1]) == 0)
        #expect(refusal { try f.ledger.eraseMemos(involving: "V9999") }?.code == .unknownID)

        // A memo changed behind the ledger's back is found (its digest no longer matches).
        _ = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[2], amount: 1, memo: "原文", key: "third", actor: f.volunteers[0])
        try Self.tamper(f, "UPDATE transfer SET memo = '改过' WHERE key = 'third'")
        #expect(try f.verify().faults.contains { $0.check == "memo-digest" })
    }

    @Test(arguments: StoreKind.allCases)
    func erasingAMemoIsTheOnlyChangeAllowed(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try f.grant(f.volunteers[0], 50)
        _ = try f.ledger.transfer(
            from: f.volunteers[0], to: f.volunteers[1], amount: 10, memo: "备注", key: "gift", actor: f.volunteers[0])
        let attempts = [
            "UPDATE transfer SET memo = 'x' WHERE key = 'gift'",  // keeps the salt: not an erasure
            "UPDATE transfer SET memo = 'x', memo_salt = NULL, amount = 11 WHERE key = 'gift'",
            "UPDATE transfer SET memo_digest = '' , memo_salt = NULL WHERE key = 'gift'",
        ]
        for sql in attempts {
            switch kind {
            case .sqlite:
                let queue = try DatabaseQueue(path: f.location)
                #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: sql) } }
            case .postgres:
                let store = try #require(f.store as? PostgresStore)
                #expect(throws: JifenError.self) { try store.execute(unsafeSQL: sql) }
            }
        }
        #expect(try f.verify().ok)
    }

    // MARK: Month checkpoints

    static func tamperCheckpoint(_ f: Fixture, _ sql: String) throws {
        switch f.kind {
        case .sqlite:
            try DatabaseQueue(path: f.location).writeWithoutTransaction { db in
                try db.execute(sql: "DROP TRIGGER checkpoint_immutable_update")
                try db.execute(sql: sql)
            }
        case .postgres:
            let store = try #require(f.store as? PostgresStore)
            try store.execute(unsafeSQL: "ALTER TABLE checkpoint DISABLE TRIGGER checkpoint_immutable")
            try store.execute(unsafeSQL: sql)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func checkpointsSealEachClosedMonthOnceAndVerifyStartsFromThem(kind: StoreKind) throws {
        let (f, other) = try Self.twoCommunities(kind)
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        func seal() throws -> [Checkpoint] {
            try f.ledger.sealCheckpoints(nowMillis: f.clock.nowMillis, timeZone: zone)
        }
        let november = String(DayFormat.string(f.clock.now, in: zone).prefix(7))
        #expect(november == "2026-11")
        _ = try f.grant(f.volunteers[0], 10)
        _ = try f.grant(other, 20)
        #expect(try seal().isEmpty, "November has not closed")
        f.clock.advance(days: 15)
        _ = try f.grant(f.volunteers[1], 5)
        let sealed = try seal()
        #expect(sealed.map { "\($0.community) \($0.month)" } == ["C01 2026-11", "C02 2026-11"])
        #expect(sealed[0].seq == 1 && sealed[0].transfers == 1 && sealed[0].previous == TransferHash.genesis)
        #expect(sealed[0].balances == [f.volunteers[0]: 10, "C01.issuance": -10])
        #expect(sealed[0].hash == sealed[0].computeHash() && sealed[0].shortHash.count == 12)
        #expect(try seal().isEmpty, "sealing again seals nothing twice")
        f.clock.advance(days: 31)
        let next = try seal()
        #expect(next.map { "\($0.community) \($0.month)" } == ["C01 2026-12", "C02 2026-12"])
        #expect(next[0].previous == sealed[0].hash && next[0].seq == 2 && next[0].transfers == 2)
        #expect(next[1].seq == 1 && next[1].previous == sealed[1].hash, "a month without transfers still closes")
        _ = try f.grant(f.volunteers[2], 7)

        var fast = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: false)
        #expect(fast.ok, "\(fast.faults.map { $0.message(.en) })")
        #expect(!fast.full && fast.transfers == 4 && fast.checkpoints == 2, "the last checkpoint of each community")
        #expect(fast.checked == 3, "the transfer at each checkpoint's place (2) and the one after (1)")
        let full = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: true)
        #expect(full.ok && full.full && full.checked == 4 && full.checkpoints == 4, "\(full)")
        // The notice of a sealed month prints its checkpoints' short hashes.
        let report = try MonthReport.make(month: "2026-11", grouping: nil, nowMillis: f.clock.nowMillis, from: f.store)
        #expect(report.checkpoints.map(\.shortHash) == sealed.map(\.shortHash))
        #expect(report.checkpointLine(.en).contains(sealed[0].shortHash))
        let open = try MonthReport.make(month: "2027-01", grouping: nil, nowMillis: f.clock.nowMillis, from: f.store)
        #expect(open.checkpoints.isEmpty && open.checkpointLine(.en).contains("not sealed"))

        // A transfer changed before the last checkpoint: --full finds it; the fast check covers
        // it through the balances only.
        try Self.tamper(f, "UPDATE transfer SET key = 'changed' WHERE community = 'C02' AND seq = 1")
        fast = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: false)
        #expect(
            try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: true).faults.contains {
                $0.check == "content-hash" && $0.community == "C02"
            })
        // A checkpoint changed is found by its own hash, fast or full.
        try Self.tamperCheckpoint(
            f, "UPDATE checkpoint SET balances = 'C01.issuance=-1000' WHERE community = 'C01' AND month = '2026-12'")
        fast = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: false)
        #expect(fast.faults.contains { $0.check == "checkpoint-hash" && $0.checkpoint == "2026-12" })
        let fullAgain = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: true)
        #expect(fullAgain.faults.contains { $0.check == "checkpoint-hash" })
        #expect(fullAgain.faults.contains { $0.check == "checkpoint-balance" && $0.community == "C01" })
    }

    @Test(arguments: StoreKind.allCases)
    func aBalanceEditedAfterTheCheckpointIsFoundByTheFastCheck(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        _ = try f.grant(f.volunteers[0], 10)
        f.clock.advance(days: 15)
        #expect(try f.ledger.sealCheckpoints(nowMillis: f.clock.nowMillis, timeZone: zone).count == 1)
        _ = try f.grant(f.volunteers[0], 3)
        try Self.tamper(f, "UPDATE transfer SET amount = 4 WHERE community = 'C01' AND seq = 2")
        let fast = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: false)
        #expect(fast.faults.contains { $0.check == "content-hash" && $0.community == "C01" })
        #expect(fast.faults.contains { $0.check == "balance" && $0.account == f.volunteers[0] })
    }

    // MARK: Moving an older database to per-community chains

    /// Transfers of an older Jifen's one global chain (`jifen-transfer-v1`): grants from two
    /// communities' issuance to a merchant account of each, alternating, with memos.
    static func legacyTransfers(tamperAt: Int64? = nil) -> [Transfer] {
        var out: [Transfer] = []
        var prev = TransferHash.genesis
        for id in Int64(1)...9 {
            let c = id % 3 == 0 ? "C02" : "C01"
            var t = Transfer(
                id: id, kind: .grant, debit: "\(c).issuance", credit: c == "C01" ? "M0001" : "M0002", amount: id * 10,
                key: "old-\(id)", actor: "admin", memo: id % 2 == 0 ? "旧备注 \(id)" : "",
                atMillis: 1_700_000_000_000 + id,
                prevHash: prev, seq: id)
            t.hash = TransferHash.computeV1(t)
            if id == tamperAt { t.amount += 1 }  // changed after it was hashed
            prev = t.hash
            out.append(t)
        }
        return out
    }

    static func legacyStatements(_ transfers: [Transfer], withSeq: Bool) -> [String] {
        var sql = [
            "INSERT INTO community (id, name, created_at) VALUES ('C01', '一社区', 1), ('C02', '二社区', 1)"
        ]
        var balances: [String: Int64] = [:]
        for t in transfers {
            balances[t.debit, default: 0] -= t.amount
            balances[t.credit, default: 0] += t.amount
        }
        for (id, kind, community) in [
            ("C01.issuance", "issuance", "C01"), ("C02.issuance", "issuance", "C02"), ("M0001", "merchant", "C01"),
            ("M0002", "merchant", "C02"),
        ] {
            sql.append(
                "INSERT INTO account (id, kind, community, balance) VALUES ('\(id)', '\(kind)', '\(community)', \(balances[id] ?? 0))"
            )
        }
        for t in transfers {
            sql.append(
                "INSERT INTO transfer (id, kind, debit, credit, amount, key, reference, actor, memo, at, prev_hash, hash\(withSeq ? ", seq" : "")) "
                    + "VALUES (\(t.id), 'grant', '\(t.debit)', '\(t.credit)', \(t.amount), '\(t.key)', '', 'admin', '\(t.memo)', "
                    + "\(t.atMillis), '\(t.prevHash)', '\(t.hash)'\(withSeq ? ", \(t.seq)" : ""))")
        }
        return sql
    }

    /// The last migration an older Jifen applied.
    static let lastOldMigration = "v7-counter-redemption-lists"

    /// Writes an older database (old migrations, old rows) at a fresh scratch place.
    static func legacyDatabase(_ kind: StoreKind, tamperAt: Int64? = nil) throws -> Scratch {
        let scratch = try Scratch(kind, folderPrefix: "jifen-legacy-", file: "old.sqlite", schemaPrefix: "l_")
        let statements = legacyStatements(legacyTransfers(tamperAt: tamperAt), withSeq: kind == .postgres)
        switch kind {
        case .sqlite:
            let queue = try DatabaseQueue(path: scratch.location)
            try Schema.migrator.migrate(queue, upTo: lastOldMigration)
            try queue.write { db in for s in statements { try db.execute(sql: s) } }
        case .postgres:
            let store = try PostgresStore.create(url: scratch.location, through: lastOldMigration)
            for s in statements { try store.execute(unsafeSQL: s) }
            try store.execute(
                unsafeSQL: "UPDATE chain_head SET last_seq = 9, last_hash = (SELECT hash FROM transfer WHERE id = 9)")
        }
        return scratch
    }

    @Test(arguments: StoreKind.allCases)
    func anOlderDatabaseMigratesAndVerifiesWithTheSameCountsAndBalances(kind: StoreKind) throws {
        let scratch = try Self.legacyDatabase(kind)
        let store = try scratch.open()
        let report = try Verifier.verify(store, nowMillis: 1_800_000_000_000)
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        #expect(report.transfers == 9 && report.accounts == 4 && report.chains == 2 && report.unsealed == 0)
        let balances = try store.read { try $0.allAccounts() }.reduce(into: [String: Int64]()) {
            $0[$1.id] = $1.balance
        }
        #expect(balances["M0001"] == 10 + 20 + 40 + 50 + 70 + 80 && balances["M0002"] == 30 + 60 + 90)
        let t6 = try #require(try store.read { try $0.transfer(id: 6) })
        #expect(t6.community == "C02" && t6.seq == 2 && t6.memo == "旧备注 6" && t6.memoSalt != nil)
        // Each community's genesis checkpoint keeps the old chain's head.
        let oldHead = Self.legacyTransfers().last!.hash
        #expect(try Self.strings(store, "SELECT previous FROM checkpoint ORDER BY community") == [oldHead, oldHead])
        #expect(try Self.strings(store, "SELECT month FROM checkpoint ORDER BY community") == ["genesis", "genesis"])
        // Memos of old transfers can be erased like new ones.
        #expect(try Ledger(store: store).eraseMemos(involving: "M0001") == 3)
        #expect(try Verifier.verify(store, nowMillis: 1_800_000_000_000).ok)
    }

    @Test(arguments: StoreKind.allCases)
    func aTamperedOlderDatabaseIsRefusedAndLeftAsItWas(kind: StoreKind) throws {
        let scratch = try Self.legacyDatabase(kind, tamperAt: 5)
        let error = refusal { try scratch.open() }
        #expect(error?.code == .legacyChainBroken, "\(String(describing: error))")
        #expect(error?.message.text(.en).contains("#5") == true)
        // Nothing changed: still the old schema, without the new columns.
        switch kind {
        case .sqlite:
            let columns = try DatabaseQueue(path: scratch.location).read {
                try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('transfer')")
            }
            #expect(!columns.contains("community"))
        case .postgres:
            let store = PostgresStore(
                target: try PostgresTarget(url: scratch.location), logger: PostgresStore.quietLogger())
            let count = try Self.strings(
                store,
                "SELECT count(*)::TEXT FROM information_schema.columns WHERE table_schema = current_schema() "
                    + "AND table_name = 'transfer' AND column_name = 'community'"
            )
            #expect(count == ["0"])
        }
    }

    /// The first column of a query's rows as text, on either store.
    static func strings(_ store: any Store, _ sql: String) throws -> [String] {
        if let sqlite = store as? SQLiteStore {
            return try sqlite.readTransaction { try String.fetchAll($0, sql: sql) }
        }
        return try (store as! PostgresStore).textColumn(sql)
    }
}
