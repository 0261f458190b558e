import JifenApp
public import JifenCore

/// The organizer's desk: her teams' activities with counts and the hours waiting.
extension API {
    public static let teamDesk = Endpoint<Ref.Nothing, TeamDesk>(
        .get, "/v1/desk", "teamDesk",
        "An organizer's teams' activities with counts and the hours waiting (an admin: every team)",
        sample: .init()
    ) { app, p, _ in try app.teamDesk(p) }

    /// This area's endpoints, in `API.all`.
    static let deskEndpoints: [AnyEndpoint] = [AnyEndpoint(teamDesk)]
}
