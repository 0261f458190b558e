public import Foundation

/// What `seed load` loaded.
public struct SeedCounts: Sendable, Codable, Equatable {
    public var teams = 0
    public var volunteers = 0
    public var merchants = 0
    public var offers = 0

    public init() {}
}

/// The seed folder's files, read and checked row by row; the stores only insert what this returns.
public enum SeedFiles {
    public struct TeamRow: Sendable, Equatable {
        public var name: String
        /// The person in charge, who also organizes the team (posts activities, approves hours).
        public var leader: String
    }

    public struct OfferRow: Sendable, Equatable {
        public var merchant: String
        public var title: String
        public var points: Int64
        public var stock: Int64?
    }

    /// The rows of one CSV file of the folder, by header.
    static func records(_ directory: String, _ file: String) throws -> [[String: String]] {
        let path = (directory as NSString).appendingPathComponent(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw JifenError.usage(
                .missingFile, zh: "找不到或无法读取 \(path)。请先运行 scripts/gen-seed。",
                en: "Cannot read \(path). Run scripts/gen-seed first.")
        }
        return CSVReader.records(text)
    }

    static func bad(_ file: String, _ line: Int, _ error: JifenError) -> JifenError {
        JifenError(
            error.code, error.category, zh: "\(file) 第 \(line) 行：\(error.message.zh)",
            en: "\(file) line \(line): \(error.message.en)")
    }

    /// Checks a row, naming its file and line (the header is line 1) when it is bad.
    static func rows<T>(_ directory: String, _ file: String, _ check: ([String: String]) throws -> T) throws -> [T] {
        try records(directory, file).enumerated().map { index, row in
            do {
                return try check(row)
            } catch let error as JifenError {
                throw bad(file, index + 2, error)
            }
        }
    }

    public static func teams(in directory: String) throws -> [TeamRow] {
        try rows(directory, "teams.csv") { row in
            let name = row["name"] ?? "", leader = row["leader"] ?? ""
            try Registry.checkText(name, field: Bilingual(zh: "服务队名称", en: "team name"), max: 100)
            try Registry.checkText(leader, field: Bilingual(zh: "负责人", en: "leader"), max: 100, allowEmpty: true)
            return TeamRow(name: name, leader: leader)
        }
    }

    /// The refusal when a seed team is already there.
    public static func duplicate(team name: String) -> JifenError {
        .refused(
            .duplicateName, zh: "服务队「\(name)」已存在：示例数据已导入过？",
            en: "The team \"\(name)\" exists already: was the seed loaded before?")
    }

    /// - Parameter teams: the community's team ids by name.
    public static func volunteers(
        in directory: String, community: String, teams: [String: String], zone: TimeZone
    ) throws -> [Volunteer] {
        try rows(directory, "volunteers.csv") { row in
            let name = row["name"] ?? ""
            try Registry.checkText(name, field: Bilingual(zh: "姓名", en: "name"), max: 50)
            var team: String?
            if let teamName = row["team"], !teamName.isEmpty {
                guard let id = teams[teamName] else {
                    throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), teamName)
                }
                team = id
            }
            let birth = try row["birth_date"].flatMap {
                $0.isEmpty ? nil : try DayFormat.day($0, in: zone, field: "birth_date")
            }
            return Volunteer(
                community: community, team: team, name: name, gender: try Gender.parse(row["gender"] ?? ""),
                birthDate: birth,
                phone: try Registry.checkPhone(row["phone"] ?? ""), area: row["area"] ?? "",
                skills: row["skills"] ?? "",
                categories: row["categories"] ?? "", consent: ["yes", "true", "1", "是"].contains(row["consent"] ?? ""))
        }
    }

    public static func merchants(in directory: String, community: String) throws -> [Merchant] {
        try rows(directory, "merchants.csv") { row in
            let name = row["name"] ?? ""
            try Registry.checkText(name, field: Bilingual(zh: "商户名称", en: "merchant name"), max: 100)
            let phone = (row["phone"] ?? "").isEmpty ? "" : try Registry.checkPhone(row["phone"] ?? "")
            return Merchant(
                community: community, name: name, contact: row["contact"] ?? "", phone: phone,
                address: row["address"] ?? "")
        }
    }

    /// - Parameter merchants: the community's merchant ids by name.
    public static func offers(in directory: String, merchants: [String: String]) throws -> [OfferRow] {
        try rows(directory, "offers.csv") { row in
            guard let merchant = merchants[row["merchant"] ?? ""] else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), row["merchant"] ?? "")
            }
            let title = row["title"] ?? ""
            try Registry.checkText(title, field: Bilingual(zh: "兑换项目名称", en: "offer title"), max: 100)
            let points = try Points.parse(row["points"] ?? "")
            let stock = try (row["stock"] ?? "").isEmpty ? nil : Points.parse(row["stock"] ?? "")
            return OfferRow(merchant: merchant, title: title, points: points, stock: stock)
        }
    }
}
