import Foundation
public import JifenCore
import PostgresNIO

/// The rules in force on PostgreSQL (`jifen config`), checked by `Rules.checkedChange` as on SQLite.
extension PostgresStore {
    public func settingChanges() throws -> [SettingChange] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT key, old_value, new_value, actor, at FROM setting_change ORDER BY id").map { row in
                let (key, old, new, actor, at) = try row.decode((String, String?, String, String, Int64).self)
                return SettingChange(key: key, oldValue: old, newValue: new, actor: actor, atMillis: at)
            }
        }
    }
}
