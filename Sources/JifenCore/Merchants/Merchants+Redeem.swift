import Foundation

extension Merchants {
    /// Redeems a volunteer's one-time code at a merchant: for an offer (its points, one unit of its
    /// stock) or for a number of points; at once, or as a hold for pickup later. The code is the six
    /// digits read aloud or the QR's secret; it allows at most the ceiling the volunteer saw.
    ///
    /// A code that is not live here (never issued, used, expired, voided by a newer one, another
    /// community's) is one answer, `code-wrong`, and is counted against the merchant: that count is
    /// the one thing a refused redemption writes. A merchant (owner and staff together) may present
    /// `codes.wrong_budget` wrong codes in any `codes.wrong_window_hours`; a success resets nothing.
    /// The wrong code that spends the budget raises `merchant.code_locked` for the organizers, and
    /// the merchant is stopped until its oldest wrong code leaves the window.
    /// - Returns: the receipt; `replayed` when the key had already done this.
    /// - Throws: `JifenError` — usage for malformed input, refused for rule violations.
    public func redeem(_ request: RedeemRequest, actor: String) throws -> Receipt {
        let code = try Codes.parse(request.code)
        guard (request.offer == nil) != (request.points == nil) else {
            throw JifenError.usage(
                .offerOrPoints, zh: "请二选一：选一个兑换项目，或填写积分数。",
                en: "Give exactly one: an offer, or a number of points.")
        }
        try Registry.checkText(request.key, field: Bilingual(zh: "幂等键", en: "idempotency key"), max: 200)
        let at = now().millis
        let outcome: Result<Receipt, JifenError> = try store.write { tx in
            try Self.redeem(request, code: code, actor: actor, atMillis: at, in: tx)
        }
        return try outcome.get()
    }

