import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` (`let buildCommit = "8ad45dc"`) into the target before every build,
/// by running `build-commit.sh` (git rev-parse on the package's own checkout). A prebuild command
/// runs on each `swift build`, so the commit is right after a new commit too; a value read in
/// Package.swift would not be, since SwiftPM caches the evaluated manifest. The script rewrites the
/// file only when the commit changed, so an unchanged commit recompiles nothing.
@main struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let script = context.package.directoryURL.appending(path: "Plugins/BuildCommit/build-commit.sh")
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "Reading the commit jifen is built from",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}
