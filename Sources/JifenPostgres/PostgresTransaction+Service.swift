import Foundation
import JifenCore
import PostgresNIO

/// Teams, activities, participations, check-in failures, service records, their versions and
/// certificates as SQL, for `JifenCore.Service`.
///
/// In a write transaction the activity and record rows the core reads are locked (`FOR UPDATE`):
/// its checks on them (capacity, status, a record approved once) then hold until commit, as they
/// do under SQLite's single writer.
extension PostgresTransaction {
    static let activityColumns =
        "id, community, team, title, place, content, category, start_at, end_at, capacity, rate, status, checkin_code, created_by"

    static func activity(_ row: PostgresRow) throws -> Activity {
        let (id, community, team, title, place, content, category, start, end, capacity, rate, status, code, by) =
            try row.decode(
                (
                    String, String, String, String, String, String, String, Int64, Int64, Int64?, Int64?, String,
                    String, String
                ).self)
        return Activity(
            id: id, community: community, team: team, title: title, place: place, content: content, category: category,
            startMillis: start, endMillis: end, capacity: capacity.map { Int($0) }, rate: rate,
            status: ActivityStatus(rawValue: status) ?? .open, checkinCode: code, createdBy: by)
    }

    static let participationColumns =
        "activity, volunteer, joined_at, \"left\", checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by"

    static func participation(_ row: PostgresRow) throws -> Participation {
        let (activity, volunteer, joined, left, checkin, checkout, inBy, outBy) =
            try row.decode((String, String, Int64, Int64, Int64?, Int64?, String?, String?).self)
        return Participation(
            activity: activity, volunteer: volunteer, joinedAtMillis: joined, left: left != 0,
            checkinMillis: checkin, checkoutMillis: checkout, checkinCorrectedBy: inBy, checkoutCorrectedBy: outBy)
    }

    static let recordColumns = """
        id, activity, volunteer, minutes, service_day, source, status, reason, note, recorder, entered_at, late, points, transfer, \
        disputed, version, import_key
        """

    static func record(_ row: PostgresRow) throws -> ServiceRecord {
        let (
            id, activity, volunteer, minutes, day, source, status, reason, note, recorder, entered, late, points,
            transfer,
            disputed, version, importKey
        ) =
            try row.decode(
                (
                    String, String, String, Int64, String, String, String, String, String, String, Int64, Int64, Int64,
                    Int64?,
                    Int64, Int64, String?
                ).self)
        return ServiceRecord(
            id: id, activity: activity, volunteer: volunteer, minutes: minutes, serviceDay: day,
            source: RecordSource(rawValue: source) ?? .manual, status: RecordStatus(rawValue: status) ?? .pending,
            reason: reason, note: note, recorder: recorder, enteredAtMillis: entered, late: late != 0, points: points,
            transfer: transfer, disputed: disputed != 0, version: Int(version), importKey: importKey)
    }

    func team(_ id: String) throws -> Team? {
        try session.rows("SELECT id, community, name, leader FROM team WHERE id = $1", [id]).first.map {
            let (id, community, name, leader) = try $0.decode((String, String, String, String).self)
            return Team(id: id, community: community, name: name, leader: leader)
        }
    }

    func teamExists(named name: String, community: String) throws -> Bool {
        try !session.rows("SELECT 1 FROM team WHERE community = $1 AND name = $2", [community, name]).isEmpty
    }

    func activity(_ id: String) throws -> Activity? {
        try session.rows("SELECT \(Self.activityColumns) FROM activity WHERE id = $1\(lockClause)", [id]).first.map(
            Self.activity)
    }

    func participation(activity: String, volunteer: String) throws -> Participation? {
        try session.rows(
            """
            SELECT \(Self.participationColumns) FROM participation WHERE activity = $1 AND volunteer = $2
            """, [activity, volunteer]
        ).first.map(Self.participation)
    }

    func participants(activity: String) throws -> [Participation] {
        try session.rows(
            """
            SELECT \(Self.participationColumns) FROM participation WHERE activity = $1
            ORDER BY joined_at, volunteer COLLATE "C"
            """, [activity]
        ).map(Self.participation)
    }

    func openParticipations(volunteer: String) throws -> [Participation] {
        try session.rows(
            """
            SELECT \(Self.participationColumns) FROM participation
            WHERE volunteer = $1 AND checkin_at IS NOT NULL AND checkout_at IS NULL AND "left" = 0 ORDER BY checkin_at, activity COLLATE "C"
            """, [volunteer]
        ).map(Self.participation)
    }

