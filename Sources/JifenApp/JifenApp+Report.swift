import Foundation
import JifenCore

/// The month's public notice (积分公示).
extension JifenApp {
    public struct ReportInput: Codable, Sendable {
        /// `YYYY-MM`; nil: this month in the community's time zone (its rules').
        public var month: String?
        /// Rows by team, volunteer, merchant or category; nil for totals only.
        public var grouping: ReportGrouping?
        public init(month: String? = nil, grouping: ReportGrouping? = nil) { self.month = month; self.grouping = grouping }
    }

    public struct ReportResult: Codable, Sendable, Equatable {
        /// The month reported, as asked or defaulted.
        public var month: String
        public var report: MonthReport
    }

    /// Builds a month's public notice. Anyone may read it: names appear only with consent.
    public func report(_ principal: Principal, _ input: ReportInput) throws -> ReportResult {
        let zone = try store.rules().timeZone
        let chosen = input.month ?? String(DayFormat.string(clock(), in: zone).prefix(7))
        var report = try MonthReport.make(month: chosen, grouping: input.grouping, nowMillis: nowMillis, from: store)
        report.requests = try requests.notice(startMillis: report.startMillis, endMillis: report.endMillis)
        return ReportResult(month: chosen, report: report)
    }
}
