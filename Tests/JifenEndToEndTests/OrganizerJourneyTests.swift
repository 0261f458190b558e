import Foundation
import JifenTestSupport
import Testing

/// Organizers and volunteers, end to end through the built binary, on both stores.
@Suite struct OrganizerJourneyTests {
    static let now = ["JIFEN_NOW": "2026-11-20 12:00"]

    /// A community with a patrol team organised by 杨建军, three volunteers, and an activity A0001
    /// from 08:00 to 11:00 on 2026-11-20 with room for three.
    func prepared(_ store: StoreKind = .sqlite) throws -> (Sandbox, code: String) {
        let box = try Sandbox(store)
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"], env: Self.now))
        expectOK(
            try box.jifen(["team", "add", "--name", "平安使者巡逻队", "--leader", "杨建军", "--organizer", "杨建军"], env: Self.now))
        expectOK(try box.jifen(["team", "add", "--name", "老王说和室", "--organizer", "王德福"], env: Self.now))
        for (name, phone) in [("张桂兰", "13800000001"), ("李志强", "13800000002"), ("王秀英", "13800000003")] {
            expectOK(try box.jifen(["volunteer", "add", "--name", name, "--phone", phone], env: Self.now))
        }
        let post = try box.jifen(
            [
                "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "夜间巡逻", "--start", "2026-11-20 08:00",
                "--end", "2026-11-20 11:00", "--place", "东门", "--capacity", "3", "--json",
            ], env: Self.now)
        #expect(post.object["id"] as? String == "A0001", "\(post)")
        return (box, post.object["checkin_code"] as? String ?? "")
    }

