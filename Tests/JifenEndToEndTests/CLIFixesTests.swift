import Foundation
import Testing

/// Issue 10's command-line items (7, 8, 9, 11, 12, 16, 19, 23, 24, 25), through the built binary.
/// Every refusal is checked to change nothing (`Sandbox.state()`), and every rule that depends on
/// the day runs on a fixed clock.
@Suite struct CLIFixesTests {
    static let now = ["JIFEN_NOW": "2026-11-20 10:00"]

    /// The one JSON error object of stderr (`{"code", "error", "exit", "message"}`), or nil.
    static func jsonError(_ run: Run) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(run.stderr.utf8))) as? [String: Any]
    }

    // MARK: 19. An unreadable JIFEN_NOW

    @Test func unreadableFixedClockIsRefused() throws {
        let box = try Sandbox().seeded()
        let before = try box.state()
        for bad in ["yesterday", "2026-13-45", "20.11.2026 10:00"] {
            let grant = try box.jifen(["grant", "V0001", "5", "--reason", "x"], env: ["JIFEN_NOW": bad])
            #expect(grant.status == Exit.usage, "\(bad): \(grant)")
            #expect(grant.stderr.contains("JIFEN_NOW") && grant.stderr.contains(bad) && grant.stderr.contains("2026-11-20 10:00"), "\(grant)")
            #expect(grant.stdout.isEmpty, "\(grant)")
        }
        let zh = try box.jifen(["--lang", "zh", "balance", "V0001"], env: ["JIFEN_NOW": "yesterday"])
        #expect(zh.status == Exit.usage && zh.stderr.contains("JIFEN_NOW") && zh.stderr.contains("不是可读的时间"), "\(zh)")
        let json = try box.jifen(["balance", "V0001", "--json"], env: ["JIFEN_NOW": "yesterday"])
        #expect(Self.jsonError(json)?["code"] as? String == "bad-jifen-now", "\(json)")
        #expect(try box.state() == before, "a refused clock changed the database")
        // Readable forms still fix the clock.
        for good in ["2026-11-20", "2026-11-20 10:00", "2026-11-20T10:00:00", "2026-11-20T02:00:00Z"] {
            expectOK(try box.jifen(["balance", "V0001"], env: ["JIFEN_NOW": good]))
        }
    }
}
