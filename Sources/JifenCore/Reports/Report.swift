import Foundation

/// How `report --by` groups its rows.
public enum ReportGrouping: String, Sendable, CaseIterable, Codable {
    case team, volunteer, merchant, category
}

/// Points moved in a period, by what moved them.
public struct ReportFigures: Sendable, Equatable, Codable {
    /// Points for approved service hours (`earn`), net of earnings reversed in the period
    /// (a duplicate reversed, an earning replaced by a correction).
    public var earned: Int64 = 0
    public var granted: Int64 = 0
    public var redeemed: Int64 = 0
    public var refunded: Int64 = 0
    public var expired: Int64 = 0
    public var settled: Int64 = 0
    /// Net points other reversals gave to (positive) or took from (negative) these accounts.
    public var reversed: Int64 = 0
    /// Net points an admin's adjustments gave to or took from these accounts.
    public var adjusted: Int64 = 0
    /// Points volunteers gave to micro-wishes (returned ones come back as reversals).
    public var donated: Int64 = 0

    public init() {}

    /// Adds `amount` moved by a transfer of `kind`. Kinds that only shift points (transfer) are
    /// not part of a public notice's figures; reversals and adjustments count by direction:
    /// `credited` says whether the points came into the account (or accounts) counted.
    public mutating func add(_ kind: TransferKind, _ amount: Int64, credited: Bool = true) {
        switch kind {
        case .earn: earned += amount
        case .grant: granted += amount
        case .redeem: redeemed += amount
        case .refund: refunded += amount
        case .expire: expired += amount
        case .settle: settled += amount
        case .reverse: reversed += credited ? amount : -amount
        case .adjust: adjusted += credited ? amount : -amount
        case .transfer, .fulfil: break
        case .donate: donated += amount
        }
    }

    /// Adds another set of figures (a team's volunteers).
    public mutating func add(_ f: ReportFigures) {
        earned += f.earned; granted += f.granted; redeemed += f.redeemed; refunded += f.refunded
        expired += f.expired; settled += f.settled; reversed += f.reversed; adjusted += f.adjusted
        donated += f.donated
    }

    /// What these figures change volunteers' holdings by: the notice's arithmetic.
    public var volunteersChange: Int64 {
        earned + granted - redeemed + refunded - expired + reversed + adjusted - donated
    }

    public var isZero: Bool { self == ReportFigures() }
}

public struct ReportRow: Sendable, Equatable, Codable {
    public var key: String
    public var label: String
    public var figures: ReportFigures

    public init(key: String, label: String, figures: ReportFigures) {
        self.key = key; self.label = label; self.figures = figures
    }
}

public struct TopVolunteer: Sendable, Equatable, Codable {
    public var id: String
    /// The name only when the volunteer consented to public notice; else empty.
    public var name: String
    public var earned: Int64

    public init(id: String, name: String, earned: Int64) { self.id = id; self.name = name; self.earned = earned }
}

// MARK: Service figures (from service records)

/// One volunteer on the star roster (星级名单).
public struct StarEntry: Sendable, Equatable, Codable {
    public var volunteer: String
    public var name: String
    public var stars: Int
    public var hours: Double

    public init(volunteer: String, name: String, stars: Int, hours: Double) {
        self.volunteer = volunteer; self.name = name; self.stars = stars; self.hours = hours
    }
}

/// A service record entered later than the 10 working days the 2020 rules allow.
public struct LateRecord: Sendable, Equatable, Codable {
    public var record: String
    public var volunteer: String
    public var activity: String
    public var servedOn: String
    public var recordedOn: String

    public init(record: String, volunteer: String, activity: String, servedOn: String, recordedOn: String) {
        self.record = record; self.volunteer = volunteer; self.activity = activity; self.servedOn = servedOn;
        self.recordedOn = recordedOn
    }
}

/// What a month's report says about service itself: hours, stars, late records.
///
/// Filled from the period's service records when the report is built (`Report+Build.swift`).
/// `hoursServedMinutes` nil is shown as "not recorded"; with `earnedByCategory` empty, earnings
/// show under "uncategorised".
public struct ServiceFigures: Sendable, Equatable, Codable {
    public var hoursServedMinutes: Int64?
    public var starRoster: [StarEntry] = []
    public var lateRecords: [LateRecord] = []
    /// Earned points of the period by service category (for `--by category`).
    public var earnedByCategory: [String: Int64] = [:]

    public init(hoursServedMinutes: Int64? = nil) { self.hoursServedMinutes = hoursServedMinutes }
}

/// A month's public notice (积分公示).
public struct MonthReport: Sendable, Equatable, Codable {
    public var month: String
    public var startMillis: Int64
    public var endMillis: Int64
    public var transfers: Int
    public var totals: ReportFigures
    /// Points volunteers held at the end of the month (or now, for the current month).
    public var outstanding: Int64
    /// Points volunteers held when the month began: `opening + totals.volunteersChange == outstanding`.
    public var openingOutstanding: Int64 = 0
    /// Whether the notice adds up: opening + earned + granted − redeemed + refunded − expired
    /// + reversed + adjusted = closing (false only if some points moved by a kind the notice does not show).
    public var reconciles: Bool { openingOutstanding + totals.volunteersChange == outstanding }
    /// Points merchants had taken in and not yet settled at the end of the month.
    public var merchantsUnsettled: Int64
    public var grouping: ReportGrouping?
    public var rows: [ReportRow]
    public var topVolunteers: [TopVolunteer]
    public var service: ServiceFigures
    /// Micro-wishes: donations, the donation account, and the roll of honour of wishes realized
    /// in the month; nil when there is nothing to show.
    public var wishes: WishNotice?
    /// Service requests of the month per team: the three rates and the overdue list.
    public var requests = RequestNotice()
    /// What the community's volunteers spent at merchants of other communities (`Report+Elsewhere.swift`); nil: nothing.
    public var elsewhere: [SpentElsewhere]?
    /// The month's checkpoints (one per community sealed), for residents to compare (Report+Checkpoint).
    public var checkpoints: [CheckpointStamp] = []

    public init(
        month: String, startMillis: Int64, endMillis: Int64, transfers: Int, totals: ReportFigures, outstanding: Int64,
        merchantsUnsettled: Int64, grouping: ReportGrouping?, rows: [ReportRow], topVolunteers: [TopVolunteer],
        service: ServiceFigures
    ) {
        self.month = month; self.startMillis = startMillis; self.endMillis = endMillis; self.transfers = transfers;
        self.totals = totals
        self.outstanding = outstanding; self.merchantsUnsettled = merchantsUnsettled; self.grouping = grouping;
        self.rows = rows
        self.topVolunteers = topVolunteers; self.service = service
    }
}
