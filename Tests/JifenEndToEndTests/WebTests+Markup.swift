import Foundation
import JifenTestSupport
import JifenWeb
import Testing

extension WebTests {
    /// The pages' markup: every page each person opens, in both languages, written to the folder
    /// `JIFEN_WEB_SNAPSHOT` names (to compare the HTML before and after a change to how pages are
    /// built); without it, the pages are only rendered.
    @Suite(.serialized) struct Markup {
        @Test func everyPageCanBeWrittenOutForComparison() throws {
            let folder = ProcessInfo.processInfo.environment["JIFEN_WEB_SNAPSHOT"]
            let (box, site, _) = try WebTests.site()
            for step in [
                [
                    "--as", "王队长", "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start",
                    "2026-11-20 10:00", "--end", "2026-11-20 12:00", "--place", "活动室",
                ],
                ["--as", "王队长", "hours", "add", "A0001", "V0002", "--minutes", "1", "--note", "补录"],
                ["--as", "V0001", "transfer", "V0001", "V0002", "5", "--memo", "谢谢"],
            ] {
                try expectOK(box.jifen(step, env: ["JIFEN_ACTOR": "李主任"]))
            }
            try ServerTests.requestFixtures(box)
            var rendered = 0
            func save(_ name: String, _ answer: WebResponse) throws {
                rendered += 1
                guard let folder else { return }
                let file = name.replacingOccurrences(of: "/", with: "_")
                let text = "status \(answer.status)\n" + WebTests.body(answer)
                try text.write(toFile: folder + "/" + file + ".html", atomically: true, encoding: .utf8)
            }
            if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            for language in ["zh-CN", "en"] {
                for path in ["/web", "/web/signin", "/web/me", "/web/no-such-page", "/web/counter/receipt/X1"] {
                    let answer = site.respond(WebRequest(method: "GET", path: path, acceptLanguage: language))
                    try save("anon\(path)-\(language)", answer)
                }
                let forged = site.respond(
                    WebRequest(method: "POST", path: "/web/me/claim", form: ["csrf": "x"], acceptLanguage: language))
                try save("anon-csrf-\(language)", forged)
            }
            for person in ["V0001", "V0002", "M001", "王队长", "李主任", "R001"] {
                let (signedIn, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: person))
                for language in ["zh-CN", "en"] {
                    var cookies = signedIn
                    cookies["jf_lang"] = language == "en" ? "en" : "zh"
                    for path in [
                        "/web/me", "/web/checkin", "/web/counter", "/web/team", "/web/admin", "/web/notice",
                        "/web/poster", "/web/me/certificate", "/web/no-such-page", "/web/me/code", "/web/signout",
                        "/web/resident", "/web/counter/check", "/web/team/slip", "/web/checkout",
                        "/web/counter/receipt/X1", "/web/counter/receipt",
                    ] {
                        var query: [String: String] = [:]
                        if path == "/web/poster" || path == "/web/checkin" { query["activity"] = "A0001" }
                        if path == "/web/counter/check" { query["code"] = "123456" }
                        if path == "/web/counter/receipt" { query["receipt"] = "X1" }
                        let answer = site.respond(
                            WebRequest(
                                method: "GET", path: path, query: query, cookies: cookies, acceptLanguage: language))
                        try save("\(person)\(path)-\(language)", answer)
                    }
                    // Refusals after a form: the page the 303 leads to.
                    let page = site.respond(
                        WebRequest(method: "GET", path: "/web/signout", cookies: cookies, acceptLanguage: language))
                    for (path, form) in [
                        ("/web/me/claim", ["activity": "A9999"]), ("/web/counter/confirm", ["code": "000000"]),
                        ("/web/team/approve", ["record": "H999"]), ("/web/me/dispute", ["record": "H999"]),
                        ("/web/resident/post", ["content": ""]), ("/web/me/start", ["request": "Q9999"]),
                    ] {
                        var form = form
                        form["csrf"] = try WebTests.csrf(page)
                        let answer = site.respond(
                            WebRequest(
                                method: "POST", path: path, form: form, cookies: cookies, acceptLanguage: language))
                        try save("\(person)-post\(path)-\(language)", answer)
                        let next = WebTests.follow(site, answer, cookies: cookies)
                        try save("\(person)-post\(path)-\(language)-next", next)
                    }
                }
            }
            #expect(rendered > 100)
        }

        /// Every kind of text a person types and the pages show (a volunteer's, a team's, a merchant's
        /// name, an offer's and an activity's title and place, a transfer's memo, a request's content,
        /// a rejection's reason) is escaped on every page that shows it: `<b>"&'` reads as typed.
        @Test func everyTypedTextIsEscapedOnThePages() throws {
            let (box, site, _) = try WebTests.site()
            let evil = "<b>\"&'"
            let shown = "&lt;b&gt;&quot;&amp;&#39;"
            let admin = ["JIFEN_ACTOR": "李主任"]
            for step in [
                ["team", "add", "--name", "队" + evil],
                ["volunteer", "add", "--name", "张" + evil, "--phone", "13800002222", "--team", "T01"],
                ["merchant", "add", "--name", "店" + evil],
                ["offer", "add", "M001", "--title", "剪" + evil, "--points", "5"],
                [
                    "--as", "王队长", "activity", "post", "--team", "T01", "--title", "活" + evil, "--start",
                    "2026-11-20 10:00", "--end", "2026-11-20 12:00", "--place", "地" + evil,
                ],
                ["--as", "王队长", "hours", "add", "A0001", "V0004", "--minutes", "1", "--note", "记" + evil],
                ["--as", "V0001", "transfer", "V0001", "V0004", "5", "--memo", "谢" + evil],
                ["resident", "add", "--name", "居" + evil, "--phone", "13800003333", "--address", "址" + evil],
                ["request", "post", "--resident", "R001", "--content", "修" + evil],
            ] {
                try expectOK(box.jifen(step, env: admin))
            }
            var pages = 0
            for (person, paths) in [
                ("V0001", ["/web/me"]), ("V0004", ["/web/me"]), ("M001", ["/web/counter"]),
                ("王队长", ["/web/team", "/web/poster"]), ("李主任", ["/web/team"]), ("R001", ["/web/resident"]),
            ] {
                let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: person))
                for path in paths {
                    let answer = site.respond(
                        WebRequest(
                            method: "GET", path: path, query: path == "/web/poster" ? ["activity": "A0001"] : [:],
                            cookies: cookies))
                    let html = WebTests.body(answer)
                    #expect(answer.status == 200, "\(person) \(path)")
                    #expect(!html.contains(evil) && !html.contains("<b>"), "\(person) \(path): raw text in the markup")
                    #expect(html.contains(shown), "\(person) \(path): the typed text is shown escaped")
                    pages += 1
                }
            }
            #expect(pages == 7)
        }
    }
}
