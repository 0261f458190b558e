import Foundation
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

/// Residents sign in: a resident's paper code gives her a credential whose role
/// reaches her own service requests and nothing else, through the API and her page.
extension WebTests {
    @Suite(.serialized) struct Residents {
        static let admin = ["JIFEN_ACTOR": "李主任"]

        /// The server tests' community with its requests (`ServerTests.requestFixtures`: R001's Q0001–Q0004, R002
        /// without any) and R003, who is also the volunteer V0002.
        static func community(_ store: StoreKind) throws -> Sandbox {
            let box = try ServerTests.community(store)
            try ServerTests.requestFixtures(box)
            try expectOK(
                box.jifen(
                    [
                        "resident", "add", "--name", "李阿姨", "--phone", "13800003344", "--address", "幸福里7号楼301",
                        "--area", "幸福里7号楼", "--volunteer", "V0002",
                    ], env: admin))
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
            let refused = try box.jifen(
                ["--json", "credential", "issue", "R001", "--enrolment"], env: ["JIFEN_ACTOR": "V0001"])
            #expect(refused.status == Exit.refused, "\(refused)")
            let issued = try box.jifen(
                ["--json", "credential", "issue", "R001", "--enrolment"], env: ["JIFEN_ACTOR": "王队长"])
            try expectOK(issued)
            #expect((issued.object["credential"] as? [String: Any])?["role"] as? String == "resident", "\(issued)")
            let code = try #require(issued.object["secret"] as? String)
            let server = try ServerProcess(box)
            defer { server.stop() }
            let mine = try Self.enrolled(server, code: code)
            let theirs = try Self.enrolled(server, code: try WebTests.code(box, for: "R002"))
            let me = try http("GET", server.base + "/v1/me", token: mine)
            #expect(
                me.object["person"] as? String == "R001" && me.object["name"] as? String == "王秀英"
                    && me.object["role"] as? String == "resident", "\(me)")

