import Foundation
import GRDB
public import JifenCore

extension SQLiteStore {
    public func activities(
        team: String? = nil, startingAfter: Int64? = nil, endingBefore: Int64? = nil
    ) throws -> [Activity] {
        try readTransaction { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteLedgerTransaction.activityColumns) FROM activity
                    WHERE (?1 IS NULL OR team = ?1) AND (?2 IS NULL OR end_at > ?2) AND (?3 IS NULL OR end_at <= ?3)
                    ORDER BY start_at, id
                    """, arguments: [team, startingAfter, endingBefore]
            ).map(SQLiteLedgerTransaction.activity)
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

    /// Who an actor is, for rules that depend on it in listings (a volunteer sees only their own records).
    public func isVolunteer(_ actor: String) throws -> Bool {
        try readTransaction { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM volunteer WHERE id = ?", arguments: [actor]) ?? false
        }
    }

    public func organizedTeams(_ actor: String) throws -> [String] {
        try readTransaction { db in
            try String.fetchAll(
                db,
                sql: "SELECT team FROM actor_role WHERE actor = ? AND role = 'organizer' AND team <> '' ORDER BY team",
                arguments: [actor])
        }
    }

    public func recordVolunteer(_ id: String) throws -> String? {
        try readTransaction { db in
            try String.fetchOne(db, sql: "SELECT volunteer FROM service_record WHERE id = ?", arguments: [id])
        }
    }

    public func isAdmin(_ actor: String) throws -> Bool {
        try readTransaction { db in try SQLiteLedgerTransaction(db: db).isAdmin(actor) }
    }
}
