public import JifenApp
public import JifenCore

/// Points: balances, statements, grants and transfers, pay codes, redemptions at the counter,
/// refunds, reversals, settlement, expiry and the ledger's proof.
extension API {
    public static let balance = Endpoint<Ref.Account, App.BalanceResult>(
        .get, "/v1/accounts/{account}/balance", "balance", "An account's points, and a volunteer's hours and star",
        sample: .init(account: "V0001")
    ) { app, p, input in try app.balance(p, input.account) }
    public static let statement = Endpoint<App.StatementInput, App.StatementResult>(
        .get, "/v1/accounts/{account}/statement", "statement", "Every movement of an account's points in a range",
        sample: .init(account: "V0001", from: "2026-11-01", to: "2026-11-30")
    ) { app, p, input in try app.statement(p, input) }
    public static let grant = Endpoint<App.GrantInput, App.PostedResult>(
        .post, "/v1/grants", "grant", "Credit points from the community's issuance account (admin)",
        sample: .init(account: "V0001", points: 10, reason: "carry-over", key: "k1")
    ) { app, p, input in try app.grant(p, input) }
    public static let transfer = Endpoint<App.TransferInput, App.PostedResult>(
        .post, "/v1/transfers", "transfer", "Give points to another volunteer",
        sample: .init(from: "V0001", to: "V0002", points: 5, memo: "thanks", key: "k1")
    ) { app, p, input in try app.transfer(p, input) }
    public static let issueCode = Endpoint<App.IssueCodeInput, App.IssuedCode>(
        .post, "/v1/accounts/{account}/codes", "issueCode",
        "A one-time code the volunteer shows at a merchant, for at most max_points",
        sample: .init(account: "V0001", maxPoints: 200)
    ) { app, p, input in try app.issueCode(p, input) }
    public static let codeState = Endpoint<App.CodeStateInput, App.CodeStateResult>(
        .post, "/v1/accounts/{account}/code-states", "codeState",
        "What became of one of the volunteer's pay codes (named by its QR's secret, in the body): live, redeemed, held, voided or expired",
        sample: .init(account: "V0001", secret: "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ) { app, p, input in try app.codeState(p, input) }
    public static let redeem = Endpoint<App.RedeemInput, App.ReceiptResult>(
        .post, "/v1/redemptions", "redeem", "Redeem a volunteer's code at the counter",
        sample: .init(merchant: "M001", code: "123456", offer: "O001", points: 30, key: "k1", hold: false)
    ) { app, p, input in try app.redeem(p, input) }
    public static let pickup = Endpoint<Ref.Redemption, App.ReceiptResult>(
        .post, "/v1/redemptions/{redemption}/pickup", "pickup", "Hand over a held redemption",
        types: ["redemption": .integer], sample: .init(redemption: 1)
    ) { app, p, input in try app.pickup(p, input.redemption) }
    public static let release = Endpoint<Ref.Redemption, App.ReceiptResult>(
        .post, "/v1/redemptions/{redemption}/release", "release", "Release a held redemption: the points come back",
        types: ["redemption": .integer], sample: .init(redemption: 1)
    ) { app, p, input in try app.release(p, input.redemption) }
    public static let refund = Endpoint<App.RefundInput, App.RefundOutcome>(
        .post, "/v1/redemptions/{redemption}/refunds", "refund", "Refund a redemption, in whole or in part",
        types: ["redemption": .integer], sample: .init(redemption: 1, points: 10, reason: "returned", key: "k1")
    ) { app, p, input in
        try app.refund(p, input)
    }
    public static let verify = Endpoint<Ref.VerifyScope, VerifyReport>(
        .get, "/v1/verify", "verify",
        "Check the ledger from each chain's last checkpoint, or all of it with full (admin)",
        types: ["full": .boolean], sample: .init(full: false)
    ) { app, p, input in try app.verify(p, full: input.full) }
    public static let reverse = Endpoint<App.ReverseInput, App.PostedResult>(
        .post, "/v1/transfers/{transfer}/reversal", "reverse", "Reverse a transfer by a linked reversal (admin)",
        types: ["transfer": .integer], sample: .init(transfer: 1, reason: "entered twice")
    ) { app, p, input in try app.reverse(p, input) }
    public static let settle = Endpoint<App.SettleInput, App.SettleOutcome>(
        .post, "/v1/merchants/{merchant}/settlements", "settle", "Settle a merchant's takings through a day (admin)",
        sample: .init(merchant: "M001", through: "2026-11-30")
    ) { app, p, input in try app.settle(p, input) }
    public static let expire = Endpoint<Ref.Expiry, App.ExpireOutcome>(
        .post, "/v1/expiries", "expire", "Expire points past their date (admin)",
        sample: .init(asOf: "2026-12-01")
    ) { app, p, input in try app.expire(p, asOf: input.asOf) }

    /// This area's endpoints, in `API.all`.
    static let pointEndpoints: [AnyEndpoint] = [
        AnyEndpoint(balance), AnyEndpoint(statement), AnyEndpoint(grant), AnyEndpoint(transfer), AnyEndpoint(issueCode),
        AnyEndpoint(codeState), AnyEndpoint(redeem), AnyEndpoint(pickup), AnyEndpoint(release), AnyEndpoint(refund),
        AnyEndpoint(verify), AnyEndpoint(reverse), AnyEndpoint(settle), AnyEndpoint(expire),
    ]
}
