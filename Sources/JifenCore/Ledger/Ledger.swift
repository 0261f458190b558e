public import Foundation

/// What a caller asks the ledger to move.
public struct TransferRequest: Sendable, Equatable {
    public var kind: TransferKind
    public var debit: String
    public var credit: String
    public var amount: Int64
    /// The idempotency key: the same key with the same content returns the first result.
    public var key: String
    public var reference: String
    public var memo: String
    public var reverses: Int64?
    /// What the transfer's event says besides (activity, offer); not part of its content.
    public var details = TransferDetails()

    public init(
        kind: TransferKind, debit: String, credit: String, amount: Int64, key: String,
        reference: String = "", memo: String = "", reverses: Int64? = nil, details: TransferDetails = TransferDetails()
    ) {
        self.details = details
        self.kind = kind
        self.debit = debit
        self.credit = credit
        self.amount = amount
        self.key = key
        self.reference = reference
        self.memo = memo
        self.reverses = reverses
    }

    func sameContent(as t: Transfer) -> Bool {
        kind == t.kind && debit == t.debit && credit == t.credit && amount == t.amount
            && reference == t.reference && memo == t.memo && reverses == t.reverses
    }
}

/// The result of a write: the transfer, and whether it was already there (an idempotent retry).
public struct Posted: Sendable, Equatable {
    public var transfer: Transfer
    public var replayed: Bool
}

/// The double-entry points ledger. Every rule of the ledger lives here, once: stores only read
/// and write rows inside the transaction they give.
///
/// Invariants kept by every operation (and proven by `Verifier`):
/// - each transfer has one debit, one credit and a positive whole amount; the balances sum to zero;
/// - transfers are never changed; a correction is a new, linked transfer;
/// - an idempotency key names one content, forever;
/// - volunteer, merchant and sink accounts never go below zero, counting pending holds;
/// - a volunteer's lots add up to their balance; spending takes the oldest lots first;
/// - each transfer's hash covers its content (its memo by digest) and the previous hash of its community's chain.
public struct Ledger: Sendable {
    public let store: any Store
    public let now: @Sendable () -> Date

    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Moves points, or returns the earlier result of the same key.
    /// - Parameters:
    ///   - request: what to move; `reverses` only through `reverse(_:reason:actor:)`.
    ///   - actor: who acts; recorded on the transfer.
    /// - Returns: the transfer and whether it was a replay.
    /// - Throws: `JifenError` — usage for malformed input, refused for rule violations.
    public func post(_ request: TransferRequest, actor: String) throws -> Posted {
        let at = now().millis
        return try store.write { tx in try Self.post(request, actor: actor, atMillis: at, in: tx) }
    }

    /// The admin's credit to an account from its community's issuance account.
    public func grant(to account: String, amount: Int64, reason: String, key: String, actor: String) throws -> Posted {
        let at = now().millis
        return try store.write { tx in
            let action = Bilingual(zh: "发放积分", en: "grant points")
            try Permissions.requireAnyAdmin(actor, action: action, in: tx)
            let reason = try Self.requireReason(reason)
            let unknown = JifenError.unknown(Bilingual(zh: "账户", en: "account"), account)
            guard let target = try tx.account(account) else { throw unknown }
            try Permissions.requireAdmin(actor, over: target.community, action: action, hiding: unknown, in: tx)
            let request = TransferRequest(
                kind: .grant, debit: Account.issuance(target.community), credit: account,
                amount: amount, key: key, memo: reason)
            return try Self.post(request, actor: actor, atMillis: at, in: tx)
        }
    }

    /// A transfer between accounts: a volunteer giving to family (only from their own account),
    /// or an admin moving points (recorded as `adjust`).
    public func transfer(
        from: String, to: String, amount: Int64, memo: String, key: String, actor: String
    ) throws -> Posted {
        let at = now().millis
        return try store.write { tx in
            // Everything this posting reads, the actor's role included, in one round trip where the store can.
            try tx.prefetchPosting(
                PostingReads(debit: from, credit: to, key: key, nowMillis: at, admin: actor == from ? nil : actor))
            // A volunteer giving their own points needs no role: ask the store only otherwise.
            let admin = actor == from ? false : try tx.actsAsAdmin(actor)
            guard admin || actor == from else {
                throw JifenError.forbidden(
                    actor: actor, action: Bilingual(zh: "从 \(from) 转出积分", en: "move points out of \(from)"))
            }
            let kind: TransferKind = admin && actor != from ? .adjust : .transfer
            let request = TransferRequest(kind: kind, debit: from, credit: to, amount: amount, key: key, memo: memo)
            return try Self.post(request, actor: actor, atMillis: at, in: tx)
        }
    }

