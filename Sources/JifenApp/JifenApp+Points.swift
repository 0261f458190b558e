import Foundation
public import JifenCore

/// Points: balances and statements, writes that move points (grant, transfer, reverse), the
/// redemption round (code, redeem, pickup, release, refund, settle), expiry, verify and export.
extension JifenApp {
    // MARK: Reading

    /// A volunteer's service standing as `balance` shows it.
    public struct ServiceStanding: Codable, Sendable, Equatable {
        public var minutes: Int64
        public var records: Int
        /// Stars earned by the hours served (0: none yet).
        public var star: Int
        /// Hours still to serve for the next star; nil at the top.
        public var hoursToNextStar: Double?
    }

    public struct BalanceResult: Codable, Sendable, Equatable {
        public var view: BalanceView
        /// Present for a volunteer, nil for a merchant or system account.
        public var service: ServiceStanding?
    }

    /// An account's points, and for a volunteer the service hours and star level.
    public func balance(_ principal: Principal, _ account: String) throws -> BalanceResult {
        if !principal.isOwner { try Permissions.requireAccountReader(actor: principal.id, account: account, in: store) }
        let view = try ledger.balance(account, nowMillis: nowMillis)
        guard try store.isVolunteer(account) else { return BalanceResult(view: view, service: nil) }
        let totals = try store.serviceTotals(volunteer: account)
        let star = try settings.rules().star(forMinutes: totals.minutes)
        return BalanceResult(
            view: view,
            service: ServiceStanding(
                minutes: totals.minutes, records: totals.records,
                star: star.level, hoursToNextStar: star.hoursToNext))
    }

    public struct StatementInput: Codable, Sendable {
        public var account: String
        /// First day (inclusive) or instant, in the app's zone.
        public var from: String?
        /// Last day (inclusive: a bare day means through its end) or instant.
        public var to: String?
        public init(account: String, from: String? = nil, to: String? = nil) {
            self.account = account; self.from = from; self.to = to
        }
    }

    public struct StatementResult: Codable, Sendable, Equatable {
        public var account: String
        public var openingBalance: Int64
        public var lines: [StatementLine]
        /// The names of the people and merchants on the other side of the lines, by account (none for
        /// the community's own accounts), so a page says "张桂兰 转来", not an id.
        public var names: [String: String] = [:]
    }

    /// The most lines one statement returns.
    public static let statementLimit = 10_000

    /// Every movement of an account's points in a range, with the balance after each.
    /// - Throws: usage `bad-date` for an unreadable day, `bad-range` when `to` is not after `from`.
    public func statement(_ principal: Principal, _ input: StatementInput) throws -> StatementResult {
        let fromMillis = try input.from.map { try DayFormat.parse($0, in: zone, field: "--from").millis }
        let toMillis = try input.to.map { day -> Int64 in
            let start = try DayFormat.parse(day, in: zone, field: "--to")
            // A bare day means through the end of that calendar day in the community's zone.
            guard day.count <= 10 else { return start.millis }
            return try DayFormat.startMillis(
                of: DayFormat.adding(days: 1, to: DayFormat.day(day, in: zone, field: "--to"), in: zone), in: zone)
        }
        if let fromMillis, let toMillis, toMillis <= fromMillis {
            throw JifenError.usage(
                .badRange, zh: "--to 早于 --from，请检查日期。", en: "--to is before --from; check the dates.")
        }
        if !principal.isOwner {
            try Permissions.requireAccountReader(actor: principal.id, account: input.account, in: store)
        }
        let (opening, lines) = try ledger.statement(
            input.account, fromMillis: fromMillis, toMillis: toMillis, limit: Self.statementLimit)
        let others = Set(lines.map(\.counterparty)).filter { !Account.isSystem($0) }
        let names = try store.read { tx in
            try others.reduce(into: [String: String]()) { names, id in
                if let name = try tx.accountName(id), !name.isEmpty { names[id] = name }
            }
        }
        return StatementResult(account: input.account, openingBalance: opening, lines: lines, names: names)
    }

    // MARK: Writes that move points

    /// A write's transfer as the hash chain holds it, and the balance of the person's side after it.
    public struct PostedResult: Codable, Sendable, Equatable {
        public var transfer: Transfer
        /// True when the idempotency key had already done it: nothing new was written.
        public var replayed: Bool
        /// The account whose balance follows.
        public var account: String
        public var balance: Int64
    }

    public struct GrantInput: Codable, Sendable {
        public var account: String
        public var points: Int64
        public var reason: String
        /// Idempotency key; nil: a fresh one (the call is its own operation).
        public var key: String?
        public init(account: String, points: Int64, reason: String, key: String? = nil) {
            self.account = account; self.points = points; self.reason = reason; self.key = key
        }
    }

