public import JifenApp

/// The month's figures and public notice.
extension API {
    public static let report = Endpoint<App.ReportInput, App.ReportResult>(
        .get, "/v1/reports", "report",
        "The month's figures and public notice (of one community, or of an office: their sum and each)",
        sample: .init(month: "2026-11", grouping: nil, community: "C01", office: "D01-S01")
    ) { app, p, input in try app.report(p, input) }

    /// This area's endpoints, in `API.all`.
    static let reportEndpoints: [AnyEndpoint] = [AnyEndpoint(report)]
}
