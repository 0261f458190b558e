import Foundation
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

/// Residents sign in (issue 22, item 1): a resident's paper code gives her a credential whose role
/// reaches her own service requests and nothing else, through the API and her page.
extension WebTests {
    @Suite(.serialized) struct Residents {
        static let admin = ["JIFEN_ACTOR": "李主任"]

        /// The server tests' community with its requests (`ServerTests.requestFixtures`: R001's Q0001–Q0004, R002
        /// without any) and R003, who is also the volunteer V0002.
        static func community(_ store: StoreKind) throws -> Sandbox {
            let box = try ServerTests.community(store)
            try ServerTests.requestFixtures(box)
            try expectOK(box.jifen(["resident", "add", "--name", "李阿姨", "--phone", "13800003344", "--address", "幸福里7号楼301",
                                    "--area", "幸福里7号楼", "--volunteer", "V0002"], env: admin))
            try expectOK(box.jifen(["grant", "V0002", "50", "--reason", "结转", "--key", "seed-v2"], env: admin))
            return box
        }

        /// Her device credential, from a paper code the way she gets one: through the enrolment endpoint.
        static func enrolled(_ server: ServerProcess, code: String) throws -> String {
            let answer = try http("POST", server.base + "/v1/enrolments", json: ["code": code, "label": "她的手机"])
            #expect(answer.status == 200, "\(answer)")
            return try #require(answer.object["secret"] as? String)
        }

        static func state(_ box: Sandbox, _ id: String) throws -> String? {
            try box.jifen(["--json", "request", "show", id], env: admin).object["state"] as? String
        }

        @Test(arguments: StoreKind.allCases)
        func aResidentsCredentialActsOnlyOnHerOwnRequestsAndAsNobodyElse(store: StoreKind) throws {
            let box = try Self.community(store)
            // Her organizer (of a team in her community) or an admin prints her code; a volunteer cannot.
            let refused = try box.jifen(["--json", "credential", "issue", "R001", "--enrolment"], env: ["JIFEN_ACTOR": "V0001"])
            #expect(refused.status == Exit.refused, "\(refused)")
            let issued = try box.jifen(["--json", "credential", "issue", "R001", "--enrolment"], env: ["JIFEN_ACTOR": "王队长"])
            try expectOK(issued)
            #expect((issued.object["credential"] as? [String: Any])?["role"] as? String == "resident", "\(issued)")
            let code = try #require(issued.object["secret"] as? String)
            let server = try ServerProcess(box)
            defer { server.stop() }
            let mine = try Self.enrolled(server, code: code)
            let theirs = try Self.enrolled(server, code: try WebTests.code(box, for: "R002"))
            let me = try http("GET", server.base + "/v1/me", token: mine)
            #expect(me.object["person"] as? String == "R001" && me.object["name"] as? String == "王秀英" && me.object["role"] as? String == "resident", "\(me)")

            // She posts for herself: the resident comes from her credential; without words, the category's name.
            let posted = try http("POST", server.base + "/v1/requests", token: mine, json: ["resident": "", "content": "", "category": "repair", "points": 0])
            #expect(posted.status == 200 && posted.object["resident"] as? String == "R001" && posted.object["content"] as? String == "维修（水电、门窗）",
                    "\(posted)")
            // Naming another resident answers as if there were none, and posts nothing.
            let forOther = try http("POST", server.base + "/v1/requests", token: mine, json: ["resident": "R002", "content": "换灯泡", "category": "", "points": 0])
            #expect(forOther.status == 404 && forOther.object["code"] as? String == "unknown-id", "\(forOther)")
            let theirOwn = try http("POST", server.base + "/v1/requests", token: theirs, json: ["resident": "", "content": "换灯泡", "category": "", "points": 0])
            let other = try #require(theirOwn.object["id"] as? String, "\(theirOwn)")
            let all = try box.jifen(["--json", "request", "list"], env: Self.admin)
            let residents = ((try? JSONSerialization.jsonObject(with: Data(all.stdout.utf8))) as? [[String: Any]] ?? []).compactMap { $0["resident"] as? String }
            #expect(residents.filter { $0 == "R002" }.count == 1 && residents.count == 6, "R002's one request, and R001's five: \(all.stdout)")

