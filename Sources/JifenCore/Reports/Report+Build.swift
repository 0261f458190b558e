import Foundation

/// The plain sums a month's public notice is made from. Each store reads them with grouped
/// queries over the month's transfers (and those since), in one read transaction; what they mean
/// (month-end balances, grouping, top volunteers, stars, names only with consent) is decided once,
/// in `MonthReport.make`.
public struct ReportSums: Sendable {
    public struct KindSum: Sendable, Equatable {
        public var kind: String
        public var points: Int64
        public var count: Int
        public init(kind: String, points: Int64, count: Int) {
            self.kind = kind; self.points = points; self.count = count
        }
    }

    /// The month's points moved into or out of one account by transfers of one kind.
    public struct AccountSum: Sendable, Equatable {
        public var account: String
        public var kind: String
        public var points: Int64
        /// True when the account received the points (the transfers' credit side).
        public var credited: Bool
        public init(account: String, kind: String, points: Int64, credited: Bool = true) {
            self.account = account; self.kind = kind; self.points = points; self.credited = credited
        }
    }

    public struct VolunteerInfo: Sendable, Equatable {
        public var name: String
        public var team: String?
        public var consent: Bool
        public init(name: String, team: String?, consent: Bool) {
            self.name = name; self.team = team; self.consent = consent
        }
    }

    /// Approved minutes of one volunteer up to the month's end.
    public struct ServedMinutes: Sendable, Equatable {
        public var volunteer: String
        public var minutes: Int64
        public init(volunteer: String, minutes: Int64) { self.volunteer = volunteer; self.minutes = minutes }
    }

    /// The month's transfers by kind.
    public var byKind: [KindSum] = []
    /// Every account's kind and balance now.
    public var accounts: [String: (kind: AccountKind, balance: Int64)] = [:]
    /// Per account, credits less debits of the transfers at or after the month's end (asked only
    /// when the month has ended).
    public var movedSince: [String: Int64] = [:]
    /// The month's transfers per account, credit and debit side both, by kind.
    public var byAccount: [AccountSum] = []
    /// The month's reversals per account that gave the points back (the reversal's debit), by the
    /// kind of the transfer reversed: an earning reversed is not an earning.
    public var reversedByKind: [AccountSum] = []
    public var volunteers: [String: VolunteerInfo] = [:]
    public var merchantNames: [String: String] = [:]
    public var teamNames: [String: String] = [:]

    // Service records.
    /// Approved minutes served on the month's days.
    public var minutesServed: Int64 = 0
    /// Approved minutes per volunteer up to the month's end.
    public var servedToDate: [ServedMinutes] = []
    /// Late records served in the month and not rejected, by id.
    public var lateRecords:
        [(record: String, volunteer: String, activity: String, servedOn: String, enteredAtMillis: Int64)] = []
    /// The month's earnings by the category of the activity earned on.
    public var earnedByCategory: [String: Int64] = [:]

    public init() {}
}

extension MonthReport {
    /// Builds a month's report from a store's sums.
    /// - Parameters:
    ///   - month: `yyyy-MM` in the community's time zone.
    ///   - grouping: rows by team, volunteer, merchant or service category; nil for totals only.
    ///   - communities: only these communities (their sum); nil: the whole database.
    public static func make(
        month: String, grouping: ReportGrouping?, top: Int = 10, nowMillis: Int64,
        communities: [String]? = nil, from store: any Store
    ) throws -> MonthReport {
        let context = try Context(month: month, nowMillis: nowMillis, communities: communities, from: store)
        let sums = try store.reportSums(
            startMillis: context.start, endMillis: context.end, firstDay: context.firstDay, lastDay: context.lastDay,
            sinceMillis: context.since, communities: communities)
        return try context.report(grouping: grouping, top: top, sums: sums, communities: communities)
    }

    /// Builds each community's report of a month, as `make(…, communities: [community])` would,
    /// from sums read for all of them at once (`reportSectionSums`) and the month's wishes,
    /// spending elsewhere and checkpoints read once: an office's sections cost one pass over the
    /// month, not one report per community.
    public static func makeSections(
        month: String, grouping: ReportGrouping?, top: Int = 10, nowMillis: Int64, communities: [String],
        from store: any Store
    ) throws -> [String: MonthReport] {
        let context = try Context(month: month, nowMillis: nowMillis, communities: communities, from: store)
        let all = try store.reportSectionSums(
            startMillis: context.start, endMillis: context.end, firstDay: context.firstDay, lastDay: context.lastDay,
            sinceMillis: context.since, communities: communities)
        var reports: [String: MonthReport] = [:]
        for community in communities where reports[community] == nil {
            reports[community] = try context.report(
                grouping: grouping, top: top, sums: all[community] ?? ReportSums(), communities: [community])
        }
        return reports
    }

