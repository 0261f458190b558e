import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Merchants across communities through the built binary, on both stores: a volunteer of C02 spends
/// at C01's merchant once an admin makes C02 a partner; the refund, the notice and the settlement
/// stay within C02; removing the partner stops new spending.
@Suite struct PartnerCLITests {
    @Test(arguments: StoreKind.allCases)
    func aPartnerCommunitysVolunteerSpendsAndHerCommunitySettles(store: StoreKind) throws {
        let box = try Sandbox(store)
        let admin = ["JIFEN_ACTOR": "李主任"]
        try expectOK(box.jifen(["init", "--community", "玫瑰园社区", "--admin", "李主任"]))
        try expectOK(box.jifen(["merchant", "add", "--name", "老街理发店"], env: admin))
        // A second community (no command adds one yet): through the registry, as `init` does.
        let c2 = try Registry(store: box.scratch.open()).addCommunity(
            name: "金凤社区", actor: "李主任", nowMillis: 1_795_000_000_000)
        #expect(c2.id == "C02")
        try expectOK(
            box.jifen(["volunteer", "add", "--name", "王芳", "--phone", "13800002468", "--community", "C02"], env: admin))
        try expectOK(box.jifen(["grant", "V0001", "100", "--reason", "结转", "--key", "seed"], env: admin))

        // Not a partner yet: her code is not good at M001, and nothing moves.
        let early = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0001", env: admin), "--points", "10",
        ])
        #expect(early.status == Exit.refused && early.stderr.contains("not valid"), "\(early)")
        // The merchant cannot open itself to C02's points; a volunteer cannot either.
        for actor in ["M001", "V0001"] {
            let refused = try box.jifen(["--as", actor, "merchant", "partner", "add", "M001", "C02", "--json"])
            #expect(refused.status == Exit.refused && refused.stderr.contains("not-allowed"), "\(refused)")
        }
        let home = try box.jifen(["merchant", "partner", "add", "M001", "C01"], env: admin)
        #expect(home.status == Exit.refused && home.stderr.contains("home community"), "\(home)")

        let added = try box.jifen(["merchant", "partner", "add", "M001", "C02", "--json"], env: admin)
        #expect(added.object["home"] as? String == "C01", "\(added)")
        let list = try box.jifen(["merchant", "partner", "list", "M001"])
        #expect(list.status == 0 && list.stdout.contains("C02") && list.stdout.contains("partner"), "\(list)")

        let redeemed = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0001", env: admin), "--points", "40", "--json",
        ])
        #expect(redeemed.object["balance_left"] as? Int == 60, "\(redeemed)")
        let label = try #require(redeemed.object["redemption"] as? String)
        let refund = try box.jifen(["--as", "M001", "refund", label, "--points", "10", "--reason", "少剪一次", "--json"])
        #expect(refund.object["refundable_left"] as? Int == 30, "\(refund)")
        let shown = try box.jifen(["merchant", "show", "M001", "--json"])
        #expect(shown.object["balance"] as? Int == 30, "\(shown)")
        #expect((shown.object["by_community"] as? [String: Int]) == ["C01": 0, "C02": 30], "\(shown)")

        // C02's notice shows what its volunteers spent at C01's merchant.
        let report = try box.jifen(["report", "--month", "2026-12", "--json"])
        let elsewhere = report.object["spent_elsewhere"] as? [[String: Any]] ?? []
        #expect(elsewhere.count == 1, "\(report)")
        #expect(elsewhere.first?["community"] as? String == "C02" && elsewhere.first?["points"] as? Int == 30)
        let table = try box.jifen(["report", "--month", "2026-12"])
        #expect(table.stdout.contains("Spent at merchants of other communities"), "\(table)")

        // Removing the partner stops new spending; what was spent still settles, from C02's side.
        try expectOK(box.jifen(["merchant", "partner", "remove", "M001", "C02"], env: admin))
        let late = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0001", env: admin), "--points", "5",
        ])
        #expect(late.status == Exit.refused, "\(late)")
        let again = try box.jifen(["merchant", "partner", "remove", "M001", "C02"], env: admin)
        #expect(again.status == Exit.refused && again.stderr.contains("not a partner"), "\(again)")
        let settled = try box.jifen(["settle", "M001", "--json"], env: admin)
        #expect(settled.object["community"] as? String == "C02" && settled.object["points"] as? Int == 30, "\(settled)")
        let balances = try ["V0001", "C02.settled", "C01.settled"].map {
            try box.jifen(["balance", $0, "--json"]).object["balance"] as? Int
        }
        #expect(balances == [70, 30, 0], "\(balances)")
        let verify = try box.jifen(["verify"])
        #expect(verify.status == 0, "\(verify)")
    }
}