            // She posts for herself: the resident comes from her credential; without words, the category's name.
            let posted = try http(
                "POST", server.base + "/v1/requests", token: mine,
                json: ["resident": "", "content": "", "category": "repair", "points": 0])
            #expect(
                posted.status == 200 && posted.object["resident"] as? String == "R001"
                    && posted.object["content"] as? String == "维修（水电、门窗）",
                "\(posted)")
            // Naming another resident answers as if there were none, and posts nothing.
            let forOther = try http(
                "POST", server.base + "/v1/requests", token: mine,
                json: ["resident": "R002", "content": "换灯泡", "category": "", "points": 0])
            #expect(forOther.status == 404 && forOther.object["code"] as? String == "unknown-id", "\(forOther)")
            let theirOwn = try http(
                "POST", server.base + "/v1/requests", token: theirs,
                json: ["resident": "", "content": "换灯泡", "category": "", "points": 0])
            let other = try #require(theirOwn.object["id"] as? String, "\(theirOwn)")
            let all = try box.jifen(["--json", "request", "list"], env: Self.admin)
            let residents = ((try? JSONSerialization.jsonObject(with: Data(all.stdout.utf8))) as? [[String: Any]] ?? [])
                .compactMap { $0["resident"] as? String }
            #expect(
                residents.filter { $0 == "R002" }.count == 1 && residents.count == 6,
                "R002's one request, and R001's five: \(all.stdout)")

            // Her list holds hers only; another's request answers as a missing one, and nothing moves it.
            let listed = try http("GET", server.base + "/v1/requests", token: mine)
            let ids = ((try? JSONSerialization.jsonObject(with: listed.body)) as? [[String: Any]] ?? []).compactMap {
                ($0["request"] as? [String: Any])?["id"] as? String
            }
            #expect(Set(ids) == ["Q0001", "Q0002", "Q0003", "Q0004", "Q0005"], "\(listed)")
            for (method, path, body) in [
                ("GET", "/v1/requests/\(other)", nil), ("POST", "/v1/requests/\(other)/cancellation", ["reason": "x"]),
                ("POST", "/v1/requests/\(other)/confirmation", nil),
                ("POST", "/v1/requests/\(other)/rating", ["stars": 1, "comment": ""]),
                ("POST", "/v1/requests/\(other)/reopening", ["reason": "x"]), ("GET", "/v1/residents/R002", nil),
            ] as [(String, String, [String: Any]?)] {
                let answer = try http(method, server.base + path, token: mine, json: body)
                #expect(answer.status == 404 && answer.object["code"] as? String == "unknown-id", "\(path): \(answer)")
            }
            #expect(try Self.state(box, other) == "submitted")

            // She is neither a volunteer nor the desk: claim, serve, accept, dispatch are not hers; nor points, hours, codes, credentials.
            let notHers: [(String, String, [String: Any]?)] = [
                ("POST", "/v1/requests/Q0001/claim", nil), ("POST", "/v1/requests/Q0003/start", nil),
                ("POST", "/v1/requests/Q0003/finish", ["minutes": 30]),
                ("POST", "/v1/requests/Q0002/return", ["reason": "x"]),
                ("POST", "/v1/requests/Q0004/acceptance", nil),
                ("POST", "/v1/requests/Q0004/dispatch", ["team": "T01", "pool": true]),
                ("POST", "/v1/requests/Q0004/rejection", ["reason": "x"]), ("POST", "/v1/request-sweeps", nil),
                ("GET", "/v1/accounts/V0001/balance", nil), ("POST", "/v1/accounts/V0002/codes", [:]),
                ("GET", "/v1/activities", nil),
                ("POST", "/v1/credentials", ["person": "R001", "enrolment": true, "label": ""]),
                ("GET", "/v1/residents", nil),
                (
                    "POST", "/v1/residents",
                    [
                        "name": "假居民", "phone": "13800009999", "address": "", "area": "", "consent": false,
                        "allow_duplicate": false,
                    ]
                ),
                ("GET", "/v1/volunteers", nil), ("GET", "/v1/offers", nil),
            ]
            for (method, path, body) in notHers {
                let answer = try http(method, server.base + path, token: mine, json: body)
                #expect(answer.status == 403 && answer.object["code"] as? String == "not-allowed", "\(path): \(answer)")
            }
            #expect(try Self.state(box, "Q0001") == "pooled" && Self.state(box, "Q0004") == "submitted")
            // What she may do to her own requests, the machine allows in their state: Q0004 (only posted) she may cancel.
            let cancelled = try http(
                "POST", server.base + "/v1/requests/Q0004/cancellation", token: mine, json: ["reason": "家人修好了"])
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
            #expect(
                refused.status == 403 && refused.object["code"] as? String == "unconfirmed-credential", "\(refused)")
            for (method, path, body) in [
                ("GET", "/v1/accounts/V0002/balance", nil), ("POST", "/v1/accounts/V0002/codes", [:]),
                ("POST", "/v1/transfers", ["from": "V0002", "to": "V0001", "points": 5, "memo": "x"]),
            ] as [(String, String, [String: Any]?)] {
                let answer = try http(method, server.base + path, token: deskToken, json: body)
                #expect(answer.status == 403, "\(path): \(answer)")
            }
            // With her own code she may offer her points (the hold is made when a volunteer takes it).
            let own = try Self.enrolled(server, code: try WebTests.code(box, for: "R003"))
            let posted = try http("POST", server.base + "/v1/requests", token: own, json: paid)
            #expect(
                posted.status == 200 && posted.object["offered_points"] as? Int == 20
                    && posted.object["resident"] as? String == "R003", "\(posted)")
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
            #expect(
                before.object["server_name"] as? String == "" && before.object["server_phone"] as? String == "",
                "\(before)")
            let taken = try http("GET", server.base + "/v1/requests/Q0002", token: mine)
            #expect(
                taken.object["server_name"] as? String == "张桂兰"
                    && taken.object["server_phone"] as? String == "13800001234", "\(taken)")
            let desk = try http(
                "GET", server.base + "/v1/requests/Q0002", token: try ServerTests.token(box, for: "王队长"))
            #expect(
                desk.object["server_name"] as? String == "张桂兰"
                    && desk.object["server_phone"] as? String == "138****1234", "\(desk)")
            let form = try http("GET", server.base + "/v1/request-form", token: mine)
            #expect(
                form.object["address"] as? String == "幸福里3号楼2单元501" && form.object["name"] as? String == "王秀英",
                "\(form)")
            let times = try #require(form.object["times"] as? [[String: Any]])
            // The clock is 2026-12-01 10:00: as soon as possible, this afternoon, then two mornings and afternoons.
            #expect(
                times.compactMap { $0["value"] as? String } == [
                    "", "2026-12-01 14:00", "2026-12-02 09:00", "2026-12-02 14:00",
                    "2026-12-03 09:00", "2026-12-03 14:00",
                ], "\(times)")
            #expect((form.object["categories"] as? [[String: Any]])?.first?["value"] as? String == "repair")
        }
    }
}

