import Foundation
import GRDB
import JifenCore

/// Teams, activities, participations, check-in failures, service records, their versions and
/// certificates as SQL; the rules are in `JifenCore.Service`.
extension SQLiteTransaction {
    static let activityColumns =
        "id, community, team, title, place, content, category, start_at, end_at, capacity, rate, status, checkin_code, created_by"

    static func activity(_ row: Row) -> Activity {
        Activity(
            id: row[0], community: row[1], team: row[2], title: row[3], place: row[4], content: row[5],
            category: row[6],
            startMillis: row[7], endMillis: row[8], capacity: row[9], rate: row[10],
            status: ActivityStatus(rawValue: row[11]) ?? .open, checkinCode: row[12], createdBy: row[13])
    }

    static func participation(_ row: Row) -> Participation {
        Participation(
            activity: row[0], volunteer: row[1], joinedAtMillis: row[2], left: row[3], checkinMillis: row[4],
            checkoutMillis: row[5],
            checkinCorrectedBy: row[6], checkoutCorrectedBy: row[7])
    }

    static let recordColumns = """
        id, activity, volunteer, minutes, service_day, source, status, reason, note, recorder, entered_at, late, points, transfer,
        disputed, version, import_key
        """

    static func record(_ row: Row) -> ServiceRecord {
        ServiceRecord(
            id: row[0], activity: row[1], volunteer: row[2], minutes: row[3], serviceDay: row[4],
            source: RecordSource(rawValue: row[5]) ?? .manual, status: RecordStatus(rawValue: row[6]) ?? .pending,
            reason: row[7], note: row[8], recorder: row[9], enteredAtMillis: row[10], late: row[11], points: row[12],
            transfer: row[13], disputed: row[14], version: row[15], importKey: row[16])
    }

