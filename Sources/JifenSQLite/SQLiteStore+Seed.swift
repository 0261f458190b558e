import Foundation
import GRDB
import JifenCore

/// The fast bulk path for a community's people and places (`seed/` written by `scripts/gen-seed`):
/// one transaction per file; the rows are read and checked by `SeedFiles` (core).
extension SQLiteStore {
    public func loadSeed(directory: String, community: String? = nil, actor: String, nowMillis: Int64) throws -> SeedCounts {
        let community = try resolveCommunity(community).id
        try readTransaction { db in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "导入示例数据", en: "load seed data"), in: SQLiteLedgerTransaction(db: db))
        }
        var counts = SeedCounts()
        let zone = try rules().timeZone
        try writeTransaction { db in
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM team") ?? 0
            for team in try SeedFiles.teams(in: directory) {
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE community = ? AND name = ?", arguments: [community, team.name]) == true {
                    throw SeedFiles.duplicate(team: team.name)
                }
                next += 1
                let id = Registry.id(prefix: "T", number: next)
                try db.execute(sql: "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [id, community, team.name, team.leader, nowMillis, actor])
                if !team.leader.isEmpty {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO actor_role (actor, role, team, granted_at, granted_by) VALUES (?, 'organizer', ?, ?, ?)
                        """, arguments: [team.leader, id, nowMillis, actor])
                }
                counts.teams += 1
            }
        }
        try writeTransaction { db in
            let teams = Dictionary(try Row.fetchAll(db, sql: "SELECT name, id FROM team WHERE community = ?", arguments: [community])
                .map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM volunteer") ?? 0
            let tx = SQLiteLedgerTransaction(db: db)
            for v in try SeedFiles.volunteers(in: directory, community: community, teams: teams, zone: zone) {
                next += 1
                let id = Registry.id(prefix: "V", number: next)
                try db.execute(sql: """
                    INSERT INTO volunteer (id, community, team, name, gender, birth_date, id_number, phone, area, skills, categories,
                                           consent, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, community, v.team, v.name, v.gender.rawValue, v.birthDate, v.phone, v.area, v.skills, v.categories,
                                     v.consent, nowMillis, actor])
                try tx.createAccount(Account(id: id, kind: .volunteer, community: community))
                counts.volunteers += 1
            }
        }
        try writeTransaction { db in
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM merchant") ?? 0
            let tx = SQLiteLedgerTransaction(db: db)
            for m in try SeedFiles.merchants(in: directory, community: community) {
                next += 1
                let id = Registry.id(prefix: "M", number: next)
                try db.execute(sql: """
                    INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
                try tx.createAccount(Account(id: id, kind: .merchant, community: community))
                counts.merchants += 1
            }
        }
        try writeTransaction { db in
            let merchants = Dictionary(try Row.fetchAll(db, sql: "SELECT name, id FROM merchant WHERE community = ?", arguments: [community])
                .map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM offer") ?? 0
            for offer in try SeedFiles.offers(in: directory, merchants: merchants) {
                next += 1
                try db.execute(sql: """
                    INSERT INTO offer (id, merchant, title, points, stock, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Registry.id(prefix: "O", number: next), offer.merchant, offer.title, offer.points, offer.stock, nowMillis, actor])
                counts.offers += 1
            }
        }
        return counts
    }
}
