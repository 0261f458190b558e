import Foundation
public import JifenCore

/// Micro-wishes (微心愿): an organizer posts a child's or an elder's small wish, a volunteer or a
/// merchant claims it, the organizer confirms it came true. Volunteers may fund one in points.
/// The rules (state machine, who may, points) are in the core: `WishMachine`, `Wishes`.
extension JifenApp {
    public struct WishPostInput: Codable, Sendable {
        public var team: String
        /// What is wished for, shown to everyone.
        public var title: String
        public var beneficiaryKind: BeneficiaryKind
        public var beneficiaryName: String
        public var beneficiaryDetails: String
        /// Points asked for; 0: not point-funded (then anyone registered may claim it).
        public var points: Int64
        public init(
            team: String, title: String, beneficiaryKind: BeneficiaryKind, beneficiaryName: String,
            beneficiaryDetails: String = "",
            points: Int64 = 0
        ) {
            self.team = team; self.title = title; self.beneficiaryKind = beneficiaryKind;
            self.beneficiaryName = beneficiaryName
            self.beneficiaryDetails = beneficiaryDetails; self.points = points
        }
    }

    /// A wish as the asker may see it.
    public struct WishView: Codable, Sendable, Equatable {
        /// `W001`.
        public var id: String
        /// The beneficiary's name and details are masked unless `beneficiaryShown`.
        public var wish: Wish
        public var beneficiaryShown: Bool
        /// Points donated so far (held now, or paid at realization).
        public var raised: Int64
        /// Points it still asks for.
        public var needed: Int64
        /// Its history, oldest first (in `wish show` only).
        public var history: [WishHistory]?
    }

    public struct WishInput: Codable, Sendable {
        /// `W001`, `w1` or `1`.
        public var wish: String
        public init(wish: String) { self.wish = wish }
    }

    public struct WishMoveInput: Codable, Sendable {
        public var wish: String
        /// The note of a realization; the reason of a revocation or a take-down.
        public var text: String
        public init(wish: String, text: String = "") { self.wish = wish; self.text = text }
    }

    public struct WishDonateInput: Codable, Sendable {
        public var wish: String
        public var points: Int64
        /// Idempotency key; nil: a fresh one (the call is its own operation).
        public var key: String?
        public init(wish: String, points: Int64, key: String? = nil) {
            self.wish = wish; self.points = points; self.key = key
        }
    }

    public struct WishListInput: Codable, Sendable {
        /// Only wishes in this state.
        public var status: WishStatus?
        public init(status: WishStatus? = nil) { self.status = status }
    }

    public struct WishStepResult: Codable, Sendable, Equatable {
        public var wish: WishView
        /// Transfers this step posted (a donation, returned donations, the payment).
        public var transfers: [Transfer]
        /// Points those transfers moved.
        public var points: Int64
        /// True when an idempotency key had already done it: nothing new was written.
        public var replayed: Bool
    }

    /// Posts a wish (an organizer of the team, or an admin).
    public func postWish(_ principal: Principal, _ input: WishPostInput) throws -> WishView {
        try Self.requireNotStaff(principal, Bilingual(zh: "发布微心愿", en: "post wishes"))
        let wish = try wishes.postWish(
            WishRequest(
                team: input.team, title: input.title, beneficiaryKind: input.beneficiaryKind,
                beneficiaryName: input.beneficiaryName, beneficiaryDetails: input.beneficiaryDetails,
                points: input.points), actor: principal.id)
        return try view(wish, for: principal)
    }

    /// Wishes, newest first; anyone may list them (beneficiaries masked but for those who may see).
    public func wishes(_ principal: Principal, _ input: WishListInput) throws -> [WishView] {
        let all = try store.read { try $0.wishes() }
        return try all.reversed().filter { input.status == nil || $0.status == input.status }.map {
            try view($0, for: principal)
        }
    }