extension WebTests.Residents {
    /// The residents' community and the pages over it, in process, on either store.
    static func site(_ store: StoreKind) throws -> (Sandbox, WebSite) {
        let box = try Self.community(store)
        let app = try JifenApp.open(box.db, clock: { WebTests.now }, zone: TimeZone(identifier: "Asia/Shanghai")!)
        return (box, WebSite(app: app, guardian: SignInGuard(), status: { JifenServer.status($0) }))
    }

    static func get(_ site: WebSite, _ path: String, _ cookies: [String: String]) -> WebResponse {
        site.respond(WebRequest(method: "GET", path: path, cookies: cookies))
    }

    /// Posts a form of `page` and follows its 303: (the redirect, the page it leads to).
    static func post(
        _ site: WebSite, _ path: String, _ form: [String: String], from page: WebResponse,
        _ cookies: [String: String]
    ) throws -> (WebResponse, WebResponse) {
        var form = form
        form["csrf"] = try WebTests.csrf(page)
        let answer = site.respond(WebRequest(method: "POST", path: path, form: form, cookies: cookies))
        #expect(answer.status == 303, "\(path): post/redirect/get")
        var cookies = cookies
        if let flash = WebTests.cookie(answer, "jf_flash") { cookies["jf_flash"] = WebTests.value(flash) }
        var next = WebTests.follow(site, answer, cookies: cookies)
        // A page that is not hers sends her on to hers (a resident's /web/me), where the notice shows.
        for _ in 0..<2 where next.status == 303 { next = WebTests.follow(site, next, cookies: cookies) }
        return (answer, next)
    }

    static func request(_ box: Sandbox, _ id: String) throws -> [String: Any] {
        let shown = try box.jifen(["--json", "request", "show", id], env: admin)
        try expectOK(shown)
        return shown.object
    }

    /// What a person reads: the HTML without tags.
    static func visible(_ response: WebResponse) -> String {
        WebTests.PlainWordsTests.visibleText(WebTests.body(response))
    }