    @Test(arguments: StoreKind.allCases)
    func postJoinCheckInOutApproveDisputeCorrect(store: StoreKind) throws {
        let (box, code) = try prepared(store)
        let env = Self.now
        for v in ["V0001", "V0002", "V0003"] {
            expectOK(try box.jifen(["--as", v, "activity", "join", "A0001", v], env: env))
        }
        expectOK(try box.jifen(["--as", "V0001", "activity", "join", "A0001", "V0001"], env: env))  // twice: harmless
        // Each at the server's clock (a volunteer gives no time; the organizer checks V0003 in as she arrives).
        expectOK(
            try box.jifen(
                ["--as", "V0001", "checkin", "A0001", "V0001", "--code", code], env: ["JIFEN_NOW": "2026-11-20 08:00"]))
        expectOK(
            try box.jifen(
                ["--as", "V0002", "checkin", "A0001", "V0002", "--code", code], env: ["JIFEN_NOW": "2026-11-20 08:02"]))
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0003"], env: ["JIFEN_NOW": "2026-11-20 08:05"]))
        // V0002 leaves early: below 60% of the plan, so it waits for review.
        let out2 = try box.jifen(
            ["--as", "V0002", "checkout", "A0001", "V0002", "--json"], env: ["JIFEN_NOW": "2026-11-20 09:00"])
        #expect(out2.object["status"] as? String == "review", "\(out2)")
        let out1 = try box.jifen(
            ["--as", "V0001", "checkout", "A0001", "V0001", "--json"], env: ["JIFEN_NOW": "2026-11-20 11:00"])
        #expect(out1.object["status"] as? String == "approved", "\(out1)")
        #expect(out1.object["points"] as? Int == 30)
        // V0003 forgets: closing is refused until the organizer checks them out.
        let close = try box.jifen(["--as", "杨建军", "activity", "close", "A0001"], env: env)
        #expect(close.status == Exit.refused && close.stderr.contains("V0003"), "\(close)")
        // A time the organizer gives is a correction: for review, earning nothing until approved.
        let out3 = try box.jifen(
            ["--as", "杨建军", "checkout", "A0001", "V0003", "--at", "2026-11-20 11:00", "--json"], env: env)
        #expect(out3.object["status"] as? String == "review" && out3.object["points"] as? Int == 0, "\(out3)")
        let recordOf = { (json: Run) in json.object["id"] as? String ?? "" }
        let (r2, r3) = (recordOf(out2), recordOf(out3))
        let approved3 = try box.jifen(["--as", "杨建军", "hours", "approve", r3, "--json"], env: env)
        #expect(approved3.stdout.contains("\"points\" : 29"), "\(approved3)")  // 175 min at 10/h = 29.17 → 29
        // The organizer approves the reviewed record; approving it again is refused and changes nothing.
        expectOK(try box.jifen(["--as", "杨建军", "hours", "approve", r2], env: env))
        let before = try box.state()
        let twice = try box.jifen(["--as", "杨建军", "hours", "approve", r2], env: env)
        #expect(twice.status == Exit.refused && twice.stderr.contains("already approved"), "\(twice)")
        #expect(try box.state() == before)
        // V0003 disputes; the organizer corrects: the earning is reversed and earned again.
        expectOK(try box.jifen(["--as", "V0003", "hours", "dispute", r3, "--reason", "我服务到11点半"], env: env))
        let corrected = try box.jifen(
            ["--as", "杨建军", "hours", "correct", r3, "--minutes", "205", "--reason", "核实签到表", "--json"], env: env)
        #expect(corrected.object["points"] as? Int == 34, "\(corrected)")
        #expect(corrected.object["version"] as? Int == 2)
        let history = try box.jifen(["hours", "history", r3, "--json"], env: env)
        let actions = ((try? JSONSerialization.jsonObject(with: Data(history.stdout.utf8))) as? [[String: Any]] ?? [])
            .compactMap { $0["action"] as? String }
        #expect(actions == ["checkout", "approve", "dispute", "correct"], "\(history)")
        expectOK(try box.jifen(["--as", "杨建军", "activity", "close", "A0001"], env: env))
        let balances = try ["V0001", "V0002", "V0003"].map {
            try box.jifen(["balance", $0, "--json"], env: env).object["balance"] as? Int
        }
        #expect(balances == [30, 10, 34])  // V0002: 58 min at 10/h = 9.67 → 10
        let balance = try box.jifen(["balance", "V0003", "--json"], env: env)
        #expect(balance.object["service_minutes"] as? Int == 205)
        #expect(balance.object["star"] as? Int == 0)
        // A volunteer sees only their own records.
        let others = try box.jifen(["--as", "V0001", "hours", "list", "--volunteer", "V0002"], env: env)
        #expect(others.status == Exit.refused)
        let own = try box.jifen(["--as", "V0001", "hours", "list", "--json"], env: env)
        #expect(own.stdout.contains("V0001") && !own.stdout.contains("V0002"), "\(own)")
        // Certificates verify against the ledger.
        let cert = try box.jifen(
            [
                "certificate", "V0003", "--output", box.directory.appendingPathComponent("c.html").path, "--format",
                "html", "--json",
            ], env: env)
        let certCode = cert.object["code"] as? String ?? ""
        #expect(cert.object["hours"] as? String == "3.42", "\(cert)")
        let html = try String(contentsOf: box.directory.appendingPathComponent("c.html"), encoding: .utf8)
        #expect(html.contains("王秀英") && html.contains(certCode) && html.contains("3.42"))
        expectOK(try box.jifen(["certificate", "verify", certCode], env: env))
        #expect(try box.jifen(["certificate", "verify", "0000-0000-0000"], env: env).status == Exit.refused)
        let verify = try box.jifen(["verify", "--json"], env: env)
        #expect(verify.object["ok"] as? Bool == true, "\(verify)")
        // Corrected after issue: the certificate no longer matches.
        expectOK(
            try box.jifen(["--as", "杨建军", "hours", "correct", r3, "--minutes", "200", "--reason", "再次核实"], env: env))
        #expect(try box.jifen(["certificate", "verify", certCode], env: env).status == Exit.verifyFailed)
    }

