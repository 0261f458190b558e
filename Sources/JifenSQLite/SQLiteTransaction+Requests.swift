import Foundation
import GRDB
import JifenCore

/// Residents, service requests and their history, as SQL. The rules are in the core's `Requests`.
extension SQLiteTransaction {
    static let residentColumns = "id, community, name, phone, id_number, address, area, volunteer, consent, created_at"

    static func resident(_ row: Row) -> Resident {
        Resident(
            id: row["id"], community: row["community"], name: row["name"], phone: row["phone"],
            idNumber: row["id_number"], address: row["address"], area: row["area"], volunteer: row["volunteer"],
            consent: row["consent"], createdAtMillis: row["created_at"])
    }

    func resident(_ id: String) throws -> Resident? {
        try Row.fetchOne(db, sql: "SELECT \(Self.residentColumns) FROM resident WHERE id = ?", arguments: [id]).map(
            Self.resident)
    }

    func residents(community: String?) throws -> [Resident] {
        try Row.fetchAll(
            db, sql: "SELECT \(Self.residentColumns) FROM resident WHERE (?1 IS NULL OR community = ?1) ORDER BY id",
            arguments: [community]
        ).map(Self.resident)
    }

    /// SQLite runs one writer at a time: reading is locking enough.
    func serviceRequest(_ id: String, forUpdate: Bool) throws -> ServiceRequest? {
        try String.fetchOne(db, sql: "SELECT body FROM service_request WHERE id = ?", arguments: [id]).map {
            try ServiceRequest(body: $0)
        }
    }

    func serviceRequests(states: [RequestState]?) throws -> [ServiceRequest] {
        let bodies: [String]
        if let states {
            let marks = Array(repeating: "?", count: states.count).joined(separator: ", ")
            bodies = try String.fetchAll(
                db, sql: "SELECT body FROM service_request WHERE state IN (\(marks)) ORDER BY id",
                arguments: StatementArguments(states.map(\.rawValue)))
        } else {
            bodies = try String.fetchAll(db, sql: "SELECT body FROM service_request ORDER BY id")
        }
        return try bodies.map { try ServiceRequest(body: $0) }
    }

    func requestSteps(request id: String) throws -> [RequestStep] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT request, seq, action, from_state, to_state, actor, at, note FROM service_request_step WHERE request = ? ORDER BY seq
                """, arguments: [id]
        ).map {
            RequestStep(
                request: $0["request"], seq: $0["seq"], action: $0["action"], from: $0["from_state"],
                to: $0["to_state"], actor: $0["actor"], atMillis: $0["at"], note: $0["note"])
        }
    }

    func insert(resident r: Resident, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO resident (id, community, name, phone, id_number, address, area, volunteer, consent, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                r.id, r.community, r.name, r.phone, r.idNumber, r.address, r.area, r.volunteer, r.consent, nowMillis,
                actor,
            ])
    }

    func insert(request r: ServiceRequest) throws {
        try db.execute(
            sql: """
                INSERT INTO service_request (id, community, resident, state, team, server, posted_at, expires_at, updated_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                r.id, r.community, r.resident, r.state.rawValue, r.team, r.server, r.postedAtMillis, r.expiresAtMillis,
                r.updatedAtMillis, r.body,
            ])
    }

    func update(request r: ServiceRequest) throws {
        try db.execute(
            sql: """
                UPDATE service_request SET state = ?, team = ?, server = ?, expires_at = ?, updated_at = ?, body = ? WHERE id = ?
                """,
            arguments: [r.state.rawValue, r.team, r.server, r.expiresAtMillis, r.updatedAtMillis, r.body, r.id])
    }

    func insert(requestStep s: RequestStep) throws {
        try db.execute(
            sql: """
                INSERT INTO service_request_step (request, seq, action, from_state, to_state, actor, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.request, s.seq, s.action, s.from, s.to, s.actor, s.atMillis, s.note])
    }
}