    /// What every report of a month reads besides its sums, read once.
    struct Context {
        let month: String
        let rules: Rules
        let zone: TimeZone
        let start: Int64
        let end: Int64
        let firstDay: String
        let lastDay: String
        let since: Int64?
        let store: any Store
        let wishes: [Wish]
        /// The points of each wish payment (by transfer id).
        let payments: [Int64: Int64]
        /// The communities' spending elsewhere in the month (nil: none).
        let elsewhere: [SpentElsewhere]?
        let checkpoints: [CheckpointStamp]

        /// - Parameter communities: the communities reported on (nil: the whole database).
        init(month: String, nowMillis: Int64, communities: [String]?, from store: any Store) throws {
            self.month = month
            self.store = store
            rules = try Settings(store: store).rules()
            zone = rules.timeZone
            (start, end) = try DayFormat.monthRange(month, in: zone)
            firstDay = DayFormat.string(Date(millis: start), in: zone)
            lastDay = DayFormat.string(Date(millis: end - 1), in: zone)
            since = end <= nowMillis ? end : nil
            let wishes = try store.read { try $0.wishes() }
            self.wishes = wishes
            payments = try store.read { r in
                var paid: [Int64: Int64] = [:]
                for id in wishes.compactMap(\.payment) where paid[id] == nil {
                    if let t = try r.transfer(id: id) { paid[id] = t.amount }
                }
                return paid
            }
            elsewhere = try spentElsewhere(startMillis: start, endMillis: end, communities: communities, from: store)
            checkpoints = try checkpointStamps(month: month, from: store)
        }

        func report(
            grouping: ReportGrouping?, top: Int, sums: ReportSums, communities: [String]?
        ) throws
            -> MonthReport
        {
            var report = build(
                month: month, startMillis: start, endMillis: end, grouping: grouping, top: top, sums: sums,
                rules: rules)
            // A community's wishes are its teams' (the sums hold only those teams when communities are given).
            let wishes = self.wishes.filter { communities == nil || sums.teamNames[$0.team] != nil }
            var notice = try wishNotice(sums: sums, wishes: wishes, startMillis: start, endMillis: end, zone: zone)
            if notice != nil {
                // The roll shows the points paid, not the transfer's id.
                let paid = wishes.compactMap { w in w.payment.flatMap { payments[$0] }.map { (w.label, $0) } }
                let byWish = Dictionary(paid, uniquingKeysWith: { a, _ in a })
                for i in notice!.realized.indices { notice!.realized[i].points = byWish[notice!.realized[i].id] ?? 0 }
            }
            report.wishes = notice
            // Scoped to communities: only theirs (what their volunteers spent elsewhere, their checkpoints).
            let within = { (community: String) in communities?.contains(community) ?? true }
            let elsewhere = self.elsewhere?.filter { within($0.community) }
            report.elsewhere = elsewhere?.isEmpty == false ? elsewhere : nil
            report.checkpoints = checkpoints.filter { within($0.community) }
            return report
        }
    }

