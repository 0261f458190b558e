public import JifenApp
public import JifenCore

/// The community's rules (settings) and their history.
extension API {
    public static let settings = Endpoint<Ref.Nothing, [SettingView]>(
        .get, "/v1/settings", "settings", "The rules' settings", sample: .init()
    ) { app, p, _ in try app.settings(p) }
    public static let setSetting = Endpoint<App.SettingInput, SettingChange>(
        .post, "/v1/settings", "setSetting", "Change a setting (admin), kept in its history",
        sample: .init(key: "points_per_hour", value: "10")
    ) { app, p, input in try app.setSetting(p, input) }
    public static let settingChanges = Endpoint<Ref.Nothing, [SettingChange]>(
        .get, "/v1/settings/history", "settingChanges", "Every change of a setting", sample: .init()
    ) { app, p, _ in try app.settingChanges(p) }

    /// This area's endpoints, in `API.all`.
    static let ruleEndpoints: [AnyEndpoint] = [
        AnyEndpoint(settings), AnyEndpoint(setSetting), AnyEndpoint(settingChanges),
    ]
}