    @Test(arguments: StoreKind.allCases)
    func aResidentSignsInAsksForHelpAndFollowsItToTheEnd(store: StoreKind) throws {
        let (box, site) = try Self.site(store)
        let (cookies, signedIn) = try WebTests.signIn(site, code: try WebTests.code(box, for: "R001"))
        #expect(signedIn.status == 303)
        #expect(
            WebTests.header(Self.get(site, "/web", cookies), "Location") == ["/web/resident"],
            "a resident's home is her page")
        #expect(WebTests.header(Self.get(site, "/web/me", cookies), "Location") == ["/web/resident"])
        var page = Self.get(site, "/web/resident", cookies)
        var html = WebTests.body(page)
        #expect(page.status == 200)
        #expect(html.contains("王秀英") && html.contains("幸福里3号楼2单元501"), "her name and her address, from her profile")
        #expect(
            html.contains("name=\"category\" value=\"repair\"")
                && html.contains("name=\"wanted\" value=\"2026-12-02 09:00\""))
        // Q0002 was taken by 张桂兰: her name and a number to call; Q0001 waits, and has none.
        #expect(
            html.contains("id=\"req-Q0002\"") && html.contains("张桂兰") && html.contains("href=\"tel:13800001234\""),
            "\(html)")
        let waiting = try #require(
            html.components(separatedBy: "id=\"req-Q0001\"").last?.components(separatedBy: "</li>").first)
        #expect(!waiting.contains("tel:") && waiting.contains("/web/resident/cancel"))
        #expect(
            WebTests.PlainWordsTests.internalWords(Self.visible(page)).isEmpty && !Self.visible(page).contains("R001"),
            "no internal words or her id")
        let english = site.respond(
            WebRequest(method: "GET", path: "/web/resident", cookies: cookies, acceptLanguage: "en"))
        #expect(
            Self.visible(english).contains("Ask a volunteer for help")
                && Self.visible(english).contains("Call 138 0000 1234"))
        #expect(
            WebTests.PlainWordsTests.internalWords(Self.visible(english)).isEmpty
                && !Self.visible(english).contains("R001"))

        // She asks: a category, a time; the resident is hers whatever the form says.
        var (answer, next) = try Self.post(
            site, "/web/resident/post",
            ["category": "repair", "wanted": "2026-12-02 09:00", "content": "", "resident": "R002"],
            from: page, cookies)
        #expect(WebTests.header(answer, "Location") == ["/web/resident#req-Q0005"])
        #expect(WebTests.body(next).contains("已提交：维修（水电、门窗）") && WebTests.body(next).contains("id=\"req-Q0005\""))
        var q5 = try Self.request(box, "Q0005")
        #expect(
            q5["resident"] as? String == "R001" && q5["state"] as? String == "submitted"
                && q5["category"] as? String == "repair", "\(q5)")
        #expect((q5["wanted_at"] as? String)?.hasPrefix("2026-12-02T01:00") == true, "\(q5)")

        // The desk sends it, 张桂兰 takes it, serves and finishes (the CLI as each of them).
        for (actor, step) in [
            ("李主任", ["request", "accept", "Q0005"]),
            ("李主任", ["request", "dispatch", "Q0005", "--team", "T01", "--pool"]),
            ("V0001", ["request", "claim", "Q0005"]),
        ] {
            try expectOK(box.jifen(step, env: ["JIFEN_ACTOR": actor]))
        }
        page = Self.get(site, "/web/resident", cookies)
        html = WebTests.body(page)
        let coming = try #require(
            html.components(separatedBy: "id=\"req-Q0005\"").last?.components(separatedBy: "</li>").first)
        #expect(
            coming.contains("张桂兰") && coming.contains("href=\"tel:13800001234\""),
            "who is coming, and her phone: \(coming)")
        // Too early to confirm: refused, the request named by what it is, nothing moves.
        (_, next) = try Self.post(site, "/web/resident/confirm", ["request": "Q0005"], from: page, cookies)
        #expect(
            WebTests.body(next).contains("role=\"alert\"") && WebTests.body(next).contains("「维修（水电、门窗）」"),
            "\(WebTests.body(next))")
        #expect(try Self.request(box, "Q0005")["state"] as? String == "claimed")
        for step in [["request", "start", "Q0005"], ["request", "finish", "Q0005", "--minutes", "60"]] {
            try expectOK(box.jifen(step, env: ["JIFEN_ACTOR": "V0001"]))
        }
        page = Self.get(site, "/web/resident", cookies)
        #expect(WebTests.body(page).contains("确认办好了：维修（水电、门窗）"))
        (answer, next) = try Self.post(site, "/web/resident/confirm", ["request": "Q0005"], from: page, cookies)
        #expect(
            WebTests.header(answer, "Location") == ["/web/resident#req-Q0005"]
                && WebTests.body(next).contains("name=\"stars\" value=\"5\""))
        #expect(try Self.request(box, "Q0005")["state"] as? String == "confirmed")
        (_, next) = try Self.post(
            site, "/web/resident/rate", ["request": "Q0005", "stars": "5", "comment": "很及时"], from: next, cookies)
        q5 = try Self.request(box, "Q0005")
        #expect(
            q5["state"] as? String == "rated" && q5["rating"] as? Int == 5 && q5["comment"] as? String == "很及时", "\(q5)"
        )
        (_, next) = try Self.post(
            site, "/web/resident/reopen", ["request": "Q0005", "reason": "还在漏水"], from: next, cookies)
        #expect(try Self.request(box, "Q0005")["state"] as? String == "claimed", "reopened: 张桂兰 serves again")
        // Q0004 (only posted) she may cancel.
        (_, next) = try Self.post(
            site, "/web/resident/cancel", ["request": "Q0004", "reason": ""], from: next, cookies)
        #expect(try Self.request(box, "Q0004")["state"] as? String == "cancelled")
        let verify = try box.jifen(["--json", "verify"], env: Self.admin)
        #expect(verify.status == 0, "\(verify)")
    }

    /// Her page's forms reach her own requests only, and none of a volunteer's or the desk's moves.
    @Test(arguments: StoreKind.allCases)
    func herPageActsOnNoOneElsesRequestAndAsNoVolunteer(store: StoreKind) throws {
        let (box, site) = try Self.site(store)
        try expectOK(box.jifen(["request", "post", "--resident", "R002", "--content", "换灯泡"], env: Self.admin))  // Q0005, R002's
        let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "R001"))
        let page = Self.get(site, "/web/resident", cookies)
        #expect(!WebTests.body(page).contains("换灯泡"), "another resident's request is not on her page")
        for (path, form) in [
            ("/web/resident/cancel", ["request": "Q0005", "reason": ""]),
            ("/web/resident/confirm", ["request": "Q0005"]),
            ("/web/me/claim", ["request": "Q0001"]), ("/web/me/start", ["request": "Q0002"]),
            ("/web/me/finish", ["request": "Q0002", "minutes": "60"]),
            ("/web/me/return", ["request": "Q0002", "reason": "x"]),
            ("/web/me/join", ["activity": "A0001"]),
        ] {
            let (_, next) = try Self.post(site, path, form, from: page, cookies)
            #expect(WebTests.body(next).contains("role=\"alert\""), "\(path) is refused")
        }
        #expect(try Self.request(box, "Q0005")["state"] as? String == "submitted")
        #expect(
            try Self.request(box, "Q0001")["state"] as? String == "pooled"
                && Self.request(box, "Q0002")["state"] as? String == "claimed")
        for path in ["/web/team", "/web/counter", "/web/admin"] {
            let other = Self.get(site, path, cookies)
            #expect(!WebTests.body(other).contains("幸福里") && other.status != 500, "\(path): \(other.status)")
        }
        // She signs out as anyone does: her credential is revoked and works nowhere after.
        let out = site.respond(
            WebRequest(method: "POST", path: "/web/signout", form: ["csrf": try WebTests.csrf(page)], cookies: cookies))
        #expect(out.status == 303 || out.status == 200, "\(out.status)")
        let after = Self.get(site, "/web/resident", cookies)
        #expect(after.status == 401 || WebTests.header(after, "Location") == ["/web/signin"], "\(after.status)")
        let states = try box.jifen(["--json", "credential", "list", "--person", "R001"], env: Self.admin)
        #expect(states.stdout.contains("\"revoked\""), "\(states)")
    }

    /// The volunteer's page: what she took, with 开始 / 完成 / 退单, apart from what she may take; after
    /// 接单 she stays at that request and the message names it.
    @Test(arguments: StoreKind.allCases)
    func aVolunteerServesWhatSheTookFromHerPage(store: StoreKind) throws {
        let (box, site) = try Self.site(store)
        let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "V0001"))
        var page = Self.get(site, "/web/me", cookies)
        var html = WebTests.body(page)
        let taken = try #require(
            html.components(separatedBy: "id=\"taken\"").last?.components(separatedBy: "</section>").first)
        let open = try #require(
            html.components(separatedBy: "id=\"requests\"").last?.components(separatedBy: "</section>").first)
        #expect(
            taken.contains("id=\"req-Q0002\"") && taken.contains("/web/me/start")
                && taken.contains("href=\"tel:13800007788\""), "\(taken)")
        #expect(
            !taken.contains("req-Q0001") && open.contains("id=\"req-Q0001\"") && open.contains("/web/me/claim")
                && !open.contains("req-Q0002"))
        var (answer, next) = try Self.post(site, "/web/me/claim", ["request": "Q0001"], from: page, cookies)
        #expect(WebTests.header(answer, "Location") == ["/web/me#req-Q0001"])
        #expect(WebTests.body(next).contains("接单成功：换水龙头（王秀英）"), "the message names it")
        page = next
        html = WebTests.body(page)
        #expect(
            html.components(separatedBy: "id=\"taken\"").last?.contains("id=\"req-Q0001\"") == true,
            "now among what she took")
        (answer, next) = try Self.post(site, "/web/me/start", ["request": "Q0001"], from: page, cookies)
        let started = try Self.request(box, "Q0001")["state"] as? String
        #expect(WebTests.header(answer, "Location") == ["/web/me#req-Q0001"] && started == "in_service")
        #expect(WebTests.body(next).contains("name=\"minutes\" value=\"60\""))
        (_, next) = try Self.post(site, "/web/me/finish", ["request": "Q0001", "minutes": "60"], from: next, cookies)
        let q1 = try Self.request(box, "Q0001")
        #expect(q1["state"] as? String == "done" && q1["minutes"] as? Int == 60, "\(q1)")
        (_, next) = try Self.post(site, "/web/me/return", ["request": "Q0002", "reason": "临时有事"], from: next, cookies)
        #expect(try Self.request(box, "Q0002")["state"] as? String == "returned")
        // Nothing typed and no length chosen: refused, nothing recorded.
        (_, next) = try Self.post(site, "/web/me/finish", ["request": "Q0003", "minutes": ""], from: next, cookies)
        let unfinished = try Self.request(box, "Q0003")["state"] as? String
        #expect(WebTests.body(next).contains("role=\"alert\"") && unfinished == "claimed")
    }
}

