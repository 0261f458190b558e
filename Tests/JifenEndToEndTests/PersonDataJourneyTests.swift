import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// A person's rights through the real `jifen` binary and a real server: her copy as JSON and
/// CSV, erasure with `verify` green, the sweep, and her own copy over the API.
@Suite struct PersonDataJourneyTests {
    let admin = ["JIFEN_ACTOR": "李主任"]

    @Test(arguments: StoreKind.allCases)
    func exportEraseAndVerifyWithTheBinary(store: StoreKind) throws {
        let box = try ServerTests.community(store)
        // V0001 张桂兰 and V0002 李志强 give each other points.
        try expectOK(box.jifen(["transfer", "V0001", "V0002", "10", "--memo", "谢谢"], env: ["JIFEN_ACTOR": "V0001"]))

        // JSON on stdout: hers, none of his.
        let json = try box.jifen(["person", "export", "V0001"], env: admin)
        try expectOK(json)
        #expect(json.stdout.contains("张桂兰") && json.stdout.contains("13800001234"))
        #expect(!json.stdout.contains("李志强") && !json.stdout.contains("13800005678"))
        #expect(
            (json.object["sections"] as? [[String: Any]])?.contains { $0["kind"] as? String == "transfers" } == true)

        // CSV: one file per kind in the folder, opening in Excel (BOM).
        let folder = box.directory.appendingPathComponent("V0001-data").path
        try expectOK(box.jifen(["person", "export", "V0001", "--format", "csv", "--out", folder], env: admin))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/profile.csv"))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let profile = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(profile.hasPrefix("field,value") && profile.contains("张桂兰"))
        let transfers = try String(contentsOfFile: folder + "/transfers.csv", encoding: .utf8)
        #expect(transfers.contains("V0002") && !transfers.contains("李志强"))
        #expect(try box.jifen(["person", "export", "V0001", "--format", "csv"], env: admin).status == 64)

        // A volunteer exporting someone else: answered as an unknown person.
        let probe = try box.jifen(["--json", "person", "export", "V0002"], env: ["JIFEN_ACTOR": "V0001"])
        let missing = try box.jifen(["--json", "person", "export", "V9999"], env: ["JIFEN_ACTOR": "V0001"])
        #expect(probe.status == 65 && missing.status == 65)
        #expect(probe.stderr.contains("unknown-id") || probe.stdout.contains("unknown-id"), "\(probe)")

        // Erase: a reason with her data is refused; then erased, verify --full green, twice refused.
        #expect(try box.jifen(["person", "erase", "V0001", "--reason", "张桂兰要求"], env: admin).status == 64)
        try expectOK(box.jifen(["person", "erase", "V0001", "--reason", "本人申请注销"], env: admin))
        let verify = try box.jifen(["verify"], env: admin)
        try expectOK(verify)
        let again = try box.jifen(["--json", "person", "erase", "V0001", "--reason", "本人申请注销"], env: admin)
        #expect(again.status == 65 && (again.stdout + again.stderr).contains("already-erased"), "\(again)")
        let after = try box.jifen(["person", "export", "V0001"], env: admin)
        #expect(!after.stdout.contains("张桂兰") && !after.stdout.contains("13800001234") && after.stdout.contains("已注销"))
        // Her points stay.
        let balance = try box.jifen(["--json", "balance", "V0001"], env: admin)
        #expect(balance.object["balance"] as? Int == 90, "\(balance)")

        // The sweep, by the injected clock: nobody inactive for five years on 2026-12-01; all of
        // them (idle since 2026) on 2032-12-02.
        let now = try box.jifen(["--json", "person", "sweep"], env: admin)
        #expect((now.object["erased"] as? [Any])?.isEmpty == true, "\(now)")
        let later = try box.jifen(
            ["--json", "person", "sweep"], env: admin.merging(["JIFEN_NOW": "2032-12-02 10:00"]) { $1 })
        let erased = (later.object["erased"] as? [[String: Any]])?.compactMap { $0["person"] as? String } ?? []
        #expect(erased.contains("V0002") && !erased.contains("V0001"), "\(later)")
        try expectOK(box.jifen(["verify"], env: admin))
    }

    @Test(arguments: StoreKind.allCases)
    func sheDownloadsHerOwnDataOverTheAPI(store: StoreKind) throws {
        let box = try ServerTests.community(store)
        let server = try ServerProcess(box)
        defer { server.stop() }
        let token = try ServerTests.token(box, for: "V0001")
        let mine = try http("GET", server.base + "/v1/me/export", token: token)
        #expect(mine.status == 200, "\(mine)")
        #expect(mine.object["person"] as? String == "V0001")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: mine.object), as: UTF8.self)
        #expect(!text.contains("李志强") && !text.contains("13800005678"))
        // Someone else's: as a missing person.
        let other = try http("GET", server.base + "/v1/persons/V0002/export", token: token)
        #expect(other.status == 404 && other.object["code"] as? String == "unknown-id", "\(other)")
        // Erasing is an admin's.
        let erase = try http(
            "POST", server.base + "/v1/persons/V0002/erasure", token: token, json: ["reason": "本人申请注销"])
        #expect(erase.status == 403, "\(erase)")
    }
}
