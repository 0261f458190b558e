import Foundation
import JifenApp
import JifenCore
import JifenServer
import JifenTestSupport
import JifenWeb
import Testing

extension WebTests {
    /// Printed paper and the organizer's pages: the poster and the notice
    /// laid out for one A4 page with a print button, the notice's publicity period and where to
    /// object, the certificate in the page with one number until a new one is asked for; the
    /// organizer's own teams with counts, "approve all of this activity" through the same rule per
    /// record, staying in place after each decision, and review reasons in words.
    /// (The browser test scripts/lib/web/paper.py prints them to PDF and counts the pages.)
    @Suite(.serialized) struct Paper {
        static let organizer = ["JIFEN_ACTOR": "王队长"], admin = ["JIFEN_ACTOR": "李主任"]

        /// The server tests' community with activities: A0001 (T01) with hours waiting for V0001 and
        /// V0002, A0002 (T02) with hours waiting for V0003, A0003 (T01) where 王队长 gave V0001's
        /// times herself, one minute apart (a record flagged for review).
        static func site(_ kind: StoreKind = .sqlite) throws -> (Sandbox, WebSite) {
            let box = try ServerTests.community(kind)
            for (actor, step) in [
                (
                    "王队长",
                    [
                        "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start", "2026-12-01 10:00",
                        "--end", "2026-12-01 12:00", "--place", "活动室",
                    ]
                ),
                (
                    "赵队长",
                    [
                        "activity", "post", "--team", "T02", "--title", "夜间巡逻", "--start", "2026-12-01 19:00", "--end",
                        "2026-12-01 21:00", "--place", "北门",
                    ]
                ),
                (
                    "王队长",
                    [
                        "activity", "post", "--team", "T01", "--title", "社区义诊", "--start", "2026-12-01 10:00", "--end",
                        "2026-12-01 12:00", "--place", "广场",
                    ]
                ),
                ("王队长", ["hours", "add", "A0001", "V0001", "--minutes", "90"]),
                ("王队长", ["hours", "add", "A0001", "V0002", "--minutes", "120"]),
                ("赵队长", ["hours", "add", "A0002", "V0003", "--minutes", "60"]),
                ("王队长", ["activity", "join", "A0003", "V0001"]),
                ("王队长", ["checkin", "A0003", "V0001", "--at", "2026-12-01 10:00"]),
                ("王队长", ["checkout", "A0003", "V0001", "--at", "2026-12-01 10:01"]),
            ] {
                try expectOK(box.jifen(step, env: ["JIFEN_ACTOR": actor]))
            }
            let app = try JifenApp.open(box.db, clock: { WebTests.now }, zone: TimeZone(identifier: "Asia/Shanghai")!)
            return (box, WebSite(app: app, guardian: SignInGuard(), status: { JifenServer.status($0) }))
        }

        static func get(
            _ site: WebSite, _ path: String, _ cookies: [String: String], query: [String: String] = [:],
            english: Bool = false
        ) -> WebResponse {
            site.respond(
                WebRequest(
                    method: "GET", path: path, query: query, cookies: cookies, acceptLanguage: english ? "en" : "zh-CN")
            )
        }

        /// Posts a form from `from` (its token) and follows the redirect as a browser would, with the
        /// cookies the answer set (the one-time message): the redirect and the page it leads to.
        static func post(
            _ site: WebSite, _ path: String, _ form: [String: String], from: WebResponse,
            _ cookies: [String: String]
        ) throws -> (answer: WebResponse, location: String, page: String) {
            var fields = form
            fields["csrf"] = try WebTests.csrf(from)
            let answer = site.respond(WebRequest(method: "POST", path: path, form: fields, cookies: cookies))
            let location = WebTests.header(answer, "Location").first ?? ""
            var next = cookies
            for set in WebTests.header(answer, "Set-Cookie") {
                let pair = set.split(separator: ";").first.map(String.init) ?? ""
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { next[parts[0]] = parts[1] }
            }
            let target = location.split(separator: "#").first.map(String.init) ?? ""
            let pathPart = target.split(separator: "?").first.map(String.init) ?? target
            var query: [String: String] = [:]
            if let q = target.split(separator: "?", maxSplits: 1).dropFirst().first {
                for item in q.split(separator: "&") {
                    let kv = item.split(separator: "=", maxSplits: 1).map {
                        String($0).removingPercentEncoding ?? String($0)
                    }
                    if kv.count == 2 { query[kv[0]] = kv[1] }
                }
            }
            let page =
                location.isEmpty
                ? ""
                : WebTests.body(site.respond(WebRequest(method: "GET", path: pathPart, query: query, cookies: next)))
            return (answer, location, page)
        }

