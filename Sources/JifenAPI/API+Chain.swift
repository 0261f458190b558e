public import JifenApp
public import JifenCore

/// The hash chains' month checkpoints (月度封账).
extension API {
    public static let sealCheckpoints = Endpoint<Ref.Nothing, App.CheckpointOutcome>(
        .post, "/v1/checkpoints", "sealCheckpoints",
        "Seal every closed month without a checkpoint, per community (admin; idempotent)", sample: .init()
    ) { app, p, _ in try app.sealCheckpoints(p) }

    /// This area's endpoints, in `API.all`.
    static let chainEndpoints: [AnyEndpoint] = [AnyEndpoint(sealCheckpoints)]
}
