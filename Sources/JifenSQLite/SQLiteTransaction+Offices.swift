import Foundation
import GRDB
import JifenCore

/// Districts, street offices, where communities are placed and who administers which office, as
/// SQL. What they mean is in the core's `Offices` and `Permissions`.
extension SQLiteTransaction {
    static func office(_ row: Row) -> Office {
        Office(
            id: row["id"], kind: OfficeKind(rawValue: row["kind"]) ?? .street, parent: row["parent"], name: row["name"])
    }

    func office(_ id: String) throws -> Office? {
        try one("SELECT id, kind, parent, name FROM office WHERE id = ?", [id]).map(Self.office)
    }

    func offices() throws -> [Office] {
        try all("SELECT id, kind, parent, name FROM office ORDER BY id").map(Self.office)
    }

    func placedCommunity(_ id: String) throws -> PlacedCommunity? {
        try one("SELECT id, name, office FROM community WHERE id = ?", [id]).map {
            PlacedCommunity(id: $0["id"], name: $0["name"], office: $0["office"])
        }
    }

    func placedCommunities() throws -> [PlacedCommunity] {
        try all("SELECT id, name, office FROM community ORDER BY id").map {
            PlacedCommunity(id: $0["id"], name: $0["name"], office: $0["office"])
        }
    }

    func administeredOffices(_ actor: String) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT team FROM actor_role WHERE actor = ? AND role = ? ORDER BY team"),
            arguments: [actor, OfficeRole.name])
    }

    func insert(office: Office, actor: String, nowMillis: Int64) throws {
        try run(
            "INSERT INTO office (id, kind, parent, name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            [office.id, office.kind.rawValue, office.parent, office.name, nowMillis, actor])
    }

    func place(community: String, under office: String?) throws {
        try run("UPDATE community SET office = ? WHERE id = ?", [office, community])
    }
}
