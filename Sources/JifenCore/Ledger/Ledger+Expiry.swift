import Foundation

/// What an expiry run did.
public struct ExpiryReport: Sendable, Equatable {
    public var asOf: String
    public var transfers: [Transfer] = []
    public var lapsedHolds: [Hold] = []
    /// Lots announced by a `points.expiring` event in this run (each lot is announced once).
    public var expiringNotices: [Lot] = []
    public var points: Int64 { transfers.reduce(0) { $0 + $1.amount } }
}

extension Ledger {
    /// Moves what is left of lots lapsed on or before `asOf` to the community's expiry sink, one
    /// transfer per volunteer, each in its own short transaction; first lapses overdue holds.
    ///
    /// Points reserved by a pending hold are not expired under it: the hold keeps them until it
    /// is resolved, and the next run takes what is still lapsed.
    /// - Parameter asOf: `yyyy-MM-dd`; not later than today, so points never lapse early.
    public func expire(asOf: String?, actor: String) throws -> ExpiryReport {
        let rules = try store.read { try Rules(settings: $0.settings()) }
        let today = DayFormat.string(now(), in: rules.timeZone)
        let day = try asOf.map { try DayFormat.day($0, in: rules.timeZone, field: "--as-of") } ?? today
        guard day <= today else {
            throw JifenError.usage(
                .futureDate, zh: "--as-of \(day) 在今天（\(today)）之后，积分不能提前过期。",
                en: "--as-of \(day) is after today (\(today)); points cannot lapse early.")
        }
        var report = ExpiryReport(asOf: day)
        report.lapsedHolds = try lapseHolds(actor: actor)
        let accounts = try store.read { try $0.accountsWithLapsedLots(onOrBefore: day) }
        for account in accounts {
            let at = now().millis
            let posted: Posted? = try store.write { tx in
                guard let community = try tx.account(account)?.community else { return nil }
                try tx.lock(accounts: [account, Account.expiry(community)].sorted())
                guard let volunteer = try tx.account(account) else { return nil }
                // What lapsed on or before the day, less what pending holds reserved of it:
                // a hold keeps its points until it is posted, voided or lapses.
                let standing = try Lots.standing(account: account, nowMillis: at, in: tx)
                let lapsed = standing.lots.filter { $0.expiresOn <= day }.reduce(0) { $0 + standing.free($1) }
                let amount = min(lapsed, volunteer.balance - standing.held)
                guard amount > 0 else { return nil }
                let last = try tx.chainHead()?.seq ?? 0
                let request = TransferRequest(
                    kind: .expire, debit: account, credit: Account.expiry(volunteer.community),
                    amount: amount, key: "expire:\(account):\(day):\(last)",
                    reference: day)
                return try Self.post(request, actor: actor, atMillis: at, in: tx)
            }
            if let posted { report.transfers.append(posted.transfer) }
        }
        report.expiringNotices = try announceExpiring(asOf: day, rules: rules)
        // The daily expiry run is also when delivered outbox events older than
        // `events.retention_days` go (EventRetention): the ledger itself is not touched.
        try EventRetention.prune(store: store, nowMillis: now().millis)
        return report
    }

    /// Writes one `points.expiring` event for each lot with points lapsing after `asOf` and within
    /// `points.expiring_notice_days`, and remembers the lot so it is never announced twice.
    func announceExpiring(asOf day: String, rules: Rules) throws -> [Lot] {
        guard rules.expiringNoticeDays > 0 else { return [] }
        let horizon = try DayFormat.adding(days: rules.expiringNoticeDays, to: day, in: rules.timeZone)
        let at = now().millis
        return try store.write { tx in
            let lots = try tx.lotsNeedingNotice(afterDay: day, throughDay: horizon)
            for lot in lots {
                try tx.insert(
                    event: Events.expiring(lot, accountName: try tx.accountName(lot.account), asOf: day, atMillis: at))
                try tx.recordExpiryNotice(lot: lot, atMillis: at)
            }
            return lots
        }
    }
}
