import Foundation

/// What `jifen --version` prints: the release this source is and the commit the binary was built from.
public struct BuildVersion: Codable, Sendable, Equatable {
    /// The release number, raised by hand when a release is cut; `scripts/package` names the .deb after it.
    public static let release = "0.9.0"

    public var version: String
    /// `git rev-parse --short=7 HEAD` at build time (the BuildCommit plugin), `-dirty` appended when
    /// tracked files differed from it, or `unknown` when the source was not a git checkout.
    public var commit: String

    public init(version: String = BuildVersion.release, commit: String) {
        self.version = version
        self.commit = commit
    }

    /// `jifen 0.9.0 (8ad45dc)`.
    public var line: String { "jifen \(version) (\(commit))" }

    /// The version as `--json` prints it: `{"commit" : "8ad45dc", "version" : "0.9.0"}`, pretty-printed.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