    static func build(
        month: String, startMillis start: Int64, endMillis end: Int64, grouping: ReportGrouping?, top: Int,
        sums: ReportSums, rules: Rules
    ) -> MonthReport {
        var figures = ServiceFigures(hoursServedMinutes: sums.minutesServed)
        func publicName(_ id: String) -> String {
            sums.volunteers[id].map { ReportNames.inNotice($0.name, published: $0.consent) } ?? ""
        }
        // Stars count every approved hour up to the month's end; names only with consent.
        for served in sums.servedToDate.sorted(by: { ($0.minutes, $1.volunteer) > ($1.minutes, $0.volunteer) }) {
            let level = rules.star(forMinutes: served.minutes).level
            guard level > 0 else { continue }
            figures.starRoster.append(
                StarEntry(
                    volunteer: served.volunteer, name: publicName(served.volunteer), stars: level,
                    hours: Double(served.minutes) / 60))
        }
        figures.lateRecords = sums.lateRecords.map {
            LateRecord(
                record: $0.record, volunteer: $0.volunteer, activity: $0.activity, servedOn: $0.servedOn,
                recordedOn: DayFormat.string(Date(millis: $0.enteredAtMillis), in: rules.timeZone))
        }
        figures.earnedByCategory = sums.earnedByCategory

        var totals = ReportFigures()
        var count = 0
        for sum in sums.byKind {
            totals.add(TransferKind(rawValue: sum.kind) ?? .adjust, sum.points)
            count += sum.count
        }
        func kind(_ id: String) -> AccountKind? { sums.accounts[id]?.kind }
        // Balances at the end of the month: today's, less what moved since.
        var balances = sums.accounts.mapValues(\.balance)
        for (account, moved) in sums.movedSince { balances[account, default: 0] -= moved }
        let outstanding = balances.filter { kind($0.key) == .volunteer }.reduce(0) { $0 + $1.value }
        let unsettled = balances.filter { kind($0.key) == .merchant }.reduce(0) { $0 + $1.value }

        var byAccount: [String: ReportFigures] = [:]
        var volunteersMoved: Int64 = 0
        for sum in sums.byAccount {
            let transferKind = TransferKind(rawValue: sum.kind) ?? .adjust
            byAccount[sum.account, default: ReportFigures()].add(transferKind, sum.points, credited: sum.credited)
            if kind(sum.account) == .volunteer { volunteersMoved += sum.credited ? sum.points : -sum.points }
        }
        // Reversals and adjustments as volunteers see them, net; an earning reversed leaves the
        // earnings (and the roll of honour) instead of showing as a reversal.
        totals.reversed = 0
        totals.adjusted = 0
        for (id, f) in byAccount where kind(id) == .volunteer {
            totals.reversed += f.reversed
            totals.adjusted += f.adjusted
        }
        for sum in sums.reversedByKind where TransferKind(rawValue: sum.kind) == .earn {
            totals.earned -= sum.points
            byAccount[sum.account, default: ReportFigures()].earned -= sum.points
            byAccount[sum.account, default: ReportFigures()].reversed += sum.points
            if kind(sum.account) == .volunteer { totals.reversed += sum.points }
        }
        let volunteerFigures = byAccount.filter { kind($0.key) == .volunteer }
        var rows: [ReportRow] = []
        switch grouping {
        case nil: break
        case .volunteer:
            rows = volunteerFigures.map { ReportRow(key: $0.key, label: publicName($0.key), figures: $0.value) }
        case .merchant:
            rows = byAccount.filter { kind($0.key) == .merchant }.map {
                ReportRow(key: $0.key, label: sums.merchantNames[$0.key] ?? "", figures: $0.value)
            }
        case .team:
            var byTeam: [String: ReportFigures] = [:]
            for (id, f) in volunteerFigures {
                let team = sums.volunteers[id]?.team ?? ""
                byTeam[team, default: ReportFigures()].add(f)
            }
            rows = byTeam.map { ReportRow(key: $0.key, label: sums.teamNames[$0.key] ?? "", figures: $0.value) }
        case .category:
            var left = totals.earned
            for (category, points) in figures.earnedByCategory {
                var f = ReportFigures()
                f.earned = points
                left -= points
                rows.append(ReportRow(key: category, label: category, figures: f))
            }
            if left > 0 {
                var f = ReportFigures()
                f.earned = left
                rows.append(ReportRow(key: "", label: "", figures: f))
            }
        }
        rows.sort { $0.key < $1.key }
        let topVolunteers = volunteerFigures.filter { $0.value.earned > 0 }
            .sorted { ($0.value.earned, $1.key) > ($1.value.earned, $0.key) }
            .prefix(top).map { TopVolunteer(id: $0.key, name: publicName($0.key), earned: $0.value.earned) }
        var report = MonthReport(
            month: month, startMillis: start, endMillis: end, transfers: count, totals: totals,
            outstanding: outstanding,
            merchantsUnsettled: unsettled, grouping: grouping, rows: rows, topVolunteers: Array(topVolunteers),
            service: figures)
        report.openingOutstanding = outstanding - volunteersMoved
        return report
    }
}
