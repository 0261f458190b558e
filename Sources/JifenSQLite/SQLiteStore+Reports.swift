import Foundation
import GRDB
public import JifenCore

/// The month's public notice: the sums `MonthReport.make` builds it from, read with grouped
/// queries over the transfers of the month (by the `transfer_at` index, named in each query:
/// grouping by account, SQLite would otherwise scan the whole table in account order): the cost
/// grows with the month's transfers and those since, not with the whole ledger.
extension SQLiteStore {
    public func reportSums(
        startMillis start: Int64, endMillis end: Int64, firstDay: String, lastDay: String,
        sinceMillis: Int64?
    ) throws -> ReportSums {
        try readTransaction { db in
            var sums = ReportSums()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, SUM(amount), COUNT(*) FROM transfer INDEXED BY transfer_at WHERE at >= ? AND at < ? GROUP BY kind
                    """, arguments: [start, end])
            {
                sums.byKind.append(ReportSums.KindSum(kind: row[0], points: row[1], count: row[2]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, balance FROM account") {
                sums.accounts[row[0]] = (kind: AccountKind(rawValue: row[1]) ?? .volunteer, balance: row[2])
            }
            if let since = sinceMillis {
                for (side, sign) in [("credit", Int64(1)), ("debit", Int64(-1))] {
                    for row in try Row.fetchAll(
                        db,
                        sql:
                            "SELECT \(side), SUM(amount) FROM transfer INDEXED BY transfer_at WHERE at >= ? GROUP BY \(side)",
                        arguments: [since])
                    {
                        sums.movedSince[row[0], default: 0] += sign * (row[1] as Int64)
                    }
                }
            }
            for side in ["credit", "debit"] {
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(side), kind, SUM(amount) FROM transfer INDEXED BY transfer_at WHERE at >= ? AND at < ? GROUP BY \(side), kind
                        """, arguments: [start, end])
                {
                    sums.byAccount.append(
                        ReportSums.AccountSum(account: row[0], kind: row[1], points: row[2], credited: side == "credit")
                    )
                }
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT t.debit, o.kind, SUM(t.amount) FROM transfer t INDEXED BY transfer_at JOIN transfer o ON o.id = t.reverses
                    WHERE t.at >= ? AND t.at < ? AND t.kind = 'reverse' GROUP BY t.debit, o.kind
                    """, arguments: [start, end])
            {
                sums.reversedByKind.append(
                    ReportSums.AccountSum(account: row[0], kind: row[1], points: row[2], credited: false))
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, name, team, consent FROM volunteer") {
                sums.volunteers[row[0]] = ReportSums.VolunteerInfo(name: row[1], team: row[2], consent: row[3])
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM merchant") {
                sums.merchantNames[row[0]] = row[1]
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM team") { sums.teamNames[row[0]] = row[1] }

            sums.minutesServed =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(SUM(minutes), 0) FROM service_record WHERE status = 'approved' AND service_day BETWEEN ? AND ?
                        """, arguments: [firstDay, lastDay]) ?? 0
            sums.servedToDate = try Row.fetchAll(
                db,
                sql: """
                    SELECT volunteer, SUM(minutes) FROM service_record WHERE status = 'approved' AND service_day <= ? GROUP BY volunteer
                    """, arguments: [lastDay]
            ).map { ReportSums.ServedMinutes(volunteer: $0[0], minutes: $0[1]) }
            sums.lateRecords = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, volunteer, activity, service_day, entered_at FROM service_record
                    WHERE late = 1 AND status <> 'rejected' AND service_day BETWEEN ? AND ? ORDER BY id
                    """, arguments: [firstDay, lastDay]
            ).map { (record: $0[0], volunteer: $0[1], activity: $0[2], servedOn: $0[3], enteredAtMillis: $0[4]) }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.category, SUM(t.amount) FROM transfer t INDEXED BY transfer_at
                    JOIN service_record r ON r.id = t.reference JOIN activity a ON a.id = r.activity
                    WHERE t.kind = 'earn' AND t.at >= ? AND t.at < ? GROUP BY a.category
                    """, arguments: [start, end])
            {
                sums.earnedByCategory[row[0]] = row[1]
            }
            return sums
        }
    }
}
