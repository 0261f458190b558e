import Foundation
import JifenAPI
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

extension WebTests {
    /// The merchant's counter: today's redemptions and
    /// the open holds by the customer's name (only the merchant's own), a receipt page that opens
    /// again, and forms that answer with a redirect so reload and Back never post twice.
    @Suite(.serialized) struct Counter {
        /// A browser in process: keeps cookies (the credential, the flash) and follows redirects.
        struct Browser {
            let site: WebSite
            var cookies: [String: String]
            /// Redirects followed by the last `go`.
            var hops: [String] = []

            mutating func go(_ method: String, _ target: String, form: [String: String] = [:]) -> WebResponse {
                var method = method, target = target, form = form
                hops = []
                while true {
                    let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
                    let path = String(parts[0].split(separator: "#").first ?? "")
                    let query =
                        parts.count > 1 ? WebRequest.parseForm(String(parts[1].split(separator: "#").first ?? "")) : [:]
                    let answer = site.respond(
                        WebRequest(method: method, path: path, query: query, form: form, cookies: cookies))
                    for set in WebTests.header(answer, "Set-Cookie") {
                        let pair = set.split(separator: ";").first.map(String.init) ?? ""
                        let name = String(pair.prefix { $0 != "=" }),
                            value = String(pair.drop { $0 != "=" }.dropFirst())
                        if set.contains("Max-Age=0") || value.isEmpty {
                            cookies[name] = nil
                        } else {
                            cookies[name] = value
                        }
                    }
                    guard [301, 302, 303].contains(answer.status),
                        let location = WebTests.header(answer, "Location").first,
                        hops.count < 5
                    else { return answer }
                    hops.append(location)
                    method = "GET"; target = location; form = [:]
                }
            }

            /// Posts a form of the page at `page` with its token (nothing followed: the raw answer).
            mutating func post(
                _ path: String, from page: String, _ form: [String: String], follow: Bool = true
            ) throws -> WebResponse {
                let shown = go("GET", page)
                var fields = form
                fields["csrf"] = try WebTests.csrf(shown)
                if follow { return go("POST", path, form: fields) }
                return site.respond(WebRequest(method: "POST", path: path, form: fields, cookies: cookies))
            }
        }

        static let admin = ["JIFEN_ACTOR": "李主任"]

        /// The text of the page's refusal box.
        static func alert(_ html: String) -> String? {
            guard let start = html.range(of: "role=\"alert\">") else { return nil }
            let rest = html[start.upperBound...]
            return String(rest[..<(rest.range(of: "</div>")?.lowerBound ?? rest.endIndex)])
        }

        /// A pay code of V0001 at `now`.
        static func payCode(_ box: Sandbox, now: String = Sandbox.defaultNow) throws -> String {
            let run = try box.jifen(["--json", "code", "V0001"], env: ["JIFEN_ACTOR": "V0001", "JIFEN_NOW": now])
            try expectOK(run)
            return try #require(run.object["code"] as? String)
        }

        /// At M001: R001 yesterday, R002 today, R003 held today; at M002: R004 today.
        static func redemptions(_ box: Sandbox) throws {
            try expectOK(box.jifen(["offer", "add", "M002", "--title", "矿泉水一箱", "--points", "5"], env: admin))  // O002
            let yesterday = "2026-11-30 15:00"
            try expectOK(
                box.jifen(
                    ["redeem", "M001", "--code", payCode(box, now: yesterday), "--offer", "O001"],
                    env: ["JIFEN_ACTOR": "M001", "JIFEN_NOW": yesterday]))
            try expectOK(
                box.jifen(["redeem", "M001", "--code", payCode(box), "--offer", "O001"], env: ["JIFEN_ACTOR": "M001"]))
            try expectOK(
                box.jifen(
                    ["redeem", "M001", "--code", payCode(box), "--points", "12", "--hold"], env: ["JIFEN_ACTOR": "M001"]
                ))
            try expectOK(
                box.jifen(["redeem", "M002", "--code", payCode(box), "--offer", "O002"], env: ["JIFEN_ACTOR": "M002"]))
        }

