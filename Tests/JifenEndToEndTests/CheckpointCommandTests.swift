import Foundation
import JifenTestSupport
import Testing

/// `jifen checkpoint` and `verify` / `verify --full` through the built binary: months decided by
/// `JIFEN_NOW`, sealing idempotent, the notice printing the month's short checkpoint hash.
@Suite struct CheckpointCommandTests {
    @Test(arguments: StoreKind.allCases)
    func checkpointSealsClosedMonthsOnceAndTheNoticePrintsIt(kind: StoreKind) throws {
        let box = try Sandbox(kind)
        try expectOK(box.jifen(["init", "--community", "玫瑰园社区"], env: ["JIFEN_NOW": "2026-11-02 10:00"]))
        try expectOK(box.jifen(["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234"]))
        try expectOK(
            box.jifen(
                ["grant", "V0001", "50", "--reason", "纸质台账结转", "--key", "seed"], env: ["JIFEN_NOW": "2026-11-20 10:00"])
        )
        // November has not closed on 30 November.
        let early = try box.jifen(["--json", "checkpoint"], env: ["JIFEN_NOW": "2026-11-30 23:00"])
        #expect(early.status == 0 && (early.object["sealed"] as? [Any])?.isEmpty == true, "\(early)")
        let sealed = try box.jifen(["--json", "checkpoint"], env: ["JIFEN_NOW": "2026-12-01 00:10"])
        let rows = sealed.object["sealed"] as? [[String: Any]] ?? []
        #expect(rows.count == 1 && rows.first?["month"] as? String == "2026-11", "\(sealed)")
        let short = rows.first?["short_hash"] as? String ?? "?"
        let again = try box.jifen(["checkpoint"], env: ["JIFEN_NOW": "2026-12-05 10:00"])
        #expect(again.status == 0 && again.stdout.contains("Nothing to seal"), "\(again)")
        let notice = try box.jifen(["report", "--month", "2026-11"], env: ["JIFEN_NOW": "2026-12-05 10:00"])
        #expect(notice.stdout.contains("Month checkpoint: \(short)"), "\(notice)")
        let fast = try box.jifen(["--json", "verify"], env: ["JIFEN_NOW": "2026-12-05 10:00"])
        #expect(fast.status == 0 && fast.object["full"] as? Bool == false && fast.object["checkpoints"] as? Int == 1)
        let full = try box.jifen(["--json", "verify", "--full"], env: ["JIFEN_NOW": "2026-12-05 10:00"])
        #expect(full.status == 0 && full.object["full"] as? Bool == true && full.object["transfers"] as? Int == 1)
        // Only an admin seals.
        let volunteer = try box.jifen(["--as", "V0001", "checkpoint"], env: ["JIFEN_NOW": "2027-01-05 10:00"])
        #expect(volunteer.status != 0, "\(volunteer)")
    }
}