    func checkinFailures(activity: String, volunteer: String?) throws -> Int {
        let rows: [PostgresRow]
        if let volunteer {
            rows = try session.rows(
                "SELECT count(*) FROM checkin_failure WHERE activity = $1 AND volunteer = $2", [activity, volunteer])
        } else {
            rows = try session.rows(
                """
                SELECT count(*) FROM checkin_failure f JOIN activity a ON a.id = f.activity WHERE f.activity = $1 AND f.generation = a.code_generation
                """, [activity])
        }
        return try Int(rows.first?.decode(Int64.self) ?? 0)
    }

    func record(_ id: String) throws -> ServiceRecord? {
        try session.rows("SELECT \(Self.recordColumns) FROM service_record WHERE id = $1\(lockClause)", [id]).first.map(
            Self.record)
    }

    func records(activity: String) throws -> [ServiceRecord] {
        try session.rows(
            "SELECT \(Self.recordColumns) FROM service_record WHERE activity = $1 ORDER BY id\(lockClause)", [activity]
        )
        .map(Self.record)
    }

    func record(importKey: String) throws -> ServiceRecord? {
        try session.rows("SELECT \(Self.recordColumns) FROM service_record WHERE import_key = $1", [importKey]).first
            .map(Self.record)
    }

    func recordVersions(record id: String) throws -> [RecordVersion] {
        try session.rows(
            """
            SELECT record, version, minutes, status, points, actor, at, action, reason FROM service_record_version
            WHERE record = $1 ORDER BY id
            """, [id]
        ).map { row in
            let (record, version, minutes, status, points, actor, at, action, reason) =
                try row.decode((String, Int64, Int64, String, Int64, String, Int64, String, String).self)
            return RecordVersion(
                record: record, version: Int(version), minutes: minutes,
                status: RecordStatus(rawValue: status) ?? .pending,
                points: points, actor: actor, atMillis: at, action: action, reason: reason)
        }
    }

    func recordViews(
        activity: String?, volunteer: String?, pendingOnly: Bool, from: String?, to: String?
    ) throws -> [RecordView] {
        try PostgresStore.recordViews(
            session, activity: activity, volunteer: volunteer, pendingOnly: pendingOnly, from: from, to: to)
    }

    func minutesOnDay(volunteer: String, day: String, excluding: String?) throws -> Int64 {
        try session.scalar(
            Int64.self,
            """
            SELECT COALESCE(SUM(minutes), 0)::BIGINT FROM service_record
            WHERE volunteer = $1 AND service_day = $2 AND status <> 'rejected' AND id IS DISTINCT FROM $3::TEXT
            """, [volunteer, day, excluding]) ?? 0
    }