    /// Credits points from the community's issuance account (admin).
    public func grant(_ principal: Principal, _ input: GrantInput) throws -> PostedResult {
        let posted = try ledger.grant(
            to: input.account, amount: input.points, reason: input.reason,
            key: input.key ?? Self.freshKey("grant"), actor: principal.id)
        return try result(posted, balanceOf: input.account)
    }

    public struct TransferInput: Codable, Sendable {
        public var from: String
        public var to: String
        public var points: Int64
        public var memo: String
        public var key: String?
        public init(from: String, to: String, points: Int64, memo: String = "", key: String? = nil) {
            self.from = from; self.to = to; self.points = points; self.memo = memo; self.key = key
        }
    }

    /// Moves points between accounts: a volunteer giving their own, or an admin.
    public func transfer(_ principal: Principal, _ input: TransferInput) throws -> PostedResult {
        try Self.requireConsent(principal, spending: input.from)
        let posted = try ledger.transfer(
            from: input.from, to: input.to, amount: input.points, memo: input.memo,
            key: input.key ?? Self.freshKey("transfer"), actor: principal.id)
        return try result(posted, balanceOf: input.from)
    }

    public struct ReverseInput: Codable, Sendable {
        public var transfer: Int64
        public var reason: String
        public init(transfer: Int64, reason: String) { self.transfer = transfer; self.reason = reason }
    }

    /// Corrects a transfer by a linked one in the other direction (admin).
    public func reverse(_ principal: Principal, _ input: ReverseInput) throws -> PostedResult {
        let posted = try ledger.reverse(input.transfer, reason: input.reason, actor: principal.id)
        // Show the person's side of the correction, not the community's system account.
        let side = Account.isSystem(posted.transfer.debit) ? posted.transfer.credit : posted.transfer.debit
        return try result(posted, balanceOf: side)
    }

    // MARK: Redemptions

    public struct IssuedCode: Codable, Sendable, Equatable {
        public var volunteer: String
        /// The digits to read out; only their hash is stored.
        public var code: String
        /// What the QR carries: 128 random bits (26 base32 characters); only its hash is stored.
        public var secret: String
        /// The most points one redemption with this code may take: what the volunteer consents to.
        public var maxPoints: Int64
        public var expiresAtMillis: Int64
    }

    public struct IssueCodeInput: Codable, Sendable {
        public var account: String
        /// The ceiling; nil for `codes.max_points`.
        public var maxPoints: Int64?
        public init(account: String, maxPoints: Int64? = nil) { self.account = account; self.maxPoints = maxPoints }
    }

    /// A one-time redemption code: the volunteer's consent to one redemption of at most its
    /// ceiling. It voids the volunteer's previous code.
    public func issueCode(_ principal: Principal, _ input: IssueCodeInput) throws -> IssuedCode {
        try Self.requireConsent(principal, spending: input.account)
        let issued = try merchants.issueCode(volunteer: input.account, maxPoints: input.maxPoints, actor: principal.id)
        return IssuedCode(
            volunteer: input.account, code: issued.code, secret: issued.secret, maxPoints: issued.maxPoints,
            expiresAtMillis: issued.expiresAtMillis)
    }

    public struct CodeStateInput: Codable, Sendable {
        public var account: String
        /// The QR's secret of the code asked about (it names one code; the digits recur).
        public var secret: String
        public init(account: String, secret: String) { self.account = account; self.secret = secret }
    }

    /// What became of a pay code: still live, redeemed (where, what, for how much, and her points
    /// now), held for pickup, voided by a newer code, or expired.
    public struct CodeStateResult: Codable, Sendable, Equatable {
        public var volunteer: String
        public var state: PayCodeState.State
        public var maxPoints: Int64
        public var expiresAtMillis: Int64
        /// The redemption's number (`R001`), merchant and offer when it was used.
        public var redemption: String?
        public var merchant: String?
        public var merchantName: String?
        public var offer: String?
        public var offerTitle: String?
        public var points: Int64?
        /// Her points now, and those she may spend now.
        public var balance: Int64
        public var available: Int64
    }

    /// The state of one of the volunteer's pay codes (her own, or an admin's asking), so the page
    /// showing it learns of a redemption or a newer code at once.
    public func codeState(_ principal: Principal, _ input: CodeStateInput) throws -> CodeStateResult {
        let state = try merchants.codeState(volunteer: input.account, secret: input.secret, actor: principal.id)
        let view = try ledger.balance(input.account, nowMillis: nowMillis)
        let r = state.redemption
        return CodeStateResult(
            volunteer: input.account, state: state.state, maxPoints: state.maxPoints,
            expiresAtMillis: state.expiresAtMillis,
            redemption: r?.label, merchant: r?.merchant, merchantName: state.merchantName, offer: r?.offer,
            offerTitle: state.offerTitle, points: r?.points, balance: view.balance, available: view.available)
    }

