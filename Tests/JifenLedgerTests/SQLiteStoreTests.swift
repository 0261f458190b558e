import Foundation
import GRDB
import JifenCore
import JifenSQLite
import JifenTestSupport
import Testing

/// What only the SQLite store can show: tampering below the ledger is caught by `verify`.
@Suite struct SQLiteStoreTests {
    /// Changes the file behind the ledger's back, as an attacker with the file would.
    func tamper(_ f: Fixture, _ sql: String) throws {
        let queue = try DatabaseQueue(path: f.location)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DROP TRIGGER transfer_immutable_update; DROP TRIGGER transfer_immutable_delete")
            try db.execute(sql: sql)
        }
    }

    @Test func transfersCannotBeUpdatedOrDeletedThroughSQL() throws {
        let f = try Fixture.make()
        _ = try f.grant(f.volunteers[0], 5)
        let queue = try DatabaseQueue(path: f.location)
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE transfer SET amount = 6") }
        }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM transfer") } }
    }

    @Test func verifyNamesAChangedAmount() throws {
        let f = try Fixture.make()
        _ = try f.grant(f.volunteers[0], 5)
        _ = try f.grant(f.volunteers[1], 7)
        try tamper(f, "UPDATE transfer SET amount = 500 WHERE id = 2")
        let report = try f.verify()
        #expect(report.faults.contains { $0.check == "content-hash" && $0.transfer == 2 })
        #expect(
            report.faults.contains {
                $0.check == "balance" && $0.account == f.volunteers[1] && $0.expected == "500" && $0.found == "7"
            })
    }

    @Test func verifyNamesADeletedTransfer() throws {
        let f = try Fixture.make()
        for v in f.volunteers { _ = try f.grant(v, 5) }
        try tamper(f, "DELETE FROM transfer WHERE id = 2")
        let report = try f.verify()
        #expect(report.faults.contains { $0.check == "chain-link" && $0.transfer == 3 })
        #expect(report.faults.contains { $0.check == "sequence" && $0.transfer == 3 })
    }

    @Test func verifyNamesAnEditedBalanceAndLot() throws {
        let f = try Fixture.make()
        _ = try f.grant(f.volunteers[0], 5)
        let queue = try DatabaseQueue(path: f.location)
        try queue.write { db in
            try db.execute(sql: "UPDATE account SET balance = balance + 100 WHERE id = ?", arguments: [f.volunteers[0]])
            try db.execute(sql: "UPDATE lot SET remaining = remaining + 1")
        }
        let report = try f.verify()
        #expect(
            report.faults.contains {
                $0.check == "balance" && $0.account == f.volunteers[0] && $0.expected == "5" && $0.found == "105"
            })
        #expect(report.faults.contains { $0.check == "zero-sum" && $0.found == "100" })
        #expect(report.faults.contains { $0.check == "lot" })
        #expect(report.faults.contains { $0.check == "lots-balance" })
    }

    @Test func openRefusesForeignAndMissingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jifen-open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(
            refusal { try SQLiteStore.open(path: dir.appendingPathComponent("none.sqlite").path) }?.code == .noDatabase)
        let text = dir.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: text)
        #expect(refusal { try SQLiteStore.open(path: text.path) }?.code == .notJifen)
        let other = dir.appendingPathComponent("other.sqlite")
        try DatabaseQueue(path: other.path).write { try $0.execute(sql: "CREATE TABLE t(x)") }
        let bytes = try Data(contentsOf: other)
        #expect(refusal { try SQLiteStore.open(path: other.path) }?.code == .notJifen)
        #expect(refusal { try SQLiteStore.create(path: other.path) }?.code == .fileExists)
        #expect(try Data(contentsOf: other) == bytes)
    }
}
