import Foundation
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

extension WebTests {
    /// The volunteer's phone: the pay code survives reload and learns
    /// of its redemption, signing out asks first and the organizer gets her back without paper, and
    /// her page opens with what she does every day (签退 at the top while on duty; a short span asks).
    @Suite(.serialized) struct Volunteer {
        /// A clock the test moves (check-out after a short or an ordinary span).
        final class Clock: @unchecked Sendable {
            private let lock = NSLock()
            private var at = WebTests.now
            var now: Date { lock.lock(); defer { lock.unlock() }; return at }
            func advance(minutes: Int) { lock.lock(); at += Double(minutes) * 60; lock.unlock() }
        }

        /// A browser of one person: its cookies, the last page's form token, 303s followed once.
        struct Phone {
            let site: WebSite
            var jar: [String: String] = [:]
            var csrf = ""

            mutating func take(_ response: WebResponse) {
                for set in WebTests.header(response, "Set-Cookie") {
                    let pair = set.split(separator: ";").first.map(String.init) ?? ""
                    let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(
                        String.init)
                    guard parts.count == 2 else { continue }
                    if set.contains("Max-Age=0") || parts[1].isEmpty {
                        jar[parts[0]] = nil
                    } else {
                        jar[parts[0]] = parts[1]
                    }
                }
                let html = WebTests.body(response)
                if let r = html.range(of: "name=\"csrf\" value=\"") {
                    csrf = String(html[r.upperBound...].prefix { $0 != "\"" })
                }
            }

            mutating func get(_ target: String) -> WebResponse {
                let (path, query) = Self.split(target)
                let response = site.respond(WebRequest(method: "GET", path: path, query: query, cookies: jar))
                take(response)
                return response
            }

            /// Posts a form; answers the 303 and the page it leads to.
            mutating func post(
                _ path: String, _ form: [String: String] = [:]
            ) -> (redirect: WebResponse, page: WebResponse?) {
                var fields = form
                fields["csrf"] = csrf
                let answer = site.respond(WebRequest(method: "POST", path: path, form: fields, cookies: jar))
                take(answer)
                guard answer.status == 303, let location = WebTests.header(answer, "Location").first else {
                    return (answer, nil)
                }
                return (answer, get(location))
            }

            static func split(_ target: String) -> (String, [String: String]) {
                let noFragment = String(target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                let parts = noFragment.split(separator: "?", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? WebRequest.parseForm(parts[1]) : [:])
            }
        }

        static func site(_ kind: StoreKind, clock: Clock = Clock()) throws -> (Sandbox, WebSite) {
            let box = try ServerTests.community(kind)
            let app = try JifenApp.open(box.db, clock: { clock.now }, zone: TimeZone(identifier: "Asia/Shanghai")!)
            return (
                box,
                WebSite(
                    app: app, guardian: SignInGuard(), status: { JifenServer.status($0) },
                    publicURL: { "https://jifen.example.org" })
            )
        }

        static func signedIn(_ site: WebSite, _ box: Sandbox, as person: String) throws -> Phone {
            var phone = Phone(site: site)
            _ = phone.get("/web/signin")
            let (answer, _) = phone.post("/web/signin", ["code": try WebTests.code(box, for: person)])
            #expect(answer.status == 303, "\(person) signs in")
            return phone
        }

        static func html(_ r: WebResponse?) -> String { r.map { WebTests.body($0) } ?? "" }

        static func digits(_ html: String) -> String? {
            guard let r = html.range(of: "id=\"pay-code\">") else { return nil }
            return String(html[r.upperBound...].prefix { $0 != "<" }).filter(\.isNumber)
        }

