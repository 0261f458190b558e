import Foundation
import JifenAPI
import Testing

/// Every `Endpoint` declared in JifenAPI is routed: it is in its area's list, beside its
/// declaration in `API+<Area>.swift`, and every area's list is in `API.all`, each exactly once.
/// Swift cannot list a type's static properties, so the declarations are read from the sources;
/// a declaration left out of its list (and so out of the server, the OpenAPI document and the
/// authorization matrix) fails here.
@Suite struct APICatalogTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/JifenAPI")

    /// Each Swift file of JifenAPI with its text.
    static func files() throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: sources.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { ($0, try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The first capture group of every match of `pattern` in `text`.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// The text of `static let <name>: [AnyEndpoint] = [ … ]` in `text`, or nil.
    static func list(named name: String, in text: String) -> Substring? {
        guard let start = text.range(of: "static let \(name): [AnyEndpoint] = [") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.range(of: "]") else { return nil }
        return rest[..<end.lowerBound]
    }

    @Test func everyDeclaredEndpointIsInItsAreasListOnce() throws {
        var declaredCount = 0
        var listNames: [String] = []
        for file in try Self.files() {
            let declared = try Self.captures(#"static let (\w+) = Endpoint<"#, in: file.text)
            let lists = try Self.captures(#"static let (\w+): \[AnyEndpoint\] = \["#, in: file.text)
                .filter { $0 != "all" }
            declaredCount += declared.count
            if declared.isEmpty { continue }
            #expect(lists.count == 1, "\(file.name) declares endpoints but has \(lists.count) lists: \(lists)")
            guard let name = lists.first, let list = Self.list(named: name, in: file.text) else { continue }
            listNames.append(name)
            let listed = try Self.captures(#"AnyEndpoint\((\w+)\)"#, in: String(list))
            #expect(listed.count == Set(listed).count, "\(file.name): \(name) lists an endpoint twice: \(listed)")
            #expect(
                Set(declared).subtracting(listed).sorted() == [],
                "\(file.name): declared but not in \(name), so neither routed nor documented")
            #expect(
                Set(listed).subtracting(declared).sorted() == [], "\(file.name): \(name) lists another file's endpoint")
        }
        #expect(declaredCount > 90, "too few endpoint declarations found in \(Self.sources.path)")

        // `API.all` joins every area's list, each once.
        let api = try String(contentsOf: Self.sources.appendingPathComponent("API.swift"), encoding: .utf8)
        let all = try #require(Self.list(named: "all", in: api), "API.swift has no `all` list")
        let joined = try Self.captures(#"(\w+Endpoints)"#, in: String(all))
        #expect(joined.count == Set(joined).count, "API.all joins a list twice: \(joined)")
        #expect(Set(joined) == Set(listNames), "API.all joins \(joined.sorted()), the areas have \(listNames.sorted())")

        // And what runs agrees with what is read: as many endpoints, none twice.
        #expect(API.all.count == declaredCount)
        #expect(Set(API.all.map(\.operationID)).count == API.all.count, "an operation id is used twice")
        let routes = API.all.map { "\($0.verb.rawValue) \($0.path)" }
        #expect(Set(routes).count == routes.count, "a route is served twice")
    }
}
