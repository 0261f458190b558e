import Foundation
public import JifenCore

/// The rules in force and their history.
extension JifenApp {
    /// Every rule in force, with who set it.
    public func settings(_ principal: Principal) throws -> [SettingView] {
        try settings.settingViews()
    }

    public struct SettingInput: Codable, Sendable {
        public var key: String
        public var value: String
        public init(key: String, value: String) { self.key = key; self.value = value }
    }

    /// Changes one rule (admin); the change is recorded with actor and time.
    public func setSetting(_ principal: Principal, _ input: SettingInput) throws -> SettingChange {
        try settings.setSetting(key: input.key, value: input.value, actor: principal.id, nowMillis: nowMillis)
    }

    /// Every change of the rules, oldest first.
    public func settingChanges(_ principal: Principal) throws -> [SettingChange] {
        try store.settingChanges()
    }
}
