import Foundation
import JifenTestSupport
import Testing

/// Hour sheets as organizers keep them: UTF-8 with or without BOM, GBK from Excel, Chinese or English headers.
/// The sheets that must import, and those that must write nothing, on both stores.
@Suite struct ImportTests {
    func prepared(_ store: StoreKind = .sqlite) throws -> Sandbox {
        let box = try Sandbox(store)
        let env = OrganizerJourneyTests.now
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"], env: env))
        expectOK(try box.jifen(["team", "add", "--name", "680爱心联盟", "--organizer", "马秀兰"], env: env))
        for (name, phone) in [("张桂兰", "13800000001"), ("李志强", "13800000002"), ("王秀英", "13800000003")] {
            expectOK(try box.jifen(["volunteer", "add", "--name", name, "--phone", phone], env: env))
        }
        expectOK(
            try box.jifen(
                [
                    "--as", "马秀兰", "activity", "post", "--team", "T01", "--title", "敬老院探访", "--start",
                    "2026-11-18 09:00",
                    "--end", "2026-11-18 12:00",
                ], env: env))
        return box
    }

    func write(
        _ text: String, to box: Sandbox, name: String = "sheet.csv", bom: Bool = false, gbk: Bool = false
    ) throws -> String {
        let path = box.directory.appendingPathComponent(name).path
        if gbk {
            let py = "import sys; open(sys.argv[1], 'wb').write(sys.argv[2].encode('gbk'))"
            _ = try box.run("/usr/bin/env", ["python3", "-c", py, path, text])
        } else {
            try ((bom ? Data([0xEF, 0xBB, 0xBF]) : Data()) + Data(text.utf8)).write(to: URL(fileURLWithPath: path))
        }
        return path
    }

    func importing(_ box: Sandbox, _ path: String, _ extra: [String] = []) throws -> Run {
        try box.jifen(
            ["--as", "马秀兰", "hours", "import", path, "--activity", "A0001", "--json"] + extra,
            env: OrganizerJourneyTests.now)
    }

    static let sheet =
        "姓名,手机,日期,时长(分钟),备注\n张桂兰,138 0000 0001,2026-11-18,120,陪老人聊天\n李志强,13800000002,2026/11/18,90,\n\"王秀英\",13800000003,2026-11-18,60,\"打扫, 整理\"\n"

    @Test(arguments: StoreKind.allCases, ["utf8", "bom", "gbk"])
    func importsEveryEncodingOnceOnly(store: StoreKind, encoding: String) throws {
        let box = try prepared(store)
        let path = try write(Self.sheet, to: box, bom: encoding == "bom", gbk: encoding == "gbk")
        let first = try importing(box, path)
        #expect(first.status == 0, "\(first)")
        #expect(first.object["written"] as? Int == 3)
        #expect(first.object["encoding"] as? String == (encoding == "gbk" ? "gb18030" : "utf-8"))
        let again = try importing(box, path)
        #expect(again.object["written"] as? Int == 0, "\(again)")
        #expect(again.object["already_imported"] as? Int == 3)
        let list = try box.jifen(["hours", "list", "--pending", "--json"], env: OrganizerJourneyTests.now)
        #expect(list.stdout.contains("打扫, 整理"), "\(list)")
        let approve = try box.jifen(
            ["--as", "马秀兰", "hours", "approve", "--activity", "A0001", "--json"], env: OrganizerJourneyTests.now)
        let points = ((try? JSONSerialization.jsonObject(with: Data(approve.stdout.utf8))) as? [[String: Any]] ?? [])
            .compactMap { $0["points"] as? Int }
        #expect(points == [20, 15, 10], "\(approve)")
        let balances = try ["V0001", "V0002", "V0003"].map {
            try box.jifen(["balance", $0, "--json"], env: OrganizerJourneyTests.now).object["balance"] as? Int
        }
        #expect(balances == [20, 15, 10], "\(balances)")
        expectOK(try box.jifen(["verify"], env: OrganizerJourneyTests.now))
    }

    @Test func englishHeadersAndHours() throws {
        let box = try prepared()
        let path = try write("name,phone,hours,activity\n张桂兰,13800000001,1.5,A0001\n", to: box)
        let run = try box.jifen(["--as", "马秀兰", "hours", "import", path, "--json"], env: OrganizerJourneyTests.now)
        #expect(run.object["written"] as? Int == 1, "\(run)")
        let list = try box.jifen(["hours", "list", "--json"], env: OrganizerJourneyTests.now)
        #expect(list.stdout.contains("\"minutes\" : 90"), "\(list)")
    }

    static let badSheets: [(String, String, String)] = [
        ("missing column", "姓名,日期\n张桂兰,2026-11-18\n", "lacks required columns"),
        ("bad date", "姓名,日期,时长(分钟)\n张桂兰,2026-13-40,60\n", "line 2: date"),
        ("unknown person", "姓名,时长(分钟)\n赵六,60\n", "line 2: no volunteer named"),
        ("over the cap", "姓名,时长(分钟)\n张桂兰,300\n张桂兰,300\n", "line 3"),
        ("empty file", "", "empty"),
        ("bad minutes", "手机,时长(分钟)\n13800000002,-5\n", "line 2: minutes"),
    ]

    @Test(arguments: StoreKind.allCases, badSheets.indices)
    func badSheetsWriteNothing(store: StoreKind, index: Int) throws {
        let (name, text, fragment) = Self.badSheets[index]
        let box = try prepared(store)
        let path = try write(text, to: box)
        let before = try box.state()
        let run = try box.jifen(
            ["--as", "马秀兰", "hours", "import", path, "--activity", "A0001"], env: OrganizerJourneyTests.now)
        #expect(run.status == Exit.usage, "\(name): \(run)")
        #expect(run.stderr.contains(fragment), "\(name): \(run.stderr)")
        #expect(try box.state() == before, "\(name): the database changed")
    }

    @Test func aTenMegabyteLineIsReportedNotLoaded() throws {
        let box = try prepared()
        let path = try write(
            "姓名,时长(分钟),备注\n张桂兰,60,ok\n李志强,60," + String(repeating: "啊", count: 3_500_000) + "\n", to: box)
        let before = try box.bytes()
        let refused = try box.jifen(
            ["--as", "马秀兰", "hours", "import", path, "--activity", "A0001"], env: OrganizerJourneyTests.now)
        #expect(refused.status == Exit.usage)
        #expect(refused.stderr.contains("line 3") && refused.stderr.contains("64 KB"), "\(refused.stderr.prefix(500))")
        #expect(try box.bytes() == before)
        let partial = try importing(box, path, ["--skip-bad"])
        #expect(partial.object["written"] as? Int == 1, "\(partial.stdout.prefix(500))")
    }

    @Test func importingForAnotherTeamIsRefused() throws {
        let box = try prepared()
        let path = try write(Self.sheet, to: box)
        let run = try box.jifen(
            ["--as", "路人甲", "hours", "import", path, "--activity", "A0001"], env: OrganizerJourneyTests.now)
        #expect(run.status == Exit.refused, "\(run)")
    }
}
