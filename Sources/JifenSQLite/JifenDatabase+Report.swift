import Foundation
import GRDB
import JifenCore

/// The month's public notice, read with grouped queries over the transfers of the month (by the
/// `transfer_at` index, named in each query: grouping by account, SQLite would otherwise scan the
/// whole table in account order): the cost grows with the month's transfers and those since, not
/// with the whole ledger.
extension JifenDatabase {
    /// Builds a month's report.
    /// - Parameters:
    ///   - month: `yyyy-MM` in the community's time zone.
    ///   - grouping: rows by team, volunteer, merchant or service category; nil for totals only.
    ///   - service: hours, star roster and late records (issue 3's service records).
    public func monthReport(month: String, grouping: ReportGrouping?, top: Int = 10,
                            service: any ServiceFiguresSource = NoServiceRecords(), nowMillis: Int64) throws -> MonthReport {
        let zone = try rules().timeZone
        let (start, end) = try DayFormat.monthRange(month, in: zone)
        let community = try communities().first?.id ?? ""
        let figures = try service.serviceFigures(community: community, startMillis: start, endMillis: end)
        return try readTransaction { db in
            var totals = ReportFigures()
            var count = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT kind, SUM(amount), COUNT(*) FROM transfer INDEXED BY transfer_at WHERE at >= ? AND at < ? GROUP BY kind
                """, arguments: [start, end]) {
                totals.add(TransferKind(rawValue: row[0]) ?? .adjust, row[1])
                count += row[2] as Int
            }
            var kinds: [String: AccountKind] = [:]
            var balances: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, balance FROM account") {
                kinds[row[0]] = AccountKind(rawValue: row[1]) ?? .volunteer
                balances[row[0]] = row[2]
            }
            // Balances at the end of the month: today's, less what moved since.
            if end <= nowMillis {
                for (side, sign) in [("credit", Int64(-1)), ("debit", Int64(1))] {
                    for row in try Row.fetchAll(db, sql: "SELECT \(side), SUM(amount) FROM transfer INDEXED BY transfer_at WHERE at >= ? GROUP BY \(side)", arguments: [end]) {
                        balances[row[0], default: 0] += sign * (row[1] as Int64)
                    }
                }
            }
            let outstanding = balances.filter { kinds[$0.key] == .volunteer }.reduce(0) { $0 + $1.value }
            let unsettled = balances.filter { kinds[$0.key] == .merchant }.reduce(0) { $0 + $1.value }

            var byAccount: [String: ReportFigures] = [:]
            for side in ["credit", "debit"] {
                for row in try Row.fetchAll(db, sql: """
                    SELECT \(side), kind, SUM(amount) FROM transfer INDEXED BY transfer_at WHERE at >= ? AND at < ? GROUP BY \(side), kind
                    """, arguments: [start, end]) {
                    byAccount[row[0], default: ReportFigures()].add(TransferKind(rawValue: row[1]) ?? .adjust, row[2])
                }
            }
            var volunteers: [String: (name: String, team: String?, consent: Bool)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, name, team, consent FROM volunteer") {
                volunteers[row[0]] = (name: row[1] as String, team: row[2] as String?, consent: row[3] as Bool)
            }
            func publicName(_ id: String) -> String { volunteers[id].map { $0.consent ? $0.name : "" } ?? "" }
            let volunteerFigures = byAccount.filter { kinds[$0.key] == .volunteer }
            var rows: [ReportRow] = []
            switch grouping {
            case nil: break
            case .volunteer:
                rows = volunteerFigures.map { ReportRow(key: $0.key, label: publicName($0.key), figures: $0.value) }
            case .merchant:
                let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, name FROM merchant").map { ($0[0] as String, $0[1] as String) })
                rows = byAccount.filter { kinds[$0.key] == .merchant }.map { ReportRow(key: $0.key, label: names[$0.key] ?? "", figures: $0.value) }
            case .team:
                let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, name FROM team").map { ($0[0] as String, $0[1] as String) })
                var byTeam: [String: ReportFigures] = [:]
                for (id, f) in volunteerFigures {
                    let team = volunteers[id]?.team ?? ""
                    var sum = byTeam[team, default: ReportFigures()]
                    sum.earned += f.earned; sum.granted += f.granted; sum.redeemed += f.redeemed
                    sum.refunded += f.refunded; sum.expired += f.expired; sum.settled += f.settled
                    byTeam[team] = sum
                }
                rows = byTeam.map { ReportRow(key: $0.key, label: names[$0.key] ?? "", figures: $0.value) }
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
            return MonthReport(month: month, startMillis: start, endMillis: end, transfers: count, totals: totals, outstanding: outstanding,
                               merchantsUnsettled: unsettled, grouping: grouping, rows: rows, topVolunteers: Array(topVolunteers), service: figures)
        }
    }
}
