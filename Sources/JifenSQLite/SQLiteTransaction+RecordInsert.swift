import Foundation
import GRDB
import GRDBSQLite
import JifenCore

/// A service record's INSERT with its values bound straight to one prepared statement that
/// the transaction keeps: an import writes a million of them in one transaction, and building
/// GRDB's argument list for each was a large share of its time.
extension SQLiteTransaction {
    func insertRecordBound(_ r: ServiceRecord) throws {
        let statement: Statement
        if let kept = memo.recordInsert {
            statement = kept
        } else {
            statement = try db.makeStatement(
                sql: """
                    INSERT INTO service_record (\(Self.recordColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            memo.recordInsert = statement
        }
        let s = statement.sqliteStatement
        Self.bind(s, 1, r.id)
        Self.bind(s, 2, r.activity)
        Self.bind(s, 3, r.volunteer)
        sqlite3_bind_int64(s, 4, r.minutes)
        Self.bind(s, 5, r.serviceDay)
        Self.bind(s, 6, r.source.rawValue)
        Self.bind(s, 7, r.status.rawValue)
        Self.bind(s, 8, r.reason)
        Self.bind(s, 9, r.note)
        Self.bind(s, 10, r.recorder)
        sqlite3_bind_int64(s, 11, r.enteredAtMillis)
        sqlite3_bind_int64(s, 12, r.late ? 1 : 0)
        sqlite3_bind_int64(s, 13, r.points)
        if let transfer = r.transfer { sqlite3_bind_int64(s, 14, transfer) } else { sqlite3_bind_null(s, 14) }
        sqlite3_bind_int64(s, 15, r.disputed ? 1 : 0)
        sqlite3_bind_int64(s, 16, Int64(r.version))
        if let key = r.importKey { Self.bind(s, 17, key) } else { sqlite3_bind_null(s, 17) }
        let code = sqlite3_step(s)
        sqlite3_reset(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Binds text (never NULL: an empty string is bound as empty text), copied by SQLite.
    private static func bind(_ statement: SQLiteStatement, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            if let base = buffer.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(buffer.count), transient)
                }
            } else {
                _ = sqlite3_bind_text(statement, index, "", 0, transient)
            }
        }
    }
}

/// SQLite's SQLITE_TRANSIENT (a C macro Swift cannot import): copy the bound bytes.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
