import Foundation
public import JifenApp
import JifenCore

/// Micro-wishes (微心愿): `jifen wish …` and `/v1/wishes`.
extension API {
    public static let wishes = Endpoint<App.WishListInput, [App.WishView]>(
        .get, "/v1/wishes", "wishes",
        "Micro-wishes, newest first (beneficiaries masked but for those who may see them)",
        sample: .init(status: .open)
    ) { app, p, q in try app.wishes(p, q) }
    public static let wish = Endpoint<App.WishInput, App.WishView>(
        .get, "/v1/wishes/{wish}", "wish", "One micro-wish with its history", sample: .init(wish: "W001")
    ) { app, p, input in
        try app.wish(p, input)
    }
    public static let postWish = Endpoint<App.WishPostInput, App.WishView>(
        .post, "/v1/wishes", "postWish", "Post a micro-wish for a child or an elder (an organizer of the team)",
        sample: .init(
            team: "T01", title: "一个新书包", beneficiaryKind: .child, beneficiaryName: "小明", beneficiaryDetails: "三年级",
            points: 80)
    ) {
        app, p, input in try app.postWish(p, input)
    }
    public static let claimWish = Endpoint<App.WishInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/claim", "claimWish",
        "Claim an open wish (a volunteer or a merchant; a point-funded one: a merchant)",
        sample: .init(wish: "W001")
    ) { app, p, input in try app.claimWish(p, input) }
    public static let cancelWishClaim = Endpoint<App.WishInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/cancellation", "cancelWishClaim", "Give a claimed wish back (its claimant)",
        sample: .init(wish: "W001")
    ) { app, p, input in try app.cancelWishClaim(p, input) }
    public static let revokeWishClaim = Endpoint<App.WishMoveInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/revocation", "revokeWishClaim", "Take a claim away, with a reason (the organizer)",
        sample: .init(wish: "W001", text: "认领人联系不上")
    ) { app, p, input in try app.revokeWishClaim(p, input) }
    public static let realizeWish = Endpoint<App.WishMoveInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/realization", "realizeWish",
        "Confirm a claimed wish came true, with a note (the organizer)",
        sample: .init(wish: "W001", text: "书包已送到")
    ) { app, p, input in try app.realizeWish(p, input) }
    public static let takeDownWish = Endpoint<App.WishMoveInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/removal", "takeDownWish",
        "Take an open wish down, with a reason; donations go back (the organizer)",
        sample: .init(wish: "W001", text: "家长已自行购买")
    ) { app, p, input in try app.takeDownWish(p, input) }
    public static let donateToWish = Endpoint<App.WishDonateInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/donations", "donateToWish", "Give points to a point-funded wish (a volunteer)",
        sample: .init(wish: "W001", points: 20, key: "k1")
    ) { app, p, input in try app.donateToWish(p, input) }
    public static let withdrawDonation = Endpoint<App.WishInput, App.WishStepResult>(
        .post, "/v1/wishes/{wish}/withdrawal", "withdrawDonation",
        "Take back one's donations to a wish still open (the donor)",
        sample: .init(wish: "W001")
    ) { app, p, input in try app.withdrawDonation(p, input) }

    static let wishEndpoints: [AnyEndpoint] = [
        AnyEndpoint(wishes), AnyEndpoint(wish), AnyEndpoint(postWish), AnyEndpoint(claimWish),
        AnyEndpoint(cancelWishClaim),
        AnyEndpoint(revokeWishClaim), AnyEndpoint(realizeWish), AnyEndpoint(takeDownWish), AnyEndpoint(donateToWish),
        AnyEndpoint(withdrawDonation),
    ]
}
