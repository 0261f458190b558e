import Foundation
import GRDB
import JifenCore

extension SQLiteStore {
    public func rules() throws -> Rules {
        try readTransaction { db in try Rules(settings: SQLiteLedgerTransaction(db: db).settings()) }
    }

    /// Changes a rule. Checked by the core before it is stored; every change is kept with actor and time.
    public func setSetting(key: String, value: String, actor: String, nowMillis: Int64) throws -> SettingChange {
        try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            let value = try Rules.checkedChange(key: key, value: value, actor: actor, in: tx)
            let old = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
            try db.execute(sql: """
                INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, arguments: [key, value, nowMillis, actor])
            try db.execute(sql: "INSERT INTO setting_change (key, old_value, new_value, actor, at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key, old, value, actor, nowMillis])
            return SettingChange(key: key, oldValue: old, newValue: value, actor: actor, atMillis: nowMillis)
        }
    }

    /// Every setting in force: stored ones with who set them, the rest at their defaults.
    public func settingViews() throws -> [SettingView] {
        try readTransaction { db in
            SettingView.inForce(stored: try Row.fetchAll(db, sql: "SELECT key, value, updated_at, updated_by FROM setting").map {
                SettingView(key: $0["key"], value: $0["value"], isDefault: false, updatedBy: $0["updated_by"], updatedAtMillis: $0["updated_at"])
            })
        }
    }

    public func settingChanges() throws -> [SettingChange] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT key, old_value, new_value, actor, at FROM setting_change ORDER BY id").map {
                SettingChange(key: $0["key"], oldValue: $0["old_value"], newValue: $0["new_value"], actor: $0["actor"], atMillis: $0["at"])
            }
        }
    }
}
