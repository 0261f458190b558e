import Foundation
import GRDB
public import JifenCore

/// The service listings (`ServiceQueries`): teams, activities, a record's volunteer, a volunteer's
/// totals. The writes are `JifenCore.Service`'s, through `SQLiteTransaction+Service.swift`.
extension SQLiteStore {
    public func activities(
        team: String? = nil, startingAfter: Int64? = nil, endingBefore: Int64? = nil
    ) throws -> [Activity] {
        try readTransaction { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteTransaction.activityColumns) FROM activity
                    WHERE (?1 IS NULL OR team = ?1) AND (?2 IS NULL OR end_at > ?2) AND (?3 IS NULL OR end_at <= ?3)
                    ORDER BY start_at, id
                    """, arguments: [team, startingAfter, endingBefore]
            ).map(SQLiteTransaction.activity)
        }
    }

    /// Approved service time: kept forever, whatever happens to the points.
    public func serviceTotals(volunteer: String) throws -> ServiceTotals {
        try readTransaction { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(minutes), 0), COUNT(*) FROM service_record WHERE volunteer = ? AND status = 'approved'
                    """, arguments: [volunteer])
            return ServiceTotals(minutes: row?[0] ?? 0, records: row?[1] ?? 0)
        }
    }

    public func recordVolunteer(_ id: String) throws -> String? {
        try readTransaction { db in
            try String.fetchOne(db, sql: "SELECT volunteer FROM service_record WHERE id = ?", arguments: [id])
        }
    }

    public func teams() throws -> [Team] {
        try readTransaction { db in
            try Row.fetchAll(db, sql: "SELECT id, community, name, leader FROM team ORDER BY id").map {
                Team(id: $0["id"], community: $0["community"], name: $0["name"], leader: $0["leader"])
            }
        }
    }
}