    static let badCases: [(String, [String], Int32, String)] = [
        (
            "end before start",
            [
                "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "x", "--start", "2026-11-21 10:00",
                "--end", "2026-11-21 09:00",
            ], Exit.usage, "not after the start"
        ),
        (
            "capacity 0",
            [
                "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "x", "--start", "2026-11-21 09:00",
                "--end", "2026-11-21 10:00", "--capacity", "0",
            ], Exit.usage, "capacity"
        ),
        (
            "negative capacity",
            [
                "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "x", "--start", "2026-11-21 09:00",
                "--end", "2026-11-21 10:00", "--capacity=-3",
            ], Exit.usage, "capacity"
        ),
        (
            "bad start",
            [
                "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "x", "--start", "明天", "--end",
                "2026-11-21 10:00",
            ], Exit.usage, "not a valid date"
        ),
        (
            "posting for another team",
            [
                "--as", "王德福", "activity", "post", "--team", "T01", "--title", "x", "--start", "2026-11-21 09:00",
                "--end", "2026-11-21 10:00",
            ], Exit.refused, "not an organizer"
        ),
        (
            "checking out before checking in", ["--as", "杨建军", "checkout", "A0001", "V0001"], Exit.refused,
            "not checked in"
        ),
        (
            "joining for someone else", ["--as", "V0002", "activity", "join", "A0001", "V0001"], Exit.refused,
            "only for themself"
        ),
        (
            "minutes beyond the cap", ["--as", "杨建军", "hours", "add", "A0001", "V0001", "--minutes", "600"],
            Exit.refused, "daily cap"
        ),
        ("zero minutes", ["--as", "杨建军", "hours", "add", "A0001", "V0001", "--minutes", "0"], Exit.usage, "above 0"),
        (
            "adding hours for another team", ["--as", "王德福", "hours", "add", "A0001", "V0001", "--minutes", "30"],
            Exit.refused, "not an organizer"
        ),
        ("approving an unknown record", ["--as", "杨建军", "hours", "approve", "H9999999"], Exit.refused, "H9999999"),
        (
            "check-in in the future", ["--as", "杨建军", "checkin", "A0001", "V0001", "--at", "2026-12-01 09:00"],
            Exit.usage, "future"
        ),
    ]

    @Test(arguments: StoreKind.allCases, badCases.indices)
    func refusedAndUnchanged(store: StoreKind, index: Int) throws {
        let (name, arguments, status, fragment) = Self.badCases[index]
        let (box, _) = try prepared(store)
        let before = try box.state()
        let run = try box.jifen(arguments, env: Self.now)
        #expect(run.status == status, "\(name): \(run)")
        #expect(run.stderr.contains(fragment), "\(name): \(run.stderr)")
        #expect(try box.state() == before, "\(name): the database changed")
    }

    @Test(arguments: StoreKind.allCases)
    func cancelledAndFullActivities(store: StoreKind) throws {
        let (box, _) = try prepared(store)
        let env = Self.now
        expectOK(
            try box.jifen(
                [
                    "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "小班", "--start", "2026-11-21 09:00",
                    "--end", "2026-11-21 10:00", "--capacity", "1",
                ], env: env))
        expectOK(try box.jifen(["--as", "V0001", "activity", "join", "A0002", "V0001"], env: env))
        let full = try box.jifen(["--as", "V0002", "activity", "join", "A0002", "V0002"], env: env)
        #expect(full.status == Exit.refused && full.stderr.contains("full"), "\(full)")
        expectOK(try box.jifen(["--as", "杨建军", "activity", "cancel", "A0002", "--reason", "下雨"], env: env))
        let cancelled = try box.jifen(["--as", "V0002", "activity", "join", "A0002", "V0002"], env: env)
        #expect(cancelled.status == Exit.refused && cancelled.stderr.contains("cancelled"), "\(cancelled)")
        let events = try box.query("SELECT type FROM event WHERE type LIKE 'activity.%' ORDER BY id")
        #expect(events == ["activity.published", "activity.published", "activity.cancelled"])
        let listed = try box.jifen(["activity", "list", "--json"], env: env)
        #expect(listed.stdout.contains("A0001") && listed.stdout.contains("\"status\" : \"cancelled\""), "\(listed)")
        let shown = try box.jifen(["--as", "杨建军", "activity", "show", "A0002"], env: env)
        #expect(shown.status == 0 && shown.stdout.contains("V0001"), "\(shown)")
    }
}
