import Foundation
import JifenTestSupport
import Testing

/// A point-funded micro-wish through the built binary: posted, donated (a retry moves nothing),
/// a donation beyond the balance refused, claimed by a merchant, realized and paid, settled, on
/// the month's notice, and `verify` green; on both stores.
@Suite struct WishJourneyTests {
    @Test(arguments: StoreKind.allCases)
    func aPointFundedWishFromPostToSettlement(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        expectOK(try box.jifen(["team", "add", "--name", "助老队", "--leader", "杨建军", "--organizer", "杨建军"]))
        let posted = try box.jifen([
            "--as", "杨建军", "wish", "post", "--team", "T01", "--title", "一个新书包", "--for", "child", "--name", "小明",
            "--details", "三年级", "--points", "100", "--json",
        ])
        #expect(
            posted.object["id"] as? String == "W001" && posted.object["beneficiary_shown"] as? Bool == true, "\(posted)"
        )
        let masked = try box.jifen(["--as", "V0002", "wish", "show", "W001", "--json"])
        #expect(
            masked.object["beneficiary_name"] as? String == "小*"
                && masked.object["beneficiary_details"] as? String == "***", "\(masked)")

        let gift = try box.jifen(["--as", "V0001", "wish", "donate", "W001", "30", "--key", "gift-1", "--json"])
        #expect(gift.object["points"] as? Int == 30 && gift.object["replayed"] as? Bool == false, "\(gift)")
        let again = try box.jifen(["--as", "V0001", "wish", "donate", "W001", "30", "--key", "gift-1", "--json"])
        #expect(again.object["replayed"] as? Bool == true, "\(again)")
        let beyond = try box.jifen(["--as", "V0001", "wish", "donate", "W001", "25", "--json"])
        #expect(
            beyond.status == 65 && beyond.stderr.contains("wish-funding") == false
                && beyond.stderr.contains("insufficient-points"), "\(beyond)")
        let zero = try box.jifen(["--as", "V0001", "wish", "donate", "W001", "0"])
        #expect(zero.status == 64, "\(zero)")
        #expect(try box.jifen(["balance", "V0001", "--json"]).object["balance"] as? Int == 20)

        let early = try box.jifen(["--as", "杨建军", "wish", "realize", "W001", "--note", "送到了"])
        #expect(early.status == 65 && early.stderr.contains("W001"), "\(early)")
        let volunteerClaim = try box.jifen(["--as", "V0002", "wish", "claim", "W001"])
        #expect(volunteerClaim.status == 65, "\(volunteerClaim)")
        expectOK(try box.jifen(["--as", "M001", "wish", "claim", "W001"]))
        let list = try box.jifen(["--as", "M001", "wish", "list"])
        #expect(
            list.stdout.contains("W001") && list.stdout.contains("小明") && list.stdout.contains("claimed"), "\(list)")
        let realized = try box.jifen(["--as", "杨建军", "wish", "realize", "W001", "--note", "书包已送到", "--json"])
        #expect(realized.object["points"] as? Int == 30, "\(realized)")
        let settle = try box.jifen(["settle", "M001", "--json"])
        #expect(settle.object["points"] as? Int == 30, "\(settle)")
        let month = String(Sandbox.defaultNow.prefix(7))
        let report = try box.jifen(["report", "--month", month])
        #expect(report.stdout.contains("Roll of honour") && report.stdout.contains("一个新书包"), "\(report)")
        let json = try box.jifen(["report", "--month", month, "--json"])
        let wishes = try #require(json.object["wishes"] as? [String: Any], "\(json)")
        #expect(
            wishes["donated"] as? Int == 30 && wishes["paid"] as? Int == 30
                && (wishes["realized"] as? [Any])?.count == 1)
        #expect(json.object["reconciles"] as? Bool == true)
        let verify = try box.jifen(["verify", "--json"])
        #expect(verify.status == 0 && verify.object["ok"] as? Bool == true, "\(verify)")
    }
}