        static func records(_ box: Sandbox, _ volunteer: String) throws -> [[String: Any]] {
            let run = try box.jifen(["--json", "records", volunteer], env: admin)
            expectOK(run)
            return (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]) ?? []
        }

        static func status(_ box: Sandbox, _ volunteer: String, activity: String) throws -> [String] {
            try records(box, volunteer).compactMap { row in
                let record = (row["record"] as? [String: Any]) ?? row
                return record["activity"] as? String == activity ? record["status"] as? String : nil
            }
        }

        static func balance(_ box: Sandbox, _ account: String) throws -> Int? {
            try box.jifen(["--json", "balance", account], env: admin).object["balance"] as? Int
        }

        /// Words a person must never read.
        static let internalWords = ["jifen ", "--", "review:", "short-span", "corrected-time", "list 命令"]

        @Test(arguments: StoreKind.allCases)
        func theOrganizerSeesHerOwnTeamsWithCountsAndApprovesAllOfAnActivityThroughTheSameRulePerRecord(
            _ kind: StoreKind
        ) throws {
            let (box, site) = try Self.site(kind)
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "王队长"))
            let desk = Self.get(site, "/web/team", cookies)
            let html = WebTests.body(desk)
            #expect(desk.status == 200)
            // Her team's activities, with counts; not the other team's, nor its volunteer's hours.
            #expect(
                html.contains("id=\"act-A0001\"") && html.contains("id=\"act-A0003\"")
                    && !html.contains("id=\"act-A0002\""), "\(html)")
            #expect(!html.contains("陈小红") && !html.contains("夜间巡逻"))
            #expect(
                html.contains("报名 <strong>1</strong>") && html.contains("已签到 <strong>1</strong>"),
                "A0003: one signed up, checked in")
            // Approve all: one confirmation naming the two pending records, not the flagged one.
            #expect(html.contains("本活动全部通过（2 条）") && html.contains("value=\"H0000001,H0000002\""), "\(html)")
            for words in Self.internalWords { #expect(!html.contains(words), "\(words)") }
            let before = (try Self.balance(box, "V0001") ?? 0, try Self.balance(box, "V0002") ?? 0)
            let all = try Self.post(
                site, "/web/team/approve-all", ["activity": "A0001", "records": "H0000001,H0000002"], from: desk,
                cookies)
            #expect(all.answer.status == 303 && all.location == "/web/team#act-A0001", "\(all.location)")
            #expect(
                all.page.contains("已全部通过「探访独居老人」的 2 条") && all.page.contains("张桂兰") && all.page.contains("李志强"),
                "\(all.page)")
            // The CLI witnesses: both approved, each earned once (90 and 120 minutes at 10 points an hour).
            #expect(try Self.status(box, "V0001", activity: "A0001") == ["approved"])
            #expect(try Self.status(box, "V0002", activity: "A0001") == ["approved"])
            #expect(try Self.balance(box, "V0001") == before.0 + 15 && Self.balance(box, "V0002") == before.1 + 20)
            // Sent again (Back and resubmit): refused, nothing earned twice.
            let again = try Self.post(
                site, "/web/team/approve-all", ["activity": "A0001", "records": "H0000001,H0000002"], from: desk,
                cookies)
            #expect(again.answer.status == 303 && again.page.contains("role=\"alert\""))
            #expect(try Self.balance(box, "V0001") == before.0 + 15)
            // Another team's record slipped into the form: refused by the per-record rule, still waiting.
            let forged = try Self.post(
                site, "/web/team/approve-all", ["activity": "A0002", "records": "H0000003"], from: desk, cookies)
            #expect(forged.answer.status == 303 && forged.page.contains("role=\"alert\""), "\(forged.page)")
            #expect(try Self.status(box, "V0003", activity: "A0002") == ["pending"])
            // The admin's desk holds every team.
            let (adminCookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "李主任"))
            let every = WebTests.body(Self.get(site, "/web/team", adminCookies))
            #expect(every.contains("id=\"act-A0002\"") && every.contains("陈小红"), "\(every)")
        }

        @Test func approvingOneStaysAtItsActivityNamesTheVolunteerAndTheReasonReadsInWords() throws {
            let (box, site) = try Self.site()
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "王队长"))
            for english in [false, true] {
                let html = WebTests.body(Self.get(site, "/web/team", cookies, english: english))
                #expect(!html.contains("review:") && !html.contains("short-span"), "\(html)")
                #expect(html.contains(english ? "below 60% of the planned 120 min" : "不足计划 120 分钟的 60%"), "\(html)")
            }
            let desk = Self.get(site, "/web/team", cookies)
            let one = try Self.post(site, "/web/team/approve", ["record": "H0000001"], from: desk, cookies)
            #expect(
                one.answer.status == 303 && one.location == "/web/team#rec-H0000002",
                "the next record of the same activity: \(one.location)")
            #expect(one.page.contains("已通过：张桂兰 12月1日 1.5 小时，得到 15 分。"), "\(one.page)")
            let last = try Self.post(site, "/web/team/approve", ["record": "H0000002"], from: desk, cookies)
            #expect(last.location == "/web/team#act-A0001", "none left: the activity itself: \(last.location)")
            #expect(last.page.contains("李志强"))
            let rejected = try Self.post(
                site, "/web/team/reject", ["record": "H0000004", "reason": "没有到场"], from: desk, cookies)
            #expect(rejected.answer.status == 303 && rejected.location == "/web/team#act-A0003", "\(rejected.location)")
            #expect(rejected.page.contains("已标为不通过：张桂兰"), "\(rejected.page)")
            #expect(try Self.status(box, "V0001", activity: "A0003") == ["rejected"])
        }

        @Test func thePosterIsLaidOutForOneA4PageWithAPrintButtonAndAQRThatOpensTheCheckIn() throws {
            let (box, site) = try Self.site()
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "王队长"))
            let poster = Self.get(site, "/web/poster", cookies, query: ["activity": "A0001"])
            let html = WebTests.body(poster)
            #expect(poster.status == 200)
            #expect(html.contains("data-print") && html.contains("class=\"digits poster-code\""), "\(html)")
            let code = try #require(
                html.range(of: "id=\"poster-code\">").map { String(html[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(code.count == 6 && html.contains("签到码 \(code)"), "the QR's name says the code")
            #expect(!html.contains("<script>") && html.range(of: #" on[a-z]+=""#, options: .regularExpression) == nil)
            // The print sheet: A4, a 9 cm QR, code digits 30 mm tall (20 mm and more of ink), and the print button's script.
            func linked(_ prefix: String) throws -> String {
                let range = try #require(html.range(of: prefix))
                let path = "/static/jifen-" + html[range.upperBound...].prefix { $0 != "\"" }
                return WebTests.body(site.respond(WebRequest(method: "GET", path: path)))
            }
            let sheet = try linked("href=\"/static/jifen-")
            #expect(
                sheet.contains("@page{size:A4") && sheet.contains(".poster .qr{width:90mm;height:90mm")
                    && sheet.contains(".poster .digits{font-size:30mm"))
            #expect(try linked("src=\"/static/jifen-").contains("window.print()"))
            for words in Self.internalWords { #expect(!html.contains(words), "\(words)") }
            // Another team's poster: its code is not shown.
            let other = Self.get(site, "/web/poster", cookies, query: ["activity": "A0002"])
            #expect(other.status == 403 && !WebTests.body(other).contains("poster-code"))
        }

        @Test func theNoticeNamesTheCommunityTheMonthThePublicityPeriodWhereToObjectAndHasALineToSign() throws {
            let (box, site) = try Self.site()
            try expectOK(
                box.jifen(["config", "set", "notice.objection_contact", "玫瑰园社区居委会 010-5555-0100"], env: Self.admin))
            try expectOK(box.jifen(["config", "set", "notice.publicity_days", "10"], env: Self.admin))
            #expect(
                try box.jifen(["config", "set", "notice.publicity_days", "0"], env: Self.admin).status != 0,
                "a period of no days is refused")
            // Twelve teams with points this month: the team table is cut into pages of ten.
            for i in 3...12 {
                try expectOK(box.jifen(["team", "add", "--name", "第\(i)队"], env: Self.admin))
                let team = String(format: "T%02d", i)
                let added = try box.jifen(
                    [
                        "--json", "volunteer", "add", "--name", "队员\(i)", "--phone",
                        "1380000\(String(format: "%04d", i))", "--team", team,
                    ], env: Self.admin)
                expectOK(added)
                let id = try #require(added.object["id"] as? String)
                try expectOK(box.jifen(["grant", id, "5", "--reason", "结转", "--key", "notice-\(i)"], env: Self.admin))
            }
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "李主任"))
            let notice = Self.get(site, "/web/notice", cookies, query: ["month": "2026-12"])
            let html = WebTests.body(notice)
            #expect(notice.status == 200)
            #expect(html.contains("玫瑰园社区 2026年12月 志愿服务积分公示"), "\(html)")
            #expect(html.contains("公示期：2026年12月1日 至 2026年12月10日（10 天）"), "\(html)")
            #expect(html.contains("玫瑰园社区居委会 010-5555-0100") && html.contains("负责人签字") && html.contains("data-print"))
            let tables = html.components(separatedBy: "<table class=\"keep teams").dropFirst()
            #expect(
                tables.count == 2 && tables.dropFirst().allSatisfy { $0.hasPrefix(" next-page") }, "\(tables.count)")
            #expect(
                tables.allSatisfy {
                    $0.components(separatedBy: "</table>")[0].components(separatedBy: "<tr><td>").count - 1 <= 10
                })
            for words in Self.internalWords { #expect(!html.contains(words), "\(words)") }
            let english = WebTests.body(
                Self.get(site, "/web/notice", cookies, query: ["month": "2026-12"], english: true))
            #expect(english.contains("Posted from 1 December 2026 to 10 December 2026 (10 days)"), "\(english)")
            // Without the setting: the community office, in the reader's language.
            try expectOK(box.jifen(["config", "set", "notice.objection_contact", "社区居委会办公室"], env: Self.admin))
            #expect(
                WebTests.body(Self.get(site, "/web/notice", cookies, query: ["month": "2026-12"], english: true))
                    .contains("the community office"))
        }

        @Test(arguments: StoreKind.allCases)
        func theCertificateIsShownInThePageAndKeepsItsNumberUntilSheAsksForANewOne(_ kind: StoreKind) throws {
            let (box, site) = try Self.site(kind)
            try expectOK(box.jifen(["hours", "approve", "H0000001"], env: Self.organizer))
            let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "V0001"))
            let empty = Self.get(site, "/web/me/certificate", cookies)
            #expect(empty.status == 200 && !WebTests.body(empty).contains("id=\"cert-number\""))
            // The first one is issued and shown in the page, not downloaded.
            let first = try Self.post(site, "/web/me/certificate", ["again": "1"], from: empty, cookies)
            #expect(first.answer.status == 303 && first.location == "/web/me/certificate")
            #expect(WebTests.header(first.answer, "Content-Disposition").isEmpty)
            let number = try #require(
                first.page.range(of: "id=\"cert-number\">").map {
                    String(first.page[$0.upperBound...].prefix { $0 != "<" })
                })
            #expect(
                first.page.contains("已开出服务证明，编号 \(number)") && first.page.contains("探访独居老人")
                    && first.page.contains("1.50"), "\(first.page)")
            #expect(first.page.contains("data-print") && first.page.contains("重新开一份"))
            for words in Self.internalWords { #expect(!first.page.contains(words), "\(words)") }
            // Reopened, or the old button pressed again: the same number.
            let shown = Self.get(site, "/web/me/certificate", cookies)
            #expect(WebTests.body(shown).contains("id=\"cert-number\">\(number)<"))
            let pressed = try Self.post(site, "/web/me/certificate", [:], from: shown, cookies)
            #expect(pressed.page.contains("id=\"cert-number\">\(number)<"), "\(pressed.page)")
            // Only "重新开一份" makes a new number; the old one still checks out.
            let again = try Self.post(site, "/web/me/certificate", ["again": "1"], from: shown, cookies)
            let newer = try #require(
                again.page.range(of: "id=\"cert-number\">").map {
                    String(again.page[$0.upperBound...].prefix { $0 != "<" })
                })
            #expect(newer != number)
            let code = try #require(
                first.page.range(of: "class=\"cert-code\">").map {
                    String(first.page[$0.upperBound...].prefix { $0 != "<" })
                })
            try expectOK(box.jifen(["certificate", "verify", code], env: Self.admin))
        }
    }
}
