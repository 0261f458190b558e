import Foundation

extension Ledger {
    /// Redeems a volunteer's one-time code at a merchant: for an offer (its points, one unit of its
    /// stock) or for a number of points; at once, or as a hold for pickup later.
    ///
    /// A wrong, used or expired code is refused and counted against the merchant (that count is the
    /// one thing a refused redemption writes); after `codes.max_wrong_tries` in a row the merchant
    /// is locked out for `codes.lockout_minutes`, with a `merchant.code_locked` event.
    /// - Returns: the receipt; `replayed` when the key had already done this.
    /// - Throws: `JifenError` — usage for malformed input, refused for rule violations.
    public func redeem(_ request: RedeemRequest, actor: String) throws -> Receipt {
        let code = try Codes.normalise(request.code)
        guard (request.offer == nil) != (request.points == nil) else {
            throw JifenError.usage(.offerOrPoints, zh: "请二选一：--offer 兑换项目，或 --points 积分数。",
                                   en: "Give exactly one of --offer (an offer) or --points (a number of points).")
        }
        try Registry.checkText(request.key, field: Bilingual(zh: "幂等键", en: "idempotency key"), max: 200)
        let at = now().millis
        let outcome: Result<Receipt, JifenError> = try store.write { tx in
            try Self.redeem(request, code: code, actor: actor, atMillis: at, in: tx)
        }
        return try outcome.get()
    }

