import Foundation
import GRDB
import JifenCore
import JifenTestSupport
import Testing

@testable import JifenPostgres
@testable import JifenSQLite

/// `verify` at scale, on both stores: by default only what happened since each community's last
/// checkpoint is read; `--full` checks the communities in parallel, on connections that read one
/// snapshot, and finds what it found one community after another.
@Suite struct VerifyScaleTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    /// The fixture with `count` communities in all (C01 and C02…), one volunteer in each new one;
    /// returns one volunteer per community, C01's first.
    static func communities(_ kind: StoreKind, count: Int) throws -> (Fixture, [String]) {
        let f = try Fixture.make(kind)
        var volunteers = [f.volunteers[0]]
        for n in 2...count {
            let c = try Registry(store: f.store).addCommunity(
                name: "社区\(n)", actor: "admin", nowMillis: f.clock.now.millis)
            volunteers.append(
                try Registry(store: f.store).addVolunteer(
                    Volunteer(community: c.id, name: "志愿者\(n)", phone: "1380000\(String(format: "%04d", n))"),
                    actor: "admin", nowMillis: f.clock.now.millis, allowDuplicate: false
                ).id)
        }
        return (f, volunteers)
    }

    /// Runs SQL behind the ledger's back, the guards on transfers switched off, as someone holding
    /// the database could.
    static func tamper(_ f: Fixture, _ sql: String) throws {
        switch f.kind {
        case .sqlite:
            try DatabaseQueue(path: f.location).writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DROP TRIGGER IF EXISTS transfer_immutable_update")
                try db.execute(sql: sql)
            }
        case .postgres:
            let store = try #require(f.store as? PostgresStore)
            try store.execute(unsafeSQL: "ALTER TABLE transfer DISABLE TRIGGER transfer_immutable")
            try store.execute(unsafeSQL: sql)
        }
    }

    func fast(_ f: Fixture) throws -> VerifyReport {
        try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: false)
    }

    func full(_ f: Fixture, workers: Int) throws -> VerifyReport {
        try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: true, workers: workers)
    }

    @Test(arguments: StoreKind.allCases)
    func parallelFullFindsATamperedTransferInOneCommunityAsOneWorkerDoes(kind: StoreKind) throws {
        let (f, volunteers) = try Self.communities(kind, count: 6)
        for round in 1...3 { for v in volunteers { _ = try f.grant(v, Int64(round)) } }
        f.clock.advance(days: 31)
        #expect(try f.ledger.sealCheckpoints(nowMillis: f.clock.nowMillis, timeZone: Self.zone).count == 6)
        for v in volunteers { _ = try f.grant(v, 4) }
        let clean = try full(f, workers: 3)
        #expect(clean.ok && clean.chains == 6 && clean.transfers == 24 && clean.checkpoints == 6, "\(clean)")
        #expect(clean == (try full(f, workers: 1)))

        try Self.tamper(f, "UPDATE transfer SET amount = amount + 100 WHERE community = 'C04' AND seq = 2")
        let parallel = try full(f, workers: 3)
        #expect(parallel.faults.contains { $0.check == "content-hash" && $0.community == "C04" }, "\(parallel)")
        #expect(parallel.faults.contains { $0.check == "checkpoint-balance" && $0.community == "C04" })
        let chainFaults = parallel.faults.filter { $0.community != nil }
        #expect(chainFaults.allSatisfy { $0.community == "C04" }, "\(chainFaults)")
        // The same report, in the same order, as one worker checking the communities in turn.
        #expect(parallel == (try full(f, workers: 1)))
        #expect(parallel == (try full(f, workers: 6)))
    }

    @Test(arguments: StoreKind.allCases)
    func theFastCheckFindsAChangedBalanceOfAnAccountThatDidNotMoveSinceTheCheckpoint(kind: StoreKind) throws {
        let (f, volunteers) = try Self.communities(kind, count: 3)
        for v in volunteers { _ = try f.grant(v, 10) }
        _ = try f.grant(f.volunteers[1], 10)
        f.clock.advance(days: 31)
        _ = try f.ledger.sealCheckpoints(nowMillis: f.clock.nowMillis, timeZone: Self.zone)
        // After the checkpoint only C02's volunteer moves; V0002 of C01 stays still.
        _ = try f.grant(volunteers[1], 5)
        #expect(try fast(f).ok)
        try Self.tamper(f, "UPDATE account SET balance = balance + 7 WHERE id = '\(f.volunteers[1])'")
        let report = try fast(f)
        #expect(
            report.faults.contains { $0.check == "balance" && $0.account == f.volunteers[1] && $0.expected == "10" },
            "\(report.faults.map { $0.message(.en) })")
        #expect(report.faults.contains { $0.check == "zero-sum" })
        #expect(try full(f, workers: 2).faults.contains { $0.check == "balance" && $0.account == f.volunteers[1] })
    }

    @Test(arguments: StoreKind.allCases)
    func theFastCheckReadsOnlyTheTransfersSinceEachCheckpoint(kind: StoreKind) throws {
        let (f, volunteers) = try Self.communities(kind, count: 4)
        for round in 1...5 { for v in volunteers { _ = try f.grant(v, Int64(round)) } }
        f.clock.advance(days: 31)
        #expect(try f.ledger.sealCheckpoints(nowMillis: f.clock.nowMillis, timeZone: Self.zone).count == 4)
        for v in volunteers { _ = try f.grant(v, 1) }
        // A change before the checkpoint that leaves every balance as it was (a transfer's key):
        // only hashing that transfer again finds it.
        try Self.tamper(f, "UPDATE transfer SET key = 'changed-' || key WHERE seq = 2")
        let report = try fast(f)
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        #expect(!report.full && report.transfers == 24 && report.chains == 4)
        // Per community: the transfer at the checkpoint's place and the one after it, nothing older.
        #expect(report.checked == 4 * 2)
        #expect(report.checkpoints == 4, "the last checkpoint of each community")
        let whole = try full(f, workers: 2)
        #expect(whole.checked == 24)
        #expect(whole.faults.filter { $0.check == "content-hash" }.map(\.community) == ["C01", "C02", "C03", "C04"])
    }

    @Test(arguments: StoreKind.allCases)
    func parallelFullReadsOneSnapshotWhileTransfersArePosted(kind: StoreKind) throws {
        let (f, volunteers) = try Self.communities(kind, count: 4)
        for v in volunteers { _ = try f.grant(v, 1) }
        let writer = Thread {
            for n in 0..<60 { _ = try? f.grant(volunteers[n % volunteers.count], 1, key: "w\(n)") }
        }
        writer.start()
        for _ in 0..<6 {
            let report = try full(f, workers: 3)
            #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
        }
        while !writer.isFinished { usleep(10_000) }
        let report = try full(f, workers: 3)
        #expect(report.ok && report.transfers == 64, "\(report)")
    }
}
