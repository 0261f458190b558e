import Foundation
import JifenCore
import PostgresNIO

/// The rules in force on PostgreSQL (`jifen config`), checked by `Rules.checkedChange` as on SQLite.
extension PostgresStore {
    public func setSetting(key: String, value: String, actor: String, nowMillis: Int64) throws -> SettingChange {
        try transaction(readOnly: false) { session in
            // One change of the rules at a time, so each history row's old value is the one it replaced.
            // (Ledger transactions only read `setting`, which this lock does not block.)
            try session.execute("LOCK TABLE setting IN SHARE ROW EXCLUSIVE MODE")
            let tx = PostgresLedgerTransaction(session: session, writing: true)
            let value = try Rules.checkedChange(key: key, value: value, actor: actor, in: tx)
            let old = try session.scalar(String.self, "SELECT value FROM setting WHERE key = $1", [key])
            try session.execute("""
                INSERT INTO setting (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, [key, value, nowMillis, actor])
            try session.execute("INSERT INTO setting_change (key, old_value, new_value, actor, at) VALUES ($1, $2, $3, $4, $5)",
                                [key, old, value, actor, nowMillis])
            return SettingChange(key: key, oldValue: old, newValue: value, actor: actor, atMillis: nowMillis)
        }
    }

    public func settingViews() throws -> [SettingView] {
        try transaction(readOnly: true) { session in
            SettingView.inForce(stored: try session.rows("SELECT key, value, updated_at, updated_by FROM setting").map { row in
                let (key, value, at, by) = try row.decode((String, String, Int64, String).self)
                return SettingView(key: key, value: value, isDefault: false, updatedBy: by, updatedAtMillis: at)
            })
        }
    }

    public func settingChanges() throws -> [SettingChange] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT key, old_value, new_value, actor, at FROM setting_change ORDER BY id").map { row in
                let (key, old, new, actor, at) = try row.decode((String, String?, String, String, Int64).self)
                return SettingChange(key: key, oldValue: old, newValue: new, actor: actor, atMillis: at)
            }
        }
    }
}
