import Foundation
import JifenCore
import PostgresNIO

/// Districts, street offices, where communities are placed and who administers which office, as
/// SQL. What they mean is in the core's `Offices` and `Permissions`.
extension PostgresTransaction {
    static func office(_ row: PostgresRow) throws -> Office {
        let (id, kind, parent, name) = try row.decode((String, String, String?, String).self)
        return Office(id: id, kind: OfficeKind(rawValue: kind) ?? .street, parent: parent, name: name)
    }

    func office(_ id: String) throws -> Office? {
        try session.rows("SELECT id, kind, parent, name FROM office WHERE id = $1", [id]).first.map(Self.office)
    }

    func offices() throws -> [Office] {
        try session.rows("SELECT id, kind, parent, name FROM office ORDER BY id COLLATE \"C\"").map(Self.office)
    }

    func placedCommunity(_ id: String) throws -> PlacedCommunity? {
        try session.rows("SELECT id, name, office FROM community WHERE id = $1", [id]).first.map {
            let (id, name, office) = try $0.decode((String, String, String?).self)
            return PlacedCommunity(id: id, name: name, office: office)
        }
    }

    func placedCommunities() throws -> [PlacedCommunity] {
        try session.rows("SELECT id, name, office FROM community ORDER BY id COLLATE \"C\"").map {
            let (id, name, office) = try $0.decode((String, String, String?).self)
            return PlacedCommunity(id: id, name: name, office: office)
        }
    }

    func administeredOffices(_ actor: String) throws -> [String] {
        try session.rows(
            "SELECT team FROM actor_role WHERE actor = $1 AND role = $2 ORDER BY team COLLATE \"C\"",
            [actor, OfficeRole.name]
        ).map { try $0.decode(String.self) }
    }

    func insert(office: Office, actor: String, nowMillis: Int64) throws {
        try session.execute(
            "INSERT INTO office (id, kind, parent, name, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            [office.id, office.kind.rawValue, office.parent, office.name, nowMillis, actor])
    }

    func place(community: String, under office: String?) throws {
        try session.execute("UPDATE community SET office = $1 WHERE id = $2", [office, community])
    }
}
