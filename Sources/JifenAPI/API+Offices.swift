public import JifenApp
public import JifenCore

/// Districts, street offices, the communities under them, and their admins.
extension API {
    public static let addOffice = Endpoint<App.OfficeInput, Office>(
        .post, "/v1/offices", "addOffice",
        "Add a district (installation admin) or a street office under a district (its admin)",
        sample: .init(id: "D01-S01", name: "Yangcun street office", district: "D01")
    ) { app, p, input in try app.addOffice(p, input) }
    public static let offices = Endpoint<Ref.Nothing, [Office]>(
        .get, "/v1/offices", "offices", "Districts and street offices (an office admin: its own and below)",
        sample: .init()
    ) { app, p, _ in try app.listOffices(p) }
    public static let addOfficeAdmin = Endpoint<App.OfficeAdminInput, App.OfficeAdminResult>(
        .post, "/v1/offices/{office}/admins", "addOfficeAdmin",
        "Let someone administer an office and everything below it (an admin of that office or above)",
        sample: .init(office: "D01-S01", person: "Zhao")
    ) { app, p, input in try app.addOfficeAdmin(p, input) }
    public static let addCommunity = Endpoint<App.CommunityInput, PlacedCommunity>(
        .post, "/v1/communities", "addCommunity", "Add a community under an office (an admin of that office or above)",
        sample: .init(name: "Rose Garden", office: "D01-S01", district: "D01")
    ) { app, p, input in try app.addCommunity(p, input) }
    public static let communities = Endpoint<App.CommunitiesQuery, [PlacedCommunity]>(
        .get, "/v1/communities", "communities", "Communities with their office (an office admin: those below)",
        sample: .init(office: "D01")
    ) { app, p, q in try app.communities(p, q) }

    public static let placeCommunity = Endpoint<App.PlaceInput, PlacedCommunity>(
        .post, "/v1/communities/{community}/office", "placeCommunity",
        "Move a community under an office, or from under any (installation admin)",
        sample: .init(community: "C01", office: "D01-S01")
    ) { app, p, input in try app.placeCommunity(p, input) }

    /// This area's endpoints, in `API.all`.
    static let officeEndpoints: [AnyEndpoint] = [
        AnyEndpoint(addOffice), AnyEndpoint(offices), AnyEndpoint(addOfficeAdmin), AnyEndpoint(addCommunity),
        AnyEndpoint(communities), AnyEndpoint(placeCommunity),
    ]
}
