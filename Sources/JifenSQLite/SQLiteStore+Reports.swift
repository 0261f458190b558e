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
        sinceMillis: Int64?, communities: [String]?
    ) throws -> ReportSums {
        // Only these communities' rows, when given: a JSON array the queries read with json_each.
        let list = try communities.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let accountIn = "(SELECT id FROM account WHERE community IN (SELECT value FROM json_each(?)))"
        /// The condition on a transfer (its alias's columns) or on a row's community column, and their arguments.
        func moved(_ t: String = "") -> String {
            list == nil ? "" : " AND (\(t)debit IN \(accountIn) OR \(t)credit IN \(accountIn))"
        }
        func within(_ column: String) -> String {
            list == nil ? "" : " AND \(column) IN (SELECT value FROM json_each(?))"
        }
        func movedArgs(_ a: StatementArguments) -> StatementArguments { list.map { a + [$0, $0] } ?? a }
        func withinArgs(_ a: StatementArguments) -> StatementArguments { list.map { a + [$0] } ?? a }
        return try readTransaction { db in
            var sums = ReportSums()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, SUM(amount), COUNT(*) FROM transfer INDEXED BY transfer_at WHERE at >= ? AND at < ?\(moved()) GROUP BY kind
                    """, arguments: movedArgs([start, end]))
            {
                sums.byKind.append(ReportSums.KindSum(kind: row[0], points: row[1], count: row[2]))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, kind, balance FROM account WHERE 1 = 1\(within("community"))",
                arguments: withinArgs([]))
            {
                sums.accounts[row[0]] = (kind: AccountKind(rawValue: row[1]) ?? .volunteer, balance: row[2])
            }
            if let since = sinceMillis {
                for (side, sign) in [("credit", Int64(1)), ("debit", Int64(-1))] {
                    for row in try Row.fetchAll(
                        db,
                        sql:
                            "SELECT \(side), SUM(amount) FROM transfer INDEXED BY transfer_at WHERE at >= ?\(moved()) GROUP BY \(side)",
                        arguments: movedArgs([since]))
                    {
                        sums.movedSince[row[0], default: 0] += sign * (row[1] as Int64)
                    }
                }
            }
            for side in ["credit", "debit"] {
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(side), kind, SUM(amount) FROM transfer INDEXED BY transfer_at
                        WHERE at >= ? AND at < ?\(moved()) GROUP BY \(side), kind
                        """, arguments: movedArgs([start, end]))
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
                    WHERE t.at >= ? AND t.at < ? AND t.kind = 'reverse'\(moved("t.")) GROUP BY t.debit, o.kind
                    """, arguments: movedArgs([start, end]))
            {
                sums.reversedByKind.append(
                    ReportSums.AccountSum(account: row[0], kind: row[1], points: row[2], credited: false))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, name, team, consent FROM volunteer WHERE 1 = 1\(within("community"))",
                arguments: withinArgs([]))
            {
                sums.volunteers[row[0]] = ReportSums.VolunteerInfo(name: row[1], team: row[2], consent: row[3])
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, name FROM merchant WHERE 1 = 1\(within("community"))", arguments: withinArgs([]))
            {
                sums.merchantNames[row[0]] = row[1]
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, name FROM team WHERE 1 = 1\(within("community"))", arguments: withinArgs([]))
            {
                sums.teamNames[row[0]] = row[1]
            }
            // A service record's community is its volunteer's.
            let served =
                list == nil
                ? ""
                : " AND volunteer IN (SELECT id FROM volunteer WHERE community IN (SELECT value FROM json_each(?)))"

            sums.minutesServed =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(SUM(minutes), 0) FROM service_record WHERE status = 'approved' AND service_day BETWEEN ? AND ?\(served)
                        """, arguments: withinArgs([firstDay, lastDay])) ?? 0
            sums.servedToDate = try Row.fetchAll(
                db,
                sql: """
                    SELECT volunteer, SUM(minutes) FROM service_record WHERE status = 'approved' AND service_day <= ?\(served) GROUP BY volunteer
                    """, arguments: withinArgs([lastDay])
            ).map { ReportSums.ServedMinutes(volunteer: $0[0], minutes: $0[1]) }
            sums.lateRecords = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, volunteer, activity, service_day, entered_at FROM service_record
                    WHERE late = 1 AND status <> 'rejected' AND service_day BETWEEN ? AND ?\(served) ORDER BY id
                    """, arguments: withinArgs([firstDay, lastDay])
            ).map { (record: $0[0], volunteer: $0[1], activity: $0[2], servedOn: $0[3], enteredAtMillis: $0[4]) }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.category, SUM(t.amount) FROM transfer t INDEXED BY transfer_at
                    JOIN service_record r ON r.id = t.reference JOIN activity a ON a.id = r.activity
                    WHERE t.kind = 'earn' AND t.at >= ? AND t.at < ?\(within("a.community")) GROUP BY a.category
                    """, arguments: withinArgs([start, end]))
            {
                sums.earnedByCategory[row[0]] = row[1]
            }
            return sums
        }
    }

    public func transferCount() throws -> Int {
        try readTransaction { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM transfer") ?? 0 }
    }

    public func reportCheckpoints(month: String) throws -> [CheckpointStamp] {
        try readTransaction { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.community, c.hash FROM checkpoint c INDEXED BY checkpoint_month
                    WHERE c.month = ? AND c.community IN (SELECT id FROM community) ORDER BY c.community
                    """, arguments: [month]
            ).map { CheckpointStamp(community: $0[0], hash: $0[1]) }
        }
    }

    public func reportSectionSums(
        startMillis start: Int64, endMillis end: Int64, firstDay: String, lastDay: String,
        sinceMillis: Int64?, communities: [String]
    ) throws -> [String: ReportSums] {
        let list = String(decoding: try JSONEncoder().encode(communities), as: UTF8.self)
        let inList = "IN (SELECT value FROM json_each(?))"
        return try readTransaction { db in
            var tally = ReportSectionTally(communities: communities)
            // The month's transfers (by the `transfer_at` index) touching the communities, grouped
            // by kind and the two accounts: the communities each group touches are its accounts'.
            func groups(_ range: String, _ arguments: StatementArguments) throws -> [ReportTransferGroup] {
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT t.kind, t.debit, t.credit, o.kind, d.community, k.community, SUM(t.amount), COUNT(*)
                        FROM transfer t INDEXED BY transfer_at
                        LEFT JOIN account d ON d.id = t.debit LEFT JOIN account k ON k.id = t.credit
                        LEFT JOIN transfer o ON o.id = t.reverses
                        WHERE \(range) AND (d.community \(inList) OR k.community \(inList))
                        GROUP BY t.kind, t.debit, t.credit, o.kind
                        """, arguments: arguments + [list, list]
                ).map {
                    ReportTransferGroup(
                        kind: $0[0], debit: $0[1], credit: $0[2], reversedKind: $0[3], debitCommunity: $0[4],
                        creditCommunity: $0[5], points: $0[6], count: $0[7])
                }
            }
            for g in try groups("t.at >= ? AND t.at < ?", [start, end]) { tally.addMonth(g) }
            if let since = sinceMillis {
                for g in try groups("t.at >= ?", [since]) { tally.addSince(g) }
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT community, id, kind, balance FROM account WHERE community \(inList)", arguments: [list]
            ) {
                tally.sums[row[0]]?.accounts[row[1]] = (
                    kind: AccountKind(rawValue: row[2]) ?? .volunteer, balance: row[3]
                )
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT community, id, name, team, consent FROM volunteer WHERE community \(inList)",
                arguments: [list])
            {
                tally.sums[row[0]]?.volunteers[row[1]] = ReportSums.VolunteerInfo(
                    name: row[2], team: row[3], consent: row[4])
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT community, id, name FROM merchant WHERE community \(inList)", arguments: [list])
            {
                tally.sums[row[0]]?.merchantNames[row[1]] = row[2]
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT community, id, name FROM team WHERE community \(inList)", arguments: [list])
            {
                tally.sums[row[0]]?.teamNames[row[1]] = row[2]
            }
            // A service record's community is its volunteer's.
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT v.community, SUM(r.minutes) FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                    WHERE r.status = 'approved' AND r.service_day BETWEEN ? AND ? AND v.community \(inList)
                    GROUP BY v.community
                    """, arguments: [firstDay, lastDay, list])
            {
                tally.sums[row[0]]?.minutesServed = row[1]
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT v.community, r.volunteer, SUM(r.minutes) FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                    WHERE r.status = 'approved' AND r.service_day <= ? AND v.community \(inList)
                    GROUP BY v.community, r.volunteer
                    """, arguments: [lastDay, list])
            {
                tally.sums[row[0]]?.servedToDate.append(ReportSums.ServedMinutes(volunteer: row[1], minutes: row[2]))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT v.community, r.id, r.volunteer, r.activity, r.service_day, r.entered_at
                    FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                    WHERE r.late = 1 AND r.status <> 'rejected' AND r.service_day BETWEEN ? AND ? AND v.community \(inList)
                    ORDER BY r.id
                    """, arguments: [firstDay, lastDay, list])
            {
                tally.sums[row[0]]?.lateRecords.append(
                    (record: row[1], volunteer: row[2], activity: row[3], servedOn: row[4], enteredAtMillis: row[5]))
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.community, a.category, SUM(t.amount) FROM transfer t INDEXED BY transfer_at
                    JOIN service_record r ON r.id = t.reference JOIN activity a ON a.id = r.activity
                    WHERE t.kind = 'earn' AND t.at >= ? AND t.at < ? AND a.community \(inList)
                    GROUP BY a.community, a.category
                    """, arguments: [start, end, list])
            {
                tally.sums[row[0]]?.earnedByCategory[row[1]] = row[2]
            }
            return tally.finished()
        }
    }
}
