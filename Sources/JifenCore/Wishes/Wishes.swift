public import Foundation

/// What `wish post` asks for.
public struct WishRequest: Sendable, Equatable {
    public var team: String
    public var title: String
    public var beneficiaryKind: BeneficiaryKind
    public var beneficiaryName: String
    public var beneficiaryDetails: String
    /// Points asked for; 0: not point-funded.
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

/// A wish after a step, with the transfers the step posted.
public struct WishStep: Sendable, Equatable {
    public var wish: Wish
    /// Transfers posted by this step (a donation, returned donations, the payment); none for most.
    public var transfers: [Transfer]
    /// True when an idempotency key had already done this step: nothing new was written.
    public var replayed: Bool

    public init(wish: Wish, transfers: [Transfer] = [], replayed: Bool = false) {
        self.wish = wish; self.transfers = transfers; self.replayed = replayed
    }
}

/// Micro-wishes (微心愿) on the ledger. Every step runs in one write transaction: the state
/// machine (`WishMachine.next`) decides, the wish row and a history row are written, an outbox event
/// is written, and points move through `Ledger.post` only:
/// - a donation: volunteer → the community's donation account (`donate`), only to an open or
///   claimed point-funded wish, never beyond what it still asks for;
/// - a withdrawal or a take-down: each donation not yet returned comes back by a linked reversal
///   (`reverse`, key `wish-return:<transfer>`), so a retry never returns twice;
/// - a realization: everything donated to the wish, donation account → the claimant merchant
///   (`fulfil`, key `wish-pay:<wish>`), which its next settlement covers.
/// Invariant (tested): the donation account's balance is the sum of the `donated` of wishes.
public struct Wishes: Sendable {
    public let store: any Store
    public let now: @Sendable () -> Date

    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }
    /// Posts a wish for a beneficiary (an organizer of the team, or an admin).
    public func postWish(_ request: WishRequest, actor: String) throws -> Wish {
        try Registry.checkText(request.title, field: Bilingual(zh: "心愿内容", en: "wish"), max: 200)
        try Registry.checkText(
            request.beneficiaryName, field: Bilingual(zh: "受助人姓名", en: "beneficiary's name"), max: 50)
        try Registry.checkText(
            request.beneficiaryDetails, field: Bilingual(zh: "受助人情况", en: "beneficiary's details"), max: 500,
            allowEmpty: true)
        guard request.points >= 0, request.points <= Points.maximum else {
            throw JifenError.usage(
                .badAmount, zh: "心愿所需积分必须是 0 到 \(Points.maximum) 之间的整数（0 表示不用积分）。",
                en: "The points a wish asks for must be a whole number from 0 to \(Points.maximum) (0: none).")
        }
        let at = now().millis
        return try store.write { tx in
            guard let team = try tx.team(request.team) else {
                throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), request.team)
            }
            try Service.requireOrganizer(
                actor, team: team.id, action: Bilingual(zh: "发布微心愿", en: "post wishes"), in: tx)
            var wish = Wish(
                community: team.community, team: team.id, title: request.title,
                beneficiaryKind: request.beneficiaryKind,
                beneficiaryName: request.beneficiaryName, beneficiaryDetails: request.beneficiaryDetails,
                points: request.points,
                postedBy: actor, createdAtMillis: at, updatedAtMillis: at)
            wish.id = try tx.insert(wish: wish)
            try tx.insert(
                wishHistory: WishHistory(
                    wish: wish.id, action: "post", fromStatus: "", toStatus: wish.status.rawValue,
                    actor: actor, points: wish.points, atMillis: at))
            try tx.insert(event: Self.wishEvent("wish.posted", wish, actor: actor, atMillis: at))
            return wish
        }
    }

    /// Moves a wish by one transition of the state machine.
    /// - Parameter text: the note of a realization, the reason of a revocation or take-down (required for those).
    public func moveWish(_ id: Int64, _ action: WishAction, text: String = "", actor: String) throws -> WishStep {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch action {
        case .revoke, .takeDown: text = try Ledger.requireReason(text)
        case .realize:
            guard !text.isEmpty else {
                throw JifenError.usage(
                    .reasonRequired, zh: "请用 --note 写明心愿如何实现（如“书包已送到”）。",
                    en: "Say how the wish came true with --note (e.g. \"bag delivered\").")
            }
            try Registry.checkText(text, field: Bilingual(zh: "说明", en: "note"), max: 500)
        case .claim, .cancel: text = ""
        }
        let at = now().millis
        return try store.write { tx in
            var wish = try Self.wish(id, in: tx)
            let who = try Self.wishActor(actor, wish: wish, in: tx)
            let from = wish.status
            wish.status = try WishMachine.next(
                from, action, by: who, actorID: actor, wish: wish.label, pointFunded: wish.pointFunded)
            wish.updatedAtMillis = at
            var transfers: [Transfer] = []
            switch action {
            case .claim: wish.claimant = actor
            case .cancel: wish.claimant = nil
            case .revoke: wish.claimant = nil; wish.reason = text
            case .takeDown:
                wish.reason = text
                transfers = try Self.returnDonations(of: &wish, donor: nil, actor: actor, atMillis: at, in: tx)
            case .realize:
                wish.note = text
                wish.realizedAtMillis = at
                if wish.donated > 0, let claimant = wish.claimant {
                    // A partner merchant of another community is paid into its receivable account
                    // in the wish's community (`M001@C02`), as a redemption pays it.
                    let credit = try Self.payee(claimant, community: wish.community, in: tx)
                    let request = TransferRequest(
                        kind: .fulfil, debit: Account.donation(wish.community), credit: credit, amount: wish.donated,
                        key: "wish-pay:\(wish.id)", reference: wish.label, memo: wish.title)
                    let posted = try Ledger.post(request, actor: actor, atMillis: at, in: tx)
                    wish.payment = posted.transfer.id
                    wish.donated = 0
                    transfers.append(posted.transfer)
                }
            }
            try tx.update(wish: wish)
            try tx.insert(
                wishHistory: WishHistory(
                    wish: wish.id, action: action.rawValue, fromStatus: from.rawValue, toStatus: wish.status.rawValue,
                    actor: actor, note: text, points: transfers.reduce(0) { $0 + $1.amount }, atMillis: at))
            try tx.insert(
                event: Self.wishEvent(WishMachine.eventType(action), wish, actor: actor, note: text, atMillis: at))
            return WishStep(wish: wish, transfers: transfers)
        }
    }

    /// A volunteer gives points to a point-funded wish that is open or claimed.
    /// - Parameter key: the idempotency key; the same key again returns the first donation.
    /// - Throws: usage for a bad amount; refused `wish-funding` beyond what the wish still asks
    ///   for, `insufficient-points` beyond the donor's balance, `wish-state` once it is final.
    public func donate(to id: Int64, points: Int64, key: String, actor: String) throws -> WishStep {
        guard points > 0, points <= Points.maximum else {
            throw JifenError.usage(
                .badAmount, zh: "捐赠积分必须是 1 到 \(Points.maximum) 之间的整数。",
                en: "A donation must be a whole number of points from 1 to \(Points.maximum).")
        }
        let at = now().millis
        return try store.write { tx in
            var wish = try Self.wish(id, in: tx)
            let request = TransferRequest(
                kind: .donate, debit: actor, credit: Account.donation(wish.community), amount: points, key: key,
                reference: wish.label, memo: wish.title)
            if let earlier = try tx.transfer(key: key), request.sameContent(as: earlier) {
                return WishStep(wish: wish, transfers: [earlier], replayed: true)
            }
            guard try tx.volunteer(actor) != nil else {
                throw JifenError.forbidden(
                    actor: actor,
                    action: Bilingual(
                        zh: "捐赠积分（须是登记的志愿者，用自己的积分）",
                        en: "donate points (a registered volunteer, from their own points)"))
            }
            guard !wish.status.isFinal else {
                throw JifenError.refused(
                    .wishState, zh: "微心愿 \(wish.label) 已\(wish.status.zh)，不再接受捐赠。",
                    en: "Wish \(wish.label) is \(wish.status.rawValue); it takes no more donations.")
            }
            let paid = try Self.raised(wish, in: tx)
            let needed = max(0, wish.points - paid)
            guard points <= needed else {
                throw JifenError.refused(
                    .wishFunding,
                    zh: wish.pointFunded
                        ? "微心愿 \(wish.label) 需要 \(wish.points) 积分，已有 \(paid)；捐赠 \(points) 超出所需（最多 \(needed)）。"
                        : "微心愿 \(wish.label) 不需要积分。",
                    en: wish.pointFunded
                        ? "Wish \(wish.label) asks for \(wish.points) points and has \(paid); a donation of \(points) "
                            + "is more than it needs (at most \(needed))."
                        : "Wish \(wish.label) asks for no points.")
            }
            let posted = try Ledger.post(request, actor: actor, atMillis: at, in: tx)
            wish.donated += points
            wish.updatedAtMillis = at
            try tx.update(wish: wish)
            try tx.insert(
                wishHistory: WishHistory(
                    wish: wish.id, action: "donate", fromStatus: wish.status.rawValue, toStatus: wish.status.rawValue,
                    actor: actor, points: points, atMillis: at))
            return WishStep(wish: wish, transfers: [posted.transfer], replayed: posted.replayed)
        }
    }

    /// A donor takes back everything they gave to a wish while it is still open (not once a
    /// claimant is on it). Each donation comes back by a linked reversal, to the days its points
    /// came from; repeating finds nothing left and is refused (`nothing-to-withdraw`), changing nothing.
    public func withdrawDonation(from id: Int64, actor: String) throws -> WishStep {
        let at = now().millis
        return try store.write { tx in
            var wish = try Self.wish(id, in: tx)
            let donations = try Self.donations(to: wish, in: tx).filter { $0.debit == actor }
            guard !donations.isEmpty else {
                throw JifenError.refused(
                    .nothingToWithdraw, zh: "\(actor) 没有捐赠给微心愿 \(wish.label) 的积分可收回。",
                    en: "\(actor) has no donation to wish \(wish.label) left to take back.")
            }
            guard wish.status == .open else {
                throw JifenError.refused(
                    .wishState, zh: "微心愿 \(wish.label) 现为「\(wish.status.zh)」，捐赠只能在待认领时收回。",
                    en:
                        "Wish \(wish.label) is \(wish.status.rawValue); a donation can be taken back only while it is open."
                )
            }
            let returned = try Self.returnDonations(of: &wish, donor: actor, actor: actor, atMillis: at, in: tx)
            guard !returned.isEmpty else {
                // Withdrawn before: say that nothing is left, not "took back" again.
                let given = donations.reduce(Int64(0)) { $0 + $1.amount }
                throw JifenError.refused(
                    .nothingToWithdraw,
                    zh: "\(actor) 捐给微心愿 \(wish.label) 的 \(given) 积分已经全部收回，没有可再收回的积分。",
                    en:
                        "\(actor) already took back all \(given) points given to wish \(wish.label); nothing is left to take back."
                )
            }
            wish.updatedAtMillis = at
            try tx.update(wish: wish)
            let points = returned.reduce(0) { $0 + $1.amount }
            try tx.insert(
                wishHistory: WishHistory(
                    wish: wish.id, action: "withdraw", fromStatus: wish.status.rawValue, toStatus: wish.status.rawValue,
                    actor: actor, points: points, atMillis: at))
            var event = Self.wishEvent("wish.withdrawn", wish, actor: actor, atMillis: at)
            event.payload = String(event.payload.dropLast()) + ",\"withdrawn\":\(points)}"
            try tx.insert(event: event)
            return WishStep(wish: wish, transfers: returned)
        }
    }

    // MARK: Helpers

    static func wish(_ id: Int64, in tx: any ReadTransaction) throws -> Wish {
        guard let wish = try tx.wish(id: id) else {
            throw JifenError.unknown(Bilingual(zh: "微心愿", en: "wish"), Registry.id(prefix: "W", number: Int(id)))
        }
        return wish
    }

    /// What the state machine needs to know about `actor` for this wish.
    static func wishActor(_ actor: String, wish: Wish, in tx: any WriteTransaction) throws -> WishActor {
        let kind: WishActor.Kind
        if let v = try tx.volunteer(actor), v.community == wish.community {
            kind = .volunteer
        } else if let m = try tx.merchant(actor), try Self.accepts(m, community: wish.community, in: tx) {
            kind = .merchant
        } else {
            kind = .none
        }
        let organizer = try tx.actsAsAdmin(actor) || tx.actsAsOrganizer(actor, team: wish.team)
        return WishActor(kind: kind, isOrganizer: organizer, isClaimant: wish.claimant == actor)
    }

    /// The wish's own merchants, and those that accept its community's points (通存通兑).
    static func accepts(_ merchant: Merchant, community: String, in tx: any ReadTransaction) throws -> Bool {
        if merchant.community == community { return true }
        return try tx.partnerships(merchant: merchant.id, community: community).first?.isActive ?? false
    }

    /// The account a wish's payment goes to: the claimant's own when it lives in the wish's
    /// community, else a merchant's receivable account there (`Account.receivable`), which exists
    /// from the day the community became its partner and stays when the partnership ends.
    static func payee(_ claimant: String, community: String, in tx: any ReadTransaction) throws -> String {
        guard let account = try tx.account(claimant), account.community != community,
            try tx.merchant(claimant) != nil
        else { return claimant }
        let receivable = Account.receivable(merchant: claimant, community: community)
        return try tx.account(receivable) == nil ? claimant : receivable
    }

    /// The wish's donations (transfers of kind `donate`), oldest first.
    static func donations(to wish: Wish, in tx: any ReadTransaction) throws -> [Transfer] {
        try tx.transfers(touching: Account.donation(wish.community), fromMillis: 0, toMillis: .max, limit: .max)
            .filter { $0.kind == .donate && $0.reference == wish.label }
    }

    /// What donors gave to a wish, less what went back to them.
    public static func raised(_ wish: Wish, in tx: any ReadTransaction) throws -> Int64 {
        guard let payment = wish.payment else { return wish.donated }
        return wish.donated + (try tx.transfer(id: payment)?.amount ?? 0)
    }

    /// Returns the donations (of one donor, or all) not yet returned, by linked reversals.
    static func returnDonations(
        of wish: inout Wish, donor: String?, actor: String, atMillis: Int64,
        in tx: any WriteTransaction
    ) throws -> [Transfer] {
        var returned: [Transfer] = []
        for d in try donations(to: wish, in: tx) where donor == nil || d.debit == donor {
            let left = d.amount - (try tx.reversals(of: d.id).reduce(0) { $0 + $1.amount })
            guard left > 0 else { continue }
            let request = TransferRequest(
                kind: .reverse, debit: d.credit, credit: d.debit, amount: left, key: "wish-return:\(d.id)",
                reference: wish.label, memo: donor == nil ? "wish taken down" : "donation withdrawn", reverses: d.id)
            let posted = try Ledger.post(request, actor: actor, atMillis: atMillis, in: tx)
            wish.donated -= left
            returned.append(posted.transfer)
        }
        return returned
    }

    /// `wish.*`: `{actor, at, beneficiary_kind, claimant?, community, donated, kind, note?, points, status, team, title, wish_id}`.
    /// Never the beneficiary's name or details: group chats read these.
    static func wishEvent(
        _ type: String, _ wish: Wish, actor: String, note: String = "", atMillis: Int64
    ) -> OutboxEvent {
        var json = JSONText()
        json.add("actor", actor)
        json.add("at", DayFormat.iso(millis: atMillis))
        json.add("beneficiary_kind", wish.beneficiaryKind.rawValue)
        json.add("claimant", wish.claimant)
        json.add("community", wish.community)
        json.add("donated", wish.donated)
        json.add("note", note.isEmpty ? nil : note)
        json.add("points", wish.points)
        json.add("status", wish.status.rawValue)
        json.add("team", wish.team)
        json.add("title", wish.title)
        json.add("wish_id", wish.label)
        return OutboxEvent(type: type, payload: json.string, atMillis: atMillis)
    }
}
