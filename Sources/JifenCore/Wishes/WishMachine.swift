import Foundation

/// Where a micro-wish (微心愿) stands.
///
/// | state | 中文 | leaves by |
/// | --- | --- | --- |
/// | `open` | 待认领 | claim → claimed; take down → taken_down |
/// | `claimed` | 已认领 | realize → realized; cancel (claimant) or revoke (organizer) → open |
/// | `realized` | 已实现 | — (final) |
/// | `taken_down` | 已撤下 | — (final) |
public enum WishStatus: String, Codable, Sendable, CaseIterable {
    case open
    case claimed
    case realized
    case takenDown = "taken_down"

    public var zh: String {
        switch self {
        case .open: "待认领"
        case .claimed: "已认领"
        case .realized: "已实现"
        case .takenDown: "已撤下"
        }
    }

    public var isFinal: Bool { self == .realized || self == .takenDown }
}

/// What someone does to a wish.
public enum WishAction: String, Codable, Sendable, CaseIterable {
    /// A volunteer or a merchant takes the wish on (认领).
    case claim
    /// The claimant gives the wish back (取消认领).
    case cancel
    /// The wish's organizer takes the claim away, with a reason (撤销认领).
    case revoke
    /// The wish's organizer confirms it came true, with a note (确认实现).
    case realize
    /// The wish's organizer takes an open wish down, with a reason (撤下).
    case takeDown = "take_down"

    public var zh: String {
        switch self {
        case .claim: "认领"
        case .cancel: "取消认领"
        case .revoke: "撤销认领"
        case .realize: "确认实现"
        case .takeDown: "撤下"
        }
    }
}

/// Who a beneficiary is.
public enum BeneficiaryKind: String, Codable, Sendable, CaseIterable {
    case child, elder
    public var zh: String { self == .child ? "儿童" : "老人" }
}

/// Who is acting on a wish, as far as the state machine cares: facts the caller looked up.
public struct WishActor: Sendable, Equatable {
    /// What the actor is in the registry.
    public enum Kind: String, Sendable, Equatable { case volunteer, merchant, none }
    public var kind: Kind
    /// An admin, or an organizer of the wish's team.
    public var isOrganizer: Bool
    /// The wish's current claimant.
    public var isClaimant: Bool

    public init(kind: Kind, isOrganizer: Bool = false, isClaimant: Bool = false) {
        self.kind = kind; self.isOrganizer = isOrganizer; self.isClaimant = isClaimant
    }
}

/// The wish's life as a pure function: no store, no clock. Every operation on a wish asks it
/// first; a refusal changes nothing.
public enum WishMachine {
    /// The outbox event each transition writes (and the one posting writes).
    public static let eventTypes = [
        "wish.posted", "wish.claimed", "wish.claim_cancelled", "wish.revoked", "wish.realized",
        "wish.taken_down", "wish.withdrawn",
    ]

    public static func eventType(_ action: WishAction) -> String {
        switch action {
        case .claim: "wish.claimed"
        case .cancel: "wish.claim_cancelled"
        case .revoke: "wish.revoked"
        case .realize: "wish.realized"
        case .takeDown: "wish.taken_down"
        }
    }

    /// The state after `action`, or why it may not happen.
    /// - Parameters:
    ///   - status: where the wish stands.
    ///   - pointFunded: the wish asks for points (only a merchant, who is paid them, may claim it).
    /// - Throws: forbidden (`not-allowed`) when this actor may not make it, whatever the state;
    ///   else refused `wish-state` when the wish is not in a state the action leaves from.
    public static func next(
        _ status: WishStatus, _ action: WishAction, by actor: WishActor, actorID: String,
        wish: String, pointFunded: Bool
    ) throws -> WishStatus {
        let from: WishStatus
        let to: WishStatus
        switch action {
        case .claim: (from, to) = (.open, .claimed)
        case .cancel: (from, to) = (.claimed, .open)
        case .revoke: (from, to) = (.claimed, .open)
        case .realize: (from, to) = (.claimed, .realized)
        case .takeDown: (from, to) = (.open, .takenDown)
        }
        let allowed: Bool
        switch action {
        case .claim: allowed = pointFunded ? actor.kind == .merchant : actor.kind != .none
        case .cancel: allowed = actor.isClaimant
        case .revoke, .realize, .takeDown: allowed = actor.isOrganizer
        }
        guard allowed else {
            let who: Bilingual =
                switch action {
                case .claim where pointFunded:
                    Bilingual(zh: "认领积分资助的微心愿（只有爱心商户可以）", en: "claim a point-funded wish (only a merchant may)")
                case .claim:
                    Bilingual(zh: "认领微心愿（须是登记的志愿者或商户）", en: "claim a wish (a registered volunteer or merchant may)")
                case .cancel: Bilingual(zh: "取消别人对 \(wish) 的认领", en: "cancel someone else's claim of \(wish)")
                default:
                    Bilingual(
                        zh: "\(action.zh)微心愿 \(wish)（须是该队组织者或管理员）",
                        en: "\(Self.verb(action)) wish \(wish) (its team's organizer or an admin may)")
                }
            throw JifenError.forbidden(actor: actorID, action: who)
        }
        guard status == from else {
            throw JifenError.refused(
                .wishState, zh: "微心愿 \(wish) 现为「\(status.zh)」，不能\(action.zh)（只有「\(from.zh)」的心愿可以）。",
                en:
                    "Wish \(wish) is \(status.rawValue); it cannot be \(Self.past(action)) (only a wish that is \(from.rawValue) can)."
            )
        }
        return to
    }

