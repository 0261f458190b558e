import Foundation
import JifenTestSupport
import Synchronization
import Testing

/// `jifen serve` under real load: client processes over HTTP (python3, one connection each) and
/// the local CLI on the same SQLite file; the server killed with SIGKILL mid-load and restarted;
/// SIGTERM with requests in flight. Every acknowledged transfer is in the ledger exactly once,
/// nothing else is, the balances follow from exactly those, and `verify` passes.
@Suite(.serialized, .tags(.alone)) struct ServerCrashTests {
    static let admin = ["JIFEN_ACTOR": "李主任"]
    static let accounts = ["V0001", "V0002", "V0003", "V0004"]

    /// One HTTP client process: `count` transfers out of its volunteer's account, each with its own
    /// Idempotency-Key and memo (`memo <key>`), retried with the same key on 503 or a lost
    /// connection; every third acknowledged one is sent again with the same key (the answer must
    /// name the same transfer). One line per operation, written when its answer is in:
    /// `key from to points status code id again` (status `lost`: no answer; the client then stops
    /// if told to, as when the server is gone).
    static let clientScript = #"""
        import http.client, json, random, sys, time
        cfg = json.load(open(sys.argv[1]))
        rng = random.Random(cfg["seed"])
        out = open(cfg["out"], "a", buffering=1)
        conn = None
        def post(body, key):
            global conn
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", cfg["port"], timeout=60)
                conn.request("POST", "/v1/transfers", body=json.dumps(body),
                             headers={"Authorization": "Bearer " + cfg["token"], "Content-Type": "application/json",
                                      "Idempotency-Key": key, "Accept-Language": "en"})
                r = conn.getresponse()
                data = r.read()
                if (r.getheader("Connection") or "").lower() == "close":
                    conn.close(); conn = None
                try:
                    obj = json.loads(data)
                except ValueError:
                    obj = {}
                return r.status, obj if isinstance(obj, dict) else {}
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                return None, {}
        def send(body, key):
            status, obj = None, {}
            for _ in range(cfg["attempts"]):
                status, obj = post(body, key)
                if status is None and cfg["stop_on_loss"]:
                    return None, obj
                if status not in (None, 503):
                    return status, obj
                time.sleep(0.05)
            return status, obj
        for i in range(cfg["count"]):
            key = "%s-%d" % (cfg["prefix"], i)
            source = cfg["from"]
            target = rng.choice([a for a in cfg["accounts"] if a != source])
            points = rng.randint(1, cfg["max"])
            body = {"from": source, "to": target, "points": points, "memo": "memo " + key}
            status, obj = send(body, key)
            ident = (obj.get("transfer") or {}).get("id", "-")
            again = "-"
            if status == 200 and i % 3 == 0:
                status2, obj2 = send(body, key)
                again = (obj2.get("transfer") or {}).get("id", "-") if status2 == 200 else ("lost" if status2 is None else "s%d" % status2)
            out.write("%s %s %s %d %s %s %s %s\n" % (key, source, target, points, "lost" if status is None else status,
                                                     obj.get("code", "-"), ident, again))
            if status is None or again == "lost":
                break
        """#

    /// One operation as a client saw it.
    struct Op: CustomStringConvertible {
        var key: String
        var from: String
        var to: String
        var points: Int
        /// The HTTP status, or `lost` (no answer); for the CLI `0` or the exit status.
        var status: String
        var code: String
        var id: String
        var again: String
        var acknowledged: Bool { status == "200" || status == "cli-0" }
        var description: String { "\(key) \(from)→\(to) \(points) \(status) \(code) #\(id) again \(again)" }
        var body: [String: Any] { ["from": from, "to": to, "points": points, "memo": "memo " + key] }
    }

    /// A transfer row of the test's operations, read from the file.
    struct Row: Equatable {
        var id: String
        var debit: String
        var credit: String
        var amount: Int
    }

    struct Client {
        var process: Process
        var out: URL
        var err: URL
        var token: String
    }

    /// The community of `ServerTests.community()`, a fourth volunteer V0004 (T02), and `points`
    /// granted to each of V0001…V0004; the starting balances.
    static func community(granting points: Int) throws -> (Sandbox, [String: Int]) {
        let box = try ServerTests.community()
        try expectOK(
            box.jifen(["volunteer", "add", "--name", "王秀英", "--phone", "13800009999", "--team", "T02"], env: admin))
        for account in accounts {
            try expectOK(
                box.jifen(
                    ["grant", account, String(points), "--reason", "start", "--key", "start-\(account)"], env: admin))
        }
        return (box, try balances(box))
    }

    static func balances(_ box: Sandbox) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for account in accounts {
            result[account] = try box.jifen(["--json", "balance", account], env: admin).object["balance"] as? Int ?? -1
        }
        return result
    }

    /// Starts 8 client processes, client i spending from accounts[i % 4] with its own credential.
    static func startClients(
        _ box: Sandbox, port: Int, tokens: [String], prefix: String, count: Int, max: Int,
        stopOnLoss: Bool, attempts: Int
    ) throws -> [Client] {
        let script = box.directory.appendingPathComponent("client.py")
        // Atomically: several calls share the file, and a python3 of an earlier call may be
        // opening it this moment (written in place, it could read it empty and print nothing).
        try Data(clientScript.utf8).write(to: script, options: .atomic)
        var clients: [Client] = []
        for (i, token) in tokens.enumerated() {
            let name = "\(prefix)h\(i)"
            let out = box.directory.appendingPathComponent("\(name).out"),
                err = box.directory.appendingPathComponent("\(name).err")
            let config = box.directory.appendingPathComponent("\(name).json")
            let settings: [String: Any] = [
                "port": port, "token": token, "out": out.path, "prefix": name, "count": count, "max": max,
                "from": accounts[i % accounts.count], "accounts": accounts, "seed": Int.random(in: 0..<1_000_000),
                "stop_on_loss": stopOnLoss, "attempts": attempts,
            ]
            try JSONSerialization.data(withJSONObject: settings).write(to: config)
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [script.path, config.path]
            process.environment = ["PATH": "/usr/bin:/bin"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
            clients.append(Client(process: process, out: out, err: err, token: token))
        }
        return clients
    }

    /// Waits until the clients have had `answers` answers between them (at most a minute), so that
    /// a signal comes under load however slow the machine is.
    static func waitForLoad(_ clients: [Client], answers: Int) {
        for _ in 0..<1200 {
            let lines = clients.reduce(0) { $0 + ((try? Data(contentsOf: $1.out))?.filter { $0 == 10 }.count ?? 0) }
            if lines >= answers { return }
            usleep(50_000)
        }
    }

    /// Waits for the clients and reads what each saw; a client that failed is an issue.
    static func finish(_ clients: [Client]) throws -> [Op] {
        var ops: [Op] = []
        for client in clients {
            client.process.waitUntilExit()
            let err = String(decoding: try Data(contentsOf: client.err), as: UTF8.self)
            #expect(client.process.terminationStatus == 0 && err.isEmpty, "client: \(err)")
            ops += try parse(String(decoding: Data(contentsOf: client.out), as: UTF8.self))
        }
        return ops
    }

    /// Sends each transfer that was in flight at the kill again, with its key, to the restarted
    /// server: it is done once, a replay exactly when the ledger already had it (then with that
    /// transfer's id). - Returns: the transfers, now acknowledged, and how many had been written.
    static func retry(
        _ lost: [Op], on restarted: ServerProcess, tokenOf: [String: String], rows: [String: Row],
        round: Int
    ) throws -> (ops: [Op], written: Int) {
        var written = 0
        var done: [Op] = []
        for var op in lost {
            let prefix = String(op.key.split(separator: "-").first ?? "")
            let answer = try http(
                "POST", restarted.base + "/v1/transfers", token: tokenOf[prefix], json: op.body,
                headers: ["Idempotency-Key": op.key])
            #expect(answer.status == 200, "round \(round), retry of \(op): \(answer)")
            let transfer = answer.object["transfer"] as? [String: Any]
            let replayed = answer.object["replayed"] as? Bool
            #expect(
                replayed == (rows[op.key] != nil),
                "round \(round): \(op) replayed \(String(describing: replayed)) but in the ledger: \(rows[op.key] != nil)"
            )
            if let row = rows[op.key] {
                written += 1
                #expect(transfer.flatMap { $0["id"] }.map { "\($0)" } == row.id, "\(op): \(answer)")
            }
            op.status = "200"
            op.id = transfer.flatMap { $0["id"] }.map { "\($0)" } ?? "?"
            done.append(op)
        }
        return (done, written)
    }

    static func parse(_ text: String) throws -> [Op] {
        try text.split(separator: "\n").map { line in
            let f = line.split(separator: " ").map(String.init)
            try #require(f.count == 8, "\(line)")
            return Op(
                key: f[0], from: f[1], to: f[2], points: Int(f[3]) ?? -1, status: f[4], code: f[5], id: f[6],
                again: f[7])
        }
    }

    /// Every transfer the test's clients asked for (memo `memo <key>`), by key; a memo found on
    /// more than one transfer, or on one whose key is another, is an issue.
    static func rows(_ box: Sandbox) throws -> [String: Row] {
        var rows: [String: Row] = [:]
        var memos: [String: Int] = [:]
        for line in try box.query("SELECT key, id, debit, credit, amount, memo FROM transfer WHERE memo LIKE 'memo %'")
        {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 6, "\(line)")
            #expect(f[5] == "memo " + f[0], "\(line)")
            memos[f[5], default: 0] += 1
            rows[f[0]] = Row(id: f[1], debit: f[2], credit: f[3], amount: Int(f[4]) ?? -1)
        }
        let doubled = memos.filter { $0.value != 1 }
        #expect(doubled.isEmpty, "memos on more than one transfer: \(doubled)")
        return rows
    }

    static func row(of op: Op) -> Row {
        Row(id: op.id, debit: op.from, credit: op.to, amount: op.points)
    }

    /// The ledger's checks, and nothing anywhere but the grants' issuance below zero.
    static func expectConsistent(
        _ box: Sandbox, _ context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let verify = try box.jifen(["--json", "verify"], env: admin)
        #expect(
            verify.status == 0 && verify.object["ok"] as? Bool == true, "\(context): \(verify)",
            sourceLocation: sourceLocation)
        #expect(
            try box.query("SELECT sum(balance) FROM account") == ["0"], "\(context): not zero-sum",
            sourceLocation: sourceLocation)
        #expect(
            try box.query("SELECT count(*) FROM account WHERE kind <> 'issuance' AND balance < 0") == ["0"],
            sourceLocation: sourceLocation)
    }

    /// The balances that exactly `done` make from `start`.
    static func expected(_ start: [String: Int], after done: [Op]) -> [String: Int] {
        var balances = start
        for op in done {
            balances[op.from, default: 0] -= op.points
            balances[op.to, default: 0] += op.points
        }
        return balances
    }

    // MARK: Tests

    @Test func eightHTTPClientProcessesAndTheLocalCLIKeepTheLedgerExact() throws {
        let (box, start) = try Self.community(granting: 150)
        let tokens = try (0..<8).map { try ServerTests.token(box, for: Self.accounts[$0 % Self.accounts.count]) }
        let server = try ServerProcess(box, extra: ["--busy-timeout", "30"])
        defer { server.stop() }
        let failures = Mutex<[String]>([])
        let local = Mutex<[Op]>([])
        let remote = Mutex<[Op]>([])
        // The 8 HTTP clients and, at the same time, one CLI process after another on the same file.
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                do {
                    let clients = try Self.startClients(
                        box, port: server.port, tokens: tokens, prefix: "x", count: 30, max: 25,
                        stopOnLoss: false, attempts: 40)
                    let ops = try Self.finish(clients)
                    remote.withLock { $0 = ops }
                } catch {
                    failures.withLock { $0.append("clients: \(error)") }
                }
                return
            }
            var rng = SystemRandomNumberGenerator()
            for step in 0..<30 {
                let from = Self.accounts.randomElement(using: &rng)!
                let to = Self.accounts.filter { $0 != from }.randomElement(using: &rng)!
                let points = Int.random(in: 1...25, using: &rng)
                let key = "c-\(step)"
                var op = Op(
                    key: key, from: from, to: to, points: points, status: "lost", code: "-", id: "-", again: "-")
                for _ in 0..<5 {
                    guard
                        let run = try? box.jifen([
                            "--as", from, "--json", "transfer", from, to, String(points), "--memo", "memo " + key,
                            "--key", key, "--busy-timeout", "30",
                        ])
                    else { continue }
                    op.status = "cli-\(run.status)"
                    if run.status == 0 {
                        op.id = run.object["id"].map { "\($0)" } ?? "?"
                        break
                    }
                    if run.status == Exit.refused,
                        run.stderr.contains("insufficient-points") || run.stderr.contains("available")
                    {
                        op.code = "insufficient-points"
                        break
                    }
                    if run.status != Exit.busy {
                        failures.withLock { $0.append("\(key): \(run)") }
                        break
                    }
                }
                local.withLock { $0.append(op) }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let viaHTTP = remote.withLock { $0 }, cli = local.withLock { $0 }
        #expect(viaHTTP.count == 8 * 30 && cli.count == 30)
        // Every answer is a transfer or a refusal for want of points: nothing was lost or busy for good.
        let unexpected = (viaHTTP + cli).filter { !$0.acknowledged && $0.code != "insufficient-points" }
        #expect(unexpected.isEmpty, "\(unexpected)")
        let repeats = viaHTTP.filter { $0.again != "-" }
        #expect(
            !repeats.isEmpty && repeats.allSatisfy { $0.again == $0.id },
            "a repeated key named another transfer: \(repeats.filter { $0.again != $0.id })")
        let done = (viaHTTP + cli).filter(\.acknowledged)
        #expect(
            viaHTTP.filter(\.acknowledged).count > 60 && cli.filter(\.acknowledged).count > 5,
            "too few went through: \(done.count)")
        // The ledger holds exactly the acknowledged transfers, each once and as asked; the refused left nothing.
        let rows = try Self.rows(box)
        #expect(Set(rows.keys) == Set(done.map(\.key)))
        for op in done { #expect(rows[op.key] == Self.row(of: op), "\(op)") }
        // The balances follow from exactly those; the sum is the grants'.
        let after = try Self.balances(box)
        #expect(after == Self.expected(start, after: done))
        #expect(after.values.reduce(0, +) == start.values.reduce(0, +))
        try Self.expectConsistent(box, "after the load")
        #expect(server.stop() == 0)
    }

    /// kill -9 of the server at a random moment of a load of 8 client processes, five times; after
    /// each: `verify` passes; every acknowledged transfer is there once; one in flight is wholly
    /// there or absent; sent again with its Idempotency-Key to the restarted server, it is done
    /// once (replayed if it had been written) and never twice.
    @Test func killMinusNineUnderLoadLosesNoAcknowledgedTransferAndDoublesNone() throws {
        let (box, start) = try Self.community(granting: 100_000)
        let tokens = try (0..<8).map { try ServerTests.token(box, for: Self.accounts[$0 % Self.accounts.count]) }
        var rng = SystemRandomNumberGenerator()
        var all: [Op] = []
        var stats: [String] = []
        for round in 0..<5 {
            let server = try ServerProcess(box)
            let clients = try Self.startClients(
                box, port: server.port, tokens: tokens, prefix: "r\(round)", count: 100_000, max: 50,
                stopOnLoss: true, attempts: 40)
            Self.waitForLoad(clients, answers: 16)
            usleep(UInt32.random(in: 0...1_500_000, using: &rng))
            kill(server.process.processIdentifier, SIGKILL)
            server.process.waitUntilExit()
            #expect(server.process.terminationReason == .uncaughtSignal && server.process.terminationStatus == SIGKILL)
            let ops = try Self.finish(clients)
            let acknowledged = ops.filter(\.acknowledged), lost = ops.filter { $0.status == "lost" }
            #expect(
                ops.count == acknowledged.count + lost.count,
                "round \(round): \(ops.filter { !$0.acknowledged && $0.status != "lost" })")
            #expect(lost.count <= 8)
            try Self.expectConsistent(box, "round \(round) after kill -9")
            let rows = try Self.rows(box)
            for op in acknowledged { #expect(rows[op.key] == Self.row(of: op), "round \(round), acknowledged: \(op)") }
            for op in acknowledged where op.again != "-" && op.again != "lost" { #expect(op.again == op.id, "\(op)") }
            // An operation in flight at the kill: all of it or nothing (verify checked the balances).
            for op in lost {
                if let row = rows[op.key] {
                    #expect(row.debit == op.from && row.credit == op.to && row.amount == op.points, "\(op)")
                }
            }
            // The restarted server: each lost one again with its key, once.
            let restarted = try ServerProcess(box)
            let tokenOf = Dictionary(
                uniqueKeysWithValues: clients.enumerated().map { ("r\(round)h\($0.offset)", $0.element.token) })
            let (retried, written) = try Self.retry(lost, on: restarted, tokenOf: tokenOf, rows: rows, round: round)
            all += retried
            #expect(restarted.stop() == 0)
            all += acknowledged
            stats.append(
                "round \(round): \(acknowledged.count) acknowledged, \(lost.count) in flight (\(written) of them written before the kill)"
            )
        }
        print("ServerCrashTests kill -9: " + stats.joined(separator: "; "))
        #expect(all.count > 50, "the load barely ran: \(all.count)")
        // Every transfer ever asked for is there exactly once (each was acknowledged, at last on the
        // retry), and the balances follow from exactly those.
        let rows = try Self.rows(box)
        #expect(rows.count == all.count && Set(rows.keys) == Set(all.map(\.key)))
        for op in all { #expect(rows[op.key] == Self.row(of: op), "\(op)") }
        #expect(try Self.balances(box) == Self.expected(start, after: all))
        try Self.expectConsistent(box, "at the end")
    }

    /// SIGTERM while 8 client processes send transfers: the server finishes what is in flight and
    /// exits 0; every 2xx is in the ledger, and nothing it did went unanswered.
    @Test func sigtermFinishesTheRequestsInFlightAndExitsZero() throws {
        let (box, start) = try Self.community(granting: 100_000)
        let tokens = try (0..<8).map { try ServerTests.token(box, for: Self.accounts[$0 % Self.accounts.count]) }
        let server = try ServerProcess(box)
        let clients = try Self.startClients(
            box, port: server.port, tokens: tokens, prefix: "t", count: 100_000, max: 50,
            stopOnLoss: true, attempts: 40)
        Self.waitForLoad(clients, answers: 16)
        usleep(UInt32.random(in: 0...500_000))
        server.process.terminate()
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0, "\(server.logText)")
        let ops = try Self.finish(clients)
        let done = ops.filter(\.acknowledged)
        #expect(
            ops.allSatisfy { $0.acknowledged || $0.status == "lost" },
            "\(ops.filter { !$0.acknowledged && $0.status != "lost" })")
        #expect(done.count >= 16, "the load barely ran: \(done.count)")
        // Every 200 the server logged reached its client.
        let logged = server.logText.components(separatedBy: "POST /v1/transfers 200 ").count - 1
        let received = done.count + done.filter { Int($0.again) != nil }.count
        #expect(logged == received, "the server answered \(logged) times 200, the clients received \(received)")
        let rows = try Self.rows(box)
        for op in done { #expect(rows[op.key] == Self.row(of: op), "\(op)") }
        // A transfer the server wrote was answered before it stopped.
        let unanswered = Set(rows.keys).subtracting(done.map(\.key))
        #expect(unanswered.isEmpty, "written but never answered: \(unanswered.sorted())")
        #expect(try Self.balances(box) == Self.expected(start, after: done))
        try Self.expectConsistent(box, "after SIGTERM")
        print(
            "ServerCrashTests SIGTERM: \(done.count) acknowledged, \(ops.count - done.count) without an answer (none of them written)"
        )
    }
}
