import Foundation
import GRDB
import JifenCore

/// What `seed load` loaded.
public struct SeedCounts: Sendable, Codable, Equatable {
    public var teams = 0
    public var volunteers = 0
    public var merchants = 0
    public var offers = 0
}

/// The fast bulk path for a community's people and places (`seed/` written by `scripts/gen-seed`):
/// one transaction per file, the same checks as `team add`, `volunteer add`, `merchant add`, `offer add`.
extension JifenDatabase {
    /// Loads `teams.csv`, `volunteers.csv`, `merchants.csv` and `offers.csv` from a folder (admin).
    /// - Throws: usage naming the file and line of a bad row (nothing of that file is loaded),
    ///   refused for a non-admin or names already present.
    public func loadSeed(directory: String, community: String? = nil, actor: String, nowMillis: Int64) throws -> SeedCounts {
        let community = try resolveCommunity(community).id
        try readTransaction { db in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "导入示例数据", en: "load seed data"), in: SQLiteLedgerTransaction(db: db))
        }
        func records(_ file: String) throws -> [[String: String]] {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw JifenError.usage("missing-file", zh: "找不到或无法读取 \(path)。请先运行 scripts/gen-seed。",
                                       en: "Cannot read \(path). Run scripts/gen-seed first.")
            }
            return CSVReader.records(text)
        }
        func bad(_ file: String, _ line: Int, _ error: JifenError) -> JifenError {
            JifenError(error.code, error.category, zh: "\(file) 第 \(line) 行：\(error.message.zh)", en: "\(file) line \(line): \(error.message.en)")
        }
        var counts = SeedCounts()
        let zone = try rules().timeZone
        try writeTransaction { db in
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM team") ?? 0
            for (index, row) in try records("teams.csv").enumerated() {
                let name = row["name"] ?? "", leader = row["leader"] ?? ""
                do {
                    try Registry.checkText(name, field: Bilingual(zh: "服务队名称", en: "team name"), max: 100)
                    try Registry.checkText(leader, field: Bilingual(zh: "负责人", en: "leader"), max: 100, allowEmpty: true)
                } catch let error as JifenError { throw bad("teams.csv", index + 2, error) }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE community = ? AND name = ?", arguments: [community, name]) == true {
                    throw JifenError.refused("duplicate-name", zh: "服务队「\(name)」已存在：示例数据已导入过？", en: "The team \"\(name)\" exists already: was the seed loaded before?")
                }
                next += 1
                try db.execute(sql: "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [Registry.id(prefix: "T", number: next), community, name, leader, nowMillis, actor])
                // The person in charge organizes the team: posts its activities and approves its hours.
                if !leader.isEmpty {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO actor_role (actor, role, team, granted_at, granted_by) VALUES (?, 'organizer', ?, ?, ?)
                        """, arguments: [leader, Registry.id(prefix: "T", number: next), nowMillis, actor])
                }
                counts.teams += 1
            }
        }
        try writeTransaction { db in
            let teams = Dictionary(try Row.fetchAll(db, sql: "SELECT name, id FROM team WHERE community = ?", arguments: [community])
                .map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM volunteer") ?? 0
            let tx = SQLiteLedgerTransaction(db: db)
            for (index, row) in try records("volunteers.csv").enumerated() {
                var team: String?
                let v: Volunteer
                do {
                    let name = row["name"] ?? ""
                    try Registry.checkText(name, field: Bilingual(zh: "姓名", en: "name"), max: 50)
                    if let teamName = row["team"], !teamName.isEmpty {
                        guard let id = teams[teamName] else { throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), teamName) }
                        team = id
                    }
                    let birth = try row["birth_date"].flatMap { $0.isEmpty ? nil : try DayFormat.day($0, in: zone, field: "birth_date") }
                    v = Volunteer(community: community, team: team, name: name, gender: try Gender.parse(row["gender"] ?? ""), birthDate: birth,
                                  phone: try Registry.checkPhone(row["phone"] ?? ""), area: row["area"] ?? "", skills: row["skills"] ?? "",
                                  categories: row["categories"] ?? "", consent: ["yes", "true", "1", "是"].contains(row["consent"] ?? ""))
                } catch let error as JifenError { throw bad("volunteers.csv", index + 2, error) }
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
            for (index, row) in try records("merchants.csv").enumerated() {
                let name = row["name"] ?? ""
                let phone: String
                do {
                    try Registry.checkText(name, field: Bilingual(zh: "商户名称", en: "merchant name"), max: 100)
                    phone = (row["phone"] ?? "").isEmpty ? "" : try Registry.checkPhone(row["phone"] ?? "")
                } catch let error as JifenError { throw bad("merchants.csv", index + 2, error) }
                next += 1
                let id = Registry.id(prefix: "M", number: next)
                try db.execute(sql: """
                    INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, community, name, row["contact"] ?? "", phone, row["address"] ?? "", nowMillis, actor])
                try tx.createAccount(Account(id: id, kind: .merchant, community: community))
                counts.merchants += 1
            }
        }
        try writeTransaction { db in
            let merchants = Dictionary(try Row.fetchAll(db, sql: "SELECT name, id FROM merchant WHERE community = ?", arguments: [community])
                .map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
            var next = try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM offer") ?? 0
            for (index, row) in try records("offers.csv").enumerated() {
                let merchant: String, points: Int64, stock: Int64?
                let title = row["title"] ?? ""
                do {
                    guard let id = merchants[row["merchant"] ?? ""] else { throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), row["merchant"] ?? "") }
                    merchant = id
                    try Registry.checkText(title, field: Bilingual(zh: "兑换项目名称", en: "offer title"), max: 100)
                    points = try Points.parse(row["points"] ?? "")
                    stock = try (row["stock"] ?? "").isEmpty ? nil : Points.parse(row["stock"] ?? "")
                } catch let error as JifenError { throw bad("offers.csv", index + 2, error) }
                next += 1
                try db.execute(sql: """
                    INSERT INTO offer (id, merchant, title, points, stock, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Registry.id(prefix: "O", number: next), merchant, title, points, stock, nowMillis, actor])
                counts.offers += 1
            }
        }
        return counts
    }
}