    /// One wish with its history.
    public func wish(_ principal: Principal, _ input: WishInput) throws -> WishView {
        let id = try WishMachine.parseID(input.wish)
        let (wish, history) = try store.read { tx -> (Wish?, [WishHistory]) in
            guard let wish = try tx.wish(id: id) else { return (nil, []) }
            return (wish, try tx.wishHistory(wish: id))
        }
        guard let wish else { throw JifenError.unknown(Bilingual(zh: "微心愿", en: "wish"), input.wish) }
        var shown = try view(wish, for: principal)
        shown.history = history
        return shown
    }

    /// Claims an open wish (a volunteer or a merchant; a point-funded one: a merchant).
    public func claimWish(_ principal: Principal, _ input: WishInput) throws -> WishStepResult {
        try move(principal, input.wish, .claim, "")
    }

    /// The claimant gives the wish back: it is open again.
    public func cancelWishClaim(_ principal: Principal, _ input: WishInput) throws -> WishStepResult {
        try move(principal, input.wish, .cancel, "")
    }

    /// The organizer takes the claim away, with a reason: the wish is open again.
    public func revokeWishClaim(_ principal: Principal, _ input: WishMoveInput) throws -> WishStepResult {
        try move(principal, input.wish, .revoke, input.text)
    }

    /// The organizer confirms the wish came true, with a note; a merchant claimant is paid what was donated.
    public func realizeWish(_ principal: Principal, _ input: WishMoveInput) throws -> WishStepResult {
        try move(principal, input.wish, .realize, input.text)
    }

    /// The organizer takes an open wish down, with a reason; every donation goes back to its donor.
    public func takeDownWish(_ principal: Principal, _ input: WishMoveInput) throws -> WishStepResult {
        try move(principal, input.wish, .takeDown, input.text)
    }

    /// A volunteer gives points to a point-funded wish.
    public func donateToWish(_ principal: Principal, _ input: WishDonateInput) throws -> WishStepResult {
        try Self.requireNotStaff(principal, Bilingual(zh: "捐赠积分", en: "donate points"))
        try Self.requireConsent(principal, spending: principal.id)
        let id = try WishMachine.parseID(input.wish)
        let step = try wishes.donate(
            to: id, points: input.points, key: input.key ?? Self.freshKey("donate"), actor: principal.id)
        return try result(step, for: principal)
    }

    /// A donor takes back what they gave to a wish that is still open.
    public func withdrawDonation(_ principal: Principal, _ input: WishInput) throws -> WishStepResult {
        try Self.requireNotStaff(principal, Bilingual(zh: "收回捐赠", en: "take back a donation"))
        let id = try WishMachine.parseID(input.wish)
        return try result(try wishes.withdrawDonation(from: id, actor: principal.id), for: principal)
    }

    // MARK: Helpers

    func move(_ principal: Principal, _ text: String, _ action: WishAction, _ note: String) throws -> WishStepResult {
        try Self.requireNotStaff(principal, Bilingual(zh: "\(action.zh)微心愿", en: "\(action.rawValue) wishes"))
        let id = try WishMachine.parseID(text)
        return try result(try wishes.moveWish(id, action, text: note, actor: principal.id), for: principal)
    }

    func result(_ step: WishStep, for principal: Principal) throws -> WishStepResult {
        let transfers = try step.transfers.map { try sealed($0) }
        return WishStepResult(
            wish: try view(step.wish, for: principal), transfers: transfers,
            points: transfers.reduce(0) { $0 + $1.amount }, replayed: step.replayed)
    }

    func view(_ wish: Wish, for principal: Principal) throws -> WishView {
        let store = try self.store
        let shown =
            try principal.isOwner
            || WishMachine.seesBeneficiary(
                principal.id, wish: wish, isAdmin: store.actsAsAdmin(principal.id),
                organizes: store.actsAsOrganizerOf(principal.id))
        let raised = try store.read { try Wishes.raised(wish, in: $0) }
        return WishView(
            id: wish.label, wish: shown ? wish : wish.masked, beneficiaryShown: shown, raised: raised,
            needed: max(0, wish.points - raised), history: nil)
    }
}
