import Foundation
import GRDB
import JifenCore

extension SQLiteStore {
    /// Gives an actor the organizer role of a team (admin only).
    public func addOrganizer(_ organizer: String, team: String, actor: String, nowMillis: Int64) throws {
        try Registry.checkText(organizer, field: Bilingual(zh: "组织者", en: "organizer"), max: 100)
        try writeTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "指定组织者", en: "appoint organizers"), in: tx)
            guard try tx.team(team) != nil else { throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team) }
            try db.execute(sql: """
                INSERT OR IGNORE INTO actor_role (actor, role, team, granted_at, granted_by) VALUES (?, 'organizer', ?, ?, ?)
                """, arguments: [organizer, team, nowMillis, actor])
        }
    }

    public func activities(team: String? = nil, startingAfter: Int64? = nil, endingBefore: Int64? = nil) throws -> [Activity] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: """
                SELECT \(SQLiteLedgerTransaction.activityColumns) FROM activity
                WHERE (?1 IS NULL OR team = ?1) AND (?2 IS NULL OR end_at > ?2) AND (?3 IS NULL OR end_at <= ?3)
                ORDER BY start_at, id
                """, arguments: [team, startingAfter, endingBefore]).map(SQLiteLedgerTransaction.activity)
        }
    }

    public func activity(_ id: String) throws -> (Activity, [Participation]) {
        try readTransaction { db in
            let tx = SQLiteLedgerTransaction(db: db)
            guard let activity = try tx.activity(id) else { throw JifenError.unknown(Bilingual(zh: "活动", en: "activity"), id) }
            return (activity, try tx.participants(activity: id))
        }
    }

    public func records(activity: String? = nil, volunteer: String? = nil, pendingOnly: Bool = false,
                        from: String? = nil, to: String? = nil) throws -> [RecordView] {
        try readTransaction { db in
            let cols = SQLiteLedgerTransaction.recordColumns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            return try Row.fetchAll(db, sql: """
                SELECT \(cols.joined(separator: ", ")), v.name, a.title, a.place, a.content, t.id, t.name, t.leader
                FROM service_record r JOIN activity a ON a.id = r.activity JOIN team t ON t.id = a.team JOIN volunteer v ON v.id = r.volunteer
                WHERE (?1 IS NULL OR r.activity = ?1) AND (?2 IS NULL OR r.volunteer = ?2)
                  AND (?3 = 0 OR r.status IN ('pending', 'review'))
                  AND (?4 IS NULL OR r.service_day >= ?4) AND (?5 IS NULL OR r.service_day <= ?5)
                ORDER BY r.service_day, r.id
                """, arguments: [activity, volunteer, pendingOnly, from, to]).map { row in
                RecordView(record: SQLiteLedgerTransaction.record(row), volunteerName: row[17], activityTitle: row[18], place: row[19],
                           content: row[20], team: row[21], teamName: row[22], personInCharge: row[23])
            }
        }
    }

    public func recordHistory(_ id: String) throws -> [RecordVersion] {
        try readTransaction { db in
            guard let record = try SQLiteLedgerTransaction(db: db).record(id) else {
                throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), id)
            }
            return RecordVersion.history(of: record, stored: try Row.fetchAll(db, sql: """
                SELECT record, version, minutes, status, points, actor, at, action, reason FROM service_record_version WHERE record = ? ORDER BY id
                """, arguments: [id]).map {
                RecordVersion(record: $0[0], version: $0[1], minutes: $0[2], status: RecordStatus(rawValue: $0[3]) ?? .pending,
                              points: $0[4], actor: $0[5], atMillis: $0[6], action: $0[7], reason: $0[8])
            })
        }
    }

    /// Approved service time: kept forever, whatever happens to the points.
    public func serviceTotals(volunteer: String) throws -> ServiceTotals {
        try readTransaction { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(minutes), 0), COUNT(*) FROM service_record WHERE volunteer = ? AND status = 'approved'
                """, arguments: [volunteer])
            return ServiceTotals(minutes: row?[0] ?? 0, records: row?[1] ?? 0)
        }
    }

    /// Who an actor is, for rules that depend on it in listings (a volunteer sees only their own records).
    public func isVolunteer(_ actor: String) throws -> Bool {
        try readTransaction { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM volunteer WHERE id = ?", arguments: [actor]) ?? false }
    }

    public func organizedTeams(_ actor: String) throws -> [String] {
        try readTransaction { db in
            try String.fetchAll(db, sql: "SELECT team FROM actor_role WHERE actor = ? AND role = 'organizer' AND team <> '' ORDER BY team",
                                arguments: [actor])
        }
    }

    public func recordVolunteer(_ id: String) throws -> String? {
        try readTransaction { db in try String.fetchOne(db, sql: "SELECT volunteer FROM service_record WHERE id = ?", arguments: [id]) }
    }

    public func isAdmin(_ actor: String) throws -> Bool {
        try readTransaction { db in try SQLiteLedgerTransaction(db: db).isAdmin(actor) }
    }
}
