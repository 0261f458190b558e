import Foundation
import JifenCore
import JifenTestSupport
import JifenWeb
import Testing

/// No internal words reach people: no command (`jifen …`), flag (`--as`), internal code
/// (`review:…`) or bare volunteer id where a name exists, on any page or in any message a page shows.
extension WebTests {
    @Suite(.serialized) struct PlainWordsTests {
        /// The text a person reads on a page: the HTML without its tags, attributes and the script.
        static func visibleText(_ html: String) -> String {
            html.replacingOccurrences(of: "<title>[^<]*</title>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">")
        }

        static func internalWords(_ text: String) -> [String] {
            var found = PlainWords.internalTokens.filter { text.contains($0) }
            if let id = text.range(of: #"(?<![A-Za-z0-9])V\d{4}(?![0-9])"#, options: .regularExpression) {
                found.append(String(text[id]))
            }
            return found
        }

        /// Every message the ledger, the app and the pages can show (each `zh:`/`en:` literal in the
        /// sources), as a page shows it.
        @Test func everyMessageAsAPageShowsItHasNoInternalWord() throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("Sources")
            var messages: [(String, Bool)] = []
            let literal = try NSRegularExpression(pattern: #"\b(zh|en): "((?:[^"\\\n]|\\.)*)""#)
            for module in ["JifenCore", "JifenApp", "JifenAPI", "JifenWeb"] {
                let folder = root.appendingPathComponent(module)
                for case let file as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
                where file.pathExtension == "swift" {
                    let source = try String(contentsOf: file, encoding: .utf8)
                    for match in literal.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                        let language = String(source[Range(match.range(at: 1), in: source)!])
                        messages.append((String(source[Range(match.range(at: 2), in: source)!]), language == "en"))
                    }
                }
            }
            #expect(messages.count > 500, "the sources' messages are found (\(messages.count))")
            var leaks: [String] = []
            for (text, english) in messages where !text.isEmpty {
                let shown = PlainWords.forPeople(text, english: english)
                if PlainWords.hasInternalWord(shown) || shown.isEmpty { leaks.append("\(text) → \(shown)") }
            }
            #expect(leaks.isEmpty, "\(leaks.prefix(10))")
            // What the pages said before, said for people now.
            #expect(
                PlainWords.forPeople("李主任 无权通过记录。请以管理员或有权限的身份（--as）操作。", english: false) == "李主任 无权通过记录。请以管理员或有权限的身份操作。"
            )
            #expect(PlainWords.forPeople("找不到服务记录 H9。请用 list 命令查看已有的编号。", english: false) == "找不到服务记录 H9。")
        }

        /// Every page each person opens, in both languages.
        @Test func everyPageInBothLanguagesHasNoInternalWord() throws {
            let (box, site, _) = try WebTests.site()
            // A record the organizer must check (a one-minute span: review), and a gift between volunteers.
            for step in [
                [
                    "--as", "王队长", "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start",
                    "2026-11-20 10:00",
                    "--end", "2026-11-20 12:00", "--place", "活动室",
                ],
                ["--as", "王队长", "hours", "add", "A0001", "V0002", "--minutes", "1", "--note", "补录"],
                ["--as", "V0001", "transfer", "V0001", "V0002", "5", "--memo", "谢谢"],
            ] {
                try expectOK(box.jifen(step, env: ["JIFEN_ACTOR": "李主任"]))
            }
            try ServerTests.requestFixtures(box)  // residents R001 and R002, requests she asked for, one V0001 took
            var leaks: [String] = []
            var rendered = 0
            for person in ["V0001", "V0002", "M001", "王队长", "李主任", "R001"] {
                let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: person))
                for language in ["zh-CN", "en"] {
                    for path in [
                        "/web/me", "/web/checkin", "/web/counter", "/web/team", "/web/admin", "/web/notice",
                        "/web/poster", "/web/me/certificate", "/web/no-such-page",
                        "/web/me/code", "/web/signout", "/web/resident", "/web/counter/check", "/web/team/slip",
                    ] {
                        var query: [String: String] = [:]
                        if path == "/web/poster" { query["activity"] = "A0001" }
                        let answer = site.respond(
                            WebRequest(
                                method: "GET", path: path, query: query, cookies: cookies, acceptLanguage: language))
                        guard answer.status != 303 else { continue }
                        rendered += 1
                        let found = Self.internalWords(Self.visibleText(WebTests.body(answer)))
                        if !found.isEmpty { leaks.append("\(person) \(language) \(path): \(found)") }
                    }
                }
            }
            #expect(leaks.isEmpty, "\(leaks)")
            #expect(rendered > 60, "the pages were rendered, not redirected (\(rendered))")
        }
    }
}
