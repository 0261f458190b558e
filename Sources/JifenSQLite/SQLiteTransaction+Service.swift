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
            id: row["id"], community: row["community"], team: row["team"], title: row["title"], place: row["place"],
            content: row["content"], category: row["category"], startMillis: row["start_at"], endMillis: row["end_at"],
            capacity: row["capacity"], rate: row["rate"], status: ActivityStatus(rawValue: row["status"]) ?? .open,
            checkinCode: row["checkin_code"], createdBy: row["created_by"])
    }

    static let participationColumns =
        "activity, volunteer, joined_at, left, checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by"

    static func participation(_ row: Row) -> Participation {
        Participation(
            activity: row["activity"], volunteer: row["volunteer"], joinedAtMillis: row["joined_at"], left: row["left"],
            checkinMillis: row["checkin_at"], checkoutMillis: row["checkout_at"],
            checkinCorrectedBy: row["checkin_corrected_by"], checkoutCorrectedBy: row["checkout_corrected_by"])
    }

    static let recordColumns = """
        id, activity, volunteer, minutes, service_day, source, status, reason, note, recorder, entered_at, late, points, transfer,
        disputed, version, import_key
        """

    static func record(_ row: Row) -> ServiceRecord {
        ServiceRecord(
            id: row["id"], activity: row["activity"], volunteer: row["volunteer"], minutes: row["minutes"],
            serviceDay: row["service_day"], source: RecordSource(rawValue: row["source"]) ?? .manual,
            status: RecordStatus(rawValue: row["status"]) ?? .pending, reason: row["reason"], note: row["note"],
            recorder: row["recorder"], enteredAtMillis: row["entered_at"], late: row["late"], points: row["points"],
            transfer: row["transfer"], disputed: row["disputed"], version: row["version"], importKey: row["import_key"])
    }

    func team(_ id: String) throws -> Team? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, community, name, leader FROM team WHERE id = ?"), arguments: [id]
        ).map {
            Team(id: $0["id"], community: $0["community"], name: $0["name"], leader: $0["leader"])
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
                    SELECT \(Self.participationColumns) FROM participation WHERE activity = ? AND volunteer = ?
                    """), arguments: [activity, volunteer]
        ).map(Self.participation)
    }

    func participants(activity: String) throws -> [Participation] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.participationColumns) FROM participation WHERE activity = ? ORDER BY joined_at, volunteer
                    """), arguments: [activity]
        ).map(Self.participation)
    }

    func openParticipations(volunteer: String) throws -> [Participation] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.participationColumns) FROM participation
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
                    SELECT count(*) FROM checkin_failure f JOIN activity a ON a.id = f.activity
                    WHERE f.activity = ? AND f.generation = a.code_generation
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
                record: $0["record"], version: $0["version"], minutes: $0["minutes"],
                status: RecordStatus(rawValue: $0["status"]) ?? .pending, points: $0["points"], actor: $0["actor"],
                atMillis: $0["at"], action: $0["action"], reason: $0["reason"])
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
                SELECT \(cols.joined(separator: ", ")),
                    v.name AS volunteer_name, a.title, a.place, a.content, t.id AS team_id, t.name AS team_name, t.leader
                FROM service_record r JOIN activity a ON a.id = r.activity JOIN team t ON t.id = a.team
                    JOIN volunteer v ON v.id = r.volunteer
                WHERE (?1 IS NULL OR r.activity = ?1) AND (?2 IS NULL OR r.volunteer = ?2)
                  AND (?3 = 0 OR r.status IN ('pending', 'review'))
                  AND (?4 IS NULL OR r.service_day >= ?4) AND (?5 IS NULL OR r.service_day <= ?5)
                ORDER BY r.service_day, r.id
                """, arguments: [activity, volunteer, pendingOnly, from, to]
        ).map { row in
            RecordView(
                record: Self.record(row), volunteerName: row["volunteer_name"], activityTitle: row["title"],
                place: row["place"], content: row["content"], team: row["team_id"], teamName: row["team_name"],
                personInCharge: row["leader"])
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
                number: row["number"], volunteer: row["volunteer"], fromDay: row["from_day"], toDay: row["to_day"],
                minutes: row["minutes"], records: row["records"], digest: row["digest"], code: row["code"],
                issuedAtMillis: row["issued_at"], issuedBy: row["issued_by"])
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
                number: row["number"], volunteer: row["volunteer"], fromDay: row["from_day"], toDay: row["to_day"],
                minutes: row["minutes"], records: row["records"], digest: row["digest"], code: row["code"],
                issuedAtMillis: row["issued_at"], issuedBy: row["issued_by"])
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
