import Foundation
import JifenCore
import JifenTestSupport
import Testing

@testable import JifenSQLite

/// `verify` and `export` read the whole history on a cursor and a small page cache, so their
/// memory does not grow with the history: each connection is opened with a page cache of up to
/// 256 MiB (for large imports), which a full scan would otherwise fill.
@Suite(.serialized) struct StreamingMemoryTests {
    /// A ledger whose transfer table is many times the (lowered) scan cache: `count` grants, each
    /// with a memo of a few hundred bytes, in one transaction.
    static func ledger(transfers count: Int) throws -> Fixture {
        let f = try Fixture.make(.sqlite)
        let memo = String(repeating: "服务时长记录", count: 30)
        try f.store.write { tx in
            for n in 0..<count {
                _ = try Ledger.post(
                    TransferRequest(
                        kind: .grant, debit: f.issuance, credit: f.volunteers[n % 3], amount: 1, key: "m\(n)",
                        memo: memo),
                    actor: "admin", atMillis: f.clock.nowMillis, in: tx)
            }
        }
        return f
    }

    /// Runs `body` with the scan cache lowered to 64 KiB (16 pages), restored afterwards.
    static func withSmallScanCache<T>(_ body: () throws -> T) rethrows -> T {
        let kept = SQLiteTransaction.scanCacheKiB
        SQLiteTransaction.scanCacheKiB = 64
        defer { SQLiteTransaction.scanCacheKiB = kept }
        return try body()
    }

    @Test func aScanOfTheWholeHistoryHoldsNoMoreThanTheScanCache() throws {
        let f = try Self.ledger(transfers: 600)
        let store = try #require(f.store as? SQLiteStore)
        let tableBytes = try #require(
            Int(try f.strings("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")[0]))
        #expect(tableBytes > 8 * 64 * 1024, "the ledger is many times the scan cache")
        try Self.withSmallScanCache {
            try store.read { reader in
                let tx = try #require(reader as? SQLiteTransaction)
                var seen = 0
                var largest = 0
                try tx.forEachTransfer { _ in
                    seen += 1
                    largest = max(largest, tx.pageCacheBytes)
                    return true
                }
                #expect(seen == 600)
                // 16 pages and their headers, with room to spare; the whole table would be 16×.
                #expect(largest < 2 * 64 * 1024, "page cache \(largest) bytes while scanning \(tableBytes)")
                largest = 0
                try tx.forEachChainTransfer(community: f.community, afterSeq: 0) { _ in
                    largest = max(largest, tx.pageCacheBytes)
                    return true
                }
                #expect(largest < 2 * 64 * 1024, "page cache \(largest) bytes while scanning one chain")
                // The connection's own cache is back for what follows the scan.
                #expect(try Int.fetchOne(tx.db, sql: "PRAGMA cache_size") == -262_144)
            }
        }
    }

    @Test func verifyOnTheSmallCacheStillFindsATamperedTransfer() throws {
        let f = try Self.ledger(transfers: 300)
        try Self.withSmallScanCache {
            #expect(try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: true, workers: 1).ok)
            #expect(try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: false).ok)
            try VerifyScaleTests.tamper(f, "UPDATE transfer SET amount = amount + 1 WHERE seq = 250")
            for full in [true, false] {
                let report = try Verifier.verify(f.store, nowMillis: f.clock.nowMillis, full: full, workers: 1)
                #expect(report.faults.contains { $0.check == "content-hash" }, "full \(full): \(report.faults)")
                #expect(report.faults.contains { $0.check == "balance" }, "full \(full): \(report.faults)")
            }
        }
    }

    @Test func theExportOnTheSmallCacheIsTheSameJournal() throws {
        let f = try Self.ledger(transfers: 300)
        let large = f.directory.appendingPathComponent("large.journal").path
        let small = f.directory.appendingPathComponent("small.journal").path
        #expect(try JournalExport.write(f.store, to: large) == 300)
        let written = try Self.withSmallScanCache { try JournalExport.write(f.store, to: small) }
        #expect(written == 300)
        let a = try Data(contentsOf: URL(fileURLWithPath: large))
        let b = try Data(contentsOf: URL(fileURLWithPath: small))
        #expect(a == b && a.count > 300 * 100)
    }
}
