import Foundation
import Testing

/// `swift build -c release` builds every target a packager builds, and a
/// release build has no testability, so no shipped or shared target may `@testable import`
/// (only test targets, which a release build leaves out, may).
@Suite struct ReleaseBuildTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func noTargetBuiltInReleaseImportsTestable() throws {
        let package = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        // The folders of the targets that are not test targets: Sources/* and any `.target(… path: "Tests/…")`.
        var folders = try FileManager.default.contentsOfDirectory(
            atPath: Self.root.appendingPathComponent("Sources").path
        ).map { "Sources/" + $0 }
        for match in package.matches(of: /path: "(Tests\/[A-Za-z]+)"/) { folders.append(String(match.1)) }
        #expect(folders.contains("Tests/JifenTestSupport"))
        var files = 0
        for folder in folders {
            let url = Self.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: url.path) else { continue }
            for case let path as String in walker where path.hasSuffix(".swift") {
                let text = try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
                files += 1
                #expect(
                    !text.contains("@testable import"), "\(folder)/\(path) uses @testable import: a release build fails"
                )
            }
        }
        #expect(files > 100)
    }
}
