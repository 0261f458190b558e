import Foundation
public import JifenApp
public import JifenCore

/// The merchant's counter: its lists and one receipt, so a refund or a pickup needs no
/// receipt number typed.
extension API {
    public static let counter = Endpoint<App.CounterQuery, App.CounterResult>(
        .get, "/v1/merchants/{merchant}/counter", "counter",
        "A merchant's redemptions of a day (default today) and its open holds, with the customers' names (the merchant, its staff or an admin)",
        sample: .init(merchant: "M001", day: "2026-11-25")
    ) { app, p, q in try app.counter(p, q) }
    public static let redemption = Endpoint<Ref.Redemption, CounterRedemption>(
        .get, "/v1/redemptions/{redemption}", "redemption",
        "One redemption (its receipt) with the customer's name and what can still be refunded",
        types: ["redemption": .integer], sample: .init(redemption: 1)
    ) { app, p, input in try app.redemption(p, input.redemption) }

    static let counterEndpoints: [AnyEndpoint] = [AnyEndpoint(counter), AnyEndpoint(redemption)]
}