        @Test(arguments: StoreKind.allCases)
        func thePayCodeSurvivesReloadAndSaysWhenTheMerchantRedeemsIt(store: StoreKind) throws {
            let (box, site) = try Self.site(store)
            var phone = try Self.signedIn(site, box, as: "V0001")
            let me = phone.get("/web/me")
            let body = Self.html(me)
            // The first big button of her page is the pay code, before her balance.
            let show = try #require(body.range(of: "id=\"show-code\""))
            let balance = try #require(body.range(of: "id=\"balance\""))
            #expect(show.lowerBound < balance.lowerBound)
            let (opened, page) = phone.post("/web/me/code")
            #expect(opened.status == 303 && WebTests.header(opened, "Location") == ["/web/me/code"])
            let kept = try #require(WebTests.cookie(opened, "jf_code"))
            #expect(kept.contains("HttpOnly") && kept.contains("Path=/web/me/code") && kept.contains("SameSite=Strict"))
            let first = Self.html(page)
            let code = try #require(Self.digits(first))
            #expect(code.count == 6)
            #expect(
                first.contains("aria-label=\"付款码的二维码，数字 \(code.prefix(3)) \(code.suffix(3))\""),
                "the QR's name says the digits")
            #expect(first.contains("aria-live=\"assertive\"") && first.contains("data-poll=\"/web/me/code/state\""))
            // Reload: the same live code again, HTML 200, no new one.
            let reload = phone.get("/web/me/code")
            #expect(
                reload.status == 200 && WebTests.header(reload, "Content-Type").first?.hasPrefix("text/html") == true)
            #expect(Self.digits(Self.html(reload)) == code)
            #expect(
                String(decoding: phone.get("/web/me/code/state").body, as: UTF8.self).contains("\"state\":\"live\""))
            // The cookie opens only for this session: another phone of hers sees no code from it.
            var other = try Self.signedIn(site, box, as: "V0001")
            other.jar["jf_code"] = phone.jar["jf_code"]
            #expect(Self.digits(Self.html(other.get("/web/me/code"))) == nil)