    /// A redemption after a redeem, pickup or release.
    public struct ReceiptResult: Codable, Sendable, Equatable {
        public var redemption: Redemption
        public var transfer: Transfer?
        public var hold: Hold?
        /// The volunteer's available points after it.
        public var balanceLeft: Int64
        public var replayed: Bool

        init(_ r: Receipt) {
            redemption = r.redemption; transfer = r.transfer; hold = r.hold; balanceLeft = r.balanceLeft;
            replayed = r.replayed
        }
    }

    public struct RedeemInput: Codable, Sendable {
        public var merchant: String
        public var code: String
        public var offer: String?
        public var points: Int64?
        public var key: String?
        /// Reserve for pickup later instead of paying now.
        public var hold: Bool
        public init(
            merchant: String, code: String, offer: String? = nil, points: Int64? = nil, key: String? = nil,
            hold: Bool = false
        ) {
            self.merchant = merchant; self.code = code; self.offer = offer; self.points = points; self.key = key;
            self.hold = hold
        }
    }

    /// Redeems a volunteer's one-time code at a merchant: an offer, or a number of points.
    public func redeem(_ principal: Principal, _ input: RedeemInput) throws -> ReceiptResult {
        let request = RedeemRequest(
            merchant: input.merchant, code: input.code, offer: input.offer, points: input.points,
            key: input.key ?? Self.freshKey("redeem"), hold: input.hold)
        return ReceiptResult(try merchants.redeem(request, actor: principal.id))
    }

    /// Hands over a held redemption (R002 is 2, `Redemption.parseID`): its points go to the merchant, at most once.
    public func pickup(_ principal: Principal, _ redemption: Int64) throws -> ReceiptResult {
        ReceiptResult(try merchants.pickup(redemption, actor: principal.id))
    }

    /// Cancels a held redemption before pickup: points and stock come back.
    public func release(_ principal: Principal, _ redemption: Int64) throws -> ReceiptResult {
        ReceiptResult(try merchants.release(redemption, actor: principal.id))
    }

    public struct RefundInput: Codable, Sendable {
        /// The redemption's number (R001 is 1, `Redemption.parseID`).
        public var redemption: Int64
        /// Points to give back; nil: all not yet refunded.
        public var points: Int64?
        public var reason: String
        public var key: String?
        public init(redemption: Int64, points: Int64? = nil, reason: String, key: String? = nil) {
            self.redemption = redemption; self.points = points; self.reason = reason; self.key = key
        }
    }

    public struct RefundOutcome: Codable, Sendable, Equatable {
        public var redemption: Redemption
        public var transfer: Transfer
        public var replayed: Bool
        public var refundedTotal: Int64
        public var refundableLeft: Int64
        /// The volunteer's balance after it.
        public var balance: Int64
    }

    /// Gives points of a redemption back (the redeeming merchant or an admin).
    public func refund(_ principal: Principal, _ input: RefundInput) throws -> RefundOutcome {
        let result = try merchants.refund(
            input.redemption, points: input.points, reason: input.reason, key: input.key ?? Self.freshKey("refund"),
            actor: principal.id)
        let transfer = try sealed(result.posted.transfer)
        let balance = try ledger.balance(result.redemption.volunteer, nowMillis: nowMillis)
        return RefundOutcome(
            redemption: result.redemption, transfer: transfer, replayed: result.posted.replayed,
            refundedTotal: result.refundedTotal, refundableLeft: result.left, balance: balance.balance)
    }

    public struct SettleInput: Codable, Sendable {
        public var merchant: String
        /// Last day covered (inclusive); nil: today.
        public var through: String?
        public init(merchant: String, through: String? = nil) { self.merchant = merchant; self.through = through }
    }

    public struct SettledRedemption: Codable, Sendable, Equatable {
        public var redemption: Redemption
        public var atMillis: Int64
        public var redeemed: Int64
        public var refunded: Int64
        public var settled: Int64
    }

    public struct SettleOutcome: Codable, Sendable, Equatable {
        public var settlement: Settlement
        public var transfer: Transfer
        public var redemptions: [SettledRedemption]
        /// The community that owes it; nil for the merchant's home community.
        public var community: String?
        /// The same run's settlements in partner communities (each owes its own); nil when there are none.
        public var partners: [SettleOutcome]?
    }

