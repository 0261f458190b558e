import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// A district set up with the real `jifen` binary, on each store: offices, communities under them,
/// an office admin who manages below and is refused beside, and the office's month report.
@Suite struct OfficeJourneyTests {
    @Test(arguments: StoreKind.allCases)
    func aStreetOfficesAdminWorksBelowItAndIsRefusedBeside(store: StoreKind) throws {
        let box = try Sandbox(store)
        let admin = ["JIFEN_ACTOR": "民政局"], street = ["JIFEN_ACTOR": "赵主任"]
        for step in [
            ["init", "--community", "玫瑰园社区", "--admin", "民政局"],
            ["office", "add", "--id", "WQ", "--name", "武清区"],
            ["office", "add", "--id", "WQ-YC", "--name", "杨村街道", "--district", "WQ"],
            ["office", "add", "--id", "WQ-XZ", "--name", "徐官屯街道", "--district", "WQ"],
            ["community", "place", "C01", "--office", "WQ-YC"],
            ["community", "add", "--name", "远方社区", "--office", "WQ-XZ"],
            ["office", "add-admin", "WQ-YC", "赵主任"],
        ] {
            try expectOK(box.jifen(step, env: admin))
        }
        // Below: a community, a volunteer and points.
        let added = try box.jifen(["--json", "community", "add", "--name", "泉州路社区", "--office", "WQ-YC"], env: street)
        try expectOK(added)
        #expect(added.object["id"] as? String == "C03" && added.object["office"] as? String == "WQ-YC", "\(added)")
        try expectOK(
            box.jifen(
                ["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--community", "C03"], env: street))
        try expectOK(box.jifen(["grant", "V0001", "30", "--reason", "结转"], env: street))
        let listed = try box.jifen(["--json", "community", "list"], env: street)
        try expectOK(listed)
        let ids = ((try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? [])
            .compactMap { $0["id"] as? String }
        #expect(ids == ["C01", "C03"], "\(listed)")
        // Beside: another street's community, its people and its report; and nothing above.
        let beside = try box.jifen(
            ["--json", "volunteer", "add", "--name", "刘强", "--phone", "13800003333", "--community", "C02"], env: street)
        #expect(beside.status == 65 && beside.stderr.contains("not-allowed"), "\(beside)")
        let report = try box.jifen(["--json", "report", "--month", "2026-12", "--community", "C02"], env: street)
        #expect(report.status == 65 && report.stderr.contains("not-allowed"), "\(report)")
        let up = try box.jifen(["--json", "office", "add", "--id", "BC", "--name", "北辰区"], env: street)
        #expect(up.status == 65 && up.stderr.contains("not-allowed"), "\(up)")
        // Bad input: a street under a street office, a community in another district than typed.
        let parent = try box.jifen(
            ["--json", "office", "add", "--id", "X", "--name", "某街道", "--district", "WQ-YC"], env: admin)
        #expect(parent.status == 65 && parent.stderr.contains("office-parent"), "\(parent)")
        try expectOK(box.jifen(["office", "add", "--id", "BC", "--name", "北辰区"], env: admin))
        let mismatch = try box.jifen(
            ["--json", "community", "add", "--name", "某社区", "--office", "WQ-XZ", "--district", "BC"], env: admin)
        #expect(mismatch.status == 65 && mismatch.stderr.contains("office-mismatch"), "\(mismatch)")
        // The street office's report: the sum and each community; one community's, as before.
        let office = try box.jifen(["--json", "report", "--month", "2026-12", "--office", "WQ-YC"], env: street)
        try expectOK(office)
        let sum = office.object["sum"] as? [String: Any]
        #expect((sum?["totals"] as? [String: Any])?["granted"] as? Int == 30, "\(office)")
        #expect(
            (office.object["communities"] as? [[String: Any]])?.compactMap { $0["community"] as? String } == [
                "C01", "C03",
            ])
        let text = try box.jifen(["report", "--month", "2026-12", "--office", "WQ"], env: admin)
        try expectOK(text)
        #expect(text.stdout.contains("C02") && text.stdout.contains("By community"), "\(text)")
        let plain = try box.jifen(["--json", "report", "--month", "2026-12"], env: admin)
        try expectOK(plain)
        #expect((plain.object["totals"] as? [String: Any])?["granted"] as? Int == 30, "\(plain)")
        try expectOK(box.jifen(["verify"], env: admin))
    }
}
