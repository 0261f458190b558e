import Foundation
import GRDB
import JifenCore

/// One row of `jifen config show`.
public struct SettingView: Sendable, Codable, Equatable {
    public var key: String
    public var value: String
    public var isDefault: Bool
    public var updatedBy: String?
    public var updatedAtMillis: Int64?
}

public struct SettingChange: Sendable, Codable, Equatable {
    public var key: String
    public var oldValue: String?
    public var newValue: String
    public var actor: String
    public var atMillis: Int64
}

extension JifenDatabase {
    public func rules() throws -> Rules {
        try readTransaction { db in try Rules(settings: SQLiteLedgerTransaction(db: db).settings()) }
    }

    /// Changes a rule. Checked by the core before it is stored; every change is kept with actor and time.
    public func setSetting(key: String, value: String, actor: String, nowMillis: Int64) throws -> SettingChange {
        try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "修改规则", en: "change the rules"), in: tx)
            var rules = try Rules(settings: tx.settings())
            let value = value.trimmingCharacters(in: .whitespaces)
            try Rules.apply(key: key, value: value, to: &rules)
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
            var stored: [String: Row] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value, updated_at, updated_by FROM setting") { stored[row["key"]] = row }
            var views = Rules.definitions.map { definition -> SettingView in
                if let row = stored.removeValue(forKey: definition.key) {
                    return SettingView(key: definition.key, value: row["value"], isDefault: false, updatedBy: row["updated_by"],
                                       updatedAtMillis: row["updated_at"])
                }
                return SettingView(key: definition.key, value: definition.defaultValue, isDefault: true)
            }
            for (key, row) in stored.sorted(by: { $0.key < $1.key }) {
                views.append(SettingView(key: key, value: row["value"], isDefault: false, updatedBy: row["updated_by"],
                                         updatedAtMillis: row["updated_at"]))
            }
            return views
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