    func team(_ id: String) throws -> Team? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, community, name, leader FROM team WHERE id = ?"), arguments: [id]
        ).map {
            Team(id: $0[0], community: $0[1], name: $0[2], leader: $0[3])
        }
    }

    func teamExists(named name: String, community: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE community = ? AND name = ?", arguments: [community, name])
            == true
    }

    func activity(_ id: String) throws -> Activity? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.activityColumns) FROM activity WHERE id = ?"), arguments: [id]
        ).map(Self.activity)
    }

    func participation(activity: String, volunteer: String) throws -> Participation? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT activity, volunteer, joined_at, left, checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by FROM participation WHERE activity = ? AND volunteer = ?
                    """), arguments: [activity, volunteer]
        ).map(Self.participation)
    }

    func participants(activity: String) throws -> [Participation] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT activity, volunteer, joined_at, left, checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by FROM participation WHERE activity = ? ORDER BY joined_at, volunteer
                    """), arguments: [activity]
        ).map(Self.participation)
    }

    func openParticipations(volunteer: String) throws -> [Participation] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT activity, volunteer, joined_at, left, checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by FROM participation
                    WHERE volunteer = ? AND checkin_at IS NOT NULL AND checkout_at IS NULL AND left = 0 ORDER BY checkin_at, activity
                    """), arguments: [volunteer]
        ).map(Self.participation)
    }

    func checkinFailures(activity: String, volunteer: String?) throws -> Int {
        if let volunteer {
            return try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM checkin_failure WHERE activity = ? AND volunteer = ?"),
                arguments: [activity, volunteer]) ?? 0
        }
        return try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT count(*) FROM checkin_failure f JOIN activity a ON a.id = f.activity WHERE f.activity = ? AND f.generation = a.code_generation
                    """), arguments: [activity]) ?? 0
    }

    func record(_ id: String) throws -> ServiceRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.recordColumns) FROM service_record WHERE id = ?"), arguments: [id]
        ).map(Self.record)
    }

    func records(activity: String) throws -> [ServiceRecord] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(Self.recordColumns) FROM service_record WHERE activity = ? ORDER BY id"),
            arguments: [activity]
        ).map(Self.record)
    }

    func record(importKey: String) throws -> ServiceRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.recordColumns) FROM service_record WHERE import_key = ?"),
            arguments: [importKey]
        ).map(Self.record)
    }

    func recordVersions(record id: String) throws -> [RecordVersion] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT record, version, minutes, status, points, actor, at, action, reason FROM service_record_version WHERE record = ? ORDER BY id
                """, arguments: [id]
        ).map {
            RecordVersion(
                record: $0[0], version: $0[1], minutes: $0[2], status: RecordStatus(rawValue: $0[3]) ?? .pending,
                points: $0[4], actor: $0[5], atMillis: $0[6], action: $0[7], reason: $0[8])
        }
    }

    func recordViews(
        activity: String?, volunteer: String?, pendingOnly: Bool, from: String?, to: String?
    ) throws -> [RecordView] {
        let cols = Self.recordColumns.split(separator: ",").map {
            "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT \(cols.joined(separator: ", ")), v.name, a.title, a.place, a.content, t.id, t.name, t.leader
                FROM service_record r JOIN activity a ON a.id = r.activity JOIN team t ON t.id = a.team JOIN volunteer v ON v.id = r.volunteer
                WHERE (?1 IS NULL OR r.activity = ?1) AND (?2 IS NULL OR r.volunteer = ?2)
                  AND (?3 = 0 OR r.status IN ('pending', 'review'))
                  AND (?4 IS NULL OR r.service_day >= ?4) AND (?5 IS NULL OR r.service_day <= ?5)
                ORDER BY r.service_day, r.id
                """, arguments: [activity, volunteer, pendingOnly, from, to]
        ).map { row in
            RecordView(
                record: Self.record(row), volunteerName: row[17], activityTitle: row[18], place: row[19],
                content: row[20], team: row[21], teamName: row[22], personInCharge: row[23])
        }
    }

    func minutesOnDay(volunteer: String, day: String, excluding: String?) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COALESCE(SUM(minutes), 0) FROM service_record
                    WHERE volunteer = ? AND service_day = ? AND status <> 'rejected' AND id IS NOT ?
                    """), arguments: [volunteer, day, excluding]) ?? 0
    }

    func minutesByVolunteerDay(from: String, to: String) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT volunteer, service_day, SUM(minutes) FROM service_record
                WHERE service_day BETWEEN ? AND ? AND status <> 'rejected' GROUP BY volunteer, service_day
                """, arguments: [from, to])
        while let row = try rows.next() {
            let volunteer: String = row[0], day: String = row[1]
            result[volunteer + "\u{1F}" + day] = row[2]
        }
        return result
    }

    /// Record ids are H + 7 digits (H for hours), so the last in text order is the highest (up to 9,999,999).
    func lastRecordNumber() throws -> Int {
        let last = try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM service_record ORDER BY id DESC LIMIT 1"))
        return last.flatMap { Int($0.dropFirst()) } ?? 0
    }

    func hasImportKeys() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM service_record WHERE import_key IS NOT NULL)") ?? false
    }

    func certificateCount(numberPrefix: String) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM certificate WHERE number LIKE ?", arguments: [numberPrefix + "%"]) ?? 0
    }

    func certificate(code: String) throws -> Certificate? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = ?
                """, arguments: [code]
        ).map { row in
            Certificate(
                number: row[0], volunteer: row[1], fromDay: row[2], toDay: row[3], minutes: row[4], records: row[5],
                digest: row[6], code: row[7], issuedAtMillis: row[8], issuedBy: row[9])
        }
    }

    func latestCertificate(volunteer: String) throws -> Certificate? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate
                WHERE volunteer = ? ORDER BY issued_at DESC, number DESC LIMIT 1
                """, arguments: [volunteer]
        ).map { row in
            Certificate(
                number: row[0], volunteer: row[1], fromDay: row[2], toDay: row[3], minutes: row[4], records: row[5],
                digest: row[6], code: row[7], issuedAtMillis: row[8], issuedBy: row[9])
        }
    }

    func insert(team: Team, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [team.id, team.community, team.name, team.leader, nowMillis, actor])
    }

    func nextActivityID() throws -> String { try nextID(.activity) }

    func insert(activity a: Activity, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO activity (id, community, team, title, place, content, category, start_at, end_at, capacity, rate, status,
                                      checkin_code, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                a.id, a.community, a.team, a.title, a.place, a.content, a.category, a.startMillis, a.endMillis,
                a.capacity, a.rate, a.status.rawValue, a.checkinCode, nowMillis, a.createdBy,
            ])
    }

    func setActivityStatus(
        _ id: String, _ status: ActivityStatus, reason: String, actor: String, nowMillis: Int64
    ) throws {
        try db.execute(
            sql: "UPDATE activity SET status = ?, status_reason = ?, status_at = ?, status_by = ? WHERE id = ?",
            arguments: [status.rawValue, reason, nowMillis, actor, id])
    }

    func save(participation p: Participation) throws {
        try db.execute(
            sql: """
                INSERT INTO participation (activity, volunteer, joined_at, left, checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (activity, volunteer) DO UPDATE SET joined_at = excluded.joined_at, left = excluded.left,
                    checkin_at = excluded.checkin_at, checkout_at = excluded.checkout_at,
                    checkin_corrected_by = excluded.checkin_corrected_by, checkout_corrected_by = excluded.checkout_corrected_by
                """,
            arguments: [
                p.activity, p.volunteer, p.joinedAtMillis, p.left, p.checkinMillis, p.checkoutMillis,
                p.checkinCorrectedBy, p.checkoutCorrectedBy,
            ])
    }

    func insertCheckinFailure(activity: String, volunteer: String, atMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO checkin_failure (activity, volunteer, generation, at) SELECT id, ?, code_generation, ? FROM activity WHERE id = ?
                """, arguments: [volunteer, atMillis, activity])
    }

    func setCheckinCode(activity: String, code: String, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql:
                "UPDATE activity SET checkin_code = ?, code_generation = code_generation + 1, code_set_at = ?, code_set_by = ? WHERE id = ?",
            arguments: [code, nowMillis, actor, activity])
    }

    func nextRecordID() throws -> String { Service.recordID(try lastRecordNumber() + 1) }

    func insert(record r: ServiceRecord) throws {
        try insertRecordBound(r)
    }

    func update(record r: ServiceRecord) throws {
        try db.execute(
            sql: """
                UPDATE service_record SET minutes = ?, status = ?, reason = ?, points = ?, transfer = ?, disputed = ?, version = ? WHERE id = ?
                """,
            arguments: [r.minutes, r.status.rawValue, r.reason, r.points, r.transfer, r.disputed, r.version, r.id])
    }

    func insert(version v: RecordVersion) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO service_record_version (record, version, minutes, status, points, action, reason, actor, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            v.record, v.version, v.minutes, v.status.rawValue, v.points, v.action, v.reason, v.actor, v.atMillis,
        ])
    }

    func insert(certificate c: Certificate) throws {
        try db.execute(
            sql: """
                INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                c.number, c.volunteer, c.fromDay, c.toDay, c.minutes, c.records, c.digest, c.code, c.issuedAtMillis,
                c.issuedBy,
            ])
    }
}
