import Foundation

/// The monthly report's sums, one query per store.
public protocol ReportQueries {
    /// - Parameters:
    ///   - startMillis, endMillis: the month, `[start, end)`.
    ///   - firstDay, lastDay: the month's days in the community's zone (for service records).
    ///   - sinceMillis: the month's end when it has passed: read `movedSince` from it; else nil.
    func reportSums(
        startMillis: Int64, endMillis: Int64, firstDay: String, lastDay: String, sinceMillis: Int64?
    ) throws -> ReportSums
}
