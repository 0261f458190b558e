public import JifenApp
public import JifenCore

/// A person's rights over her data: her own copy, an admin's export and erasure, the retention sweep.
extension API {
    public static let exportMine = Endpoint<Ref.Nothing, PersonExport>(
        .get, "/v1/me/export", "exportMine", "Everything Jifen holds about the signed-in person (下载我的数据)",
        residents: true, sample: .init()
    ) { app, p, _ in try app.exportMine(p) }
    public static let exportPerson = Endpoint<App.PersonInput, PersonExport>(
        .get, "/v1/persons/{person}/export", "exportPerson",
        "Everything Jifen holds about a person (an admin over her community, or herself)",
        residents: true, sample: .init(person: "V0001")
    ) { app, p, input in try app.exportPerson(p, input) }
    public static let erasePerson = Endpoint<App.PersonEraseInput, PersonErasure>(
        .post, "/v1/persons/{person}/erasure", "erasePerson",
        "Erase a person's data (注销): points and records stay, her credentials are revoked",
        sample: .init(person: "V0002", reason: "本人申请注销")
    ) { app, p, input in try app.erasePerson(p, input) }
    public static let sweepPersons = Endpoint<App.PersonSweepInput, PersonSweep>(
        .post, "/v1/persons/retention-sweep", "sweepPersons", "Erase everyone inactive for the retention period",
        sample: .init(years: 5)
    ) { app, p, input in try app.sweepPersons(p, input) }

    /// This area's endpoints, in `API.all`.
    static let personEndpoints: [AnyEndpoint] = [
        AnyEndpoint(exportMine), AnyEndpoint(exportPerson), AnyEndpoint(sweepPersons), AnyEndpoint(erasePerson),
    ]
}