    /// Corrects a transfer by a new one in the other direction, linked to it.
    /// Only what was not yet refunded or reversed is reversed; a reversal is never reversed.
    public func reverse(_ id: Int64, reason: String, actor: String) throws -> Posted {
        let at = now().millis
        return try store.write { tx in
            let action = Bilingual(zh: "冲正转账", en: "reverse a transfer")
            try Permissions.requireAnyAdmin(actor, action: action, in: tx)
            let reason = try Self.requireReason(reason)
            let unknown = JifenError.unknown(Bilingual(zh: "转账", en: "transfer"), "#\(id)")
            guard let original = try tx.transfer(id: id) else { throw unknown }
            // An office admin reverses only transfers whose both sides lie below its offices.
            for side in [original.debit, original.credit] {
                guard let community = try tx.account(side)?.community else { throw unknown }
                try Permissions.requireAdmin(actor, over: community, action: action, hiding: unknown, in: tx)
            }
            guard original.kind != .reverse else {
                throw JifenError.refused(
                    .cannotReverse, zh: "#\(id) 本身是冲正，不能再冲正。如需更正，请新建一笔转账。",
                    en: "#\(id) is itself a reversal and cannot be reversed. Make a new transfer to correct it.")
            }
            guard original.kind != .donate, original.kind != .fulfil else {
                throw JifenError.refused(
                    .cannotReverse, zh: "#\(id) 是微心愿的积分，请用 jifen wish withdraw 或 wish take-down 退回。",
                    en: "#\(id) belongs to a micro-wish; give it back with jifen wish withdraw or take the wish down.")
            }
            let earlier = try tx.reversals(of: id)
            if let done = earlier.first(where: { $0.kind == .reverse }) {
                if done.memo == reason { return Posted(transfer: done, replayed: true) }
                throw JifenError.refused(
                    .alreadyReversed, zh: "#\(id) 已被 #\(done.id) 冲正。",
                    en: "#\(id) was already reversed by #\(done.id).")
            }
            let left = original.amount - earlier.reduce(0) { $0 + $1.amount }
            guard left > 0 else {
                throw JifenError.refused(
                    .alreadyReversed, zh: "#\(id) 的积分已全部退回，无可冲正。",
                    en: "All points of #\(id) were already given back; nothing is left to reverse.")
            }
            let request = TransferRequest(
                kind: .reverse, debit: original.credit, credit: original.debit, amount: left,
                key: "reverse:\(id)", reference: original.reference, memo: reason, reverses: id)
            return try Self.post(request, actor: actor, atMillis: at, in: tx)
        }
    }

