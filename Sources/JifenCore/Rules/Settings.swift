import Foundation

/// The stored settings that make the rules in force (`Rules`, `WebhookSettings`): read them, list
/// them, change one (an admin's act, checked by `Rules.checkedChange` and kept with its history).
public struct Settings: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// The rules in force, from the stored settings and the core's defaults.
    public func rules() throws -> Rules {
        try store.read { try Rules(settings: $0.settings()) }
    }

    /// The notifier's settings (`webhook.*` keys of the settings table).
    public func webhookSettings() throws -> WebhookSettings {
        try store.read { try WebhookSettings(settings: $0.settings()) }
    }

    /// Changes a rule. Checked by the core before it is stored; every change is kept with actor and time.
    public func setSetting(key: String, value: String, actor: String, nowMillis: Int64) throws -> SettingChange {
        try store.write { tx in
            // One change of the rules at a time, so each history row's old value is the one it replaced.
            try tx.serialise(.settings)
            let value = try Rules.checkedChange(key: key, value: value, actor: actor, in: tx)
            let old = try tx.settings()[key]
            try tx.put(setting: key, value: value, actor: actor, nowMillis: nowMillis)
            let change = SettingChange(key: key, oldValue: old, newValue: value, actor: actor, atMillis: nowMillis)
            try tx.insert(settingChange: change)
            return change
        }
    }

    /// Every setting in force: stored ones with who set them, the rest at their defaults.
    public func settingViews() throws -> [SettingView] {
        try store.read { SettingView.inForce(stored: try $0.storedSettings()) }
    }
}