        static func signedIn(_ site: WebSite, _ box: Sandbox, as person: String, staff: Bool = false) throws -> Browser
        {
            var args = ["--json", "credential", "issue", person, "--enrolment"]
            if staff { args.append("--staff") }
            let run = try box.jifen(args, env: admin)
            try expectOK(run)
            let (cookies, answer) = try WebTests.signIn(site, code: try #require(run.object["secret"] as? String))
            #expect(answer.status == 303)
            return Browser(site: site, cookies: cookies)
        }

        @Test(arguments: StoreKind.allCases)
        func theCountersListsShowTodaysRedemptionsAndOpenHoldsByNameAndOnlyItsOwn(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            try Self.redemptions(box)
            let app = try JifenApp.open(box.db, clock: { WebTests.now }, zone: TimeZone(identifier: "Asia/Shanghai")!)
            let staff = Principal("M001", role: .staff, credential: "C-staff")
            // Without her consent to sharing with merchants, the counter sees her masked name only.
            let unshared = try API.counter.call(app, staff, .init(merchant: "M001"))
            #expect(unshared.today.first?.customerName == "张*兰" && unshared.holds.first?.customerName == "张*兰")
            #expect(try API.redemption.call(app, staff, .init(redemption: 2)).customerName == "张*兰")
            try expectOK(
                box.jifen(
                    ["consent", "V0001", "--share", "yes", "--version", "2026-01"], env: ["JIFEN_ACTOR": "V0001"]))
            let lists = try API.counter.call(app, staff, .init(merchant: "M001"))
            #expect(lists.day == "2026-12-01")
            #expect(
                lists.today.map(\.redemption.label) == ["R002"],
                "today's only, the merchant's own, not the hold: \(lists.today)")
            #expect(lists.today.first?.customerName == "张桂兰" && lists.today.first?.offerTitle == "理发一次")
            #expect(lists.today.first?.refundable == 30 && lists.today.first?.refunded == 0)
            #expect(lists.holds.map(\.redemption.label) == ["R003"] && lists.holds.first?.customerName == "张桂兰")
            #expect(lists.holds.first?.holdExpiresAtMillis != nil)
            let past = try API.counter.call(app, staff, .init(merchant: "M001", day: "2026-11-30"))
            #expect(past.today.map(\.redemption.label) == ["R001"])
            // Staff of M001 see nothing of M002's; neither does a volunteer of any merchant.
            #expect(throws: JifenError.self) { try API.counter.call(app, staff, .init(merchant: "M002")) }
            #expect(throws: JifenError.self) {
                try API.counter.call(
                    app, Principal("V0001", role: .volunteer, credential: "C-v"), .init(merchant: "M001"))
            }
            do {
                _ = try API.redemption.call(app, staff, .init(redemption: 4))
                Issue.record("M002's receipt was shown to M001's staff")
            } catch let error as JifenError {
                #expect(error.code == .unknownID, "someone else's receipt is missing, not forbidden: \(error)")
            }
            // A hold past its timeout (3 days) is gone from the list before expiry has run.
            let late = try JifenApp.open(
                box.db, clock: { WebTests.now.addingTimeInterval(4 * 86_400) },
                zone: TimeZone(identifier: "Asia/Shanghai")!)
            #expect(try API.counter.call(late, staff, .init(merchant: "M001")).holds.isEmpty)
            // A refund shows in the list; a picked-up hold leaves the holds.
            _ = try API.refund.call(app, staff, .init(redemption: 2, points: 10, reason: "少剪了刘海"))
            _ = try API.pickup.call(app, staff, .init(redemption: 3))
            let after = try API.counter.call(app, staff, .init(merchant: "M001"))
            let r2 = try #require(after.today.first { $0.redemption.label == "R002" })
            #expect(r2.refunded == 10 && r2.refundable == 20)
            #expect(
                after.holds.isEmpty && after.today.map(\.redemption.label) == ["R003", "R002"],
                "\(after.today.map(\.redemption.label))")
        }

        @Test func staffSeeOnlyTheirMerchantsListsAndReceiptsThroughTheServer() throws {
            let box = try ServerTests.community()
            try Self.redemptions(box)
            let staff = try ServerTests.token(box, for: "M001", staff: true)
            let server = try ServerProcess(box)
            defer { server.stop() }
            let own = try http("GET", server.base + "/v1/merchants/M001/counter", token: staff)
            // No consent to sharing: her masked name, never her name or phone.
            #expect(own.status == 200 && own.text.contains("张*兰") && own.text.contains("\"holds\""), "\(own)")
            #expect(!own.text.contains("张桂兰") && !own.text.contains("13800001234"), "\(own)")
            #expect(try http("GET", server.base + "/v1/merchants/M002/counter", token: staff).status == 403)
            #expect(try http("GET", server.base + "/v1/redemptions/2", token: staff).status == 200)
            let other = try http("GET", server.base + "/v1/redemptions/4", token: staff)
            #expect(other.status == 404 && other.object["code"] as? String == "unknown-id", "\(other)")
        }

        @Test func theCounterPageListsByNameAndTheReceiptPageOpensAgainOnlyForItsMerchant() throws {
            let (box, site, _) = try WebTests.site()
            try Self.redemptions(box)
            var clerk = try Self.signedIn(site, box, as: "M001", staff: true)
            let page = clerk.go("GET", "/web/counter")
            let html = WebTests.body(page)
            #expect(page.status == 200)
            #expect(
                html.contains("href=\"/web/counter/receipt/R002\"") && html.contains("张*兰") && !html.contains("张桂兰"),
                "today's redemption, by her masked name (no consent to sharing), tap to open")
            #expect(
                !html.contains("receipt/R001") && !html.contains("R004") && !html.contains("矿泉水"),
                "not yesterday's, not another merchant's")
            #expect(
                html.contains("id=\"hold-R003\"") && html.contains("action=\"/web/counter/pickup\"")
                    && html.contains("formaction=\"/web/counter/release\""))
            #expect(
                html.contains("data-scan=\"f-code\" hidden"),
                "the scan button starts hidden; the script shows it where it can scan")
            // The receipt opens (and opens again: reload) for its merchant ...
            for _ in 0..<2 {
                let receipt = clerk.go("GET", "/web/counter/receipt/R002")
                #expect(receipt.status == 200 && WebTests.body(receipt).contains("id=\"receipt-customer\">张*兰"))
                #expect(WebTests.body(receipt).contains("action=\"/web/counter/refund\""))
            }
            // ... found by its number ...
            _ = clerk.go("GET", "/web/counter/receipt?r=r2")
            #expect(clerk.hops == ["/web/counter/receipt/R002"])
            // ... and another merchant's, a missing one or nonsense is an HTML page saying so (404).
            for path in ["/web/counter/receipt/R004", "/web/counter/receipt/R099", "/web/counter/receipt/xyz"] {
                let missing = clerk.go("GET", path)
                #expect(missing.status == 404, "\(path)")
                #expect(WebTests.header(missing, "Content-Type").first?.hasPrefix("text/html") == true)
                #expect(WebTests.body(missing).contains("没有这张收据") && !WebTests.body(missing).contains("矿泉水"), "\(path)")
            }
        }

        @Test func everyCounterFormAnswersWithARedirectAndADoubleTapRedeemsOnce() throws {
            let (box, site, _) = try WebTests.site()
            var clerk = try Self.signedIn(site, box, as: "M001")
            // The code is checked on a page the browser reached by GET: Back and reload never resubmit.
            let code = try Self.payCode(box)
            let first = try clerk.post(
                "/web/counter/confirm", from: "/web/counter", ["code": code, "offer": "O001"], follow: false)
            #expect(first.status == 303 && WebTests.header(first, "Location") == ["/web/counter/check"])
            let check = try clerk.post("/web/counter/confirm", from: "/web/counter", ["code": code, "offer": "O001"])
            #expect(clerk.hops == ["/web/counter/check"] && check.status == 200)
            let checkHTML = WebTests.body(check)
            #expect(checkHTML.contains("id=\"confirm-title\">理发一次") && checkHTML.contains("id=\"confirm-points\">30 分"))
            let key = try #require(
                checkHTML.range(of: "name=\"key\" value=\"").map {
                    String(checkHTML[$0.upperBound...].prefix { $0 != "\"" })
                })
            // A reload of the check (within the flash's two minutes) shows the same check, with the same key.
            let reloaded = clerk.go("GET", "/web/counter/check")
            #expect(reloaded.status == 200 && WebTests.body(reloaded).contains("name=\"key\" value=\"\(key)\""))
            let form = ["csrf": try WebTests.csrf(check), "code": code, "offer": "O001", "points": "", "key": key]
            // Two taps on 确认: one redemption, both land on its receipt.
            var second = clerk
            let a = clerk.go("POST", "/web/counter/redeem", form: form)
            let b = second.go("POST", "/web/counter/redeem", form: form)
            #expect(
                clerk.hops == ["/web/counter/receipt/R001"] && second.hops == ["/web/counter/receipt/R001"],
                "\(clerk.hops) \(second.hops)")
            #expect(a.status == 200 && b.status == 200 && WebTests.body(a).contains("兑换成功"))
            #expect(try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int == 70)
            // Reload of the receipt: the page again, the notice said once.
            let again = clerk.go("GET", "/web/counter/receipt/R001")
            #expect(
                again.status == 200 && !WebTests.body(again).contains("兑换成功")
                    && WebTests.body(again).contains("id=\"receipt\">R001"))
            // Back to the used check page: nothing to confirm again, the counter's form instead, said so.
            let back = clerk.go("GET", "/web/counter/check")
            #expect(
                back.status == 200 && WebTests.body(back).contains("没有待核对的兑换")
                    && !WebTests.body(back).contains("id=\"confirm\""))

            // A refused code says why in words a person reads, and keeps what was typed.
            let checked = try clerk.post(
                "/web/counter/redeem", from: "/web/counter",
                ["code": "123456", "offer": "O001", "key": "web-test-wrong"])
            let refusedHTML = WebTests.body(checked)
            #expect(clerk.hops == ["/web/counter"] && checked.status == 200, "\(clerk.hops)")
            #expect(refusedHTML.contains("role=\"alert\"") && refusedHTML.contains("出示付款码"))
            #expect(
                refusedHTML.contains("id=\"f-code\" name=\"code\" type=\"text\" value=\"123456\""),
                "the typed code is kept")
            let said = try #require(Self.alert(refusedHTML))
            #expect(
                !said.contains("jifen ") && !said.contains("--") && !said.contains("M001"),
                "no command, flag or bare id at the counter: \(said)")
            let malformed = try clerk.post(
                "/web/counter/redeem", from: "/web/counter", ["code": "12345", "offer": "O001", "key": "web-test-bad"])
            #expect(WebTests.body(malformed).contains("出示付款码") && !WebTests.body(malformed).contains("jifen code"))
            #expect(try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int == 70)

            // A refund from the receipt (reason chosen, not typed), twice tapped: once.
            let receipt = clerk.go("GET", "/web/counter/receipt/R001")
            let refundKey = try #require(
                WebTests.body(receipt).range(of: "name=\"key\" value=\"").map {
                    String(WebTests.body(receipt)[$0.upperBound...].prefix { $0 != "\"" })
                })
            let refundForm = [
                "csrf": try WebTests.csrf(receipt), "redemption": "R001", "points": "10", "why": "顾客不要了", "reason": "",
                "key": refundKey,
            ]
            _ = clerk.go("POST", "/web/counter/refund", form: refundForm)
            let refunded = clerk.go("POST", "/web/counter/refund", form: refundForm)
            #expect(
                clerk.hops == ["/web/counter/receipt/R001"]
                    && WebTests.body(refunded).contains("id=\"receipt-refunded\""))
            #expect(try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int == 80)
            // A hold handed over from the list.
            try expectOK(
                box.jifen(
                    ["redeem", "M001", "--code", Self.payCode(box), "--points", "12", "--hold"],
                    env: ["JIFEN_ACTOR": "M001"]))
            let handed = try clerk.post("/web/counter/pickup", from: "/web/counter", ["redemption": "R002"])
            #expect(
                clerk.hops == ["/web/counter"] && WebTests.body(handed).contains("已交付")
                    && !WebTests.body(handed).contains("id=\"hold-R002\""))
            #expect(try box.jifen(["--json", "balance", "V0001"]).object["balance"] as? Int == 68)
        }
    }
}
