import Foundation
import JifenTestSupport
import Testing

/// Group commit in `jifen serve` through the real binary: 32 client processes while
/// the server is killed with SIGKILL in the middle of its batches, again and again; several
/// servers on one PostgreSQL. The clients and checks are `ServerCrashTests`'.
@Suite(.serialized, .tags(.alone)) struct GroupCommitServerTests {
    typealias C = ServerCrashTests

    /// kill -9 of a server committing batches for 32 client processes, six times: after each,
    /// `verify` passes, every acknowledged transfer is there exactly once and as asked, and one in
    /// flight at the kill is wholly there or absent (a batch commits whole or not at all); sent
    /// again with its key to the restarted server it is done once.
    @Test func thirtyTwoClientsAndKillMinusNineInTheMiddleOfBatches() throws {
        let (box, start) = try C.community(granting: 1_000_000)
        let eight = try (0..<8).map { try ServerTests.token(box, for: C.accounts[$0 % C.accounts.count]) }
        let tokens = (0..<32).map { eight[$0 % 8] }
        var rng = SystemRandomNumberGenerator()
        var all: [C.Op] = []
        var stats: [String] = []
        for round in 0..<6 {
            let server = try ServerProcess(box, extra: ["--batch-max", "64"])
            let clients = try C.startClients(
                box, port: server.port, tokens: tokens, prefix: "g\(round)", count: 100_000, max: 50,
                stopOnLoss: true, attempts: 40)
            C.waitForLoad(clients, answers: 64)
            usleep(UInt32.random(in: 0...800_000, using: &rng))
            kill(server.process.processIdentifier, SIGKILL)
            server.process.waitUntilExit()
            #expect(server.process.terminationReason == .uncaughtSignal && server.process.terminationStatus == SIGKILL)
            let ops = try C.finish(clients)
            let acknowledged = ops.filter(\.acknowledged), lost = ops.filter { $0.status == "lost" }
            #expect(
                ops.count == acknowledged.count + lost.count,
                "round \(round): \(ops.filter { !$0.acknowledged && $0.status != "lost" })")
            #expect(lost.count <= 32)
            try C.expectConsistent(box, "round \(round) after kill -9")
            let rows = try C.rows(box)
            for op in acknowledged { #expect(rows[op.key] == C.row(of: op), "round \(round), acknowledged: \(op)") }
            for op in acknowledged where op.again != "-" && op.again != "lost" { #expect(op.again == op.id, "\(op)") }
            for op in lost {
                if let row = rows[op.key] {
                    #expect(row.debit == op.from && row.credit == op.to && row.amount == op.points, "\(op)")
                }
            }
            // Nothing of this round is in the ledger that no client asked for.
            let asked = Set(ops.map(\.key))
            let strays = rows.keys.filter { $0.hasPrefix("g\(round)h") && !asked.contains($0) }
            #expect(strays.isEmpty, "round \(round): written but never asked: \(strays.sorted())")
            let restarted = try ServerProcess(box)
            let tokenOf = Dictionary(
                uniqueKeysWithValues: clients.enumerated().map { ("g\(round)h\($0.offset)", $0.element.token) })
            let (retried, written) = try C.retry(lost, on: restarted, tokenOf: tokenOf, rows: rows, round: round)
            all += retried
            #expect(restarted.stop() == 0)
            all += acknowledged
            stats.append(
                "round \(round): \(acknowledged.count) acknowledged, \(lost.count) in flight (\(written) written)")
        }
        print("GroupCommitServerTests kill -9, 32 clients: " + stats.joined(separator: "; "))
        #expect(all.count > 200, "the load barely ran: \(all.count)")
        let rows = try C.rows(box)
        #expect(rows.count == all.count && Set(rows.keys) == Set(all.map(\.key)))
        for op in all { #expect(rows[op.key] == C.row(of: op), "\(op)") }
        #expect(try C.balances(box) == C.expected(start, after: all))
        try C.expectConsistent(box, "at the end")
    }

    /// Three `jifen serve` processes on one PostgreSQL, each committing batches for 8 clients, on
    /// the same four accounts, each starting with 60 points so that refusals for want of points come too: every acknowledged
    /// transfer is there once, nothing else is, the balances follow, `verify` passes.
    @Test(.needsPostgres) func severalServersOnOnePostgreSQLStayExact() throws {
        let box = try ServerTests.community(.postgres)
        let admin = C.admin
        try expectOK(
            box.jifen(["volunteer", "add", "--name", "王秀英", "--phone", "13800009999", "--team", "T02"], env: admin))
        for account in C.accounts {
            try expectOK(
                box.jifen(["grant", account, "60", "--reason", "start", "--key", "start-\(account)"], env: admin))
        }
        let start = try C.balances(box)
        let eight = try (0..<8).map { try ServerTests.token(box, for: C.accounts[$0 % C.accounts.count]) }
        let servers = try (0..<3).map { _ in try ServerProcess(box, extra: ["--batch-max", "32"]) }
        defer { for server in servers { server.stop() } }
        var clients: [C.Client] = []
        for (n, server) in servers.enumerated() {
            clients += try C.startClients(
                box, port: server.port, tokens: eight, prefix: "p\(n)", count: 25, max: 30,
                stopOnLoss: false, attempts: 40)
        }
        let ops = try C.finish(clients)
        let perClient = Dictionary(grouping: ops) { String($0.key.split(separator: "-").first ?? "") }.mapValues(
            \.count)
        let lostOrShort = ops.filter { $0.status == "lost" || $0.again == "lost" }
        #expect(
            ops.count == 3 * 8 * 25,
            "operations per client: \(perClient.sorted { $0.key < $1.key }), lost or short: \(lostOrShort)")
        let unexpected = ops.filter { !$0.acknowledged && $0.code != "insufficient-points" }
        #expect(unexpected.isEmpty, "\(unexpected)")
        let done = ops.filter(\.acknowledged)
        #expect(
            done.count > 100 && done.count < ops.count, "accepted \(done.count) of \(ops.count): the mix needs both")
        let repeats = ops.filter { $0.again != "-" }
        #expect(repeats.allSatisfy { $0.again == $0.id }, "\(repeats.filter { $0.again != $0.id })")
        let rows = try C.rows(box)
        #expect(Set(rows.keys) == Set(done.map(\.key)))
        for op in done { #expect(rows[op.key] == C.row(of: op), "\(op)") }
        #expect(try C.balances(box) == C.expected(start, after: done))
        try C.expectConsistent(box, "three servers on one PostgreSQL")
        for server in servers { #expect(server.stop() == 0) }
    }
}
