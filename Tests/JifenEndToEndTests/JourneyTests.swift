import Foundation
import JifenTestSupport
import Testing

/// The first commands, end to end through the built binary.
@Suite struct JourneyTests {
    @Test func communityGrantsGivesAndVerifies() throws {
        let box = try Sandbox()
        expectOK(try box.jifen(["--as", "李主任", "init", "--community", "玫瑰园社区", "--admin", "李主任"]))
        let team = try box.jifen(["team", "add", "--name", "平安使者巡逻队", "--leader", "王建国", "--as", "李主任", "--json"])
        #expect(team.object["id"] as? String == "T01", "\(team)")
        let volunteer = try box.jifen([
            "volunteer", "add", "--name", "张桂兰", "--phone", "13812341234", "--team", "T01",
            "--id-number", "11010519491231002X", "--as", "李主任", "--json",
        ])
        #expect(volunteer.object["id"] as? String == "V0001", "\(volunteer)")
        #expect(volunteer.object["phone"] as? String == "138****1234")
        #expect(volunteer.object["id_number"] as? String == "110***********002X")
        expectOK(try box.jifen(["volunteer", "add", "--name", "李志强", "--phone", "13800005678", "--as", "李主任"]))
        let list = try box.jifen(["volunteer", "list"])
        #expect(list.stdout.contains("138****1234"))
        #expect(!list.stdout.contains("13812341234"), "phones must be masked in listings")

        let grant = try box.jifen([
            "grant", "V0001", "120", "--reason", "纸质台账结转", "--key", "carry-V0001", "--as", "李主任", "--json",
        ])
        #expect(grant.object["points"] as? Int == 120, "\(grant)")
        let again = try box.jifen([
            "grant", "V0001", "120", "--reason", "纸质台账结转", "--key", "carry-V0001", "--as", "李主任", "--json",
        ])
        #expect(again.object["replayed"] as? Bool == true)
        let gift = try box.jifen(["transfer", "V0001", "V0002", "20", "--memo", "给老伴", "--as", "V0001", "--json"])
        #expect(gift.object["kind"] as? String == "transfer", "\(gift)")

        let balance = try box.jifen(["balance", "V0001", "--json"])
        #expect(balance.object["balance"] as? Int == 100)
        let statement = try box.jifen(["statement", "V0001", "--json"])
        let lines = statement.object["lines"] as? [[String: Any]] ?? []
        #expect(lines.map { $0["balance_after"] as? Int } == [120, 100])
        let table = try box.jifen(["statement", "V0001", "--lang", "zh"])
        #expect(table.stdout.contains("转赠"), "\(table)")

        expectOK(try box.jifen(["config", "set", "points.per_hour", "12", "--as", "李主任"]))
        let history = try box.jifen(["config", "history", "--json"])
        #expect(history.stdout.contains("李主任"))
        let verify = try box.jifen(["verify", "--json"])
        #expect(verify.object["ok"] as? Bool == true, "\(verify)")
    }

    @Test func verifyExitsNonZeroAndNamesTheFault() throws {
        let box = try Sandbox().seeded()
        _ = try box.run("/usr/bin/sqlite3", [box.db, "UPDATE account SET balance = 70 WHERE id = 'V0001';"])
        let run = try box.jifen(["verify"])
        #expect(run.status == Exit.verifyFailed)
        #expect(run.stdout.contains("account V0001"), "\(run)")
        #expect(run.stdout.contains("expected 50, found 70"), "\(run)")
    }

    @Test func expiryRunsOnTheInjectedClock() throws {
        let box = try Sandbox().seeded()
        let early = try box.jifen(["expire", "--json"], env: ["JIFEN_NOW": "2027-01-01"])
        #expect(early.object["points"] as? Int == 0, "\(early)")
        let late = try box.jifen(["expire", "--json"], env: ["JIFEN_NOW": "2031-01-01"])
        #expect(late.object["points"] as? Int == 50, "\(late)")
        expectOK(try box.jifen(["verify"], env: ["JIFEN_NOW": "2031-01-01"]))
    }
}
