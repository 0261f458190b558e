import Foundation
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

/// The web pages without a browser (scripts/lib/web-test.sh plays them in one): the site in
/// process over a database the CLI made, and once through a real `jifen serve`. Forms without
/// the session's token are refused and change nothing; the credential's cookie is HttpOnly and
/// SameSite=Strict, Secure except on loopback HTTP; every page has the strict CSP; text from the
/// ledger is escaped.
@Suite(.serialized) struct WebTests {
    static let now = ISO8601DateFormatter().date(from: "2026-12-01T02:00:00Z")!

    /// The server tests' community, and a site over it with its own guard.
    static func site() throws -> (Sandbox, WebSite, JifenApp) {
        let box = try ServerTests.community()
        let app = try JifenApp.open(box.db, clock: { now }, zone: TimeZone(identifier: "Asia/Shanghai")!)
        let site = WebSite(app: app, guardian: SignInGuard(), status: { JifenServer.status($0) })
        return (box, site, app)
    }

    static func code(_ box: Sandbox, for person: String) throws -> String {
        let run = try box.jifen(["--json", "credential", "issue", person, "--enrolment"], env: ["JIFEN_ACTOR": "李主任"])
        try expectOK(run)
        return try #require(run.object["secret"] as? String)
    }

    static func header(_ response: WebResponse, _ name: String) -> [String] {
        response.headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    static func body(_ response: WebResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    /// The form token a page carries.
    static func csrf(_ response: WebResponse) throws -> String {
        let html = body(response)
        let range = try #require(html.range(of: "name=\"csrf\" value=\""))
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func cookie(_ response: WebResponse, _ name: String) -> String? {
        header(response, "Set-Cookie").first { $0.hasPrefix(name + "=") }
    }

    static func value(_ setCookie: String?) -> String {
        String(setCookie?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last ?? "")
    }

    /// Follows a form's 303 as the browser would: GET its `Location` with the flash cookie it set.
    static func follow(_ site: WebSite, _ answer: WebResponse, cookies: [String: String]) -> WebResponse {
        var cookies = cookies
        if let flash = cookie(answer, "jf_flash") { cookies["jf_flash"] = value(flash) }
        let location = header(answer, "Location").first ?? "/web"
        let path = String(location.prefix { $0 != "?" && $0 != "#" })
        var query: [String: String] = [:]
        if let q = location.split(separator: "?", maxSplits: 1).dropFirst().first {
            query = WebRequest.parseForm(String(q.prefix { $0 != "#" }))
        }
        return site.respond(WebRequest(method: "GET", path: path, query: query, cookies: cookies))
    }

    /// Signs in with an enrolment code as the browser would: the sign-in page, then the form.
    static func signIn(
        _ site: WebSite, code: String, host: String = "127.0.0.1:8080"
    ) throws -> (cookies: [String: String], answer: WebResponse) {
        let page = site.respond(WebRequest(method: "GET", path: "/web/signin", host: host))
        let pre = value(cookie(page, "jf_pre"))
        let answer = site.respond(
            WebRequest(
                method: "POST", path: "/web/signin", form: ["code": code, "csrf": try csrf(page)],
                cookies: ["jf_pre": pre], host: host))
        return (["jf_pre": pre, "jf": value(cookie(answer, "jf"))], answer)
    }

    @Test func signingInKeepsTheCredentialInAnHttpOnlyStrictCookieSecureButOnLoopback() throws {
        let (box, site, _) = try Self.site()
        let (cookies, answer) = try Self.signIn(site, code: try Self.code(box, for: "V0001"))
        #expect(answer.status == 303)
        let set = try #require(Self.cookie(answer, "jf"))
        #expect(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"))
        #expect(!set.contains("Secure"), "plain HTTP on 127.0.0.1: a browser would drop a Secure cookie")
        #expect(cookies["jf"]?.hasPrefix("jf_") == true)
        let remote = try Self.signIn(site, code: try Self.code(box, for: "V0002"), host: "jifen.example.org").answer
        #expect(Self.cookie(remote, "jf")?.contains("; Secure") == true, "any other host: Secure")
        let page = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: cookies))
        #expect(page.status == 200)
        #expect(Self.body(page).contains("张桂兰") && Self.body(page).contains("<span class=\"n\">100</span>"))
    }

    @Test func aFormWithoutTheSessionsTokenIsRefusedAndChangesNothing() throws {
        let (box, site, _) = try Self.site()
        let (cookies, _) = try Self.signIn(site, code: try Self.code(box, for: "V0001"))
        let codesBefore = try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int
        for token in [nil, "", "0123456789abcdef0123456789abcdef"] as [String?] {
            var form = ["activity": "A0001"]
            form["csrf"] = token
            let answer = site.respond(WebRequest(method: "POST", path: "/web/me/code", form: form, cookies: cookies))
            #expect(answer.status == 403)
            #expect(!Self.body(answer).contains("class=\"digits\""), "no code is issued")
        }
        // Another site's page posting with the volunteer's cookie: its Origin is refused even with a token.
        let page = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: cookies))
        let foreign = site.respond(
            WebRequest(
                method: "POST", path: "/web/me/code", form: ["csrf": try Self.csrf(page)], cookies: cookies,
                origin: "https://evil.example", host: "127.0.0.1:8080"))
        #expect(foreign.status == 403)
        #expect(try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int == codesBefore)
        // The same form with the token works: a pay code.
        let ok = site.respond(
            WebRequest(
                method: "POST", path: "/web/me/code", form: ["csrf": try Self.csrf(page)], cookies: cookies,
                origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080"))
        #expect(ok.status == 303 && Self.header(ok, "Location") == ["/web/me/code"])
        var held = cookies
        held["jf_code"] = Self.value(Self.cookie(ok, "jf_code"))
        let shown = site.respond(WebRequest(method: "GET", path: "/web/me/code", cookies: held))
        #expect(
            shown.status == 200 && Self.body(shown).contains("id=\"pay-code\"")
                && Self.body(shown).contains("<svg class=\"qr\""))
    }

