import Foundation
import JifenTestSupport
import Testing

extension SecurityTests {
    /// Points cannot be stolen by guessing or overhearing: pay codes through a real
    /// `jifen serve`, with the owner's and the counter staff's own credentials, on both stores.
    @Suite struct PayCodes {
        struct Counter {
            let box: Sandbox
            let server: ServerProcess
            let tokens: [String: String]

            func post(_ path: String, as who: String, _ json: [String: Any]) throws -> Answer {
                try http("POST", server.base + path, token: tokens[who], json: json)
            }

            /// A fresh code the volunteer opens herself.
            func code(max: Int? = nil) throws -> [String: Any] {
                let answer = try post(
                    "/v1/accounts/V0001/codes", as: "volunteer", max.map { ["max_points": $0] } ?? [:])
                #expect(answer.status == 200, "\(answer)")
                return answer.object
            }

            func redeem(_ code: String, as who: String, points: Int? = 1, offer: String? = nil) throws -> Answer {
                var body: [String: Any] = ["merchant": "M001", "code": code, "hold": false]
                if let offer { body["offer"] = offer } else if let points { body["points"] = points }
                return try post("/v1/redemptions", as: who, body)
            }

            func balance() throws -> Int? {
                try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int
            }

            func count(_ sql: String) throws -> Int { Int(try box.query(sql).first ?? "") ?? -1 }
        }

        static func counter(_ store: StoreKind) throws -> Counter {
            let box = try ServerTests.community(store)
            let tokens = [
                "volunteer": try ServerTests.token(box, for: "V0001"), "owner": try ServerTests.token(box, for: "M001"),
                "staff": try ServerTests.token(box, for: "M001", staff: true),
                "other-merchant": try ServerTests.token(box, for: "M002"),
            ]
            return Counter(box: box, server: try ServerProcess(box), tokens: tokens)
        }

        /// Before the fix a success reset the count, so a merchant guessing between real
        /// redemptions was never stopped, and a used code said "used".
        @Test(arguments: StoreKind.allCases)
        func aGuessingCounterIsStoppedWithinItsBudgetAndTheOrganizersAreTold(store: StoreKind) throws {
            let c = try Self.counter(store)
            defer { c.server.stop() }
            let used = try #require(try c.code()["code"] as? String)
            #expect(try c.redeem(used, as: "owner").status == 200)
            var paid = 1
            var wrongs: [Answer] = []
            // Owner and staff take turns guessing, with real redemptions between their guesses.
            for i in 0..<10 {
                let guess = i == 0 ? used : String(format: "%06d", 900_000 + i * 13)
                wrongs.append(try c.redeem(guess, as: i % 2 == 0 ? "owner" : "staff"))
                if i % 3 == 1 {
                    let live = try #require(try c.code()["code"] as? String)
                    let ok = try c.redeem(live, as: "staff")
                    #expect(ok.status == 200, "\(ok)")
                    paid += 1
                }
            }
            // All ten answered alike (the used code too), and the tenth says the counter is stopped.
            #expect(wrongs.allSatisfy { $0.status == 422 && $0.object["code"] as? String == "code-wrong" }, "\(wrongs)")
            #expect(
                (wrongs.last?.object["zh"] as? String)?.contains("兑换已暂停到") == true, "\(String(describing: wrongs.last))"
            )
            #expect(try c.count("SELECT COUNT(*) FROM code_wrong WHERE merchant = 'M001'") == 10)
            // Stopped, owner and staff alike, even with the volunteer's live code; nothing moves.
            let live = try #require(try c.code()["code"] as? String)
            for who in ["owner", "staff"] {
                let refused = try c.redeem(live, as: who)
                #expect(refused.status == 422 && refused.object["code"] as? String == "merchant-locked", "\(refused)")
            }
            #expect(try c.balance() == 100 - paid)
            // The organizers are told, naming the merchant.
            let told = try c.box.query("SELECT payload FROM event WHERE type = 'merchant.code_locked'")
            #expect(told.count == 1 && told.first?.contains("老街理发店") == true, "\(told)")
            // Another merchant is not stopped by M001's guessing.
            let elsewhere = try http(
                "POST", c.server.base + "/v1/redemptions", token: c.tokens["other-merchant"],
                json: [
                    "merchant": "M002", "code": try #require(try c.code()["code"] as? String), "points": 1,
                    "hold": false,
                ])
            #expect(elsewhere.status == 200, "\(elsewhere)")
            #expect(try c.box.jifen(["verify"]).status == 0)
            // A day later (a server started on a later clock) the oldest wrong codes have left the window.
            c.server.stop()
            let later = try ServerProcess(c.box, now: "2026-12-02 10:05")
            defer { later.stop() }
            let fresh = try http(
                "POST", later.base + "/v1/accounts/V0001/codes", token: c.tokens["volunteer"], json: [:])
            let again = try http(
                "POST", later.base + "/v1/redemptions", token: c.tokens["owner"],
                json: [
                    "merchant": "M001", "code": try #require(fresh.object["code"] as? String), "points": 1,
                    "hold": false,
                ])
            #expect(again.status == 200, "\(again)")
        }

