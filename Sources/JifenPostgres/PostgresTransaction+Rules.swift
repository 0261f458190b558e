import Foundation
import JifenCore
import PostgresNIO

/// The stored settings and their history, as SQL; what they mean is in `JifenCore.Rules`.
extension PostgresTransaction {
    func settings() throws -> [String: String] {
        if let settings = session.locked.settings { return settings }
        var result: [String: String] = [:]
        for row in try session.rows("SELECT key, value FROM setting") {
            let (key, value) = try row.decode((String, String).self)
            result[key] = value
        }
        return result
    }

    func storedSettings() throws -> [SettingView] {
        try session.rows("SELECT key, value, updated_at, updated_by FROM setting").map { row in
            let (key, value, at, by) = try row.decode((String, String, Int64, String).self)
            return SettingView(key: key, value: value, isDefault: false, updatedBy: by, updatedAtMillis: at)
        }
    }

    func put(setting key: String, value: String, actor: String, nowMillis: Int64) throws {
        session.locked.settings = nil
        try session.execute(
            """
            INSERT INTO setting (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, [key, value, nowMillis, actor])
    }

    func insert(settingChange c: SettingChange) throws {
        try session.execute(
            "INSERT INTO setting_change (key, old_value, new_value, actor, at) VALUES ($1, $2, $3, $4, $5)",
            [c.key, c.oldValue, c.newValue, c.actor, c.atMillis])
    }
}
