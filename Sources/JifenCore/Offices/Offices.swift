import Foundation

/// A level above communities: a district (区) holds street offices (街道), a street office holds
/// communities. A community may also sit directly under a district, or under nothing (a database of
/// one community, or one made before offices existed: it works as before).
public enum OfficeKind: String, Codable, Sendable, CaseIterable {
    case district, street

    public var label: Bilingual {
        switch self {
        case .district: Bilingual(zh: "区", en: "district")
        case .street: Bilingual(zh: "街道", en: "street office")
        }
    }
}

public struct Office: Codable, Sendable, Equatable {
    public var id: String
    public var kind: OfficeKind
    /// The district a street office belongs to; nil for a district.
    public var parent: String?
    public var name: String

    public init(id: String, kind: OfficeKind, parent: String? = nil, name: String) {
        self.id = id; self.kind = kind; self.parent = parent; self.name = name
    }
}

/// A community and the office it is placed under (nil: none).
public struct PlacedCommunity: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var office: String?

    public init(id: String, name: String, office: String?) { self.id = id; self.name = name; self.office = office }
}

/// The role `actor_role` holds for an admin of an office (its id in `team`).
public enum OfficeRole {
    public static let name = "office-admin"
}

extension Offices {
    /// An office id as typed: letters, digits, `-` and `_`, 1 to 32 characters (`D01`, `wuqing`).
    public static func checkID(_ id: String) throws {
        let ok =
            !id.isEmpty && id.count <= 32
            && id.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
        guard ok else {
            throw JifenError.usage(
                .badOfficeID, zh: "编号「\(id)」无效：请用 1 到 32 个字母、数字、- 或 _，如 D01。",
                en: "Office id \"\(id)\" is not valid; use 1 to 32 letters, digits, - or _, such as D01.")
        }
    }

    /// A new office's place: a district has no parent; a street office's parent is a district.
    /// - Parameter parent: the parent as read from the store (nil: no such office).
    /// - Throws: usage `office-parent` for a district given a parent or a street without one; refused
    ///   `unknown-office` for an unknown parent, `office-parent` for a parent that is not a district.
    public static func checkPlace(kind: OfficeKind, parentID: String?, parent: Office?) throws {
        switch kind {
        case .district:
            if let parentID {
                throw JifenError.refused(
                    .officeParent, zh: "区是最上一级，不能挂在「\(parentID)」下面；请去掉 --district。",
                    en: "A district is the top level and has no parent (\(parentID)); leave out --district.")
            }
        case .street:
            guard let parentID else {
                throw JifenError.refused(
                    .officeParent, zh: "街道必须属于一个区：请用 --district 指定区的编号。",
                    en: "A street office belongs to a district: name it with --district.")
            }
            guard let parent else { throw unknownOffice(parentID) }
            guard parent.kind == .district else {
                throw JifenError.refused(
                    .officeParent, zh: "\(parentID) 是\(parent.kind.label.zh)，不是区；街道只能挂在区下面。",
                    en:
                        "\(parentID) is a \(parent.kind.label.en), not a district; a street office belongs to a district."
                )
            }
        }
    }

    public static func unknownOffice(_ id: String) -> JifenError {
        .refused(
            .unknownOffice, zh: "找不到街道或区 \(id)。请用 jifen office list 查看已有的编号。",
            en: "No street office or district with id \(id). See the existing ones with jifen office list.")
    }

    /// The offices above a community, nearest first (its street office, then that street's district).
    public static func chain(above office: String?, in offices: (String) throws -> Office?) throws -> [Office] {
        var chain: [Office] = []
        var next = office
        while let id = next, chain.count < 2, let found = try offices(id) {
            chain.append(found)
            next = found.parent
        }
        return chain
    }
}