    func minutesByVolunteerDay(from: String, to: String) throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for row in try session.rows(
            """
            SELECT volunteer, service_day, SUM(minutes)::BIGINT FROM service_record
            WHERE service_day BETWEEN $1 AND $2 AND status <> 'rejected' GROUP BY volunteer, service_day
            """, [from, to])
        {
            let (volunteer, day, minutes) = try row.decode((String, String, Int64).self)
            result[volunteer + "\u{1F}" + day] = minutes
        }
        return result
    }

    /// Record ids are R + 7 digits, so the last in text order is the highest (up to 9,999,999).
    func lastRecordNumber() throws -> Int {
        let last = try session.scalar(
            String.self, "SELECT id FROM service_record ORDER BY id COLLATE \"C\" DESC LIMIT 1")
        return last.flatMap { Int($0.dropFirst()) } ?? 0
    }

    func hasImportKeys() throws -> Bool {
        try session.scalar(Bool.self, "SELECT EXISTS (SELECT 1 FROM service_record WHERE import_key IS NOT NULL)")
            ?? false
    }

    func certificateCount(numberPrefix: String) throws -> Int {
        Int(
            try session.scalar(
                Int64.self, "SELECT COUNT(*)::BIGINT FROM certificate WHERE number LIKE $1", [numberPrefix + "%"]) ?? 0)
    }

    func certificate(code: String) throws -> Certificate? {
        try session.rows(
            """
            SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = $1
            """, [code]
        ).first.map { row in
            let (number, volunteer, from, to, minutes, records, digest, stored, at, by) =
                try row.decode((String, String, String, String, Int64, Int64, String, String, Int64, String).self)
            return Certificate(
                number: number, volunteer: volunteer, fromDay: from, toDay: to, minutes: minutes,
                records: Int(records), digest: digest, code: stored, issuedAtMillis: at, issuedBy: by)
        }
    }

    func latestCertificate(volunteer: String) throws -> Certificate? {
        try session.rows(
            """
            SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate
            WHERE volunteer = $1 ORDER BY issued_at DESC, number DESC LIMIT 1
            """, [volunteer]
        ).first.map { row in
            let (number, volunteer, from, to, minutes, records, digest, stored, at, by) =
                try row.decode((String, String, String, String, Int64, Int64, String, String, Int64, String).self)
            return Certificate(
                number: number, volunteer: volunteer, fromDay: from, toDay: to, minutes: minutes,
                records: Int(records), digest: digest, code: stored, issuedAtMillis: at, issuedBy: by)
        }
    }

    func insert(team: Team, actor: String, nowMillis: Int64) throws {
        try session.execute(
            "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            [team.id, team.community, team.name, team.leader, nowMillis, actor])
    }

    func nextActivityID() throws -> String { try nextID(.activity) }

    func insert(activity a: Activity, nowMillis: Int64) throws {
        session.send(
            """
            INSERT INTO activity (id, community, team, title, place, content, category, start_at, end_at, capacity, rate, status,
                                  checkin_code, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """,
            [
                a.id, a.community, a.team, a.title, a.place, a.content, a.category, a.startMillis, a.endMillis,
                a.capacity, a.rate, a.status.rawValue, a.checkinCode, nowMillis, a.createdBy,
            ])
    }

    func setActivityStatus(
        _ id: String, _ status: ActivityStatus, reason: String, actor: String, nowMillis: Int64
    ) throws {
        session.send(
            "UPDATE activity SET status = $1, status_reason = $2, status_at = $3, status_by = $4 WHERE id = $5",
            [status.rawValue, reason, nowMillis, actor, id])
    }

    func save(participation p: Participation) throws {
        session.send(
            """
            INSERT INTO participation (activity, volunteer, joined_at, "left", checkin_at, checkout_at, checkin_corrected_by, checkout_corrected_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (activity, volunteer) DO UPDATE SET joined_at = excluded.joined_at, "left" = excluded."left",
                checkin_at = excluded.checkin_at, checkout_at = excluded.checkout_at,
                checkin_corrected_by = excluded.checkin_corrected_by, checkout_corrected_by = excluded.checkout_corrected_by
            """,
            [
                p.activity, p.volunteer, p.joinedAtMillis, p.left ? 1 : 0, p.checkinMillis, p.checkoutMillis,
                p.checkinCorrectedBy, p.checkoutCorrectedBy,
            ])
    }

    func insertCheckinFailure(activity: String, volunteer: String, atMillis: Int64) throws {
        session.send(
            """
            INSERT INTO checkin_failure (activity, volunteer, generation, at) SELECT id, $1, code_generation, $2 FROM activity WHERE id = $3
            """, [volunteer, atMillis, activity])
    }

    func setCheckinCode(activity: String, code: String, actor: String, nowMillis: Int64) throws {
        session.send(
            "UPDATE activity SET checkin_code = $1, code_generation = code_generation + 1, code_set_at = $2, code_set_by = $3 WHERE id = $4",
            [code, nowMillis, actor, activity])
    }

    func nextRecordID() throws -> String { Service.recordID(try lastRecordNumber() + 1) }

    func insert(record r: ServiceRecord) throws {
        session.send(
            """
            INSERT INTO service_record (\(Self.recordColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """,
            [
                r.id, r.activity, r.volunteer, r.minutes, r.serviceDay, r.source.rawValue, r.status.rawValue, r.reason,
                r.note,
                r.recorder, r.enteredAtMillis, r.late ? 1 : 0, r.points, r.transfer, r.disputed ? 1 : 0, r.version,
                r.importKey,
            ])
    }

    func update(record r: ServiceRecord) throws {
        session.send(
            """
            UPDATE service_record SET minutes = $1, status = $2, reason = $3, points = $4, transfer = $5, disputed = $6, version = $7
            WHERE id = $8
            """, [r.minutes, r.status.rawValue, r.reason, r.points, r.transfer, r.disputed ? 1 : 0, r.version, r.id])
    }

    func insert(version v: RecordVersion) throws {
        session.send(
            """
            INSERT INTO service_record_version (record, version, minutes, status, points, action, reason, actor, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [v.record, v.version, v.minutes, v.status.rawValue, v.points, v.action, v.reason, v.actor, v.atMillis])
    }

    func insert(certificate c: Certificate) throws {
        try session.execute(
            """
            INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                c.number, c.volunteer, c.fromDay, c.toDay, c.minutes, c.records, c.digest, c.code, c.issuedAtMillis,
                c.issuedBy,
            ])
    }

    private var lockClause: String { writing ? " FOR UPDATE" : "" }
}
