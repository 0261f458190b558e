public import JifenApp

/// Service certificates: issued, checked, the latest one.
extension API {
    public static let issueCertificate = Endpoint<Ref.CertificateRequest, App.IssuedCertificate>(
        .post, "/v1/certificates", "issueCertificate",
        "Issue a service certificate; the document comes back in the answer",
        sample: .init(volunteer: "V0001", from: "2026-11-01", to: "2026-11-30", format: "md")
    ) { app, p, input in
        try app.issueCertificate(
            p, .init(volunteer: input.volunteer, from: input.from, to: input.to, format: input.format))
    }
    public static let verifyCertificate = Endpoint<Ref.Certificate, App.CertificateCheck>(
        .get, "/v1/certificates/{code}", "verifyCertificate", "Check a certificate's code",
        sample: .init(code: "3F2A-91BC-0D47")
    ) { app, p, input in try app.verifyCertificate(p, input.code) }
    public static let latestCertificate = Endpoint<Ref.Volunteer, App.LatestCertificate>(
        .get, "/v1/volunteers/{volunteer}/certificate", "latestCertificate",
        "A volunteer's latest certificate, without issuing one",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.latestCertificate(p, volunteer: input.volunteer) }

    /// This area's endpoints, in `API.all`.
    static let certificateEndpoints: [AnyEndpoint] = [
        AnyEndpoint(issueCertificate), AnyEndpoint(verifyCertificate), AnyEndpoint(latestCertificate),
    ]
}
