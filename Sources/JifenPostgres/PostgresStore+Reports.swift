import Foundation
public import JifenCore
import PostgresNIO

/// The month's public notice on PostgreSQL: the same sums as on SQLite, read in one
/// REPEATABLE READ snapshot; `MonthReport.make` (core) builds the notice from them.
extension PostgresStore {
    public func reportSums(
        startMillis start: Int64, endMillis end: Int64, firstDay: String, lastDay: String,
        sinceMillis: Int64?, communities: [String]?
    ) throws -> ReportSums {
        // Only these communities' rows, when given: one array parameter, the query's `$n`.
        func moved(_ t: String, _ n: Int) -> String {
            let accounts = "(SELECT id FROM account WHERE community = ANY($\(n)))"
            return communities == nil ? "" : " AND (\(t)debit IN \(accounts) OR \(t)credit IN \(accounts))"
        }
        func within(_ column: String, _ n: Int) -> String { communities == nil ? "" : " AND \(column) = ANY($\(n))" }
        func args(_ a: [any PostgresBindable]) -> [any PostgresBindable] { communities.map { a + [$0] } ?? a }
        return try transaction(readOnly: true) { session in
            var sums = ReportSums()
            for row in try session.rows(
                """
                SELECT kind, SUM(amount)::BIGINT, COUNT(*)::BIGINT FROM transfer WHERE at >= $1 AND at < $2\(moved("", 3)) GROUP BY kind
                """, args([start, end]))
            {
                let (kind, points, count) = try row.decode((String, Int64, Int64).self)
                sums.byKind.append(ReportSums.KindSum(kind: kind, points: points, count: Int(count)))
            }
            for row in try session.rows(
                "SELECT id, kind, balance FROM account WHERE TRUE\(within("community", 1))", args([]))
            {
                let (id, kind, balance) = try row.decode((String, String, Int64).self)
                sums.accounts[id] = (kind: AccountKind(rawValue: kind) ?? .volunteer, balance: balance)
            }
            if let since = sinceMillis {
                for (side, sign) in [("credit", Int64(1)), ("debit", Int64(-1))] {
                    for row in try session.rows(
                        "SELECT \(side), SUM(amount)::BIGINT FROM transfer WHERE at >= $1\(moved("", 2)) GROUP BY \(side)",
                        args([since]))
                    {
                        let (account, points) = try row.decode((String, Int64).self)
                        sums.movedSince[account, default: 0] += sign * points
                    }
                }
            }
            for side in ["credit", "debit"] {
                for row in try session.rows(
                    """
                    SELECT \(side), kind, SUM(amount)::BIGINT FROM transfer WHERE at >= $1 AND at < $2\(moved("", 3)) GROUP BY \(side), kind
                    """, args([start, end]))
                {
                    let (account, kind, points) = try row.decode((String, String, Int64).self)
                    sums.byAccount.append(
                        ReportSums.AccountSum(account: account, kind: kind, points: points, credited: side == "credit"))
                }
            }
            for row in try session.rows(
                """
                SELECT t.debit, o.kind, SUM(t.amount)::BIGINT FROM transfer t JOIN transfer o ON o.id = t.reverses
                WHERE t.at >= $1 AND t.at < $2 AND t.kind = 'reverse'\(moved("t.", 3)) GROUP BY t.debit, o.kind
                """, args([start, end]))
            {
                let (account, kind, points) = try row.decode((String, String, Int64).self)
                sums.reversedByKind.append(
                    ReportSums.AccountSum(account: account, kind: kind, points: points, credited: false))
            }
            for row in try session.rows(
                "SELECT id, name, team, consent FROM volunteer WHERE TRUE\(within("community", 1))", args([]))
            {
                let (id, name, team, consent) = try row.decode((String, String, String?, Int64).self)
                sums.volunteers[id] = ReportSums.VolunteerInfo(name: name, team: team, consent: consent != 0)
            }
            for row in try session.rows("SELECT id, name FROM merchant WHERE TRUE\(within("community", 1))", args([])) {
                let (id, name) = try row.decode((String, String).self)
                sums.merchantNames[id] = name
            }
            for row in try session.rows("SELECT id, name FROM team WHERE TRUE\(within("community", 1))", args([])) {
                let (id, name) = try row.decode((String, String).self)
                sums.teamNames[id] = name
            }

            // A service record's community is its volunteer's.
            func served(_ n: Int) -> String {
                communities == nil ? "" : " AND volunteer IN (SELECT id FROM volunteer WHERE community = ANY($\(n)))"
            }
            sums.minutesServed =
                try session.scalar(
                    Int64.self,
                    """
                    SELECT COALESCE(SUM(minutes), 0)::BIGINT FROM service_record
                    WHERE status = 'approved' AND service_day BETWEEN $1 AND $2\(served(3))
                    """, args([firstDay, lastDay])) ?? 0
            sums.servedToDate = try session.rows(
                """
                SELECT volunteer, SUM(minutes)::BIGINT FROM service_record
                WHERE status = 'approved' AND service_day <= $1\(served(2)) GROUP BY volunteer
                """, args([lastDay])
            ).map {
                let (volunteer, minutes) = try $0.decode((String, Int64).self)
                return ReportSums.ServedMinutes(volunteer: volunteer, minutes: minutes)
            }
            sums.lateRecords = try session.rows(
                """
                SELECT id, volunteer, activity, service_day, entered_at FROM service_record
                WHERE late = 1 AND status <> 'rejected' AND service_day BETWEEN $1 AND $2\(served(3)) ORDER BY id COLLATE "C"
                """, args([firstDay, lastDay])
            ).map {
                let (id, volunteer, activity, day, entered) = try $0.decode(
                    (String, String, String, String, Int64).self)
                return (record: id, volunteer: volunteer, activity: activity, servedOn: day, enteredAtMillis: entered)
            }
            for row in try session.rows(
                """
                SELECT a.category, SUM(t.amount)::BIGINT FROM transfer t
                JOIN service_record r ON r.id = t.reference JOIN activity a ON a.id = r.activity
                WHERE t.kind = 'earn' AND t.at >= $1 AND t.at < $2\(within("a.community", 3)) GROUP BY a.category
                """, args([start, end]))
            {
                let (category, points) = try row.decode((String, Int64).self)
                sums.earnedByCategory[category] = points
            }
            return sums
        }
    }

