import Foundation
import GRDB
import JifenCore

/// The report's service figures from service records: hours served in the month, the star roster
/// as of the month's end, late records, and earnings by service category.
public struct SQLiteServiceFigures: ServiceFiguresSource {
    let database: JifenDatabase

    public init(_ database: JifenDatabase) { self.database = database }

    public func serviceFigures(community: String, startMillis: Int64, endMillis: Int64) throws -> ServiceFigures {
        let rules = try database.rules()
        let zone = rules.timeZone
        let firstDay = DayFormat.string(Date(millis: startMillis), in: zone)
        let lastDay = DayFormat.string(Date(millis: endMillis - 1), in: zone)
        return try database.readTransaction { db in
            var figures = ServiceFigures(hoursServedMinutes: try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(minutes), 0) FROM service_record WHERE status = 'approved' AND service_day BETWEEN ? AND ?
                """, arguments: [firstDay, lastDay]) ?? 0)
            // Stars count every approved hour up to the month's end; names only with consent.
            for row in try Row.fetchAll(db, sql: """
                SELECT r.volunteer, v.name, v.consent, SUM(r.minutes) FROM service_record r JOIN volunteer v ON v.id = r.volunteer
                WHERE r.status = 'approved' AND r.service_day <= ? GROUP BY r.volunteer ORDER BY SUM(r.minutes) DESC, r.volunteer
                """, arguments: [lastDay]) {
                let minutes: Int64 = row[3]
                let level = rules.star(forMinutes: minutes).level
                guard level > 0 else { continue }
                figures.starRoster.append(StarEntry(volunteer: row[0], name: (row[2] as Bool) ? row[1] : "", stars: level,
                                                    hours: Double(minutes) / 60))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT id, volunteer, activity, service_day, entered_at FROM service_record
                WHERE late = 1 AND status <> 'rejected' AND service_day BETWEEN ? AND ? ORDER BY id
                """, arguments: [firstDay, lastDay]) {
                figures.lateRecords.append(LateRecord(record: row[0], volunteer: row[1], activity: row[2], servedOn: row[3],
                                                      recordedOn: DayFormat.string(Date(millis: row[4]), in: zone)))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT a.category, SUM(t.amount) FROM transfer t INDEXED BY transfer_at
                JOIN service_record r ON r.id = t.reference JOIN activity a ON a.id = r.activity
                WHERE t.kind = 'earn' AND t.at >= ? AND t.at < ? GROUP BY a.category
                """, arguments: [startMillis, endMillis]) {
                figures.earnedByCategory[row[0]] = row[1]
            }
            return figures
        }
    }
}
