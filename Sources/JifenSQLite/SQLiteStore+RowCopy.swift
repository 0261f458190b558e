import Foundation
import GRDB
public import JifenCore

extension SQLiteStore {
    /// Reads whole tables in one read transaction (one consistent snapshot), row by row in
    /// insertion order, for copying a ledger to another store. Tables this file does not have
    /// are passed over.
    /// - Parameter body: called with the table, its column names and one row's values.
    /// - Throws: `JifenError` (fault) for a value that is neither a whole number, text nor NULL.
    public func exportRows(
        of tables: [String], _ body: (_ table: String, _ columns: [String], _ values: [CellValue]) throws -> Void
    ) throws {
        try readTransaction { db in
            for table in tables where try db.tableExists(table) {
                let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY rowid")
                while let row = try cursor.next() {
                    let columns = Array(row.columnNames)
                    let values = try Array(row.databaseValues).enumerated().map { index, value -> CellValue in
                        switch value.storage {
                        case .null: return .null
                        case .int64(let number): return .integer(number)
                        case .string(let text): return .text(text)
                        case .double, .blob:
                            throw JifenError.fault(
                                .badValue, zh: "\(table) 表的 \(columns[index]) 列有无法迁移的值 \(value)。",
                                en: "Column \(columns[index]) of \(table) holds \(value), which cannot be migrated.")
                        }
                    }
                    try body(table, columns, values)
                }
            }
        }
    }
}
