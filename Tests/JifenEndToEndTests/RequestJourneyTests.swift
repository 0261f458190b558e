import Foundation
import JifenTestSupport
import Testing

/// Service requests through the real `jifen` binary, on both stores: a resident's request from
/// posting to rating, with the exit statuses of bad input.
@Suite struct RequestJourneyTests {
    @Test(arguments: StoreKind.allCases)
    func aRequestGoesFromPostingToRatingThroughTheBinary(store: StoreKind) throws {
        let box = try ServerTests.community(store)
        let desk = ["JIFEN_ACTOR": "王队长"]
        try expectOK(
            box.jifen(
                [
                    "resident", "add", "--name", "王秀英", "--phone", "13800007788", "--address", "幸福里3号楼2单元501",
                    "--area", "幸福里3号楼",
                ], env: desk))
        let posted = try box.jifen(
            ["--json", "request", "post", "--resident", "R001", "--content", "换水龙头", "--category", "repair"], env: desk)
        #expect(posted.status == 0 && posted.object["id"] as? String == "Q0001", "\(posted)")
        try expectOK(box.jifen(["request", "accept", "Q0001"], env: desk))
        try expectOK(box.jifen(["request", "dispatch", "Q0001", "--team", "T01", "--pool"], env: desk))
        let other = try box.jifen(["request", "claim", "Q0001"], env: ["JIFEN_ACTOR": "V0003"])
        #expect(other.status == 65, "V0003 is in T02: \(other)")
        try expectOK(box.jifen(["request", "claim", "Q0001"], env: ["JIFEN_ACTOR": "V0002"]))
        let shown = try box.jifen(["--json", "request", "show", "Q0001"], env: ["JIFEN_ACTOR": "V0002"])
        #expect(shown.object["address"] as? String == "幸福里3号楼2单元501", "\(shown)")
        let masked = try box.jifen(["--json", "request", "show", "Q0001"], env: desk)
        #expect(
            masked.object["address"] as? String == "" && masked.object["phone"] as? String == "138****7788", "\(masked)"
        )
        try expectOK(box.jifen(["request", "start", "Q0001"], env: ["JIFEN_ACTOR": "V0002"]))
        #expect(
            try box.jifen(["request", "finish", "Q0001", "--minutes", "600"], env: ["JIFEN_ACTOR": "V0002"]).status
                == 65, "over the daily cap")
        try expectOK(box.jifen(["request", "finish", "Q0001", "--minutes", "60"], env: ["JIFEN_ACTOR": "V0002"]))
        #expect(
            try box.jifen(["request", "confirm", "Q0001"], env: ["JIFEN_ACTOR": "V0001"]).status == 65,
            "someone else's request")
        try expectOK(box.jifen(["request", "confirm", "Q0001"], env: ["JIFEN_ACTOR": "R001"]))
        #expect(
            try box.jifen(["request", "confirm", "Q0001"], env: ["JIFEN_ACTOR": "R001"]).status == 65, "never twice")
        #expect(try box.jifen(["request", "rate", "Q0001", "--stars", "6"], env: ["JIFEN_ACTOR": "R001"]).status == 64)
        try expectOK(box.jifen(["request", "rate", "Q0001", "--stars", "5"], env: ["JIFEN_ACTOR": "R001"]))
        let balance = try box.jifen(["--json", "balance", "V0002"], env: ["JIFEN_ACTOR": "李主任"])
        #expect(balance.object["balance"] as? Int == 10, "\(balance)")
        let report = try box.jifen(["--json", "report", "--month", "2026-12"], env: ["JIFEN_ACTOR": "李主任"])
        let teams = ((report.object["requests"] as? [String: Any])?["teams"] as? [[String: Any]]) ?? []
        #expect(teams.first?["taken"] as? Int == 1 && teams.first?["mean_rating"] as? Double == 5, "\(report)")
        let verify = try box.jifen(["verify"], env: ["JIFEN_ACTOR": "李主任"])
        #expect(verify.status == 0, "\(verify)")
    }
}
