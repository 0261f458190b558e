import Foundation
import JifenTestSupport
import Testing

/// Every command a reader is told to type runs as written: the README's command
/// blocks, line by line in an empty folder, and then every `Example:` line of every `jifen … --help`
/// on the database those blocks leave. The examples once used record ids (`R000001`) that do not exist,
/// ids and teams before they were made, and `--as admin` where init had made 李主任.
@Suite(.serialized) struct ExamplesRunTests {
    /// README.md, found from this file: Tests/JifenEndToEndTests/ExamplesRunTests.swift → ../../README.md.
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")
    static let seedFolder = readme.deletingLastPathComponent().appendingPathComponent("seed")

    /// The README's ```sh blocks meant to be typed: those from "## Using `jifen`" up to "## The ledger".
    /// "Using `jifen`" and its subsections (organizers and volunteers, exit status, JSON, rules) are what a
    /// user types; "The ledger" and the top-level sections after it (layout, benchmarks) describe the design
    /// and have no commands to type. Before it, "Two commands" (scripts/demo, scripts/test) is exempt: those are
    /// the repository's scripts, run by CI itself; so is "Serving", which ReadmeServingTests runs with a
    /// server in the first terminal. Any other ```sh block is a failure: run it here, or mark it
    /// ```text.
    static func readmeBlocks() throws -> [[String]] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        var blocks: [[String]] = []
        var outside: [[String]] = []
        var inSection = false
        // "Serving" is typed in three terminals with a server running: ReadmeServingTests runs it.
        var inServing = false
        var block: [String]?
        for line in text.components(separatedBy: "\n") {
            if var current = block {
                if line.hasPrefix("```") {
                    if inSection { blocks.append(current) } else if !inServing { outside.append(current) }
                    block = nil
                } else {
                    current.append(line)
                    block = current
                }
                continue
            }
            if line.hasPrefix("## ") {
                inSection = line == "## Using `jifen`"
                inServing = line == "## Serving: `jifen serve`"
            }
            if line.trimmingCharacters(in: .whitespaces) == "```sh"
                || line.trimmingCharacters(in: .whitespaces) == "```bash"
            {
                block = []
            }
        }
        let strays = outside.filter { lines in
            !lines.allSatisfy { $0.hasPrefix("scripts/demo") || $0.hasPrefix("scripts/test") }
        }
        #expect(
            strays.isEmpty,
            "```sh blocks outside \"Using `jifen`\": run them in this test or mark them ```text: \(strays)")
        return blocks
    }

    /// A block's lines as typed: a line ending in `\` goes on with the next; blank lines are skipped.
    static func commandLines(_ block: [String]) -> [String] {
        var lines: [String] = []
        var pending = ""
        for raw in block {
            if raw.hasSuffix("\\") {
                pending += String(raw.dropLast()) + " "
                continue
            }
            let line = pending + raw
            pending = ""
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        }
        if !pending.isEmpty { lines.append(pending) }
        return lines
    }

    /// The environment of every line: `jifen` first on PATH, the sandbox as HOME, a fixed zone and a fixed
    /// clock (the README sets its own; this one keeps any line that does not from reading today's date).
    static func environment(_ box: Sandbox, now: String, extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "PATH": jifenBinary.deletingLastPathComponent().path + ":/usr/bin:/bin", "HOME": box.directory.path,
            "TZ": "Asia/Shanghai", "JIFEN_NOW": now, "COLUMNS": "1000",
        ]
        env.merge(extra) { $1 }
        return env
    }

    /// Runs the README's lines in order with bash in the sandbox's folder; one shell, so `export` and
    /// variables carry on as they do for a reader. Stops at the first line that fails and names it.
    static func runReadme(in box: Sandbox) throws -> Bool {
        let lines = try readmeBlocks().flatMap(commandLines)
        #expect(lines.count > 20, "too few README lines found: \(lines)")
        let marker = box.directory.appendingPathComponent(".readme-line").path
        var script = "set -eo pipefail\n"
        for (index, line) in lines.enumerated() {
            script += "echo \(index) > '\(marker)'\n\(line)\n"
        }
        script += "echo done > '\(marker)'\n"
        let path = box.directory.appendingPathComponent(".readme.sh")
        try script.write(to: path, atomically: true, encoding: .utf8)
        let run = try box.run("/bin/bash", [path.path], env: environment(box, now: "2026-11-18 09:00"))
        let reached =
            (try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? ""
        let failing = Int(reached).map { lines[$0] } ?? "(before the first line)"
        #expect(run.status == 0 && reached == "done", "README line failed: \(failing)\n\(run)")
        return run.status == 0 && reached == "done"
    }

    @Test func readmeCommandBlocksRunAsWritten() throws {
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.directory) }
        _ = try Self.runReadme(in: box)
    }

    // MARK: - `--help` examples

    /// One example: the command it belongs to (`hours approve`; "" for `jifen` itself) and its text.
    struct Example: CustomStringConvertible {
        var command: String
        var text: String
        var description: String { "[\(command.isEmpty ? "jifen" : command)] \(text)" }
    }

    /// Every `Example:` line of `jifen --help` and of every subcommand's `--help`, walking the SUBCOMMANDS
    /// lists as a user would; also checks that every command without subcommands has at least one.
    static func helpExamples(_ box: Sandbox) throws -> [Example] {
        var examples: [Example] = []
        var queue: [[String]] = [[]]
        var seen = 0
        while !queue.isEmpty {
            let path = queue.removeFirst()
            seen += 1
            let help = try box.run(jifenBinary.path, path + ["--help"], env: ["COLUMNS": "1000"])
            #expect(help.status == 0, "jifen \(path.joined(separator: " ")) --help: \(help)")
            var subcommands: [String] = []
            var inList = false
            var found = 0
            for line in help.stdout.components(separatedBy: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("Example:") {
                    examples.append(
                        Example(
                            command: path.joined(separator: " "),
                            text: String(trimmed.dropFirst("Example:".count)).trimmingCharacters(in: .whitespaces)))
                    found += 1
                }
                if line == "SUBCOMMANDS:" { inList = true; continue }
                if inList {
                    if trimmed.isEmpty { inList = false; continue }
                    // "  name   abstract": two spaces, then the name; a wrapped abstract is indented further.
                    if line.hasPrefix("  "), !line.hasPrefix("   "), let name = trimmed.split(separator: " ").first {
                        subcommands.append(String(name))
                    }
                }
            }
            if subcommands.isEmpty {
                #expect(found > 0, "jifen \(path.joined(separator: " ")) --help has no example")
            }
            queue += subcommands.filter { $0 != "help" }.map { path + [$0] }
        }
        #expect(seen > 50, "only \(seen) commands found from jifen --help")
        return examples
    }

    /// Examples this test does not run, each with why. Keep it short: prefer making an example run.
    static let notRun: [String: String] = [
        "jifen notify          # a service": "runs until SIGTERM; `jifen notify --once` is run instead",
        "jifen migrate --from rose.sqlite --to postgres://jifen@db.example:5432/rose":
            "needs a PostgreSQL server at db.example (MigrateTests covers migrate)",
        "jifen serve --listen 127.0.0.1:8080 --db jifen.sqlite":
            "runs until SIGTERM; ServerTests start it on a free port",
        "jifen login --server http://127.0.0.1:8080 --code 4F7K-9Q2M":
            "needs a running jifen serve and a fresh code; ServerTests sign in with both",
        "jifen logout --server http://127.0.0.1:8080": "needs a running jifen serve; ServerTests sign out",
        "jifen merchant partner add M001 C02":
            "needs a second community, which README's database does not have; PartnerCLITests adds and removes one",
        "jifen merchant partner remove M001 C02":
            "needs a second community, which README's database does not have; PartnerCLITests adds and removes one",
        "jifen credential confirm --code 4F7K-9Q2M":
            "needs a server's device credential and a fresh code; SecurityTests.Credentials confirms both ways",
    ]

    /// The order the examples run in, on the database the README leaves, each step at its moment
    /// (`JIFEN_NOW`): the patrol A0004 the examples post is on 2026-11-22 from 19:00 to 21:00; merchants
    /// trade on 11-23; settlement, expiry and the notice come after the month's end.
    static let plan: [(command: String, now: String)] = {
        let evening = "2026-11-22 18:00", checkin = "2026-11-22 18:50", after = "2026-11-22 21:30"
        let shop = "2026-11-23 10:00", monthEnd = "2026-12-01 10:00"
        return [
            ("init", evening), ("seed load", evening),
            ("config show", evening), ("config set", evening), ("config history", evening),
            ("team add", evening), ("team add-organizer", evening), ("team list", evening),
            ("volunteer add", evening), ("volunteer list", evening), ("volunteer show", evening),
            ("merchant add", evening), ("merchant list", evening), ("merchant show", evening),
            ("merchant partner add", evening), ("merchant partner list", evening), ("merchant partner remove", evening),
            ("activity post", evening), ("activity list", evening), ("activity show", evening),
            ("activity join", evening), ("activity leave", evening), ("activity cancel", evening),
            ("activity rotate-code", evening),
            ("checkin", checkin), ("checkout", after), ("activity close", after),
            ("hours add", after), ("hours list", after), ("hours reject", after), ("hours approve", after),
            ("hours dispute", after), ("hours correct", after), ("hours history", after), ("hours import", after),
            ("records", after),
            ("offer add", shop), ("offer list", shop), ("code", shop), ("redeem", shop), ("pickup", shop),
            ("release", shop),
            ("refund", shop), ("balance", shop), ("statement", shop),
            ("grant", monthEnd), ("transfer", monthEnd), ("reverse", monthEnd),
            ("wish post", monthEnd), ("wish list", monthEnd), ("wish show", monthEnd), ("wish donate", monthEnd),
            ("wish withdraw", monthEnd),
            ("wish claim", monthEnd), ("wish cancel", monthEnd), ("wish revoke", monthEnd), ("wish realize", monthEnd),
            ("wish take-down", monthEnd),
            ("settle", monthEnd), ("expire", monthEnd), ("report", monthEnd), ("export", monthEnd),
            ("certificate issue", monthEnd), ("certificate verify", monthEnd), ("verify", monthEnd),
            ("checkpoint", monthEnd),
            ("webhook add", monthEnd), ("webhook", monthEnd), ("webhook list", monthEnd), ("webhook pause", monthEnd),
            ("webhook resume", monthEnd), ("webhook rotate-secret", monthEnd), ("webhook test", monthEnd),
            ("webhook deliveries", monthEnd), ("webhook replay", monthEnd), ("notify", monthEnd),
            ("webhook remove", monthEnd),
            ("offer retire", monthEnd), ("migrate", monthEnd), ("backup", monthEnd),
            ("credential issue", monthEnd), ("credential list", monthEnd), ("credential revoke", monthEnd),
            ("credential confirm", monthEnd), ("whoami", monthEnd),
            ("serve", monthEnd), ("login", monthEnd), ("logout", monthEnd),
            // Service requests, on the README's R001 and Q0002 (returned): Q0003 goes the whole way, is reopened, returned, cancelled.
            ("resident add", evening), ("resident list", evening), ("resident show", evening),
            ("request post", evening), ("request list", evening), ("request show", evening),
            ("request accept", evening),
            ("request dispatch", evening), ("request claim", evening), ("request start", evening),
            ("request finish", evening),
            ("request confirm", evening), ("request rate", evening), ("request reopen", evening),
            ("request return", evening),
            ("request cancel", evening), ("request reject", evening), ("request sweep", monthEnd),
            ("consent", monthEnd), ("seal-ids", monthEnd),
            // A person's data, last: the copy, the sweep (nobody idle for five years), then erasing V0002.
            ("person export", monthEnd), ("person sweep", monthEnd), ("person erase", monthEnd),
            // Offices last: a second community makes every later example name one.
            ("office add", monthEnd), ("office add-admin", monthEnd), ("office list", monthEnd),
            ("community place", monthEnd), ("community add", monthEnd), ("community list", monthEnd),
        ]
    }()

    /// The robots' and example hosts the examples name, each with a public address (never contacted:
    /// `webhook add` only checks where a name leads, and refuses a name that does not resolve).
    static let publicHosts = [
        "example.org": "93.184.215.14", "qyapi.weixin.qq.com": "101.91.22.57", "oapi.dingtalk.com": "106.11.23.24",
    ]

    static func hostsFile(in box: Sandbox) throws -> String {
        let path = box.directory.appendingPathComponent("hosts").path
        let text =
            "127.0.0.1 localhost\n" + publicHosts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A local receiver for the loopback webhook (`http://127.0.0.1:8080/hook`) so `webhook test 3`
    /// and `notify --once` have someone to answer: python3 (which scripts/setup installs) on a free port,
    /// answering 200 to every POST. Returns the process and its port.
    static func startReceiver() throws -> (Process, String) {
        let script = """
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    self.send_response(200); self.send_header('Content-Length', '0'); self.end_headers()
                def log_message(self, *args): pass
            server = http.server.HTTPServer(('127.0.0.1', 0), H)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return (process, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Values no example can know in advance, put in as a reader would from what they were shown:
    /// the activity's check-in code, the one-time code a volunteer reads out, a certificate's code,
    /// and the port of the test's own receiver instead of 8080.
    static func substitute(
        _ example: String, in box: Sandbox, env: [String: String], receiverPort: String
    ) throws -> String {
        var text = example.replacingOccurrences(of: "http://127.0.0.1:8080/", with: "http://127.0.0.1:\(receiverPort)/")
        func value(_ arguments: [String], _ key: String, nested: String? = nil) throws -> String {
            let run = try box.jifen(["--json"] + arguments, env: env)
            #expect(run.status == 0, "preparing \(example): \(run)")
            let object = nested.flatMap { run.object[$0] as? [String: Any] } ?? run.object
            return object[key] as? String ?? ""
        }
        if text.contains("--code 482913") {
            text = text.replacingOccurrences(
                of: "482913", with: try value(["activity", "show", "A0004"], "checkin_code", nested: "activity"))
        }
        if text.contains("--code 493021") {
            text = text.replacingOccurrences(of: "493021", with: try value(["--as", "V0001", "code", "V0001"], "code"))
        }
        if text.contains("C0123456789ab") {
            let list = try box.jifen(["--json", "credential", "list"], env: env)
            let credentials =
                (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8))) as? [[String: Any]] ?? []
            text = text.replacingOccurrences(of: "C0123456789ab", with: credentials.first?["id"] as? String ?? "")
        }
        if text.contains("3F2A-91BC-0D47") {
            text = text.replacingOccurrences(
                of: "3F2A-91BC-0D47",
                with: try value(["certificate", "V0001", "--output", "证明-核对.md"], "code"))
        }
        return text
    }

    @Test func everyHelpExampleRunsOnTheReadmesDatabase() throws {
        // `jifen --help` shows a first run: it runs in an empty folder of its own.
        let fresh = try Sandbox()
        defer { try? FileManager.default.removeItem(at: fresh.directory) }
        let examples = try Self.helpExamples(fresh)
        for example in examples where example.command.isEmpty {
            let run = try fresh.run(
                "/bin/bash", ["-c", "set -eo pipefail; " + example.text],
                env: Self.environment(fresh, now: "2026-11-18 09:00"))
            #expect(run.status == 0, "example failed: \(example)\n\(run)")
        }

        // Every other example, on the database the README's commands leave.
        let box = try Sandbox()
        defer { try? FileManager.default.removeItem(at: box.directory) }
        guard try Self.runReadme(in: box) else { return }
        try FileManager.default.copyItem(at: Self.seedFolder, to: box.directory.appendingPathComponent("seed"))

        let planned = Set(Self.plan.map(\.command))
        let commands = Set(examples.map(\.command)).subtracting([""])
        #expect(
            commands.subtracting(planned).isEmpty,
            "examples of commands the plan does not place: \(commands.subtracting(planned).sorted())")
        #expect(
            planned.subtracting(commands).isEmpty,
            "planned commands without examples: \(planned.subtracting(commands).sorted())")
        let texts = Set(examples.map(\.text))
        #expect(
            Set(Self.notRun.keys).subtracting(texts).isEmpty,
            "notRun lists examples that no longer exist: \(Set(Self.notRun.keys).subtracting(texts))")

        let (receiver, port) = try Self.startReceiver()
        // SIGKILL: the test process may pass SIGTERM on blocked, and python3 then never stops.
        defer { kill(receiver.processIdentifier, SIGKILL); receiver.waitUntilExit() }
        #expect(Int(port) != nil, "the loopback receiver did not start: \(port)")
        var ran = 0
        for step in Self.plan {
            let env = Self.environment(box, now: step.now, extra: ["JIFEN_ACTOR": "李主任"])
            for example in examples where example.command == step.command {
                if Self.notRun[example.text] != nil { continue }
                let text = try Self.substitute(example.text, in: box, env: env, receiverPort: port)
                let run: Run
                if Self.publicHosts.keys.contains(where: { text.contains($0) }) {
                    // This machine has no DNS: the example runs in a mount namespace whose
                    // /etc/hosts names the public hosts, so `webhook add` checks a real address.
                    run = try box.run(
                        "/usr/bin/unshare",
                        [
                            "-m", "/bin/sh", "-c", "mount --bind \"$1\" /etc/hosts && exec /bin/bash -c \"$2\"",
                            "sh", try Self.hostsFile(in: box), "set -eo pipefail; " + text,
                        ], env: env)
                } else {
                    run = try box.run("/bin/bash", ["-c", "set -eo pipefail; " + text], env: env)
                }
                #expect(run.status == 0, "example failed: \(example)\nran: \(text)\n\(run)")
                ran += 1
            }
        }
        #expect(ran + Self.notRun.count + examples.filter(\.command.isEmpty).count == examples.count)
        let verify = try box.jifen(["verify"], env: Self.environment(box, now: "2026-12-01 10:00"))
        #expect(verify.status == 0, "\(verify)")
    }
}
