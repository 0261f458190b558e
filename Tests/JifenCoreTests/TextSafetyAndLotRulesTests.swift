import Foundation
import Testing

@testable import JifenCore

/// CSV fields that cannot be formulas, display text with control and bidi characters escaped,
/// review reasons stored as codes, and holds that reserve the lots valid when they were made:
/// the core's pieces, without a store.
@Suite struct TextSafetyAndLotRulesTests {
    // 13. OWASP's CSV injection advice.
    @Test(arguments: [
        ("=1+1", "\"'=1+1\""), ("+SUM(A1)", "\"'+SUM(A1)\""), ("-2+3", "\"'-2+3\""), ("@cmd", "\"'@cmd\""),
        ("\tx", "\"'\tx\""), ("-20", "-20"), ("+5", "+5"), ("12.50", "12.50"), ("张桂兰", "张桂兰"),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("-", "\"'-\""), ("=", "\"'=\""),
    ])
    func csvFieldsCannotBeFormulas(input: String, expected: String) {
        #expect(CSVText.field(input) == expected)
    }

    // 17. Control and bidirectional characters are shown, not obeyed.
    @Test func displayTextEscapesControlAndBidiCharacters() {
        #expect(DisplayText.escaped("张桂兰") == "张桂兰")
        #expect(DisplayText.escaped("王\n秀英") == "王\\n秀英")
        #expect(DisplayText.escaped("a\tb\u{7}") == "a\\tb\\u{7}")
        #expect(DisplayText.escaped("王\u{202E}英秀") == "王<U+202E>英秀")
        #expect(DisplayText.escaped("\u{2066}x\u{2069}") == "<U+2066>x<U+2069>")
        #expect(DisplayText.escaped("line 1\nline 2", keepNewlines: true) == "line 1\nline 2")
        #expect(DisplayText.escaped("line 1\r\nline 2", keepNewlines: true) == "line 1\\r\nline 2")
    }

    // 18. Review reasons round-trip through their stored code and render in one language each.
    @Test func reviewReasonsAreStoredAsCodes() throws {
        let reasons: [ReviewReason] = [
            .shortSpan(minutes: 50, planned: 120, percent: 60),
            .outsidePlan(
                span: "2026-11-20 09:00–2026-11-20 11:45", plan: "2026-11-20 09:00–2026-11-20 11:00", grace: 30),
            .overDailyCap(day: "2026-11-20", minutes: 600, capHours: 8),
        ]
        let stored = ReviewReason.stored(reasons)
        #expect(ReviewReason.parse(stored) == reasons)
        let text = ReviewReason.render(stored)
        #expect(text.zh.contains("不足计划 120 分钟的 60%") && !text.zh.contains("below"))
        #expect(text.en.contains("below 60% of the planned 120 min") && !text.en.contains("不足"))
        #expect(ReviewReason.render("未到场") == Bilingual(zh: "未到场", en: "未到场"))
        #expect(ReviewReason.parse("review:nonsense|1") == nil)
    }

    // 1, 2. Holds take the oldest lots valid when they were made; lapsed free points are not available.
    @Test func holdsReserveTheLotsValidWhenTheyWereMade() {
        let lots = [
            Lot(id: 1, account: "V0001", expiresOn: "2026-11-20", remaining: 80),
            Lot(id: 2, account: "V0001", expiresOn: "2029-11-10", remaining: 68),
        ]
        let day: (Int64) -> String = { $0 < 100 ? "2026-11-19" : "2026-11-21" }
        // H1 made on 11-19 takes the lot lapsing on 11-20; H2 made on 11-21 may not.
        let standing = LotStanding(
            lots: lots,
            holds: [
                PendingHold(id: 1, amount: 15, createdAtMillis: 10, expiresAtMillis: 1_000),
                PendingHold(id: 2, amount: 10, createdAtMillis: 200, expiresAtMillis: 1_000),
            ],
            today: "2026-11-21", dayOf: day)
        #expect(standing.byHold[1]?.map(\.lot) == [1] && standing.reservedBy(hold: 1) == 15)
        #expect(standing.byHold[2]?.map(\.lot) == [2] && standing.reservedBy(hold: 2) == 10)
        #expect(standing.held == 25)
        #expect(standing.lapsed == 65)
        #expect(standing.available(balance: 148) == 58)
        // Before the lot's day, nothing has lapsed.
        let earlier = LotStanding(lots: lots, holds: [], today: "2026-11-19", dayOf: day)
        #expect(earlier.lapsed == 0 && earlier.available(balance: 148) == 148)
        // Its own day is the first day it is no longer valid.
        #expect(LotStanding(lots: lots, holds: [], today: "2026-11-20", dayOf: day).lapsed == 80)
        #expect(lots[0].usableThrough == "2026-11-19")
    }
}
