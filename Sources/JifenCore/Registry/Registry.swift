import Foundation

/// The people and places of a community, and the checks on what is typed about them.
public struct Community: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public init(id: String, name: String) { self.id = id; self.name = name }

    /// The community a command means: the one given, or the only one there is.
    /// - Throws: `JifenError` — refused for an unknown id, usage when several exist and none is named.
    public static func resolve(_ id: String?, among all: [Community]) throws -> Community {
        if let id {
            guard let found = all.first(where: { $0.id == id }) else {
                throw JifenError.unknown(Bilingual(zh: "社区", en: "community"), id)
            }
            return found
        }
        guard all.count == 1, let only = all.first else {
            throw JifenError.usage(
                .communityRequired, zh: "有多个社区，请用 --community 指定。",
                en: "There are several communities; name one with --community.")
        }
        return only
    }
}

public struct Team: Codable, Sendable, Equatable {
    public var id: String
    public var community: String
    public var name: String
    public var leader: String
    public init(id: String, community: String, name: String, leader: String) {
        self.id = id; self.community = community; self.name = name; self.leader = leader
    }
}

public enum Gender: String, Codable, Sendable, CaseIterable {
    case female, male, unspecified

    /// Accepts 男/女/male/female/m/f and blank.
    public static func parse(_ text: String) throws -> Gender {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "女", "female", "f": return .female
        case "男", "male", "m": return .male
        case "", "unspecified", "未填": return .unspecified
        default:
            throw JifenError.usage(
                .badGender, zh: "性别「\(text)」无效，请填 男 或 女（可不填）。",
                en: "Gender \"\(text)\" is not valid; give male or female (or leave it out).")
        }
    }

    public var label: Bilingual {
        switch self {
        case .female: Bilingual(zh: "女", en: "female")
        case .male: Bilingual(zh: "男", en: "male")
        case .unspecified: Bilingual(zh: "", en: "")
        }
    }
}

/// A volunteer's profile: the fields of the 2020 national record rules, plus consent.
public struct Volunteer: Codable, Sendable, Equatable {
    public var id: String
    public var community: String
    public var team: String?
    public var name: String
    public var gender: Gender
    public var birthDate: String?
    public var idNumber: String?
    public var phone: String
    public var area: String
    public var skills: String
    public var categories: String
    /// Consent to show the volunteer's name in public notices (积分公示).
    public var consent: Bool
    public var createdAtMillis: Int64

    public init(
        id: String = "", community: String, team: String? = nil, name: String, gender: Gender = .unspecified,
        birthDate: String? = nil, idNumber: String? = nil, phone: String, area: String = "", skills: String = "",
        categories: String = "", consent: Bool = false, createdAtMillis: Int64 = 0
    ) {
        self.id = id; self.community = community; self.team = team; self.name = name; self.gender = gender
        self.birthDate = birthDate; self.idNumber = idNumber; self.phone = phone; self.area = area
        self.skills = skills; self.categories = categories; self.consent = consent;
        self.createdAtMillis = createdAtMillis
    }
}

public struct Merchant: Codable, Sendable, Equatable {
    public var id: String
    public var community: String
    public var name: String
    public var contact: String
    public var phone: String
    public var address: String
    public var createdAtMillis: Int64

    public init(
        id: String = "", community: String, name: String, contact: String = "", phone: String = "",
        address: String = "", createdAtMillis: Int64 = 0
    ) {
        self.id = id; self.community = community; self.name = name; self.contact = contact
        self.phone = phone; self.address = address; self.createdAtMillis = createdAtMillis
    }
}

extension Registry {
    /// Short, typable ids: C01, T01, V0001, M001. Numbers grow past the padding when needed.
    public static func id(prefix: String, number: Int) -> String {
        let width = ["C": 2, "T": 2, "V": 4, "M": 3, "A": 4, "Q": 4][prefix] ?? 3
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Rejects empty, overlong and control-character text. Quotes and SQL-looking text are fine:
    /// every value is bound, never spliced into SQL, and stored verbatim.
    /// - Parameter singleLine: a line break is refused too (a category, a name shown in lists and group chats).
    public static func checkText(
        _ text: String, field: Bilingual, max: Int, allowEmpty: Bool = false, singleLine: Bool = false
    ) throws {
        // Fast path for short printable ASCII (keys, ids): nothing to reject but emptiness.
        if !text.isEmpty, text.utf8.count <= max, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if allowEmpty && text.isEmpty { return }
            throw JifenError.usage(.emptyText, zh: "\(field.zh)不能为空。", en: "The \(field.en) must not be empty.")
        }
        if text.count > max {
            throw JifenError.usage(
                .textTooLong, zh: "\(field.zh)太长（\(text.count) 字），最多 \(max) 字。",
                en: "The \(field.en) is too long (\(text.count) characters); at most \(max).")
        }
        if singleLine, text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw JifenError.usage(
                .controlCharacters, zh: "\(field.zh)只能写一行，请删掉换行后重试。",
                en: "The \(field.en) must be one line; remove the line breaks and try again.")
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) {
            throw JifenError.usage(
                .controlCharacters, zh: "\(field.zh)含有控制字符，请删掉后重试。",
                en: "The \(field.en) contains control characters; remove them and try again.")
        }
    }

    /// Mainland mobile numbers (11 digits starting with 1) or landlines (digits and dashes, 7–13).
    public static func checkPhone(_ phone: String) throws -> String {
        let trimmed = phone.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
        let digits = trimmed.replacingOccurrences(of: "-", with: "")
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), (7...13).contains(digits.count) else {
            throw JifenError.usage(
                .badPhone, zh: "电话「\(phone)」无效，请填 11 位手机号或带区号的座机号。",
                en: "Phone \"\(phone)\" is not valid; give an 11-digit mobile or a landline with area code.")
        }
        return trimmed
    }

    /// Resident ID numbers: 18 characters, the last may be X; checked by the GB 11643 check digit.
    public static func checkIDNumber(_ id: String) throws -> String {
        let value = id.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(value)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks = Array("10X98765432")
        guard chars.count == 18, chars.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw JifenError.usage(
                .badIDNumber, zh: "身份证号应为 18 位（最后一位可为 X）。",
                en: "An ID number has 18 characters (the last may be X).")
        }
        let sum = zip(chars.prefix(17), weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        guard checks[sum % 11] == chars[17] else {
            throw JifenError.usage(
                .badIDNumber, zh: "身份证号的校验位不对，请核对后重新输入。",
                en: "The ID number's check digit does not match; check it and type it again.")
        }
        return value
    }
}
