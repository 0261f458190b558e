import Foundation
import GRDB
public import JifenCore

/// The rules' history (`SettingQueries`): `jifen config history`.
extension SQLiteStore {
    public func settingChanges() throws -> [SettingChange] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT key, old_value, new_value, actor, at FROM setting_change ORDER BY id").map
            {
                SettingChange(
                    key: $0["key"], oldValue: $0["old_value"], newValue: $0["new_value"], actor: $0["actor"],
                    atMillis: $0["at"])
            }
        }
    }
}