    static func past(_ action: WishAction) -> String {
        switch action {
        case .claim: "claimed"
        case .cancel: "given back"
        case .revoke: "revoked"
        case .realize: "realized"
        case .takeDown: "taken down"
        }
    }

    static func verb(_ action: WishAction) -> String {
        switch action {
        case .claim: "claim"
        case .cancel: "cancel the claim of"
        case .revoke: "revoke the claim of"
        case .realize: "realize"
        case .takeDown: "take down"
        }
    }

    /// May `actor` see the beneficiary's name and details: an admin, an organizer of the wish's
    /// team, or whoever holds the claim now (and the one who realized it). Everyone else sees `masked`.
    public static func seesBeneficiary(_ actor: String, wish: Wish, isAdmin: Bool, organizes teams: [String]) -> Bool {
        if wish.claimant == actor, wish.status == .claimed || wish.status == .realized { return true }
        return isAdmin || teams.contains(wish.team)
    }

    /// Reads `W001`, `w1` or `1`.
    public static func parseID(_ text: String) throws -> Int64 {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.first == "W" || t.first == "w" { t.removeFirst() }
        guard let id = Int64(t), id > 0 else {
            throw JifenError.usage(
                .badWishID, zh: "微心愿编号「\(text)」无效，应为 W001 这样的编号。",
                en: "Wish id \"\(text)\" is not valid; give one like W001.")
        }
        return id
    }
}

/// A micro-wish: what a child or an elder wishes for, posted by a team's organizer.
public struct Wish: Codable, Sendable, Equatable {
    public var id: Int64
    public var community: String
    public var team: String
    /// What is wished for, shown to everyone (一个新书包).
    public var title: String
    public var beneficiaryKind: BeneficiaryKind
    /// Shown only to the claimant, the team's organizers and admins (see `masked`).
    public var beneficiaryName: String
    public var beneficiaryDetails: String
    /// Points asked for (0: not point-funded).
    public var points: Int64
    /// Points donated to it and now held in the donation account for it.
    public var donated: Int64
    public var status: WishStatus
    public var claimant: String?
    /// The organizer's note on realization.
    public var note: String
    /// The last revocation's or the take-down's reason.
    public var reason: String
    public var postedBy: String
    public var createdAtMillis: Int64
    public var updatedAtMillis: Int64
    public var realizedAtMillis: Int64?
    /// The transfer that paid the claimant at realization.
    public var payment: Int64?
    /// The settlement that covered that payment.
    public var settlement: Int64?

    public init(
        id: Int64 = 0, community: String, team: String, title: String, beneficiaryKind: BeneficiaryKind,
        beneficiaryName: String,
        beneficiaryDetails: String, points: Int64, donated: Int64 = 0, status: WishStatus = .open,
        claimant: String? = nil,
        note: String = "", reason: String = "", postedBy: String, createdAtMillis: Int64, updatedAtMillis: Int64,
        realizedAtMillis: Int64? = nil, payment: Int64? = nil, settlement: Int64? = nil
    ) {
        self.id = id; self.community = community; self.team = team; self.title = title;
        self.beneficiaryKind = beneficiaryKind
        self.beneficiaryName = beneficiaryName; self.beneficiaryDetails = beneficiaryDetails; self.points = points;
        self.donated = donated
        self.status = status; self.claimant = claimant; self.note = note; self.reason = reason; self.postedBy = postedBy
        self.createdAtMillis = createdAtMillis; self.updatedAtMillis = updatedAtMillis;
        self.realizedAtMillis = realizedAtMillis
        self.payment = payment; self.settlement = settlement
    }

    /// `W001`: how people type and read a wish.
    public var label: String { Registry.id(prefix: "W", number: Int(id)) }
    public var pointFunded: Bool { points > 0 }

    /// The wish as anyone may see it before it is theirs: the beneficiary's name reduced to its
    /// first character and the details hidden.
    public var masked: Wish {
        var copy = self
        copy.beneficiaryName = beneficiaryName.isEmpty ? "" : String(beneficiaryName.prefix(1)) + "*"
        copy.beneficiaryDetails = beneficiaryDetails.isEmpty ? "" : "***"
        return copy
    }
}

/// One line of a wish's history: a transition, a donation or a withdrawal.
public struct WishHistory: Codable, Sendable, Equatable {
    public var wish: Int64
    /// `post`, a `WishAction`'s raw value, `donate` or `withdraw`.
    public var action: String
    public var fromStatus: String
    public var toStatus: String
    public var actor: String
    public var note: String
    /// Points moved by this step (donations, withdrawals, the payment); 0 for none.
    public var points: Int64
    public var atMillis: Int64

    public init(
        wish: Int64, action: String, fromStatus: String, toStatus: String, actor: String, note: String = "",
        points: Int64 = 0,
        atMillis: Int64
    ) {
        self.wish = wish; self.action = action; self.fromStatus = fromStatus; self.toStatus = toStatus;
        self.actor = actor
        self.note = note; self.points = points; self.atMillis = atMillis
    }
}