    @Test func everyPageHasTheStrictPolicyAndNoInlineScriptOrStyle() throws {
        let (box, site, _) = try Self.site()
        let (cookies, _) = try Self.signIn(site, code: try Self.code(box, for: "V0001"))
        for path in ["/web/signin", "/web/me", "/web/checkin", "/web/nothing-here"] {
            let answer = site.respond(WebRequest(method: "GET", path: path, cookies: cookies))
            let policy = Self.header(answer, "Content-Security-Policy").first ?? ""
            #expect(
                policy.contains("default-src 'none'") && policy.contains("script-src 'self'")
                    && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(Self.header(answer, "Cache-Control") == ["no-store"])
            let html = Self.body(answer)
            #expect(
                !html.contains("<script>") && !html.contains("style=") && !html.contains("<style")
                    && html.range(of: #" on[a-z]+=""#, options: .regularExpression) == nil, "\(path)")
        }
    }

    @Test func staticFilesAreCachedForAYearUnderNamesThatChangeWithThem() throws {
        let (_, site, _) = try Self.site()
        let page = Self.body(site.respond(WebRequest(method: "GET", path: "/web/signin")))
        for prefix in ["href=\"/static/jifen-", "src=\"/static/jifen-"] {
            let range = try #require(page.range(of: prefix))
            let path = "/static/jifen-" + page[range.upperBound...].prefix { $0 != "\"" }
            let file = site.respond(WebRequest(method: "GET", path: path))
            #expect(file.status == 200)
            #expect(Self.header(file, "Cache-Control") == ["public, max-age=31536000, immutable"])
            // A budget, not a measure of speed: both files are fetched once a year; the stylesheet holds every page's rules.
            #expect(file.body.count < 12_000)
        }
    }

    @Test func textFromTheLedgerIsEscaped() throws {
        let (box, site, _) = try Self.site()
        try expectOK(
            box.jifen(
                ["offer", "add", "M001", "--title", "<script>alert(\"x\")</script>&'", "--points", "5"],
                env: ["JIFEN_ACTOR": "李主任"]))
        let (cookies, _) = try Self.signIn(site, code: try Self.code(box, for: "M001"))
        let html = Self.body(site.respond(WebRequest(method: "GET", path: "/web/counter", cookies: cookies)))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(!html.contains("<script>alert"))
        #expect(HTML.escape("a<b>\"c\"&'d'") == "a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;")
    }

    @Test func aRefusedRedemptionSaysWhyAndChangesNothing() throws {
        let (box, site, _) = try Self.site()
        let (cookies, _) = try Self.signIn(site, code: try Self.code(box, for: "M001"))
        let page = site.respond(WebRequest(method: "GET", path: "/web/counter", cookies: cookies))
        let answer = site.respond(
            WebRequest(
                method: "POST", path: "/web/counter/redeem",
                form: ["csrf": try Self.csrf(page), "code": "123456", "offer": "O001", "key": "web-test-1"],
                cookies: cookies))
        #expect(answer.status == 303, "post/redirect/get: a refusal too")
        let shown = Self.follow(site, answer, cookies: cookies)
        #expect(shown.status == 200 && Self.body(shown).contains("role=\"alert\""))
        #expect(try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int == 100)
    }

    /// The volunteer's page lists the requests the app lets her take (Q0001 in T01's pool) and the
    /// ones she took, with the address only on those; taking one from the page is the app's claim.
    @Test func aVolunteerSeesAndTakesAPooledRequestFromHerPage() throws {
        let (box, site, _) = try Self.site()
        try ServerTests.requestFixtures(box)
        let (cookies, _) = try Self.signIn(site, code: try Self.code(box, for: "V0001"))
        let page = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: cookies))
        let html = Self.body(page)
        #expect(html.contains("id=\"requests\"") && html.contains("name=\"request\" value=\"Q0001\""), "\(html)")
        #expect(
            !html.components(separatedBy: "<form").contains {
                $0.contains("/web/me/claim") && $0.contains("value=\"Q0002\"")
            },
            "a request she already took has no claim button")
        #expect(html.contains("幸福里3号楼2单元501"), "the address of a request she serves")
        let answer = site.respond(
            WebRequest(
                method: "POST", path: "/web/me/claim",
                form: ["csrf": try Self.csrf(page), "request": "Q0001"], cookies: cookies))
        #expect(answer.status == 303, "\(Self.body(answer))")
        #expect(Self.body(Self.follow(site, answer, cookies: cookies)).contains("role=\"status\""))
        let shown = try box.jifen(["--json", "request", "show", "Q0001"], env: ["JIFEN_ACTOR": "李主任"])
        try expectOK(shown)
        #expect(shown.stdout.contains("\"claimed\"") && shown.stdout.contains("V0001"), "\(shown.stdout)")
        // Without the form's token nothing is taken.
        let forged = site.respond(
            WebRequest(method: "POST", path: "/web/me/claim", form: ["request": "Q0001"], cookies: cookies))
        #expect(forged.status == 403)
    }

    @Test func wrongEnrolmentCodesStopTheDeviceNotTheNeighbourAndThePageSaysSo() throws {
        let (box, site, _) = try Self.site()
        let page = site.respond(WebRequest(method: "GET", path: "/web/signin"))
        let device = Self.value(Self.cookie(page, "jf_pre"))
        var statuses: [Int] = []
        for i in 0..<11 {
            let answer = site.respond(
                WebRequest(
                    method: "POST", path: "/web/signin",
                    form: ["code": "ZZZZ-ZZ\(10 + i)", "csrf": try Self.csrf(page)],
                    cookies: ["jf_pre": device]))
            statuses.append(answer.status)
            if i == 10 { #expect(Self.body(answer).contains("输错的次数太多")) }
        }
        // Ten wrong codes from one device, then it waits ...
        #expect(statuses == Array(repeating: 401, count: 10) + [429], "\(statuses)")
        // ... while a neighbour on another device at the same address signs in.
        #expect(try Self.signIn(site, code: try Self.code(box, for: "V0001")).answer.status == 303)
    }

    @Test func theQRCodeIsLibqrencodesMatrixAsSVG() throws {
        let (width, dark) = try #require(QRCode.matrix("123456"))
        #expect(width == 21 && dark.count == 441)
        // The three finder patterns' corners are dark.
        #expect(dark[0] && dark[20] && dark[20 * 21])
        let svg = QRCode.svg("123456", label: "付款码")
        #expect(svg.hasPrefix("<svg") && svg.contains("viewBox=\"0 0 29 29\"") && svg.contains("aria-label=\"付款码\""))
    }

    @Test func theRealServerServesThePages() throws {
        let box = try ServerTests.community()
        let server = try ServerProcess(box)
        defer { server.stop() }
        let page = try http("GET", server.base + "/web/signin")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(page.headers["set-cookie"]?.contains("HttpOnly") == true)
        let refused = try http(
            "POST", server.base + "/web/me/code", headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(refused.status == 403)
        #expect(try http("GET", server.base + "/web/nope").status == 404)
    }
}
