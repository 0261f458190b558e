import Foundation
public import JifenCore
import PostgresNIO

/// Teams on PostgreSQL (their rules are in the core: `Store.addTeam`, `Store.addOrganizer`).
extension PostgresStore {
    public func teams() throws -> [Team] {
        try transaction(readOnly: true) { session in
            try session.rows("SELECT id, community, name, leader FROM team ORDER BY id COLLATE \"C\"").map {
                let (id, community, name, leader) = try $0.decode((String, String, String, String).self)
                return Team(id: id, community: community, name: name, leader: leader)
            }
        }
    }
}
