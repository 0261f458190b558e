public import JifenApp
import JifenCore

/// Signing in: enrolment codes, device credentials, who a credential signs in as.
extension API {
    public static let enrol = Endpoint<App.EnrolInput, App.IssuedCredential>(
        .post, "/v1/enrolments", "enrol", "Use an enrolment code once for a device credential", anonymous: true,
        sample: .init(code: "4F7K-9Q2M", label: "phone")
    ) { app, _, input in try app.enrol(input) }
    public static let whoami = Endpoint<Ref.Nothing, App.WhoAmI>(
        .get, "/v1/me", "whoami", "Who the credential signs in as", residents: true, sample: .init()
    ) { app, p, _ in try app.whoami(p) }
    public static let issueCredential = Endpoint<App.IssueCredentialInput, App.IssuedCredential>(
        .post, "/v1/credentials", "issueCredential", "Issue a device credential or an enrolment code",
        sample: .init(person: "V0001", role: .volunteer, enrolment: true, label: "paper", days: 7)
    ) { app, p, input in try app.issueCredential(p, input) }
    public static let credentials = Endpoint<Ref.CredentialQuery, [App.CredentialView]>(
        .get, "/v1/credentials", "listCredentials", "Credentials the caller may see", residents: true,
        sample: .init(person: "V0001")
    ) { app, p, q in
        try app.credentials(p, person: q.person)
    }
    public static let revokeCredential = Endpoint<Ref.Credential, App.CredentialView>(
        .post, "/v1/credentials/{credential}/revocation", "revokeCredential",
        "Revoke a credential from the next request on", residents: true,
        sample: .init(credential: "C000000000000")
    ) { app, p, input in try app.revokeCredential(p, input.credential) }
    public static let confirmCredential = Endpoint<App.ConfirmCredentialInput, App.CredentialView>(
        .post, "/v1/credential-confirmations", "confirmCredential",
        "The person confirms a device credential issued for her (with her enrolment code, or from her own), so it may spend her points",
        residents: true,
        sample: .init(credential: "C000000000000", code: "4F7K-9Q2M")
    ) { app, p, input in try app.confirmCredential(p, input) }

    /// This area's endpoints, in `API.all`.
    static let credentialEndpoints: [AnyEndpoint] = [
        AnyEndpoint(enrol), AnyEndpoint(whoami), AnyEndpoint(issueCredential), AnyEndpoint(credentials),
        AnyEndpoint(revokeCredential), AnyEndpoint(confirmCredential),
    ]
}
