import Foundation
import JifenTestSupport
import Testing

/// The demo community in seed/ loads in full, phones stay masked, and loading twice is refused; on both stores.
@Suite struct SeedTests {
    static let seedDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("seed").path

    @Test(arguments: StoreKind.allCases)
    func theDemoCommunityLoads(store: StoreKind) throws {
        let box = try Sandbox(store)
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"]))
        let loaded = try box.jifen(["seed", "load", Self.seedDirectory, "--json"])
        #expect(loaded.object["teams"] as? Int == 10 && loaded.object["volunteers"] as? Int == 441, "\(loaded)")
        #expect(loaded.object["merchants"] as? Int == 59 && (loaded.object["offers"] as? Int ?? 0) >= 59, "\(loaded)")
        let teams = try box.jifen(["team", "list"]).stdout
        for name in ["680爱心联盟", "老王说和室", "平安使者巡逻队"] { #expect(teams.contains(name), "\(name)") }
        let list = try box.jifen(["volunteer", "list", "--json"]).stdout
        #expect(list.contains("****") && list.range(of: #""phone" : "1\d{10}""#, options: .regularExpression) == nil)
        let before = try box.state()
        let again = try box.jifen(["seed", "load", Self.seedDirectory])
        #expect(again.status == Exit.refused && again.stderr.contains("exists already"), "\(again)")
        #expect(try box.state() == before)
        let notAdmin = try box.jifen(["--as", "V0001", "seed", "load", Self.seedDirectory])
        #expect(notAdmin.status == Exit.refused, "\(notAdmin)")
        expectOK(try box.jifen(["verify"]))
        // The seeded people can be served at once: a team leader organizes, an offer is affordable after a grant.
        expectOK(try box.jifen(["grant", "V0001", "500", "--reason", "x"]))
        let affordable = try box.jifen(["offer", "list", "--affordable-by", "V0001", "--json"])
        #expect(affordable.status == 0 && affordable.stdout.contains("\"id\" : \"O0"), "\(affordable)")
    }
}
