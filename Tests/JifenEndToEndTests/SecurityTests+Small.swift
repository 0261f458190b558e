import Foundation
import JifenTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension SecurityTests {
    /// Smaller guards through a real `jifen serve` and the binary, on both stores: typed text
    /// stays text in certificates, points in JSON are whole numbers, and someone else's things
    /// answer as missing ones.
    @Suite struct Small {
        static let admin = ["JIFEN_ACTOR": "李主任"]

        // MARK: 14. Names and titles in a Markdown certificate

        @Test(arguments: StoreKind.allCases)
        func namesAndTitlesInAMarkdownCertificateStayText(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            let name = "张[点我](http://evil.example)<b>"
            let title = "巡逻**急** <@all> www.evil.example"
            try expectOK(
                box.jifen(
                    ["volunteer", "add", "--name", name, "--phone", "13800004321", "--team", "T01"], env: Self.admin))
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", title, "--start", "2026-11-25 09:00",
                        "--end", "2026-11-25 11:00",
                    ], env: Self.admin))
            try expectOK(box.jifen(["hours", "add", "A0001", "V0004", "--minutes", "120"], env: Self.admin))
            try expectOK(box.jifen(["hours", "approve", "--activity", "A0001"], env: Self.admin))
            let server = try ServerProcess(box)
            defer { server.stop() }
            let answer = try http(
                "POST", server.base + "/v1/certificates", token: ServerTests.token(box, for: "李主任"),
                json: ["volunteer": "V0004", "format": "md"])
            #expect(answer.status == 200, "\(answer)")
            let text = try #require(answer.object["text"] as? String)
            // Neither a link, a tag, emphasis nor a mention survives as markup ...
            for markup in ["[点我]", "](http", "http://", "<b>", "<@all>", "**急**", "www.evil"] {
                #expect(!text.contains(markup), "\(markup) in \(text)")
            }
            // ... and each still reads as typed once the escapes are rendered.
            #expect(text.contains(#"张\[点我\]\(http\://evil\.example\)\<b\>"#), "\(text)")
            #expect(text.contains(#"巡逻\*\*急\*\* \<@all\> www\.evil\.example"#), "\(text)")
        }

        // MARK: 17. Points in JSON are whole numbers

        @Test(arguments: StoreKind.allCases)
        func aFractionOfAPointIsRefusedNotRounded(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            let server = try ServerProcess(box)
            defer { server.stop() }
            let admin = try ServerTests.token(box, for: "李主任")
            func balance(_ account: String) throws -> Int? {
                try box.jifen(["--json", "balance", account], env: Self.admin).object["balance"] as? Int
            }
            for (n, points) in [
                "0.999999999999999999999", "1.0", "1e0", "1E2", "0.5", "-0.0", "99.999999999999999999999",
            ].enumerated() {
                let body = #"{"account":"V0002","points":\#(points),"reason":"试探","key":"frac-\#(n)"}"#
                let answer = try http("POST", server.base + "/v1/grants", token: admin, rawJSON: body)
                #expect(answer.status == 400, "\(points): \(answer)")
                #expect(answer.object["code"] as? String == "bad-json", "\(points): \(answer)")
                #expect(
                    (answer.object["en"] as? String ?? "").contains("points must be a whole number"),
                    "\(points): \(answer)")
            }
            #expect(try balance("V0002") == 0, "a refused grant moved points")
            // The same grant with a whole number goes through: the refusal was the fraction's (and a
            // fraction inside a string is text, not a number).
            let whole = try http(
                "POST", server.base + "/v1/grants", token: admin,
                rawJSON: #"{"account":"V0002","points":1,"reason":"备注 0.5 分","key":"whole"}"#)
            #expect(whole.status == 200, "\(whole)")
            #expect(try balance("V0002") == 1)
            let verify = try box.jifen(["--json", "verify"], env: Self.admin)
            #expect(verify.status == 0, "\(verify)")
        }

        // MARK: 18. Someone else's and a missing one answer alike

        @Test(arguments: StoreKind.allCases)
        func someoneElsesRecordRequestResidentOrRedemptionAnswersAsAMissingOne(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-11-25 09:00",
                        "--end", "2026-11-25 11:00",
                    ], env: Self.admin))
            try expectOK(box.jifen(["hours", "add", "A0001", "V0001", "--minutes", "60"], env: Self.admin))
            try ServerTests.requestFixtures(box)
            // R001: V0001's redemption at M001.
            let code = try box.jifen(["--json", "code", "V0001"], env: ["JIFEN_ACTOR": "V0001"])
            let digits = try #require(code.object["code"] as? String, "\(code)")
            try expectOK(
                box.jifen(["redeem", "M001", "--code", digits, "--offer", "O001"], env: ["JIFEN_ACTOR": "M001"]))
            let tokens = [
                "other-volunteer": try ServerTests.token(box, for: "V0003"),
                "other-merchant": try ServerTests.token(box, for: "M002"),
                "volunteer": try ServerTests.token(box, for: "V0001"),
            ]
            let server = try ServerProcess(box)
            defer { server.stop() }

            /// (method, path with `{id}`, the existing id, a missing id of the same kind, body)
            let probes: [(String, String, String, String, [String: Any]?)] = [
                ("GET", "/v1/records/{id}/history", "H0000001", "H0000099", nil),
                ("POST", "/v1/records/{id}/rejection", "H0000001", "H0000099", ["reason": "x"]),
                ("POST", "/v1/records/{id}/dispute", "H0000001", "H0000099", ["reason": "x"]),
                ("POST", "/v1/records/{id}/correction", "H0000001", "H0000099", ["minutes": 30, "reason": "x"]),
                ("GET", "/v1/residents/{id}", "R001", "R099", nil),
                ("GET", "/v1/requests/{id}", "Q0002", "Q0099", nil),
                ("GET", "/v1/requests/{id}", "Q0004", "Q0099", nil),
                ("POST", "/v1/requests/{id}/claim", "Q0001", "Q0099", nil),
                ("POST", "/v1/requests/{id}/confirmation", "Q0002", "Q0099", nil),
                ("POST", "/v1/requests/{id}/cancellation", "Q0004", "Q0099", ["reason": "x"]),
                ("POST", "/v1/requests/{id}/return", "Q0003", "Q0099", ["reason": "x"]),
                ("POST", "/v1/redemptions/{id}/pickup", "1", "99", nil),
                ("POST", "/v1/redemptions/{id}/release", "1", "99", nil),
                ("POST", "/v1/redemptions/{id}/refunds", "1", "99", ["reason": "x"]),
            ]
            var compared = 0
            for prober in ["other-volunteer", "other-merchant"] {
                for (method, template, existing, missing, body) in probes {
                    let post = method == "POST" ? (body ?? [:]) : nil
                    let theirs = try http(
                        method, server.base + template.replacingOccurrences(of: "{id}", with: existing),
                        token: tokens[prober], json: post)
                    let none = try http(
                        method, server.base + template.replacingOccurrences(of: "{id}", with: missing),
                        token: tokens[prober], json: post)
                    let label = "\(prober) \(method) \(template) \(existing)"
                    #expect(theirs.status == 404 && none.status == 404, "\(label): \(theirs) / \(none)")
                    #expect(
                        theirs.object["code"] as? String == "unknown-id"
                            && none.object["code"] as? String == "unknown-id", "\(label): \(theirs)")
                    // The same words but for the id itself (R001 is shown as redemption R001, 99 as R099).
                    func words(_ answer: Answer, _ id: String) -> String {
                        let shown =
                            Int(id).map {
                                "R" + String(repeating: "0", count: max(0, 3 - String($0).count)) + String($0)
                            } ?? id
                        return ((answer.object["zh"] as? String ?? "") + (answer.object["en"] as? String ?? ""))
                            .replacingOccurrences(of: shown, with: "<id>")
                    }
                    #expect(words(theirs, existing) == words(none, missing), "\(label): \(theirs) / \(none)")
                    compared += 1
                }
            }
            #expect(compared == probes.count * 2)
            // Routes that refuse before they look (403 for both): still the same answer but for the id.
            for (template, body) in [
                ("/v1/certificates", ["volunteer": "{id}", "format": "md"]), ("/v1/accounts/{id}/balance", nil),
                ("/v1/volunteers/{id}", nil), ("/v1/volunteers/{id}/records", nil),
            ] as [(String, [String: Any]?)] {
                func ask(_ id: String) throws -> Answer {
                    try http(
                        body == nil ? "GET" : "POST", server.base + template.replacingOccurrences(of: "{id}", with: id),
                        token: tokens["other-volunteer"],
                        json: body.map { $0.mapValues { "\($0)".replacingOccurrences(of: "{id}", with: id) } })
                }
                let (theirs, none) = (try ask("V0001"), try ask("V0099"))
                #expect(
                    theirs.status == none.status && theirs.object["code"] as? String == none.object["code"] as? String,
                    "\(template): \(theirs) / \(none)")
                #expect(
                    (theirs.object["en"] as? String)?.replacingOccurrences(of: "V0001", with: "<id>")
                        == (none.object["en"] as? String)?.replacingOccurrences(of: "V0099", with: "<id>"),
                    "\(template): \(theirs) / \(none)")
            }
            // Those they belong to still see them: the answer is about who asks, not a broken route.
            #expect(
                try http("GET", server.base + "/v1/records/H0000001/history", token: tokens["volunteer"]).status == 200)
            #expect(try http("GET", server.base + "/v1/requests/Q0002", token: tokens["volunteer"]).status == 200)
            // Nothing a probe sent changed the ledger.
            let verify = try box.jifen(["--json", "verify"], env: Self.admin)
            #expect(verify.status == 0, "\(verify)")
            #expect(try box.jifen(["--json", "balance", "V0001"], env: Self.admin).object["balance"] as? Int == 70)
        }

        // MARK: 22. A malformed request id

        @Test func aMalformedRequestIdIsAUsageError() throws {
            let box = try ServerTests.community(.sqlite)
            try ServerTests.requestFixtures(box)
            for bad in ["Q00x1", "Q", "../Q0001", "Q0001;"] {
                let run = try box.jifen(["--json", "request", "show", bad], env: Self.admin)
                #expect(run.status == Exit.usage && run.stderr.contains("bad-request-id"), "\(bad): \(run)")
                let claim = try box.jifen(["--json", "request", "accept", bad], env: Self.admin)
                #expect(claim.status == Exit.usage && claim.stderr.contains("bad-request-id"), "\(bad): \(claim)")
            }
            // The short forms people type still name Q0001.
            let shown = try box.jifen(["--json", "request", "show", "q1"], env: Self.admin)
            #expect(shown.status == 0 && shown.object["id"] as? String == "Q0001", "\(shown)")
        }
    }
}
