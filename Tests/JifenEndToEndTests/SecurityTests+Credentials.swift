import Foundation
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

/// Credentials and consent, and retries that never pay twice, through the
/// real binary and a real `jifen serve` on both stores.
extension SecurityTests {
    @Suite(.serialized) struct Credentials {
        static let admin = ["JIFEN_ACTOR": "李主任"]

        /// A credential's id and its token, issued locally by the admin (not confirmed by its person).
        static func issued(
            _ box: Sandbox, for person: String, staff: Bool = false
        ) throws -> (id: String, token: String) {
            let run = try box.jifen(
                ["--json", "credential", "issue", person, "--label", "issued"] + (staff ? ["--staff"] : []), env: admin)
            try expectOK(run)
            let id = try #require((run.object["credential"] as? [String: Any])?["id"] as? String)
            return (id, try #require(run.object["secret"] as? String))
        }

        /// A paper enrolment code for `person`, printed by the admin.
        static func code(_ box: Sandbox, for person: String) throws -> String {
            let run = try box.jifen(["--json", "credential", "issue", person, "--enrolment"], env: admin)
            try expectOK(run)
            return try #require(run.object["secret"] as? String)
        }

        /// Signs in over the API with an enrolment code, as `jifen login` and the pages do: her own credential.
        static func enrolled(_ server: ServerProcess, _ code: String) throws -> (id: String, token: String) {
            let answer = try http("POST", server.base + "/v1/enrolments", json: ["code": code, "label": "her phone"])
            #expect(answer.status == 200, "\(answer)")
            let id = try #require((answer.object["credential"] as? [String: Any])?["id"] as? String)
            return (id, try #require(answer.object["secret"] as? String))
        }

        static func balance(_ box: Sandbox, _ account: String) throws -> Int? {
            try box.jifen(["--json", "balance", account], env: admin).object["balance"] as? Int
        }

        // MARK: 9. Counter staff and the owner's credentials

        @Test(arguments: StoreKind.allCases)
        func counterStaffCannotListOrRevokeTheOwnersCredentials(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            let owner = try Self.issued(box, for: "M001")
            let staff = try Self.issued(box, for: "M001", staff: true)
            let otherCounter = try Self.issued(box, for: "M001", staff: true)
            let server = try ServerProcess(box)
            defer { server.stop() }

            // The staff's list holds its own credential only; before the fix it held the owner's too.
            let list = try http("GET", server.base + "/v1/credentials", token: staff.token)
            #expect(list.status == 200, "\(list)")
            let ids = ((try? JSONSerialization.jsonObject(with: list.body)) as? [[String: Any]] ?? []).compactMap {
                $0["id"] as? String
            }
            #expect(ids == [staff.id], "\(ids)")
            let asked = try http("GET", server.base + "/v1/credentials?person=M001", token: staff.token)
            let named = ((try? JSONSerialization.jsonObject(with: asked.body)) as? [[String: Any]] ?? []).compactMap {
                $0["id"] as? String
            }
            #expect(named == [staff.id], "\(named)")

            // Revoking the owner's (or another counter's) is refused and changes nothing.
            for victim in [owner.id, otherCounter.id] {
                let revoke = try http("POST", server.base + "/v1/credentials/\(victim)/revocation", token: staff.token)
                #expect(revoke.status == 403, "\(revoke)")
            }
            #expect(try http("GET", server.base + "/v1/me", token: owner.token).status == 200)
            #expect(try http("GET", server.base + "/v1/me", token: otherCounter.token).status == 200)
            // The owner still sees and manages them all; the staff may sign itself out.
            let ownerList = try http("GET", server.base + "/v1/credentials", token: owner.token)
            let ownerIDs = Set(
                ((try? JSONSerialization.jsonObject(with: ownerList.body)) as? [[String: Any]] ?? []).compactMap {
                    $0["id"] as? String
                })
            #expect(ownerIDs.isSuperset(of: [owner.id, staff.id, otherCounter.id]), "\(ownerIDs)")
            #expect(
                try http("POST", server.base + "/v1/credentials/\(staff.id)/revocation", token: staff.token).status
                    == 200)
            #expect(try http("GET", server.base + "/v1/me", token: staff.token).status == 401)
        }

        // MARK: 10. Only the volunteer spends her points

        @Test(arguments: StoreKind.allCases)
        func aCredentialIssuedForHerCannotSpendUntilSheConfirmsIt(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            try expectOK(
                box.jifen(
                    [
                        "wish", "post", "--team", "T01", "--title", "一个新书包", "--for", "child", "--name", "小明",
                        "--points", "50",
                    ], env: Self.admin))
            let organizer = try ServerTests.token(box, for: "王队长")
            let server = try ServerProcess(box)
            defer { server.stop() }

            // The organizer makes a device credential for V0001 and keeps its token.
            let made = try http(
                "POST", server.base + "/v1/credentials", token: organizer,
                json: ["person": "V0001", "label": "队长代管", "enrolment": false])
            #expect(made.status == 200, "\(made)")
            let held = try #require(made.object["secret"] as? String)
            let heldID = try #require((made.object["credential"] as? [String: Any])?["id"] as? String)

            // It reads as her, but no spend of hers goes through (before the fix each one did).
            #expect(try http("GET", server.base + "/v1/accounts/V0001/balance", token: held).status == 200)
            let spends: [(String, [String: Any])] = [
                ("/v1/accounts/V0001/codes", [:]),
                ("/v1/transfers", ["from": "V0001", "to": "V0002", "points": 40, "memo": "", "key": "steal-1"]),
                ("/v1/wishes/W001/donations", ["wish": "W001", "points": 30, "key": "steal-2"]),
            ]
            for (path, body) in spends {
                let answer = try http("POST", server.base + path, token: held, json: body)
                #expect(
                    answer.status == 403 && answer.object["code"] as? String == "unconfirmed-credential",
                    "\(path): \(answer)")
            }
            #expect(try Self.balance(box, "V0001") == 100)
            #expect(try Self.balance(box, "V0002") == 0)
            let list = try http("GET", server.base + "/v1/credentials", token: held)
            let mine = ((try? JSONSerialization.jsonObject(with: list.body)) as? [[String: Any]] ?? []).first {
                $0["id"] as? String == heldID
            }
            #expect(mine?["own"] as? Bool == false, "\(list)")

            // It cannot confirm itself, nor with someone else's code.
            let itself = try http(
                "POST", server.base + "/v1/credential-confirmations", token: held, json: ["credential": heldID])
            #expect(itself.status == 403 && itself.object["code"] as? String == "unconfirmed-credential", "\(itself)")
            let othersCode = try http(
                "POST", server.base + "/v1/credential-confirmations", token: held,
                json: ["code": try Self.code(box, for: "V0002")])
            #expect(
                othersCode.status == 401 && othersCode.object["code"] as? String == "bad-enrolment-code",
                "\(othersCode)")
            #expect(try http("POST", server.base + "/v1/accounts/V0001/codes", token: held).status == 403)