    public func transferCount() throws -> Int {
        try transaction(readOnly: true) { session in
            Int(try session.scalar(Int64.self, "SELECT COUNT(*)::BIGINT FROM transfer") ?? 0)
        }
    }

    public func reportCheckpoints(month: String) throws -> [CheckpointStamp] {
        try transaction(readOnly: true) { session in
            try session.rows(
                """
                SELECT c.community, c.hash FROM checkpoint c
                WHERE c.month = $1 AND c.community IN (SELECT id FROM community) ORDER BY c.community
                """, [month]
            ).map {
                let (community, hash) = try $0.decode((String, String).self)
                return CheckpointStamp(community: community, hash: hash)
            }
        }
    }

    public func reportSectionSums(
        startMillis start: Int64, endMillis end: Int64, firstDay: String, lastDay: String,
        sinceMillis: Int64?, communities: [String]
    ) throws -> [String: ReportSums] {
        try transaction(readOnly: true) { session in
            var tally = ReportSectionTally(communities: communities)
            // The month's transfers touching the communities, grouped by kind and the two accounts:
            // the communities each group touches are its accounts'.
            func groups(_ range: String, _ values: [any PostgresBindable]) throws -> [ReportTransferGroup] {
                let n = values.count + 1
                return try session.rows(
                    """
                    SELECT t.kind, t.debit, t.credit, o.kind, d.community, k.community, SUM(t.amount)::BIGINT, COUNT(*)::BIGINT
                    FROM transfer t
                    LEFT JOIN account d ON d.id = t.debit LEFT JOIN account k ON k.id = t.credit
                    LEFT JOIN transfer o ON o.id = t.reverses
                    WHERE \(range) AND (d.community = ANY($\(n)) OR k.community = ANY($\(n)))
                    GROUP BY t.kind, t.debit, t.credit, o.kind, d.community, k.community
                    """, values + [communities]
                ).map {
                    let (kind, debit, credit, reversedKind, dc, kc, points, count) = try $0.decode(
                        (String, String, String, String?, String?, String?, Int64, Int64).self)
                    return ReportTransferGroup(
                        kind: kind, debit: debit, credit: credit, reversedKind: reversedKind, debitCommunity: dc,
                        creditCommunity: kc, points: points, count: Int(count))
                }
            }
            for g in try groups("t.at >= $1 AND t.at < $2", [start, end]) { tally.addMonth(g) }
            if let since = sinceMillis {
                for g in try groups("t.at >= $1", [since]) { tally.addSince(g) }
            }
            for row in try session.rows(
                "SELECT community, id, kind, balance FROM account WHERE community = ANY($1)", [communities])
            {
                let (community, id, kind, balance) = try row.decode((String, String, String, Int64).self)
                tally.sums[community]?.accounts[id] = (
                    kind: AccountKind(rawValue: kind) ?? .volunteer, balance: balance
                )
            }
            for row in try session.rows(
                "SELECT community, id, name, team, consent FROM volunteer WHERE community = ANY($1)", [communities])
            {
                let (community, id, name, team, consent) = try row.decode((String, String, String, String?, Int64).self)
                tally.sums[community]?.volunteers[id] = ReportSums.VolunteerInfo(
                    name: name, team: team, consent: consent != 0)
            }
            for row in try session.rows(
                "SELECT community, id, name FROM merchant WHERE community = ANY($1)", [communities])
            {
                let (community, id, name) = try row.decode((String, String, String).self)
                tally.sums[community]?.merchantNames[id] = name
            }
            for row in try session.rows("SELECT community, id, name FROM team WHERE community = ANY($1)", [communities])
            {
                let (community, id, name) = try row.decode((String, String, String).self)
                tally.sums[community]?.teamNames[id] = name
            }
            // A service record's community is its volunteer's.
            for row in try session.rows(
                """
                SELECT v.community, COALESCE(SUM(r.minutes), 0)::BIGINT FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                WHERE r.status = 'approved' AND r.service_day BETWEEN $1 AND $2 AND v.community = ANY($3)
                GROUP BY v.community
                """, [firstDay, lastDay, communities])
            {
                let (community, minutes) = try row.decode((String, Int64).self)
                tally.sums[community]?.minutesServed = minutes
            }
            for row in try session.rows(
                """
                SELECT v.community, r.volunteer, SUM(r.minutes)::BIGINT FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                WHERE r.status = 'approved' AND r.service_day <= $1 AND v.community = ANY($2)
                GROUP BY v.community, r.volunteer
                """, [lastDay, communities])
            {
                let (community, volunteer, minutes) = try row.decode((String, String, Int64).self)
                tally.sums[community]?.servedToDate.append(
                    ReportSums.ServedMinutes(volunteer: volunteer, minutes: minutes))
            }
            for row in try session.rows(
                """
                SELECT v.community, r.id, r.volunteer, r.activity, r.service_day, r.entered_at
                FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                WHERE r.late = 1 AND r.status <> 'rejected' AND r.service_day BETWEEN $1 AND $2 AND v.community = ANY($3)
                ORDER BY r.id COLLATE "C"
                """, [firstDay, lastDay, communities])
            {
                let (community, id, volunteer, activity, day, entered) = try row.decode(
                    (String, String, String, String, String, Int64).self)
                tally.sums[community]?.lateRecords.append(
                    (record: id, volunteer: volunteer, activity: activity, servedOn: day, enteredAtMillis: entered))
            }
            for row in try session.rows(
                """
                SELECT a.community, a.category, SUM(t.amount)::BIGINT FROM transfer t
                JOIN service_record r ON r.id = t.reference JOIN activity a ON a.id = r.activity
                WHERE t.kind = 'earn' AND t.at >= $1 AND t.at < $2 AND a.community = ANY($3)
                GROUP BY a.community, a.category
                """, [start, end, communities])
            {
                let (community, category, points) = try row.decode((String, String, Int64).self)
                tally.sums[community]?.earnedByCategory[category] = points
            }
            return tally.finished()
        }
    }
}
