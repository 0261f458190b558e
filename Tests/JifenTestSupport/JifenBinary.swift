import Foundation

/// The built `jifen` executable: `JIFEN_BIN` when set, else the one beside this test bundle in
/// the build folder (searched up to four folders up from the running test executable).
public let jifenBinary: URL = {
    if let path = ProcessInfo.processInfo.environment["JIFEN_BIN"] { return URL(fileURLWithPath: path) }
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("jifen")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return exe.deletingLastPathComponent().appendingPathComponent("jifen")
}()

/// The built `jifen` executable, or nil when it is not there to run.
public func jifenExecutable() -> URL? {
    FileManager.default.isExecutableFile(atPath: jifenBinary.path) ? jifenBinary : nil
}

/// A `jifen` process, configured but not started: the one way tests run the binary.
/// - Parameters:
///   - prefix: a wrapper and its arguments to run `jifen` under (e.g. `unshare`), or empty.
/// - Throws: ENOENT when the binary was not built.
public func jifenProcess(_ arguments: [String], environment: [String: String], prefix: [String] = []) throws -> Process
{
    guard let executable = jifenExecutable() else { throw POSIXError(.ENOENT) }
    let process = Process()
    if prefix.isEmpty {
        process.executableURL = executable
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: prefix[0])
        process.arguments = Array(prefix.dropFirst()) + [executable.path] + arguments
    }
    process.environment = environment
    return process
}