extension WebTests.Residents {
    /// The form's one-tap times come from the clock and the community's zone: in the afternoon there is no
    /// "this afternoon"; the categories are the setting's, checked when set.
    @Test func theFormsTimesFollowTheClockAndItsCategoriesTheSetting() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let afternoon = try DayFormat.parse("2026-12-01 15:30", in: zone)
        #expect(
            RequestForm.timeChoices(now: afternoon, zone: zone).map(\.value)
                == ["", "2026-12-02 09:00", "2026-12-02 14:00", "2026-12-03 09:00", "2026-12-03 14:00"])
        let late = try DayFormat.parse("2026-12-31 23:59", in: zone)
        #expect(RequestForm.timeChoices(now: late, zone: zone).dropFirst().first?.zh == "明天上午（1月1日 9:00）")
        var rules = Rules()
        try Rules.apply(key: "requests.categories", value: "repair, haircut_at_home", to: &rules)
        #expect(RequestForm.categoryChoices(rules.requests).map(\.zh) == ["维修（水电、门窗）", "haircut at home"])
        for bad in ["", "repair,repair", "维修", "Repair", "a,,b"] {
            #expect(throws: JifenError.self, "\(bad)") {
                try Rules.apply(key: "requests.categories", value: bad, to: &rules)
            }
        }
    }
}