    /// Settles a merchant (admin): what it took in through a day moves to the settlement account.
    public func settle(_ principal: Principal, _ input: SettleInput) throws -> SettleOutcome {
        try Self.requireNotStaff(principal, Bilingual(zh: "结算", en: "settle"))
        let result = try merchants.settle(merchant: input.merchant, throughDay: input.through, actor: principal.id)
        let home = try merchants.accounts(merchant: input.merchant).first?.community
        func outcome(_ r: SettlementResult) throws -> SettleOutcome {
            SettleOutcome(
                settlement: r.settlement, transfer: try sealed(r.posted.transfer),
                redemptions: r.lines.map {
                    SettledRedemption(
                        redemption: $0.redemption, atMillis: $0.atMillis, redeemed: $0.redeemed,
                        refunded: $0.refunded, settled: $0.net)
                }, community: r.community == home ? nil : r.community)
        }
        var first = try outcome(result)
        if !result.others.isEmpty { first.partners = try result.others.map(outcome) }
        return first
    }

    // MARK: Expiry, proof and export

    public struct ExpireOutcome: Codable, Sendable, Equatable {
        public var asOf: String
        public var points: Int64
        /// One per volunteer whose points lapsed, sealed.
        public var transfers: [Transfer]
        public var lapsedHolds: [Hold]
        public var expiringNotices: [Lot]
    }

    /// Moves lapsed points to the expiry account and releases holds past their timeout.
    /// - Parameter asOf: the day (default today; never later).
    public func expire(_ principal: Principal, asOf: String?) throws -> ExpireOutcome {
        if !principal.isOwner {
            try store.read {
                try Permissions.requireAdmin(principal.id, action: Bilingual(zh: "执行积分过期", en: "expire points"), in: $0)
            }
        }
        let report = try ledger.expire(asOf: asOf, actor: principal.id)
        return ExpireOutcome(
            asOf: report.asOf, points: report.points, transfers: try report.transfers.map { try sealed($0) },
            lapsedHolds: report.lapsedHolds, expiringNotices: report.expiringNotices)
    }

    /// Proves the ledger: hash chains, balances, zero sum, lots, holds.
    /// - Parameter full: every transfer of every chain and every checkpoint, and the service
    ///   requests' points; false (the default) checks each community's chain from its last
    ///   checkpoint on, which costs what happened since, not the whole history.
    public func verify(_ principal: Principal, full: Bool = false) throws -> VerifyReport {
        // The ledger's checkers: an admin or a team's organizer.
        guard try principal.isOwner || Permissions.reader(principal.id, in: store).readsAllRecords else {
            throw JifenError.forbidden(
                actor: principal.id, action: Bilingual(zh: "核对整个账本", en: "verify the whole ledger"))
        }
        // On PostgreSQL a transfer is chained right after its commit; seal any that a crash
        // left waiting, so verify checks the whole chain.
        _ = try store.sealPending()
        return try Verifier.verify(store, nowMillis: nowMillis, full: full)
    }

    public struct ExportResult: Codable, Sendable, Equatable {
        public var file: String
        public var transfers: Int
    }

    /// Writes the whole ledger to `file` as an hledger/ledger-cli journal (atomically).
    public func exportJournal(_ principal: Principal, to file: String) throws -> ExportResult {
        ExportResult(file: file, transfers: try JournalExport.write(store, to: file))
    }

    // MARK: Helpers

    /// A fresh idempotency key for a write given none: every such call is then its own operation.
    static func freshKey(_ prefix: String) -> String { "\(prefix):\(UUID().uuidString.lowercased())" }

    /// The transfer as the chain holds it, with its place and hash. SQLite chains as it posts;
    /// PostgreSQL chains right after the commit (docs/DEPLOYMENT.md), so a transfer just posted
    /// there is read back, and when another process's sealer has not reached it yet, sealed here
    /// (waiting for that sealer): a result never carries an empty `hash`.
    func sealed(_ transfer: Transfer) throws -> Transfer {
        guard !transfer.isSealed else { return transfer }
        if let stored = try store.read({ try $0.transfer(id: transfer.id) }), stored.isSealed { return stored }
        _ = try store.sealPending()
        return try store.read({ try $0.transfer(id: transfer.id) }) ?? transfer
    }

    func result(_ posted: Posted, balanceOf account: String) throws -> PostedResult {
        let transfer = try sealed(posted.transfer)
        let balance = try ledger.balance(account, nowMillis: nowMillis)
        return PostedResult(transfer: transfer, replayed: posted.replayed, account: account, balance: balance.balance)
    }
}