    /// The redemption inside one transaction. Failures of the code are returned, not thrown, so
    /// the count of wrong tries commits; every other refusal throws and rolls back.
    static func redeem(_ request: RedeemRequest, code: String, actor: String, atMillis at: Int64,
                       in tx: any LedgerWriting) throws -> Result<Receipt, JifenError> {
        guard let merchant = try tx.account(request.merchant), merchant.kind == .merchant else {
            throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), request.merchant)
        }
        try requireMerchantOrAdmin(actor, merchant: merchant.id, action: Bilingual(zh: "以 \(merchant.id) 的名义兑换", en: "redeem as \(merchant.id)"), in: tx)
        let hash = Codes.hash(code)
        if let existing = try tx.redemption(key: request.key) {
            guard existing.merchant == merchant.id, existing.offer == request.offer, request.points.map({ $0 == existing.points }) ?? true,
                  existing.codeHash == hash, request.hold == (existing.hold != nil) else {
                throw JifenError.refused(.keyReused, zh: "幂等键「\(request.key)」已用于另一笔兑换 \(existing.label)。请换一个键。",
                                         en: "The idempotency key \"\(request.key)\" was already used for a different redemption, \(existing.label). Use a new key.")
            }
            return .success(try receipt(existing, replayed: true, atMillis: at, in: tx))
        }
        let rules = try Rules(settings: tx.settings())
        var guardState = try tx.codeGuard(merchant: merchant.id)
        if let until = guardState.lockedUntilMillis, until > at {
            let time = DayFormat.minute(Date(millis: until), in: rules.timeZone)
            throw JifenError.refused(.merchantLocked, zh: "\(merchant.id) 输错兑换码次数过多，已被锁定到 \(time)。请到时再试，或请管理员核实。",
                                     en: "\(merchant.id) typed too many wrong codes and is locked out of code redemption until \(time). Try again then, or ask the admin.")
        }
        let codes = try tx.codes(hash: hash)
        guard let live = codes.first(where: { $0.usedAtMillis == nil && $0.expiresAtMillis > at }) else {
            var error: JifenError
            if let latest = codes.first, latest.usedAtMillis != nil {
                error = .refused(.codeUsed, zh: "兑换码 \(code) 已经用过（一个码只能用一次）。请让志愿者用 jifen code 出示新码。",
                                 en: "The code \(code) was already used (each code works once). Ask the volunteer for a fresh one (jifen code).")
            } else if codes.first != nil {
                error = .refused(.codeExpired, zh: "兑换码 \(code) 已过期（有效 \(rules.codeTTLMinutes) 分钟）。请让志愿者用 jifen code 出示新码。",
                                 en: "The code \(code) has expired (codes last \(rules.codeTTLMinutes) minutes). Ask the volunteer for a fresh one (jifen code).")
            } else {
                error = .refused(.codeWrong, zh: "兑换码 \(code) 不正确。请核对后重输；连续输错 \(rules.codeMaxWrongTries) 次将被锁定。",
                                 en: "The code \(code) is wrong. Check it and type it again; \(rules.codeMaxWrongTries) wrong codes in a row lock the merchant out.")
            }
            guardState.failures += 1
            if guardState.failures >= rules.codeMaxWrongTries {
                let until = at + Int64(rules.codeLockoutMinutes) * 60_000
                guardState = CodeGuard(failures: 0, lockedUntilMillis: until)
                try tx.insert(event: Events.codeLocked(merchant: merchant.id, merchantName: try tx.accountName(merchant.id), tries: rules.codeMaxWrongTries, untilMillis: until, actor: actor, atMillis: at))
                let time = DayFormat.minute(Date(millis: until), in: rules.timeZone)
                error.message.zh += "\(merchant.id) 已连续输错 \(rules.codeMaxWrongTries) 次，锁定到 \(time)。"
                error.message.en += " \(merchant.id) has now typed \(rules.codeMaxWrongTries) wrong codes in a row and is locked out until \(time)."
            }
            try tx.setCodeGuard(merchant: merchant.id, guardState)
            return .failure(error)
        }
        guard let volunteer = try tx.account(live.volunteer), volunteer.community == merchant.community else {
            throw JifenError.refused(.crossCommunity, zh: "该兑换码属于其他社区的志愿者。", en: "The code belongs to a volunteer of another community.")
        }
        var points = request.points ?? 0
        var memo = ""
        if let offerID = request.offer {
            let offer = try usableOffer(offerID, merchant: merchant.id, rules: rules, atMillis: at, in: tx)
            points = offer.points
            memo = offer.title
            guard try tx.takeStock(offer: offer.id) else {
                throw JifenError.refused(.outOfStock, zh: "兑换项目 \(offer.id)「\(offer.title)」已兑完。", en: "Offer \(offer.id) \"\(offer.title)\" is out of stock.")
            }
        }
        var redemption = Redemption(merchant: merchant.id, volunteer: volunteer.id, offer: request.offer, points: points, key: request.key,
                                    codeHash: hash, status: request.hold ? .held : .redeemed, actor: actor, createdAtMillis: at)
        redemption.id = try tx.insert(redemption: redemption)
        guard try tx.useCode(id: live.id, atMillis: at, redemption: redemption.id) else {
            throw JifenError.refused(.codeUsed, zh: "兑换码 \(code) 已经用过。", en: "The code \(code) was already used.")
        }
        let details = request.offer.map { TransferDetails(offerID: $0, offerTitle: memo) } ?? TransferDetails()
        let transferRequest = TransferRequest(kind: .redeem, debit: volunteer.id, credit: merchant.id, amount: points,
                                              key: "redemption:\(request.key)", reference: redemption.label, memo: memo, details: details)
        if request.hold {
            redemption.hold = try hold(transferRequest, actor: actor, atMillis: at, in: tx).hold.id
        } else {
            redemption.transfer = try post(transferRequest, actor: actor, atMillis: at, in: tx).transfer.id
        }
        try tx.update(redemption: redemption.id, status: redemption.status, transfer: redemption.transfer, hold: redemption.hold)
        if guardState.failures > 0 { try tx.setCodeGuard(merchant: merchant.id, CodeGuard(failures: 0, lockedUntilMillis: guardState.lockedUntilMillis)) }
        return .success(try receipt(redemption, replayed: false, atMillis: at, in: tx))
    }

    static func usableOffer(_ id: String, merchant: String, rules: Rules, atMillis at: Int64, in tx: any LedgerReading) throws -> Offer {
        guard let offer = try tx.offer(id: id) else { throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id) }
        guard offer.merchant == merchant else {
            throw JifenError.refused(.offerOtherMerchant, zh: "兑换项目 \(id) 属于 \(offer.merchant)，不是 \(merchant) 的。",
                                     en: "Offer \(id) belongs to \(offer.merchant), not to \(merchant).")
        }
        guard !offer.isRetired else {
            throw JifenError.refused(.offerRetired, zh: "兑换项目 \(id)「\(offer.title)」已下架。", en: "Offer \(id) \"\(offer.title)\" is retired.")
        }
        let today = DayFormat.string(Date(millis: at), in: rules.timeZone)
        if let from = offer.validFrom, today < from {
            throw JifenError.refused(.offerNotYet, zh: "兑换项目 \(id) 从 \(from) 起才能兑换。", en: "Offer \(id) can be redeemed from \(from).")
        }
        if let to = offer.validTo, today > to {
            throw JifenError.refused(.offerEnded, zh: "兑换项目 \(id) 已于 \(to) 截止。", en: "Offer \(id) ended on \(to).")
        }
        return offer
    }

    static func requireMerchantOrAdmin(_ actor: String, merchant: String, action: Bilingual, in tx: any LedgerReading) throws {
        guard try actor == merchant || tx.isAdmin(actor) else { throw JifenError.forbidden(actor: actor, action: action) }
    }

    static func receipt(_ r: Redemption, replayed: Bool, atMillis: Int64, in tx: any LedgerReading) throws -> Receipt {
        let left = try tx.account(r.volunteer).map { try Lots.available($0, nowMillis: atMillis, in: tx) } ?? 0
        return Receipt(redemption: r, transfer: try r.transfer.flatMap { try tx.transfer(id: $0) },
                       hold: try r.hold.flatMap { try tx.hold(id: $0) }, balanceLeft: left, replayed: replayed)
    }
}
