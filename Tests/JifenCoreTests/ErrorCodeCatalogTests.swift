import Foundation
import JifenCore
import Testing

/// The JSON error contract is one list: `JifenError.Code`. docs/REFERENCE.md's "Error codes" table must
/// name exactly its codes, so a new code without a row (or a row for a code that is gone) fails.
@Suite struct ErrorCodeCatalogTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/REFERENCE.md")

    /// The codes in the table under "## Error codes", in order.
    static func documentedCodes() throws -> [String] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "## Error codes"))
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return rest[..<end].split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
    }

    @Test func readmeListsExactlyTheCatalog() throws {
        let documented = try Self.documentedCodes()
        let catalog = JifenError.Code.allCases.map(\.rawValue)
        #expect(documented.count == Set(documented).count, "a code is listed twice")
        #expect(
            Set(documented).subtracting(catalog).sorted() == [], "README lists codes that are not in JifenError.Code")
        #expect(Set(catalog).subtracting(documented).sorted() == [], "JifenError.Code has codes README does not list")
        #expect(catalog.count > 100)
    }

    @Test func codesAreStableKebabCase() {
        for code in JifenError.Code.allCases {
            #expect(code.rawValue.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(code.rawValue)")
            #expect(JifenError.Code(rawValue: code.rawValue) == code)
        }
    }

    @Test func theJSONErrorCarriesTheCodeAsText() throws {
        let error = JifenError.usage(.badAmount, zh: "积分数不对。", en: "Bad amount.")
        let data = try JSONEncoder().encode(["code": error.code])
        #expect(String(decoding: data, as: UTF8.self) == #"{"code":"bad-amount"}"#)
    }
}