            try expectOK(box.jifen(["--as", "M001", "redeem", "M001", "--code", code, "--offer", "O001"]))
            let state = String(decoding: phone.get("/web/me/code/state").body, as: UTF8.self)
            #expect(state.contains("\"state\":\"redeemed\"") && state.contains("已兑换：理发一次 −30 分，余额 70"), "\(state)")
            let after = Self.html(phone.get("/web/me/code"))
            #expect(
                after.contains("已兑换：理发一次 −30 分，余额 70") && Self.digits(after) == nil, "a reload says what became of it")

            // A new code says the previous one is void; asked about, the previous one is.
            let (_, renewed) = phone.post("/web/me/code", ["max_points": "50"])
            let fresh = Self.html(renewed)
            #expect(fresh.contains("之前的付款码已作废"))
            #expect(Self.digits(fresh) != nil)
            let (_, third) = phone.post("/web/me/code")
            #expect(Self.digits(Self.html(third)) != nil)
            // The second code was voided by the third: the same sentence the poll would give.
            #expect(Self.html(third).contains("之前的付款码已作废"))
        }

        @Test func aVoidedCodeIsSaidVoidAndAnExpiredOneExpired() throws {
            let clock = Clock()
            let (box, site) = try Self.site(.sqlite, clock: clock)
            var phone = try Self.signedIn(site, box, as: "V0001")
            _ = phone.get("/web/me")
            _ = phone.post("/web/me/code")
            let held = phone.jar["jf_code"]
            var other = phone
            _ = other.post("/web/me/code")  // the same phone opens a newer code (another tab)
            phone.jar["jf_code"] = held
            let voided = String(decoding: phone.get("/web/me/code/state").body, as: UTF8.self)
            #expect(voided.contains("\"state\":\"voided\"") && voided.contains("已作废"), "\(voided)")
            clock.advance(minutes: 6)
            let expired = String(decoding: other.get("/web/me/code/state").body, as: UTF8.self)
            #expect(expired.contains("\"state\":\"expired\""), "\(expired)")
        }

        @Test(arguments: StoreKind.allCases)
        func checkInOffersCheckOutAtTheTopAndAShortSpanAsksFirst(store: StoreKind) throws {
            let clock = Clock()
            let (box, site) = try Self.site(store, clock: clock)
            let organizer = ["JIFEN_ACTOR": "王队长"]
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start", "2026-12-01 10:00",
                        "--end", "2026-12-01 12:00",
                    ], env: organizer))
            let checkinCode = try #require(
                try box.jifen(["--json", "activity", "show", "A0001"], env: organizer)
                    .object["activity"].flatMap { ($0 as? [String: Any])?["checkin_code"] as? String })
            var phone = try Self.signedIn(site, box, as: "V0001")
            _ = phone.get("/web/checkin?activity=A0001&code=\(checkinCode)")
            let (answer, page) = phone.post("/web/checkin", ["activity": "A0001", "code": checkinCode])
            #expect(WebTests.header(answer, "Location") == ["/web/me"])
            let me = Self.html(page)
            #expect(me.contains("签到成功：探访独居老人（10:00）"))
            let duty = try #require(me.range(of: "正在服务：探访独居老人 10:00 签到"))
            let checkout = try #require(me.range(of: "id=\"checkout-A0001\""))
            let show = try #require(me.range(of: "id=\"show-code\""))
            #expect(
                duty.lowerBound < show.lowerBound && checkout.lowerBound < show.lowerBound,
                "签退 is at the top while she is checked in")

            clock.advance(minutes: 8)
            let (asked, question) = phone.post("/web/checkout", ["activity": "A0001"])
            #expect(WebTests.header(asked, "Location") == ["/web/checkout?activity=A0001"])
            #expect(
                Self.html(question).contains("只服务了 8 分钟") && Self.html(question).contains("id=\"checkout-confirm\""))
            let records = { try box.jifen(["--json", "hours", "list", "--volunteer", "V0001"], env: organizer).stdout }
            #expect(!(try records()).contains("A0001"), "nothing is recorded before she answers")
            let (_, done) = phone.post("/web/checkout", ["activity": "A0001", "confirm": "yes"])
            #expect(Self.html(done).contains("签退成功：探访独居老人"))
            #expect(!Self.html(done).contains("正在服务："), "checked out, the banner is gone")
            #expect(try records().contains("A0001"))
        }

        @Test func anOrdinarySpanChecksOutInOneTap() throws {
            let clock = Clock()
            let (box, site) = try Self.site(.sqlite, clock: clock)
            let organizer = ["JIFEN_ACTOR": "王队长"]
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start", "2026-12-01 10:00",
                        "--end", "2026-12-01 12:00",
                    ], env: organizer))
            let code = try #require(
                try box.jifen(["--json", "activity", "show", "A0001"], env: organizer)
                    .object["activity"].flatMap { ($0 as? [String: Any])?["checkin_code"] as? String })
            var phone = try Self.signedIn(site, box, as: "V0001")
            _ = phone.get("/web/me")
            _ = phone.post("/web/checkin", ["activity": "A0001", "code": code])
            clock.advance(minutes: 110)
            let (answer, page) = phone.post("/web/checkout", ["activity": "A0001"])
            #expect(WebTests.header(answer, "Location") == ["/web/me"])
            #expect(Self.html(page).contains("签退成功：探访独居老人，服务 1.8 小时"))
        }

        @Test func signingUpStaysAtTheItemAndNamesItAndMovementsNameThePeople() throws {
            let (box, site) = try Self.site(.sqlite)
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "社区义诊", "--start", "2026-12-05 09:00",
                        "--end", "2026-12-05 11:00",
                    ], env: ["JIFEN_ACTOR": "王队长"]))
            try expectOK(
                box.jifen(["grant", "V0002", "10", "--reason", "结转", "--key", "seed2"], env: ["JIFEN_ACTOR": "李主任"]))
            try expectOK(box.jifen(["--as", "V0002", "transfer", "V0002", "V0001", "5", "--memo", "谢谢"]))
            var phone = try Self.signedIn(site, box, as: "V0001")
            let me = Self.html(phone.get("/web/me"))
            #expect(me.contains("李志强 转来") && !me.contains("V0002 转来"), "movements name the person")
            let (answer, page) = phone.post("/web/me/join", ["activity": "A0001"])
            #expect(WebTests.header(answer, "Location") == ["/web/me#act-A0001"])
            let after = Self.html(page)
            #expect(after.contains("id=\"act-A0001\"") && after.contains("报名成功：社区义诊（12月5日 09:00）"))
        }

        /// Her new pages, and the organizer's slip, in both languages: no command, flag, code or bare id.
        @Test func theNewPagesSpeakPlainlyInBothLanguages() throws {
            let clock = Clock()
            let (box, site) = try Self.site(.sqlite, clock: clock)
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start", "2026-12-01 10:00",
                        "--end", "2026-12-01 12:00",
                    ], env: ["JIFEN_ACTOR": "王队长"]))
            try expectOK(box.jifen(["--as", "王队长", "checkin", "A0001", "V0001", "--at", "2026-12-01 10:00"]))
            clock.advance(minutes: 5)
            var leaks: [String] = []
            for (person, paths) in [
                ("V0001", ["/web/me", "/web/me/code", "/web/checkout?activity=A0001", "/web/signout"]),
                ("王队长", ["/web/team", "/web/team/slip"]),
            ] {
                var phone = try Self.signedIn(site, box, as: person)
                _ = phone.get("/web")
                _ = phone.post(person == "V0001" ? "/web/me/code" : "/web/team/enrol", ["volunteer": "V0001"])
                for language in ["zh-CN", "en"] {
                    for target in paths {
                        let (path, query) = Phone.split(target)
                        let answer = site.respond(
                            WebRequest(
                                method: "GET", path: path, query: query, cookies: phone.jar, acceptLanguage: language))
                        #expect(answer.status == 200, "\(person) \(target)")
                        let text = WebTests.PlainWordsTests.visibleText(WebTests.body(answer))
                        let found = WebTests.PlainWordsTests.internalWords(text)
                        if !found.isEmpty { leaks.append("\(person) \(language) \(target): \(found)") }
                    }
                }
            }
            #expect(leaks.isEmpty, "\(leaks)")
        }

        @Test func signingOutIsAtTheBottomBehindAQuestionAndTheOrganizerGetsHerBackWithAQRCode() throws {
            let (box, site) = try Self.site(.sqlite)
            var phone = try Self.signedIn(site, box, as: "V0001")
            let me = Self.html(phone.get("/web/me"))
            #expect(!me.contains("action=\"/web/signout\""), "no one-tap sign-out on her page")
            let link = try #require(me.range(of: "href=\"/web/signout\" id=\"signout\""))
            let main = try #require(me.range(of: "</main>"))
            #expect(link.lowerBound > main.lowerBound, "the way out is at the bottom")
            let question = Self.html(phone.get("/web/signout"))
            #expect(
                question.contains("不能再用来登录") && question.contains("组织者") && question.contains("action=\"/web/signout\"")
            )
            let (out, _) = phone.post("/web/signout")
            #expect(WebTests.header(out, "Location") == ["/web/signin"])
            #expect(phone.get("/web/me").status == 303, "signed out")

            var organizer = try Self.signedIn(site, box, as: "王队长")
            let team = Self.html(organizer.get("/web/team"))
            #expect(team.contains("action=\"/web/team/enrol\""))
            let (issued, slip) = organizer.post("/web/team/enrol", ["volunteer": "V0001"])
            #expect(WebTests.header(issued, "Location") == ["/web/team/slip"])
            let html = Self.html(slip)
            let r = try #require(html.range(of: "id=\"slip-code\">"))
            let code = String(html[r.upperBound...].prefix { $0 != "<" })
            // The QR opens sign-in with the code in the fragment (never sent to the server).
            let qr = QRCode.svg("https://jifen.example.org/web/signin#code=\(code)", label: "x", pixels: 300)
            let path = try #require(qr.range(of: " d=\""))
            #expect(
                html.contains(String(qr[path.lowerBound...].prefix { $0 != "/" })),
                "the slip's QR carries /web/signin#code=…")
            #expect(Self.html(organizer.get("/web/team/slip")).contains(code), "reloading the slip shows the same code")
            // Another team's organizer may not.
            var stranger = try Self.signedIn(site, box, as: "赵队长")
            _ = stranger.get("/web/team")
            let (_, refused) = stranger.post("/web/team/enrol", ["volunteer": "V0001"])
            #expect(Self.html(refused).contains("没有办成"))
            // Her phone scans it and is back, with no new paper.
            var back = Phone(site: site)
            _ = back.get("/web/signin")
            let (answer, _) = back.post("/web/signin", ["code": code])
            #expect(answer.status == 303 && back.get("/web/me").status == 200)
        }
    }
}