        /// Before the fix the QR carried the six digits, a code took any amount up to the whole
        /// balance, and every "new code" left the old ones live.
        @Test(arguments: StoreKind.allCases)
        func aScannedSecretPaysAndACodeIsConsentToABoundedAmount(store: StoreKind) throws {
            let c = try Self.counter(store)
            defer { c.server.stop() }
            let first = try c.code(max: 30)
            let secret = try #require(first["secret"] as? String)
            #expect(
                first["max_points"] as? Int == 30 && secret.count == 26 && secret != first["code"] as? String,
                "\(first)")
            // The QR's secret redeems the offer (30 points, at the ceiling).
            let paid = try c.redeem(secret, as: "staff", offer: "O001")
            #expect(paid.status == 200 && paid.object["balance_left"] as? Int == 70, "\(paid)")
            // Above the ceiling: refused, saying so; nothing changes and the code stays usable.
            let small = try c.code(max: 20)
            let before = try c.box.query("SELECT id, balance FROM account ORDER BY id")
            let over = try c.redeem(try #require(small["code"] as? String), as: "owner", offer: "O001")
            #expect(
                over.status == 422 && over.object["code"] as? String == "code-over-limit"
                    && (over.object["en"] as? String)?.contains("at most 20") == true, "\(over)")
            #expect(try c.box.query("SELECT id, balance FROM account ORDER BY id") == before)
            #expect(try c.count("SELECT COUNT(*) FROM code_wrong") == 0)
            // "Get a new code" voids the previous one: one live code per volunteer.
            for _ in 0..<5 { _ = try c.code() }
            let newest = try c.code()
            #expect(
                try c.count(
                    "SELECT COUNT(*) FROM redemption_code WHERE used_at IS NULL AND expires_at > (SELECT MAX(created_at) FROM redemption_code)"
                ) == 1)
            let voided = try c.redeem(try #require(small["code"] as? String), as: "owner", points: 5)
            #expect(voided.object["code"] as? String == "code-wrong", "\(voided)")
            // The default ceiling (codes.max_points, 200) holds when she sets none.
            #expect(newest["max_points"] as? Int == 200, "\(newest)")
            let tooMuch = try c.redeem(try #require(newest["secret"] as? String), as: "owner", points: 201)
            #expect(tooMuch.object["code"] as? String == "code-over-limit", "\(tooMuch)")
            // A wrong secret counts like a wrong typed code.
            let forged = try c.redeem(String(repeating: "A", count: 26), as: "owner")
            #expect(forged.object["code"] as? String == "code-wrong", "\(forged)")
            #expect(try c.count("SELECT COUNT(*) FROM code_wrong") == 2)
            // The CLI through the server shows the ceiling.
            let env = ["XDG_CONFIG_HOME": c.box.directory.appendingPathComponent("v").path]
            expectOK(
                try c.box.jifen(
                    ["--server", c.server.base, "login", "--token", try #require(c.tokens["volunteer"])], env: env))
            let cli = try c.box.jifen(
                ["--server", c.server.base, "--json", "code", "V0001", "--max-points", "45"], env: env)
            #expect(
                cli.status == 0 && cli.object["max_points"] as? Int == 45
                    && (cli.object["secret"] as? String)?.count == 26, "\(cli)")
            #expect(try c.balance() == 70)
            #expect(try c.box.jifen(["verify"]).status == 0)
        }
    }
}
