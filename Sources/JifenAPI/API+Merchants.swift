public import JifenApp
public import JifenCore

/// Merchants and what they offer for points.
extension API {
    public static let offers = Endpoint<App.OffersQuery, [Offer]>(
        .get, "/v1/offers", "offers", "What merchants offer for points",
        sample: .init(merchant: "M001", affordableBy: "V0001")
    ) { app, p, q in try app.offers(p, q) }
    public static let addOffer = Endpoint<App.OfferInput, Offer>(
        .post, "/v1/offers", "addOffer", "Offer something for points (the merchant or an admin)",
        sample: .init(
            merchant: "M001", title: "Haircut", points: 30, stock: 20, validFrom: "2026-11-01", validTo: "2026-12-31")
    ) { app, p, input in
        try app.addOffer(p, input)
    }
    public static let retireOffer = Endpoint<Ref.Offer, Offer>(
        .post, "/v1/offers/{offer}/retirement", "retireOffer", "Stop offering it",
        sample: .init(offer: "O001")
    ) { app, p, input in try app.retireOffer(p, input.offer) }
    public static let merchants = Endpoint<Ref.Nothing, [Merchant]>(
        .get, "/v1/merchants", "merchants", "Partner merchants", sample: .init()
    ) { app, p, _ in try app.merchants(p) }
    public static let merchant = Endpoint<Ref.Merchant, App.MerchantStanding>(
        .get, "/v1/merchants/{merchant}", "merchant", "A merchant with its takings and what settlement will pay",
        sample: .init(merchant: "M001")
    ) { app, p, input in try app.merchant(p, input.merchant) }
    public static let addMerchant = Endpoint<App.MerchantInput, Merchant>(
        .post, "/v1/merchants", "addMerchant", "Register a partner merchant (admin)",
        sample: .init(
            name: "Old Street Barber", contact: "Wang", phone: "13900001111", address: "Old Street 5", community: "C01")
    ) { app, p, input in
        try app.addMerchant(p, input)
    }

    public static let partners = Endpoint<Ref.Merchant, PartnerList>(
        .get, "/v1/merchants/{merchant}/partners", "partners",
        "A merchant's home community and the communities whose points it accepts",
        sample: .init(merchant: "M001")
    ) { app, p, input in try app.partners(p, input.merchant) }
    public static let addPartner = Endpoint<App.PartnerInput, PartnerList>(
        .post, "/v1/merchants/{merchant}/partners", "addPartner",
        "Let a community's volunteers spend at the merchant (an admin over that community)",
        sample: .init(merchant: "M001", community: "C02")
    ) { app, p, input in try app.addPartner(p, input) }
    public static let removePartner = Endpoint<App.PartnerInput, PartnerList>(
        .post, "/v1/merchants/{merchant}/partners/{community}/removal", "removePartner",
        "Stop a community's volunteers spending at the merchant (what they spent still settles)",
        sample: .init(merchant: "M001", community: "C02")
    ) { app, p, input in try app.removePartner(p, input) }

    /// This area's endpoints, in `API.all`.
    static let merchantEndpoints: [AnyEndpoint] = [
        AnyEndpoint(offers), AnyEndpoint(addOffer), AnyEndpoint(retireOffer), AnyEndpoint(merchants),
        AnyEndpoint(merchant), AnyEndpoint(addMerchant), AnyEndpoint(partners), AnyEndpoint(addPartner),
        AnyEndpoint(removePartner),
    ]
}
