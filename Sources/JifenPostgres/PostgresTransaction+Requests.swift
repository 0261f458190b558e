import Foundation
import JifenCore
import PostgresNIO

/// Residents, service requests and their history, as SQL. The rules are in the core's `Requests`.
extension PostgresTransaction {
    static let residentColumns = "id, community, name, phone, id_number, address, area, volunteer, consent, created_at"

    static func resident(_ row: PostgresRow) throws -> Resident {
        let (id, community, name, phone, idNumber, address, area, volunteer, consent, created) =
            try row.decode((String, String, String, String, String?, String, String, String?, Int64, Int64).self)
        return Resident(
            id: id, community: community, name: name, phone: phone, idNumber: idNumber, address: address, area: area,
            volunteer: volunteer, consent: consent != 0, createdAtMillis: created)
    }

    func resident(_ id: String) throws -> Resident? {
        try session.rows("SELECT \(Self.residentColumns) FROM resident WHERE id = $1", [id]).first.map(Self.resident)
    }

    func residents(community: String?) throws -> [Resident] {
        try session.rows(
            """
            SELECT \(Self.residentColumns) FROM resident WHERE ($1::TEXT IS NULL OR community = $1) ORDER BY id COLLATE "C"
            """, [community]
        ).map(Self.resident)
    }

    /// `forUpdate` locks the row: two volunteers claiming one request at once take turns, and the
    /// second sees it claimed.
    func serviceRequest(_ id: String, forUpdate: Bool) throws -> ServiceRequest? {
        try session.scalar(
            String.self, "SELECT body FROM service_request WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", [id]
        )
        .map { try ServiceRequest(body: $0) }
    }

    func serviceRequests(states: [RequestState]?) throws -> [ServiceRequest] {
        try session.rows(
            """
            SELECT body FROM service_request WHERE ($1::TEXT[] IS NULL OR state = ANY($1)) ORDER BY id COLLATE "C"
            """, [states.map { $0.map(\.rawValue) }]
        ).map { try ServiceRequest(body: try $0.decode(String.self)) }
    }

    func requestSteps(request id: String) throws -> [RequestStep] {
        try session.rows(
            """
            SELECT request, seq, action, from_state, to_state, actor, at, note FROM service_request_step WHERE request = $1 ORDER BY seq
            """, [id]
        ).map { row in
            let (request, seq, action, from, to, actor, at, note) = try row.decode(
                (String, Int64, String, String, String, String, Int64, String).self)
            return RequestStep(
                request: request, seq: Int(seq), action: action, from: from, to: to, actor: actor, atMillis: at,
                note: note)
        }
    }

    func insert(resident r: Resident, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO resident (id, community, name, phone, id_number, address, area, volunteer, consent, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                r.id, r.community, r.name, r.phone, r.idNumber, r.address, r.area, r.volunteer,
                r.consent ? Int64(1) : Int64(0), nowMillis, actor,
            ])
    }

    func insert(request r: ServiceRequest) throws {
        try session.execute(
            """
            INSERT INTO service_request (id, community, resident, state, team, server, posted_at, expires_at, updated_at, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                r.id, r.community, r.resident, r.state.rawValue, r.team, r.server, r.postedAtMillis, r.expiresAtMillis,
                r.updatedAtMillis, r.body,
            ])
    }

    func update(request r: ServiceRequest) throws {
        try session.execute(
            """
            UPDATE service_request SET state = $1, team = $2, server = $3, expires_at = $4, updated_at = $5, body = $6 WHERE id = $7
            """, [r.state.rawValue, r.team, r.server, r.expiresAtMillis, r.updatedAtMillis, r.body, r.id])
    }

    func insert(requestStep s: RequestStep) throws {
        try session.execute(
            """
            INSERT INTO service_request_step (request, seq, action, from_state, to_state, actor, at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [s.request, Int64(s.seq), s.action, s.from, s.to, s.actor, s.atMillis, s.note])
    }
}
