import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// What one run of the real `jifen` binary did.
struct Run: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// The stdout parsed as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
    }
}

/// A scratch folder with a database (a SQLite path or a PostgreSQL URL), and a way to run `jifen` against it.
struct Sandbox {
    /// The clock of every run that does not set `JIFEN_NOW`: a day in a month of 31 days.
    static let defaultNow = "2026-12-01 10:00"
    /// The folder and (PostgreSQL) schema; removed and dropped when the test lets go of them.
    let scratch: Scratch
    var directory: URL { scratch.directory }
    /// The SQLite file's path, or the server URL with a fresh schema (`jifen init` creates it).
    var db: String { scratch.location }

    init(_ store: StoreKind = .sqlite) throws {
        scratch = try Scratch(store, folderPrefix: "jifen-e2e-", file: "jifen.sqlite", schemaPrefix: "e_")
    }

    /// Runs `jifen` with `--db` and `--lang en` unless given, and a clean environment.
    @discardableResult
    func jifen(_ arguments: [String], env: [String: String] = [:], prefix: [String] = []) throws -> Run {
        var args = arguments
        if !args.contains(where: { $0.hasPrefix("--lang") }) { args = ["--lang", "en"] + args }
        if !args.contains(where: { $0.hasPrefix("--db") }) { args = ["--db", db] + args }
        return try run(
            prefix.isEmpty ? jifenBinary.path : prefix[0],
            Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [jifenBinary.path]) + args, env: env)
    }

    func run(_ executable: String, _ arguments: [String], env: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Every run has a fixed clock unless the test gives its own: no rule in a test may depend
        // on today's date (a month of 31 days once broke the suite).
        var environment = [
            "PATH": "/usr/bin:/bin", "HOME": directory.path, "TZ": "Asia/Shanghai", "JIFEN_NOW": Sandbox.defaultNow,
        ]
        environment.merge(env) { $1 }
        process.environment = environment
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent("out-\(UUID().uuidString)")
        let err = directory.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Run(
            status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// A database with a community, two volunteers (V0001 with 50 points) and a merchant.
    func seeded() throws -> Sandbox {
        try expectOK(jifen(["init", "--community", "玫瑰园社区"]))
        try expectOK(jifen(["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--gender", "女"]))
        try expectOK(jifen(["volunteer", "add", "--name", "李志强", "--phone", "13800005678"]))
        try expectOK(jifen(["merchant", "add", "--name", "老街理发店"]))
        try expectOK(jifen(["grant", "V0001", "50", "--reason", "纸质台账结转", "--key", "seed"]))
        return self
    }

    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: db)) }

    var isPostgres: Bool { db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") }

    /// The server URL without `?schema=`, and the schema, of a PostgreSQL sandbox.
    var postgresParts: (url: String, schema: String) {
        let parts = db.split(separator: "?", maxSplits: 1).map(String.init)
        let schema =
            parts.count > 1
            ? parts[1].split(separator: "&").first { $0.hasPrefix("schema=") }.map { String($0.dropFirst(7)) }
                ?? "public" : "public"
        return (parts[0], schema)
    }

    /// Rows of one query, one line each (fields separated by `|`), from either store:
    /// sqlite3 on the file, or psql in the sandbox's schema.
    func query(_ sql: String) throws -> [String] {
        let out: Run
        if isPostgres {
            let (url, schema) = postgresParts
            out = try run(
                "/usr/bin/psql",
                [url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", "SET search_path TO \(schema)", "-c", sql])
        } else {
            // A busy timeout as jifen has: a reader can meet a lock while another process
            // opens the file or checkpoints its WAL.
            out = try run("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", db, sql])
        }
        #expect(out.status == 0, "\(out)")
        return out.stdout.split(separator: "\n").map(String.init)
    }

    /// Everything the database holds, to show that a refused command changed nothing: the
    /// SQLite file's bytes, or every row of every table of the PostgreSQL schema.
    func state() throws -> Data {
        guard isPostgres else { return try bytes() }
        let tables = try query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
        #expect(tables.count > 10, "\(tables)")
        var dump = ""
        for table in tables {
            dump +=
                "## \(table)\n" + (try query("SELECT t::text FROM \"\(table)\" t ORDER BY 1").joined(separator: "\n"))
                + "\n"
        }
        return Data(dump.utf8)
    }
}

func expectOK(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == 0, "\(run)", sourceLocation: sourceLocation)
}

/// Exit statuses the README documents.
enum Exit {
    static let verifyFailed: Int32 = 1
    static let usage: Int32 = 64
    static let refused: Int32 = 65
    static let fault: Int32 = 74
    static let busy: Int32 = 75
}