            // She confirms it on that device with her own paper code (through the CLI): then it spends.
            let config = ["XDG_CONFIG_HOME": box.directory.appendingPathComponent("device").path]
            try expectOK(box.jifen(["--server", server.base, "login", "--token", held], env: config))
            let confirmed = try box.jifen(
                [
                    "--server", server.base, "--json", "credential", "confirm", "--code",
                    try Self.code(box, for: "V0001"),
                ],
                env: config)
            #expect(confirmed.status == 0 && confirmed.object["own"] as? Bool == true, "\(confirmed)")
            #expect(try http("POST", server.base + "/v1/accounts/V0001/codes", token: held).status == 200)

            // A second one the organizer makes: confirmed from her own phone (enrolled with her code), by id.
            let second = try http(
                "POST", server.base + "/v1/credentials", token: organizer,
                json: ["person": "V0001", "label": "平板", "enrolment": false])
            let secondToken = try #require(second.object["secret"] as? String)
            let secondID = try #require((second.object["credential"] as? [String: Any])?["id"] as? String)
            let transfer: [String: Any] = ["from": "V0001", "to": "V0002", "points": 5, "memo": "", "key": "gift-1"]
            #expect(try http("POST", server.base + "/v1/transfers", token: secondToken, json: transfer).status == 403)
            let phone = try Self.enrolled(server, try Self.code(box, for: "V0001"))
            // Her phone confirms only her own credentials.
            let othersCredential = try Self.issued(box, for: "V0002")
            #expect(
                try http(
                    "POST", server.base + "/v1/credential-confirmations", token: phone.token,
                    json: ["credential": othersCredential.id]
                ).status == 403)
            #expect(
                try http(
                    "POST", server.base + "/v1/credential-confirmations", token: phone.token,
                    json: ["credential": secondID]
                ).status == 200)
            #expect(try http("POST", server.base + "/v1/transfers", token: secondToken, json: transfer).status == 200)
            #expect(try Self.balance(box, "V0002") == 5)
            let verify = try box.jifen(["--json", "verify"], env: Self.admin)
            #expect(verify.status == 0, "\(verify)")
        }

        // MARK: 11. Signing out revokes; she sees her devices and ends any of them

        @Test(arguments: StoreKind.allCases)
        func signingOutOfThePagesRevokesAndSheEndsAnyOfHerDevices(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            let app = try JifenApp.open(box.db, clock: { WebTests.now }, zone: TimeZone(identifier: "Asia/Shanghai")!)
            let site = WebSite(app: app, guardian: SignInGuard(), status: { JifenServer.status($0) })
            let server = try ServerProcess(box)
            defer { server.stop() }

            // Two phones signed in on the pages, one with the CLI.
            let (first, _) = try WebTests.signIn(site, code: try Self.code(box, for: "V0001"))
            let (second, _) = try WebTests.signIn(site, code: try Self.code(box, for: "V0001"))
            let cli = try Self.enrolled(server, try Self.code(box, for: "V0001"))
            let firstToken = try #require(first["jf"]), secondToken = try #require(second["jf"])
            for token in [firstToken, secondToken, cli.token] {
                #expect(try http("GET", server.base + "/v1/me", token: token).status == 200)
            }

            // Her page lists her signed-in devices, each with a way to end it.
            let page = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: first))
            let html = WebTests.body(page)
            #expect(html.contains("id=\"devices\"") && html.contains(cli.id), "\(html)")
            // The other two each have a button; this phone signs out through the question at /web/signout.
            #expect(html.components(separatedBy: "action=\"/web/me/devices/end\"").count - 1 == 2)
            #expect(html.contains("<a href=\"/web/signout\">"))

            // From the first phone she ends the CLI's credential: it works nowhere after.
            let ended = site.respond(
                WebRequest(
                    method: "POST", path: "/web/me/devices/end",
                    form: ["credential": cli.id, "csrf": try WebTests.csrf(page)],
                    cookies: first))
            #expect(ended.status == 303, "\(WebTests.body(ended))")
            #expect(try http("GET", server.base + "/v1/me", token: cli.token).status == 401)

            // Signing out of the second phone revokes its credential (before the fix it only forgot the cookie).
            let secondPage = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: second))
            let out = site.respond(
                WebRequest(
                    method: "POST", path: "/web/signout", form: ["csrf": try WebTests.csrf(secondPage)], cookies: second
                ))
            #expect(out.status == 303)
            #expect(WebTests.cookie(out, "jf")?.contains("Max-Age=0") == true)
            #expect(try http("GET", server.base + "/v1/me", token: secondToken).status == 401)
            let stale = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: second))
            #expect(stale.status == 401)
            #expect(try http("GET", server.base + "/v1/me", token: firstToken).status == 200)

            // The API and the CLI: she lists her devices and ends one.
            let config = ["XDG_CONFIG_HOME": box.directory.appendingPathComponent("phone").path]
            let third = try Self.enrolled(server, try Self.code(box, for: "V0001"))
            try expectOK(box.jifen(["--server", server.base, "login", "--token", firstToken], env: config))
            let listed = try box.jifen(["--server", server.base, "credential", "list"], env: config)
            #expect(listed.status == 0 && listed.stdout.contains(third.id), "\(listed)")
            try expectOK(box.jifen(["--server", server.base, "credential", "revoke", third.id], env: config))
            #expect(try http("GET", server.base + "/v1/me", token: third.token).status == 401)
        }

        // MARK: 12. The CLI's --key reaches the server

        @Test(arguments: StoreKind.allCases)
        func theCLIsKeyReachesTheServerSoARetryWritesOnce(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            try expectOK(
                box.jifen(
                    [
                        "wish", "post", "--team", "T01", "--title", "一个新书包", "--for", "child", "--name", "小明",
                        "--points", "50",
                    ], env: Self.admin))
            let server = try ServerProcess(box)
            defer { server.stop() }
            let adminConfig = ["XDG_CONFIG_HOME": box.directory.appendingPathComponent("admin").path]
            let volunteerConfig = ["XDG_CONFIG_HOME": box.directory.appendingPathComponent("volunteer").path]
            try expectOK(
                box.jifen(
                    ["--server", server.base, "login", "--token", try ServerTests.token(box, for: "李主任")],
                    env: adminConfig))
            try expectOK(
                box.jifen(
                    ["--server", server.base, "login", "--code", try Self.code(box, for: "V0002")], env: volunteerConfig
                ))

            // A grant retried with its key: once (before the fix a fresh Idempotency-Key replaced it: twice).
            for _ in 0..<2 {
                try expectOK(
                    box.jifen(
                        ["--server", server.base, "grant", "V0002", "40", "--reason", "结转", "--key", "carry-V0002"],
                        env: adminConfig))
            }
            #expect(try Self.balance(box, "V0002") == 40)
            let again = try box.jifen(
                ["--server", server.base, "--json", "grant", "V0002", "40", "--reason", "结转", "--key", "carry-V0002"],
                env: adminConfig)
            #expect(again.object["replayed"] as? Bool == true, "\(again)")
            // The same key locally is the same write too: the ledger's key.
            try expectOK(
                box.jifen(["grant", "V0002", "40", "--reason", "结转", "--key", "carry-V0002"], env: Self.admin))
            #expect(try Self.balance(box, "V0002") == 40)

            // A donation retried with its key: once.
            for _ in 0..<2 {
                try expectOK(
                    box.jifen(
                        ["--server", server.base, "wish", "donate", "W001", "15", "--key", "gift-W001"],
                        env: volunteerConfig))
            }
            #expect(try Self.balance(box, "V0002") == 25)

            // A write without a ledger key (posting an activity): once per key, remote and local.
            let post = [
                "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-12-05 09:00", "--end",
                "2026-12-05 11:00",
            ]
            let firstRun = try box.jifen(
                ["--server", server.base, "--json"] + post + ["--key", "patrol-1"], env: adminConfig)
            let secondRun = try box.jifen(
                ["--server", server.base, "--json"] + post + ["--key", "patrol-1"], env: adminConfig)
            #expect(firstRun.status == 0 && firstRun.stdout == secondRun.stdout, "\(firstRun)\n\(secondRun)")
            try expectOK(box.jifen(["--json"] + post + ["--key", "patrol-local"], env: Self.admin))
            try expectOK(box.jifen(["--json"] + post + ["--key", "patrol-local"], env: Self.admin))
            #expect(try box.query("SELECT count(*) FROM activity") == ["2"])
            // The key with another request is refused and writes nothing.
            let other = try box.jifen(
                [
                    "--server", server.base, "--json", "activity", "post", "--team", "T01", "--title", "另一个",
                    "--start", "2026-12-06 09:00", "--end", "2026-12-06 11:00", "--key", "patrol-1",
                ], env: adminConfig)
            #expect(other.status == 65 && other.stderr.contains("key-reused"), "\(other)")
            #expect(try box.query("SELECT count(*) FROM activity") == ["2"])
        }

        // MARK: 13. Concurrent requests with one key run once, also after a restart

        @Test(arguments: StoreKind.allCases)
        func concurrentRequestsWithOneKeyRunOnceAlsoAfterARestart(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            let organizer = try ServerTests.token(box, for: "王队长")
            let admin = try ServerTests.token(box, for: "李主任")
            var server = try ServerProcess(box)
            defer { server.stop() }
            @Sendable func wish(points: Int = 80) -> [String: Any] {
                [
                    "team": "T01", "title": "一个新书包", "beneficiary_kind": "child", "beneficiary_name": "小明",
                    "beneficiary_details": "", "points": points,
                ]
            }
            @Sendable func grant() -> [String: Any] { ["account": "V0002", "points": 7, "reason": "结转"] }

            func burst(_ base: String) -> [Answer] {
                let answers = CredentialAnswers()
                DispatchQueue.concurrentPerform(iterations: 24) { i in
                    let answer =
                        i % 2 == 0
                        ? try? http(
                            "POST", base + "/v1/wishes", token: organizer, json: wish(),
                            headers: ["Idempotency-Key": "wish-once"])
                        : try? http(
                            "POST", base + "/v1/grants", token: admin, json: grant(),
                            headers: ["Idempotency-Key": "grant-once"])
                    if let answer { answers.add(answer) }
                }
                return answers.all
            }
            let first = burst(server.base)
            #expect(first.count == 24 && first.allSatisfy { $0.status == 200 }, "\(first.filter { $0.status != 200 })")
            #expect(try box.query("SELECT count(*) FROM wish") == ["1"])
            #expect(try Self.balance(box, "V0002") == 7)
            #expect(Set(first.filter { $0.text.contains("小明") }.map { $0.object["id"] as? String }) == ["W001"])

            // After a restart the same key answers the first answer again and writes nothing.
            server.stop()
            server = try ServerProcess(box)
            let after = burst(server.base)
            #expect(after.count == 24 && after.allSatisfy { $0.status == 200 }, "\(after.filter { $0.status != 200 })")
            #expect(
                after.filter { $0.text.contains("小明") }.allSatisfy {
                    $0.headers["idempotent-replay"] == "true" && $0.object["id"] as? String == "W001"
                })
            #expect(try box.query("SELECT count(*) FROM wish") == ["1"])
            #expect(try Self.balance(box, "V0002") == 7)
            // The key with another body: 409, nothing written.
            let reused = try http(
                "POST", server.base + "/v1/wishes", token: organizer, json: wish(points: 90),
                headers: ["Idempotency-Key": "wish-once"])
            #expect(reused.status == 409 && reused.object["code"] as? String == "key-reused", "\(reused)")
            #expect(try box.query("SELECT count(*) FROM wish") == ["1"])
            // An answer with a secret in it (a credential's token) is never kept in the store.
            let issued = try http(
                "POST", server.base + "/v1/credentials", token: admin,
                json: ["person": "V0002", "enrolment": false, "label": "phone"],
                headers: ["Idempotency-Key": "issue-once"])
            #expect(issued.status == 200, "\(issued)")
            #expect(try box.query("SELECT count(*) FROM idempotent_reply WHERE answer LIKE '%jf_%'") == ["0"])
            #expect(try box.query("SELECT count(*) FROM idempotent_reply") == ["1"])
            let verify = try box.jifen(["--json", "verify"], env: Self.admin)
            #expect(verify.status == 0, "\(verify)")
        }
    }
}

/// Answers collected from concurrent requests.
final class CredentialAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Answer] = []
    func add(_ answer: Answer) { lock.lock(); answers.append(answer); lock.unlock() }
    var all: [Answer] { lock.lock(); defer { lock.unlock() }; return answers }
}
