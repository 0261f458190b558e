import Foundation

/// The monthly report's sums, one query per store.
public protocol ReportQueries {
    /// - Parameters:
    ///   - startMillis, endMillis: the month, `[start, end)`.
    ///   - firstDay, lastDay: the month's days in the community's zone (for service records).
    ///   - sinceMillis: the month's end when it has passed: read `movedSince` from it; else nil.
    ///   - communities: only these communities' accounts, transfers (either side), people, teams,
    ///     merchants and service records; nil: the whole database.
    func reportSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?,
        communities: [String]?
    ) throws -> ReportSums
}

extension ReportQueries {
    /// The whole database's sums.
    public func reportSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?
    ) throws -> ReportSums {
        try reportSums(
            startMillis: startMillis, endMillis: endMillis, firstDay: firstDay, lastDay: lastDay,
            sinceMillis: sinceMillis, communities: nil)
    }
}
