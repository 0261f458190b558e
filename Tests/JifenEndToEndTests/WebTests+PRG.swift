import Foundation
import JifenCore
import JifenTestSupport
import JifenWeb
import Testing

/// Post/redirect/get: a form is answered with a 303, the next page says what happened once, and
/// reopening any address under /web gives a page, never JSON and never a form posted again.
extension WebTests {
    @Suite(.serialized) struct PRG {
        @Test func aFormsNoticeIsShownOnceOnTheNextPageAndAForgedOneIsIgnored() throws {
            let (box, site, _) = try WebTests.site()
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "V0001"))
            let page = site.respond(WebRequest(method: "GET", path: "/web/me", cookies: cookies))
            let answer = site.respond(
                WebRequest(
                    method: "POST", path: "/web/me/join",
                    form: ["csrf": try WebTests.csrf(page), "activity": "A0001"], cookies: cookies))
            #expect(answer.status == 303)
            let flash = try #require(WebTests.cookie(answer, "jf_flash"))
            #expect(flash.contains("HttpOnly") && flash.contains("SameSite=Strict") && flash.contains("Max-Age=120"))
            let next = WebTests.follow(site, answer, cookies: cookies)
            #expect(next.status == 200)
            #expect(WebTests.body(next).contains("class=\"notice"), "the notice is on the next page")
            #expect(
                WebTests.cookie(next, "jf_flash")?.contains("Max-Age=0") == true,
                "and cleared: a reload does not show it again")
            // The same flash under another session's secret, or altered, shows nothing.
            let (other, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "V0002"))
            var stolen = other
            stolen["jf_flash"] = WebTests.value(flash)
            #expect(
                !WebTests.body(site.respond(WebRequest(method: "GET", path: "/web/me", cookies: stolen))).contains(
                    "class=\"notice"))
            var altered = cookies
            altered["jf_flash"] = "eyJub3RpY2UiOiI8c2NyaXB0PiJ9." + String(repeating: "0", count: 32)
            let forged = WebTests.body(site.respond(WebRequest(method: "GET", path: "/web/me", cookies: altered)))
            #expect(!forged.contains("<script>\"") && !forged.contains("class=\"notice"))
        }

        @Test func reopeningAFormsAddressOrAnUnknownOneGivesAPageNeverJSON() throws {
            let (box, site, _) = try WebTests.site()
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "V0001"))
            for path in ["/web/me/join", "/web/me/dispute", "/web/counter/refund", "/web/team/approve"] {
                let answer = site.respond(WebRequest(method: "GET", path: path, cookies: cookies))
                #expect(answer.status == 303 && WebTests.header(answer, "Location") == ["/web"], "\(path)")
            }
            for language in ["zh-CN", "en"] {
                let answer = site.respond(
                    WebRequest(method: "GET", path: "/web/no/such/page", cookies: cookies, acceptLanguage: language))
                #expect(answer.status == 404)
                #expect(WebTests.header(answer, "Content-Type") == ["text/html; charset=utf-8"])
                #expect(WebTests.body(answer).contains(language == "en" ? "Back to the start" : "返回首页"))
            }
            // Not signed in: an unknown address is a 404 page too, a known one asks to sign in.
            #expect(site.respond(WebRequest(method: "GET", path: "/web/nothing")).status == 404)
            #expect(
                WebTests.header(site.respond(WebRequest(method: "GET", path: "/web/me")), "Location") == ["/web/signin"]
            )
        }

        /// 大字 is a choice of the device, like the language: a link that comes back to the page.
        @Test func largeTextIsRememberedOnTheDeviceAndComesBackToThePage() throws {
            let (box, site, _) = try WebTests.site()
            var (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "V0001"))
            let normal = WebTests.body(site.respond(WebRequest(method: "GET", path: "/web/me", cookies: cookies)))
            #expect(
                !normal.contains("<html lang=\"zh-CN\" class=\"large\">")
                    && normal.contains("/web/size?to=large&amp;back=%2Fweb%2Fme"))
            let answer = site.respond(
                WebRequest(
                    method: "GET", path: "/web/size", query: ["to": "large", "back": "/web/me"], cookies: cookies))
            #expect(answer.status == 303 && WebTests.header(answer, "Location") == ["/web/me"])
            let set = try #require(WebTests.cookie(answer, "jf_size"))
            #expect(set.contains("Max-Age=31536000"))
            cookies["jf_size"] = WebTests.value(set)
            let large = WebTests.body(site.respond(WebRequest(method: "GET", path: "/web/me", cookies: cookies)))
            #expect(large.contains("<html lang=\"zh-CN\" class=\"large\">") && large.contains("/web/size?to=normal"))
            // Another site cannot send her off it through the switch.
            let away = site.respond(
                WebRequest(
                    method: "GET", path: "/web/size", query: ["to": "large", "back": "https://evil.example"],
                    cookies: cookies))
            #expect(WebTests.header(away, "Location") == ["/web"])
        }

        @Test func theRealServerAnswersEveryWebAddressWithHTML() throws {
            let box = try ServerTests.community()
            let server = try ServerProcess(box)
            defer { server.stop() }
            for path in ["/web/nope", "/web/a/b/c", "/web/me/code/x"] {
                let answer = try http("GET", server.base + path)
                #expect(answer.status == 404 && answer.headers["content-type"] == "text/html; charset=utf-8", "\(path)")
            }
            let large = try http("POST", server.base + "/web/signin", rawJSON: String(repeating: "a", count: 70 * 1024))
            #expect(
                large.status == 413 && large.headers["content-type"] == "text/html; charset=utf-8",
                "\(large.status) \(large.headers)")
        }
    }
}