    static func requireReason(_ reason: String) throws -> String {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw JifenError.usage(
                .reasonRequired, zh: "请用 --reason 写明原因，审计时要看。",
                en: "Give a reason with --reason; auditors read it.")
        }
        try Registry.checkText(trimmed, field: Bilingual(zh: "原因", en: "reason"), max: 500)
        return trimmed
    }

    // MARK: The one write path

    /// Posts a transfer inside a transaction the caller holds. Every operation that moves points
    /// (grant, earn, redeem, refund, expire, hold posting…) comes through here.
    /// - Parameter excludingHold: a hold being posted, whose reservation must not count against itself.
    public static func post(
        _ request: TransferRequest, actor: String, atMillis: Int64,
        excludingHold hold: Hold? = nil, in tx: any WriteTransaction
    ) throws -> Posted {
        try validate(request)
        try tx.prefetchPosting(
            PostingReads(debit: request.debit, credit: request.credit, key: request.key, nowMillis: atMillis))
        if let existing = try tx.transfer(key: request.key) {
            guard request.sameContent(as: existing) else {
                throw JifenError.refused(
                    .keyReused,
                    zh: "幂等键「\(request.key)」已用于另一笔不同的转账 #\(existing.id)。请换一个键。",
                    en:
                        "The idempotency key \"\(request.key)\" was already used for a different transfer, #\(existing.id). Use a new key."
                )
            }
            return Posted(transfer: existing, replayed: true)
        }
        try tx.lock(accounts: [request.debit, request.credit].sorted(), posting: true)
        guard let debit = try tx.account(request.debit) else {
            throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), request.debit)
        }
        guard let credit = try tx.account(request.credit) else {
            throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), request.credit)
        }
        guard debit.community == credit.community else {
            throw JifenError.refused(
                .crossCommunity,
                zh: "\(debit.id) 与 \(credit.id) 属于不同社区，积分不能跨社区流转。",
                en: "\(debit.id) and \(credit.id) belong to different communities; points do not cross communities.")
        }
        if request.kind == .transfer, debit.kind != .volunteer || credit.kind != .volunteer {
            throw JifenError.refused(
                .badAccounts, zh: "只有志愿者之间可以互赠积分。", en: "Only volunteers may give points to each other.")
        }
        var standing: LotStanding?
        if !debit.kind.mayGoNegative {
            var available: Int64
            if debit.kind.keepsLots {
                // A volunteer: pending holds keep their own lots, and lapsed points are not
                // spendable even before `expire` runs (only expiry and a reversal take them).
                let lots = try Lots.standing(account: debit.id, nowMillis: atMillis, in: tx)
                standing = lots
                available =
                    request.kind == .expire || request.kind == .reverse
                    ? debit.balance - lots.held : lots.available(balance: debit.balance)
                if let hold, hold.debit == debit.id { available += lots.reservedBy(hold: hold.id) }
            } else {
                var held = try tx.heldAmount(account: debit.id, nowMillis: atMillis)
                if let hold, hold.debit == debit.id { held -= hold.amount }
                available = debit.balance - held
            }
            guard request.amount <= available else {
                throw JifenError.insufficientPoints(
                    account: debit.id, available: max(0, available), requested: request.amount)
            }
        }
        var transfer = Transfer(
            kind: request.kind, debit: debit.id, credit: credit.id,
            amount: request.amount, key: request.key, reference: request.reference, actor: actor,
            memo: request.memo, reverses: request.reverses, hold: hold?.id, atMillis: atMillis)
        // Transfers never cross communities: the debit's community is the chain that holds it.
        transfer.community = debit.community
        TransferHash.saltMemo(&transfer)
        switch tx.chaining {
        case .inline:
            let head = try tx.chainHead(community: transfer.community)
            transfer.id = try tx.newTransferID()
            transfer.seq = (head?.seq ?? 0) + 1
            transfer.prevHash = head?.hash ?? TransferHash.genesis
            transfer.hash = TransferHash.compute(transfer)
        case .afterCommit:
            transfer.id = try tx.newTransferID()
        }
        _ = try tx.insert(transfer: transfer)
        try tx.moveBalance(amount: request.amount, from: debit.id, to: credit.id)
        try Lots.move(transfer, from: debit, to: credit, standing: standing, in: tx)
        let fromName = try Events.name(debit, in: tx)
        let toName = try Events.name(credit, in: tx)
        try tx.insert(event: Events.transfer(transfer, fromName: fromName, toName: toName, details: request.details))
        return Posted(transfer: transfer, replayed: false)
    }

    static func validate(_ request: TransferRequest) throws {
        guard request.amount > 0, request.amount <= Points.maximum else {
            throw JifenError.usage(
                .badAmount, zh: "积分数必须是 1 到 \(Points.maximum) 之间的整数。",
                en: "The points amount must be a whole number from 1 to \(Points.maximum).")
        }
        guard request.debit != request.credit else {
            throw JifenError.usage(
                .sameAccount, zh: "转出和转入是同一个账户 \(request.debit)。",
                en: "The paying and receiving account are the same, \(request.debit).")
        }
        try Registry.checkText(request.key, field: Bilingual(zh: "幂等键", en: "idempotency key"), max: 200)
        if !request.memo.isEmpty {
            try Registry.checkText(request.memo, field: Bilingual(zh: "备注", en: "memo"), max: 500)
        }
    }
}
