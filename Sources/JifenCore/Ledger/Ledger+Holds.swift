import Foundation

extension Ledger {
    /// Reserves points for a later transfer. The points stay in the account but no longer count
    /// as available until the hold is posted, voided, or lapses after its timeout.
    /// - Parameter timeoutMinutes: overrides the `holds.timeout_minutes` setting.
    /// - Returns: the hold and whether it was an idempotent replay.
    public func hold(
        _ request: TransferRequest, actor: String, timeoutMinutes: Int? = nil
    ) throws -> (hold: Hold, replayed: Bool) {
        let at = now().millis
        return try store.write { tx in
            try Self.hold(request, actor: actor, atMillis: at, timeoutMinutes: timeoutMinutes, in: tx)
        }
    }

    /// `hold(_:actor:timeoutMinutes:)` inside a transaction the caller holds (a redemption
    /// reserves its points and its offer's stock in one transaction).
    public static func hold(
        _ request: TransferRequest, actor: String, atMillis at: Int64, timeoutMinutes: Int? = nil,
        in tx: any WriteTransaction
    ) throws -> (hold: Hold, replayed: Bool) {
        try validate(request)
        if let existing = try tx.hold(key: request.key) {
            guard existing.kind == request.kind, existing.debit == request.debit, existing.credit == request.credit,
                existing.amount == request.amount, existing.reference == request.reference,
                existing.memo == request.memo
            else {
                throw JifenError.refused(
                    .keyReused, zh: "幂等键「\(request.key)」已用于另一笔冻结 #\(existing.id)。",
                    en: "The idempotency key \"\(request.key)\" was already used for a different hold, #\(existing.id)."
                )
            }
            return (existing, true)
        }
        try tx.lock(accounts: [request.debit, request.credit].sorted())
        guard let debit = try tx.account(request.debit) else {
            throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), request.debit)
        }
        guard let credit = try tx.account(request.credit) else {
            throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), request.credit)
        }
        guard debit.community == credit.community else {
            throw JifenError.refused(.crossCommunity, zh: "积分不能跨社区流转。", en: "Points do not cross communities.")
        }
        if !debit.kind.mayGoNegative {
            let available = try Lots.available(debit, nowMillis: at, in: tx)
            guard request.amount <= available else {
                throw JifenError.insufficientPoints(
                    account: debit.id, available: max(0, available), requested: request.amount)
            }
        }
        let minutes = try timeoutMinutes ?? Rules(settings: tx.settings()).holdTimeoutMinutes
        var hold = Hold(
            kind: request.kind, debit: debit.id, credit: credit.id, amount: request.amount, key: request.key,
            reference: request.reference, actor: actor, memo: request.memo, createdAtMillis: at,
            expiresAtMillis: at + Int64(minutes) * 60_000)
        hold.id = try tx.insert(hold: hold)
        try tx.insert(
            event: Events.hold(hold, type: "points.held", actor: actor, atMillis: at, details: request.details, in: tx))
        return (hold, false)
    }

    /// Turns a pending hold into its transfer. A hold resolves at most once: posting twice
    /// returns the first transfer; posting a voided or lapsed hold is refused.
    public func postHold(_ id: Int64, actor: String) throws -> Posted {
        let at = now().millis
        return try store.write { tx in try Self.postHold(id, actor: actor, atMillis: at, in: tx) }
    }

    /// `postHold(_:actor:)` inside a transaction the caller holds.
    public static func postHold(
        _ id: Int64, actor: String, atMillis at: Int64, in tx: any WriteTransaction
    ) throws -> Posted {
        guard let hold = try tx.hold(id: id) else {
            throw JifenError.unknown(Bilingual(zh: "冻结", en: "hold"), "#\(id)")
        }
        switch hold.status {
        case .posted:
            if let tid = hold.transfer, let t = try tx.transfer(id: tid) { return Posted(transfer: t, replayed: true) }
            throw JifenError.fault(
                .holdWithoutTransfer, zh: "冻结 #\(id) 已入账却找不到转账。",
                en: "Hold #\(id) is posted but its transfer is missing.")
        case .voided, .lapsed:
            throw resolved(hold)
        case .pending:
            if hold.expiresAtMillis <= at {
                // Refused; the next `expire` run records the lapse (the points are already free).
                throw resolved(hold, lapsedNow: true)
            }
        }
        let details = try Events.offerDetails(hold: hold.id, in: tx)
        let request = TransferRequest(
            kind: hold.kind, debit: hold.debit, credit: hold.credit, amount: hold.amount,
            key: "hold:\(hold.id)", reference: hold.reference, memo: hold.memo, details: details)
        let posted = try post(request, actor: actor, atMillis: at, excludingHold: hold, in: tx)
        guard try tx.resolve(hold: hold.id, to: .posted, transfer: posted.transfer.id) else {
            throw JifenError.refused(.holdResolved, zh: "冻结 #\(id) 已处理。", en: "Hold #\(id) was already resolved.")
        }
        return posted
    }

    /// Gives the held points back. Voiding twice is harmless; voiding a posted hold is refused.
    public func voidHold(_ id: Int64, actor: String) throws -> Hold {
        let at = now().millis
        return try store.write { tx in try Self.voidHold(id, actor: actor, atMillis: at, in: tx).hold }
    }

    /// `voidHold(_:actor:)` inside a transaction the caller holds; `replayed` when it was already voided.
    public static func voidHold(
        _ id: Int64, actor: String, atMillis at: Int64, in tx: any WriteTransaction
    ) throws -> (hold: Hold, replayed: Bool) {
        guard var hold = try tx.hold(id: id) else {
            throw JifenError.unknown(Bilingual(zh: "冻结", en: "hold"), "#\(id)")
        }
        switch hold.status {
        case .voided: return (hold, true)
        case .posted, .lapsed: throw resolved(hold)
        case .pending: break
        }
        guard try tx.resolve(hold: id, to: .voided, transfer: nil) else {
            throw JifenError.refused(.holdResolved, zh: "冻结 #\(id) 已处理。", en: "Hold #\(id) was already resolved.")
        }
        hold.status = .voided
        try tx.insert(event: Events.hold(hold, type: "points.released", actor: actor, atMillis: at, in: tx))
        return (hold, false)
    }

    /// Marks every pending hold past its timeout as lapsed, one event each; returns them.
    /// A lapsed redemption hold also gives its offer's stock back.
    public func lapseHolds(actor: String) throws -> [Hold] {
        let at = now().millis
        return try store.write { tx in
            var lapsed: [Hold] = []
            for var hold in try tx.lapsedHolds(nowMillis: at)
            where try tx.resolve(hold: hold.id, to: .lapsed, transfer: nil) {
                hold.status = .lapsed
                try tx.insert(event: Events.hold(hold, type: "points.released", actor: actor, atMillis: at, in: tx))
                try Merchants.holdEnded(holdID: hold.id, status: .lapsed, in: tx)
                lapsed.append(hold)
            }
            return lapsed
        }
    }

    static func resolved(_ hold: Hold, lapsedNow: Bool = false) -> JifenError {
        let status = lapsedNow ? HoldStatus.lapsed : hold.status
        let zh =
            ["posted": "已领取入账", "voided": "已撤销", "lapsed": "已超时退回", "pending": "待处理"][status.rawValue]
            ?? status.rawValue
        return .refused(
            .holdResolved, zh: "冻结 #\(hold.id) \(zh)，不能再处理。",
            en: "Hold #\(hold.id) is already \(status.rawValue) and cannot be resolved again.")
    }
}