            // Her list holds hers only; another's request answers as a missing one, and nothing moves it.
            let listed = try http("GET", server.base + "/v1/requests", token: mine)
            let ids = ((try? JSONSerialization.jsonObject(with: listed.body)) as? [[String: Any]] ?? []).compactMap { ($0["request"] as? [String: Any])?["id"] as? String }
            #expect(Set(ids) == ["Q0001", "Q0002", "Q0003", "Q0004", "Q0005"], "\(listed)")
            for (method, path, body) in [("GET", "/v1/requests/\(other)", nil), ("POST", "/v1/requests/\(other)/cancellation", ["reason": "x"]),
                                         ("POST", "/v1/requests/\(other)/confirmation", nil), ("POST", "/v1/requests/\(other)/rating", ["stars": 1, "comment": ""]),
                                         ("POST", "/v1/requests/\(other)/reopening", ["reason": "x"]), ("GET", "/v1/residents/R002", nil)] as [(String, String, [String: Any]?)] {
                let answer = try http(method, server.base + path, token: mine, json: body)
                #expect(answer.status == 404 && answer.object["code"] as? String == "unknown-id", "\(path): \(answer)")
            }
            #expect(try Self.state(box, other) == "submitted")

            // She is neither a volunteer nor the desk: claim, serve, accept, dispatch are not hers; nor points, hours, codes, credentials.
            let notHers: [(String, String, [String: Any]?)] = [
                ("POST", "/v1/requests/Q0001/claim", nil), ("POST", "/v1/requests/Q0003/start", nil),
                ("POST", "/v1/requests/Q0003/finish", ["minutes": 30]), ("POST", "/v1/requests/Q0002/return", ["reason": "x"]),
                ("POST", "/v1/requests/Q0004/acceptance", nil), ("POST", "/v1/requests/Q0004/dispatch", ["team": "T01", "pool": true]),
                ("POST", "/v1/requests/Q0004/rejection", ["reason": "x"]), ("POST", "/v1/request-sweeps", nil),
                ("GET", "/v1/accounts/V0001/balance", nil), ("POST", "/v1/accounts/V0002/codes", [:]), ("GET", "/v1/activities", nil),
                ("POST", "/v1/credentials", ["person": "R001", "enrolment": true, "label": ""]), ("GET", "/v1/residents", nil),
                ("POST", "/v1/residents", ["name": "假居民", "phone": "13800009999", "address": "", "area": "", "consent": false, "allow_duplicate": false]),
                ("GET", "/v1/volunteers", nil), ("GET", "/v1/offers", nil),
            ]
            for (method, path, body) in notHers {
                let answer = try http(method, server.base + path, token: mine, json: body)
                #expect(answer.status == 403 && answer.object["code"] as? String == "not-allowed", "\(path): \(answer)")
            }
            #expect(try Self.state(box, "Q0001") == "pooled" && Self.state(box, "Q0004") == "submitted")
            // What she may do to her own requests, the machine allows in their state: Q0004 (only posted) she may cancel.
            let cancelled = try http("POST", server.base + "/v1/requests/Q0004/cancellation", token: mine, json: ["reason": "家人修好了"])
            #expect(cancelled.status == 200 && cancelled.object["state"] as? String == "cancelled", "\(cancelled)")
            let early = try http("POST", server.base + "/v1/requests/Q0003/confirmation", token: mine)
            #expect(early.status == 422 && early.object["code"] as? String == "bad-transition", "\(early)")
            let verify = try box.jifen(["--json", "verify"], env: Self.admin)
            #expect(verify.status == 0, "\(verify)")
        }

