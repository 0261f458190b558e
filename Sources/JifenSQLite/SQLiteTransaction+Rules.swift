import Foundation
import GRDB
import JifenCore

/// The stored settings and their history, as SQL; what they mean is in `JifenCore.Rules`.
extension SQLiteTransaction {
    func settings() throws -> [String: String] {
        if let p = prefetch, let known = p.settings {
            p.settings = nil
            return known
        }
        var result: [String: String] = [:]
        for row in try all("SELECT key, value FROM setting") { result[row["key"]] = row["value"] }
        return result
    }

    func storedSettings() throws -> [SettingView] {
        try Row.fetchAll(db, sql: "SELECT key, value, updated_at, updated_by FROM setting").map {
            SettingView(
                key: $0["key"], value: $0["value"], isDefault: false, updatedBy: $0["updated_by"],
                updatedAtMillis: $0["updated_at"])
        }
    }

    func put(setting key: String, value: String, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, arguments: [key, value, nowMillis, actor])
    }

    func insert(settingChange c: SettingChange) throws {
        try db.execute(
            sql: "INSERT INTO setting_change (key, old_value, new_value, actor, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [c.key, c.oldValue, c.newValue, c.actor, c.atMillis])
    }
}
