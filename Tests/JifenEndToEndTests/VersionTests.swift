import Foundation
import JifenTestSupport
import Testing

/// `jifen --version`: the release and the commit the binary was built from, as text and under
/// `--json`; and the BuildCommit plugin's script, which writes that commit before every build.
@Suite struct VersionTests {
    /// The package's folder: Tests/JifenEndToEndTests/VersionTests.swift → ../../.
    static let packageDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageDirectory.appendingPathComponent("Plugins/BuildCommit/build-commit.sh")

    /// `git ARGS` in FOLDER: its trimmed output, or nil when git fails (no git, no repository).
    static func git(_ arguments: [String], in folder: URL, box: Sandbox) throws -> String? {
        let run = try box.run(
            "/usr/bin/env", ["git", "-C", folder.path] + arguments,
            env: [
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org",
            ])
        return run.status == 0 ? run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    @Test func versionNamesTheReleaseAndTheCommitBuiltFrom() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.directory) }
        let text = try box.run(jifenBinary.path, ["--version"])
        #expect(text.status == 0, "\(text)")
        let line = text.stdout.trimmingCharacters(in: .newlines)
        let match = line.wholeMatch(of: /jifen (\d+\.\d+\.\d+) \(([0-9a-f]{7}(-dirty)?|unknown)\)/)
        #expect(match != nil, "\(text)")
        // The commit this test's source is at, when git can read it here: the binary was built from
        // it by scripts/test moments ago. Where git cannot (no git, or not a checkout), neither could
        // the build, and the binary says `unknown`.
        let head = try Self.git(["rev-parse", "--short=7", "HEAD"], in: Self.packageDirectory, box: box)
        let commit = match.map { String($0.output.2) } ?? "?"
        if let head {
            #expect(commit.hasPrefix(head), "built from \(commit), the checkout is at \(head)")
        } else {
            #expect(commit == "unknown", "\(text)")
        }
        // The same under --json, with global options before or after it; not after a subcommand.
        for arguments in [["--json", "--version"], ["--version", "--json", "--lang", "zh"]] {
            let json = try box.run(jifenBinary.path, arguments)
            #expect(json.status == 0, "\(json)")
            #expect(json.object["version"] as? String == match.map { String($0.output.1) }, "\(json)")
            #expect(json.object["commit"] as? String == commit, "\(json)")
        }
        let misplaced = try box.run(jifenBinary.path, ["balance", "--version"])
        #expect(misplaced.status == Exit.usage, "\(misplaced)")
    }

    /// The script the plugin runs before every build: `unknown` outside a checkout, the commit in
    /// one, the new commit right after a commit, `-dirty` while tracked files differ, and the
    /// file left untouched (so nothing recompiles) when the commit has not changed.
    @Test func buildCommitScriptFollowsTheCheckout() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.directory) }
        let repo = box.directory.appendingPathComponent("repo")
        let output = box.directory.appendingPathComponent("generated")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        func written() throws -> String {
            let run = try box.run("/bin/sh", [Self.script.path, repo.path, output.path])
            #expect(run.status == 0, "\(run)")
            let text = try String(contentsOf: output.appendingPathComponent("BuildCommit.swift"), encoding: .utf8)
            return text.firstMatch(of: /let buildCommit = "([^"]*)"/).map { String($0.output.1) } ?? text
        }
        #expect(try written() == "unknown")
        guard try Self.git(["init", "-q"], in: repo, box: box) != nil else { return }  // no git here
        let file = repo.appendingPathComponent("a.txt")
        try "one\n".write(to: file, atomically: true, encoding: .utf8)
        _ = try Self.git(["add", "a.txt"], in: repo, box: box)
        _ = try Self.git(["commit", "-qm", "one"], in: repo, box: box)
        let first = try Self.git(["rev-parse", "--short=7", "HEAD"], in: repo, box: box)
        #expect(try written() == first)
        let stamp =
            try FileManager.default.attributesOfItem(
                atPath: output.appendingPathComponent("BuildCommit.swift").path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.05)
        #expect(try written() == first)
        let again =
            try FileManager.default.attributesOfItem(
                atPath: output.appendingPathComponent("BuildCommit.swift").path)[.modificationDate] as? Date
        #expect(stamp == again, "an unchanged commit rewrote the file")
        try "two\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try written() == "\(first ?? "?")-dirty")
        _ = try Self.git(["commit", "-qam", "two"], in: repo, box: box)
        let second = try Self.git(["rev-parse", "--short=7", "HEAD"], in: repo, box: box)
        #expect(second != first)
        #expect(try written() == second)
    }
}
