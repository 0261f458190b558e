import Foundation

/// The stored settings (the rules in force), read inside a transaction. What they mean is in `Rules`.
public protocol SettingRowReading {
    /// The stored settings by key.
    func settings() throws -> [String: String]
    /// The stored settings with who set them and when, in no particular order.
    func storedSettings() throws -> [SettingView]
}

/// The settings and their history, written inside a write transaction.
public protocol SettingRowWriting: SettingRowReading {
    /// Stores a setting's value with who set it and when (added or replaced).
    func put(setting key: String, value: String, actor: String, nowMillis: Int64) throws
    func insert(settingChange: SettingChange) throws
}

/// The rules' history outside a transaction.
public protocol SettingQueries {
    func settingChanges() throws -> [SettingChange]
}
