public import JifenApp
public import JifenCore

/// Consent (keep, publish, share) and the ID numbers' sealing.
extension API {
    public static let recordConsent = Endpoint<App.ConsentInput, ConsentState>(
        .post, "/v1/people/{person}/consent", "recordConsent",
        "Give or withdraw consent to keeping, publishing, sharing (herself, or an admin over her community)",
        residents: true,
        sample: .init(person: "V0001", keep: true, publish: false, share: true, version: "2026-01")
    ) { app, p, input in try app.recordConsent(p, input) }
    public static let consents = Endpoint<App.PersonRef, ConsentState>(
        .get, "/v1/people/{person}/consent", "consents", "A person's consents in force and their history",
        residents: true, sample: .init(person: "V0001")
    ) { app, p, input in try app.consents(p, input) }

    /// This area's endpoints, in `API.all`.
    static let consentEndpoints: [AnyEndpoint] = [AnyEndpoint(recordConsent), AnyEndpoint(consents)]
}
