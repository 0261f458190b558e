import Foundation
public import JifenCore
import PostgresNIO

/// The service listings on PostgreSQL (`ServiceQueries`): teams, activities, records with the
/// fields of the 2020 rules, a record's volunteer, a volunteer's totals. The writes are
/// `JifenCore.Service`'s, through `PostgresTransaction+Service.swift`. Text is ordered with
/// `COLLATE "C"`, as SQLite orders it.
extension PostgresStore {
    public func activities(team: String?, startingAfter: Int64?, endingBefore: Int64?) throws -> [Activity] {
        try transaction(readOnly: true) { session in
            try session.rows(
                """
                SELECT \(PostgresTransaction.activityColumns) FROM activity
                WHERE ($1::TEXT IS NULL OR team = $1) AND ($2::BIGINT IS NULL OR end_at > $2) AND ($3::BIGINT IS NULL OR end_at <= $3)
                ORDER BY start_at, id COLLATE "C"
                """, [team, startingAfter, endingBefore]
            ).map(PostgresTransaction.activity)
        }
    }

    static func recordViews(
        _ session: PostgresSession, activity: String?, volunteer: String?, pendingOnly: Bool,
        from: String?, to: String?
    ) throws -> [RecordView] {
        let columns = PostgresTransaction.recordColumns.split(separator: ",")
            .map { "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return try session.rows(
            """
            SELECT \(columns), v.name, a.title, a.place, a.content, t.id, t.name, t.leader
            FROM service_record r JOIN activity a ON a.id = r.activity JOIN team t ON t.id = a.team JOIN volunteer v ON v.id = r.volunteer
            WHERE ($1::TEXT IS NULL OR r.activity = $1) AND ($2::TEXT IS NULL OR r.volunteer = $2)
              AND (NOT $3::BOOLEAN OR r.status IN ('pending', 'review'))
              AND ($4::TEXT IS NULL OR r.service_day >= $4) AND ($5::TEXT IS NULL OR r.service_day <= $5)
            ORDER BY r.service_day COLLATE "C", r.id COLLATE "C"
            """, [activity, volunteer, pendingOnly, from, to]
        ).map { row in
            // The record's 17 columns, then the seven fields of its activity, team and volunteer.
            let record = try PostgresTransaction.record(row)
            let cells = row.makeRandomAccess()
            func text(_ i: Int) throws -> String { try cells[i].decode(String.self) }
            return RecordView(
                record: record, volunteerName: try text(17), activityTitle: try text(18), place: try text(19),
                content: try text(20), team: try text(21), teamName: try text(22), personInCharge: try text(23))
        }
    }

    public func recordVolunteer(_ id: String) throws -> String? {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT volunteer FROM service_record WHERE id = $1", [id]).first.map {
                try $0.decode(String.self)
            }
        }
    }

    /// Hours and records of a volunteer's approved service.
    public func serviceTotals(volunteer: String) throws -> ServiceTotals {
        try transaction(readOnly: true) { session in
            guard
                let row = try session.rows(
                    """
                    SELECT COALESCE(SUM(minutes), 0)::BIGINT, COUNT(*)::BIGINT FROM service_record WHERE volunteer = $1 AND status = 'approved'
                    """, [volunteer]
                ).first
            else { return ServiceTotals(minutes: 0, records: 0) }
            let (minutes, records) = try row.decode((Int64, Int64).self)
            return ServiceTotals(minutes: minutes, records: Int(records))
        }
    }

    public func teams() throws -> [Team] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT id, community, name, leader FROM team ORDER BY id COLLATE \"C\"").map {
                let (id, community, name, leader) = try $0.decode((String, String, String, String).self)
                return Team(id: id, community: community, name: name, leader: leader)
            }
        }
    }
}