        /// A resident who is also a volunteer: her resident sign-in does not reach her points account, and one the
        /// desk issued for her (not her own) cannot make her pay for help with her points.
        @Test(arguments: StoreKind.allCases)
        func aResidentsSignInSpendsNoPointsUnlessItIsHerOwn(store: StoreKind) throws {
            let box = try Self.community(store)
            let server = try ServerProcess(box)
            defer { server.stop() }
            let issuedForHer = try box.jifen(["--json", "credential", "issue", "R003"], env: Self.admin)
            let deskToken = try #require(issuedForHer.object["secret"] as? String, "\(issuedForHer)")
            let paid: [String: Any] = ["resident": "", "content": "接孩子放学", "category": "errand", "points": 20]
            let refused = try http("POST", server.base + "/v1/requests", token: deskToken, json: paid)
            #expect(refused.status == 403 && refused.object["code"] as? String == "unconfirmed-credential", "\(refused)")
            for (method, path, body) in [("GET", "/v1/accounts/V0002/balance", nil), ("POST", "/v1/accounts/V0002/codes", [:]),
                                         ("POST", "/v1/transfers", ["from": "V0002", "to": "V0001", "points": 5, "memo": "x"])] as [(String, String, [String: Any]?)] {
                let answer = try http(method, server.base + path, token: deskToken, json: body)
                #expect(answer.status == 403, "\(path): \(answer)")
            }
            // With her own code she may offer her points (the hold is made when a volunteer takes it).
            let own = try Self.enrolled(server, code: try WebTests.code(box, for: "R003"))
            let posted = try http("POST", server.base + "/v1/requests", token: own, json: paid)
            #expect(posted.status == 200 && posted.object["offered_points"] as? Int == 20 && posted.object["resident"] as? String == "R003", "\(posted)")
            #expect(try box.jifen(["--json", "balance", "V0002"], env: Self.admin).object["balance"] as? Int == 50)
        }

        /// Once a volunteer takes her request she sees who is coming, and may call them; before, and for anyone else, no phone.
        @Test(arguments: StoreKind.allCases)
        func theResidentSeesWhoIsComingAndTheirPhoneOnceTaken(store: StoreKind) throws {
            let box = try Self.community(store)
            let server = try ServerProcess(box)
            defer { server.stop() }
            let mine = try Self.enrolled(server, code: try WebTests.code(box, for: "R001"))
            let before = try http("GET", server.base + "/v1/requests/Q0001", token: mine)
            #expect(before.object["server_name"] as? String == "" && before.object["server_phone"] as? String == "", "\(before)")
            let taken = try http("GET", server.base + "/v1/requests/Q0002", token: mine)
            #expect(taken.object["server_name"] as? String == "张桂兰" && taken.object["server_phone"] as? String == "13800001234", "\(taken)")
            let desk = try http("GET", server.base + "/v1/requests/Q0002", token: try ServerTests.token(box, for: "王队长"))
            #expect(desk.object["server_name"] as? String == "张桂兰" && desk.object["server_phone"] as? String == "138****1234", "\(desk)")
            let form = try http("GET", server.base + "/v1/request-form", token: mine)
            #expect(form.object["address"] as? String == "幸福里3号楼2单元501" && form.object["name"] as? String == "王秀英", "\(form)")
            let times = try #require(form.object["times"] as? [[String: Any]])
            // The clock is 2026-12-01 10:00: as soon as possible, this afternoon, then two mornings and afternoons.
            #expect(times.compactMap { $0["value"] as? String } == ["", "2026-12-01 14:00", "2026-12-02 09:00", "2026-12-02 14:00",
                                                                     "2026-12-03 09:00", "2026-12-03 14:00"], "\(times)")
            #expect((form.object["categories"] as? [[String: Any]])?.first?["value"] as? String == "repair")
        }
    }
}