    /// The redemption inside one transaction. A wrong code is returned, not thrown, so its count
    /// commits; every other refusal throws and rolls back.
    static func redeem(
        _ request: RedeemRequest, code: Codes.Presented, actor: String, atMillis at: Int64,
        in tx: any WriteTransaction
    ) throws -> Result<Receipt, JifenError> {
        guard let merchant = try tx.account(request.merchant), merchant.kind == .merchant else {
            throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), request.merchant)
        }
        try requireMerchantOrAdmin(
            actor, merchant: merchant.id,
            action: Bilingual(zh: "以 \(merchant.id) 的名义兑换", en: "redeem as \(merchant.id)"), in: tx)
        let hash = code.hash
        if let existing = try tx.redemption(key: request.key) {
            guard existing.merchant == merchant.id, existing.offer == request.offer,
                request.points.map({ $0 == existing.points }) ?? true,
                existing.codeHash == hash, request.hold == (existing.hold != nil)
            else {
                throw JifenError.refused(
                    .keyReused, zh: "幂等键「\(request.key)」已用于另一笔兑换 \(existing.label)。请换一个键。",
                    en:
                        "The idempotency key \"\(request.key)\" was already used for a different redemption, \(existing.label). Use a new key."
                )
            }
            return .success(try receipt(existing, replayed: true, atMillis: at, in: tx))
        }
        let rules = try Rules(settings: tx.settings())
        // People read these refusals at the counter: the shop by its name.
        let shop = try tx.accountName(merchant.id).flatMap { $0.isEmpty ? nil : $0 } ?? merchant.id
        let window = Int64(rules.codeWrongWindowHours) * 3_600_000
        let wrong = try tx.wrongCodes(merchant: merchant.id, sinceMillis: at - window)
        if wrong.count >= rules.codeWrongBudget {
            // Free again when enough of the oldest wrong codes have left the window.
            let until = wrong[wrong.count - rules.codeWrongBudget] + window
            let time = DayFormat.minute(Date(millis: until), in: rules.timeZone)
            throw JifenError.refused(
                .merchantLocked,
                zh:
                    "\(shop) 在 \(rules.codeWrongWindowHours) 小时内输错了 \(rules.codeWrongBudget) 次兑换码，兑换已暂停到 \(time)，社区已收到通知。请到时再试，或联系社区核实。",
                en:
                    "\(shop) presented \(rules.codeWrongBudget) wrong codes within \(rules.codeWrongWindowHours) hours "
                    + "and is stopped from redeeming codes until \(time); the community has been told. Try again "
                    + "then, or talk to the community."
            )
        }
        let found: RedemptionCode?
        switch code {
        case .digits: found = try tx.codes(hash: hash).first { $0.isLive(atMillis: at) }
        case .secret: found = try tx.code(secretHash: hash).flatMap { $0.isLive(atMillis: at) ? $0 : nil }
        }
        guard let live = found, let volunteer = try tx.account(live.volunteer),
            let takings = try takingsAccount(merchant: merchant, volunteer: volunteer, in: tx)
        else {
            // Never issued, used, expired, voided or of a community the merchant does not accept:
            // one answer, and all count.
            try tx.insert(wrongCode: merchant.id, actor: actor, atMillis: at)
            let left = rules.codeWrongBudget - wrong.count - 1
            var error = JifenError.refused(
                .codeWrong,
                zh:
                    "这个付款码无效（输错了、已用过或已过期）。请核对，或请顾客在手机上点「出示付款码」换一个新码，最好扫二维码。\(shop) 在 \(rules.codeWrongWindowHours) 小时内还可输错 \(left) 次。",
                en:
                    "This code is not valid (mistyped, used or expired). Check it, or ask the customer to tap “Show my "
                    + "pay code” on her phone for a new one, and preferably scan its QR. \(shop) may present "
                    + "\(left) more wrong codes within \(rules.codeWrongWindowHours) hours."
            )
            if left == 0 {
                let until = (wrong.first ?? at) + window
                try tx.insert(
                    event: Events.codeLocked(
                        merchant: merchant.id, merchantName: try tx.accountName(merchant.id),
                        tries: rules.codeWrongBudget,
                        windowHours: rules.codeWrongWindowHours, untilMillis: until, actor: actor, atMillis: at))
                let time = DayFormat.minute(Date(millis: until), in: rules.timeZone)
                error.message.zh += "兑换已暂停到 \(time)，社区已收到通知。"
                error.message.en +=
                    " It is now stopped from redeeming codes until \(time), and the community has been told."
            }
            return .failure(error)
        }
        var points = request.points ?? 0
        var memo = ""
        let offer = try request.offer.map {
            try usableOffer($0, merchant: merchant.id, rules: rules, atMillis: at, in: tx)
        }
        if let offer {
            points = offer.points
            memo = offer.title
        }
        let ceiling = live.maxPoints ?? rules.codeMaxPoints
        guard points <= ceiling else {
            throw JifenError.refused(
                .codeOverLimit, zh: "这个付款码最多只能兑换 \(ceiling) 分，这笔要 \(points) 分。请顾客在付款码页面把上限改高，再出示新码。",
                en:
                    "This pay code allows at most \(ceiling) points; this redemption is \(points). Ask the customer to "
                    + "raise the ceiling on her pay code page and show the new code."
            )
        }
        if let offer {
            guard try tx.takeStock(offer: offer.id) else {
                throw JifenError.refused(
                    .outOfStock, zh: "兑换项目 \(offer.id)「\(offer.title)」已兑完。",
                    en: "Offer \(offer.id) \"\(offer.title)\" is out of stock.")
            }
        }
        var redemption = Redemption(
            merchant: merchant.id, volunteer: volunteer.id, offer: request.offer, points: points, key: request.key,
            codeHash: hash, status: request.hold ? .held : .redeemed, actor: actor, createdAtMillis: at)
        redemption.id = try tx.insert(redemption: redemption)
        guard try tx.useCode(id: live.id, atMillis: at, redemption: redemption.id) else {
            throw JifenError.refused(
                .codeWrong, zh: "这个付款码无效（已用过）。请顾客在手机上点「出示付款码」换一个新码。",
                en:
                    "This code is not valid (already used). Ask the customer to tap “Show my pay code” on her phone for a new one."
            )
        }
        let details = request.offer.map { TransferDetails(offerID: $0, offerTitle: memo) } ?? TransferDetails()
        let transferRequest = TransferRequest(
            kind: .redeem, debit: volunteer.id, credit: takings, amount: points,
            key: "redemption:\(request.key)", reference: redemption.label, memo: memo, details: details)
        if request.hold {
            redemption.hold = try Ledger.hold(transferRequest, actor: actor, atMillis: at, in: tx).hold.id
        } else {
            redemption.transfer = try Ledger.post(transferRequest, actor: actor, atMillis: at, in: tx).transfer.id
        }
        try tx.update(
            redemption: redemption.id, status: redemption.status, transfer: redemption.transfer, hold: redemption.hold)
        return .success(try receipt(redemption, replayed: false, atMillis: at, in: tx))
    }

    static func usableOffer(
        _ id: String, merchant: String, rules: Rules, atMillis at: Int64, in tx: any ReadTransaction
    ) throws -> Offer {
        guard let offer = try tx.offer(id: id) else { throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id) }
        guard offer.merchant == merchant else {
            throw JifenError.refused(
                .offerOtherMerchant, zh: "兑换项目 \(id) 属于 \(offer.merchant)，不是 \(merchant) 的。",
                en: "Offer \(id) belongs to \(offer.merchant), not to \(merchant).")
        }
        guard !offer.isRetired else {
            throw JifenError.refused(
                .offerRetired, zh: "兑换项目 \(id)「\(offer.title)」已下架。", en: "Offer \(id) \"\(offer.title)\" is retired.")
        }
        let today = DayFormat.string(Date(millis: at), in: rules.timeZone)
        if let from = offer.validFrom, today < from {
            throw JifenError.refused(
                .offerNotYet, zh: "兑换项目 \(id) 从 \(from) 起才能兑换。", en: "Offer \(id) can be redeemed from \(from).")
        }
        if let to = offer.validTo, today > to {
            throw JifenError.refused(.offerEnded, zh: "兑换项目 \(id) 已于 \(to) 截止。", en: "Offer \(id) ended on \(to).")
        }
        return offer
    }

    static func requireMerchantOrAdmin(
        _ actor: String, merchant: String, action: Bilingual, in tx: any ReadTransaction
    ) throws {
        guard try actor == merchant || tx.actsAsAdmin(actor) else {
            throw JifenError.forbidden(actor: actor, action: action)
        }
    }

    static func receipt(_ r: Redemption, replayed: Bool, atMillis: Int64, in tx: any ReadTransaction) throws -> Receipt
    {
        let left = try tx.account(r.volunteer).map { try Lots.available($0, nowMillis: atMillis, in: tx) } ?? 0
        return Receipt(
            redemption: r, transfer: try r.transfer.flatMap { try tx.transfer(id: $0) },
            hold: try r.hold.flatMap { try tx.hold(id: $0) }, balanceLeft: left, replayed: replayed)
    }
}
