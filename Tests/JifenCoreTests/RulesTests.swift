import Foundation
import JifenCore
import Testing

@Suite struct RulesTests {
    /// The rounding rule the README states: minutes × rate ÷ 60, then rounded by `points.rounding`.
    @Test(
        arguments: [
            (60, 10, Rounding.nearest, 10), (45, 10, .nearest, 8), (44, 10, .nearest, 7), (3, 10, .nearest, 1),
            (2, 10, .nearest, 0),
            (45, 10, .down, 7), (59, 10, .down, 9), (1, 10, .up, 1), (60, 10, .up, 10), (90, 15, .nearest, 23),
            (0, 10, .up, 0),
        ] as [(Int64, Int64, Rounding, Int64)])
    func minutesRoundToWholePoints(minutes: Int64, rate: Int64, rounding: Rounding, points: Int64) {
        #expect(Rules.points(minutes: minutes, rate: rate, rounding: rounding) == points)
    }

    @Test func categoryRateOverridesTheDefault() throws {
        var rules = try Rules(settings: ["points.per_hour.elder_care": "15"])
        #expect(rules.points(forMinutes: 60, category: "elder_care") == 15)
        #expect(rules.points(forMinutes: 60, category: "patrol") == 10)
        rules.pointsPerHour = 12
        #expect(rules.points(forMinutes: 60) == 12)
    }

    @Test(
        arguments: [(0, 0), (99 * 60, 0), (100 * 60, 1), (299 * 60, 1), (600 * 60, 3), (1500 * 60, 5), (9999 * 60, 5)]
            as [(Int64, Int)])
    func starLevels(minutes: Int64, level: Int) {
        #expect(Rules().star(forMinutes: minutes).level == level)
    }

    @Test func hoursToNextStar() {
        let star = Rules().star(forMinutes: 250 * 60)
        #expect(star.level == 1)
        #expect(star.hoursToNext == 50)
        #expect(Rules().star(forMinutes: 1600 * 60).hoursToNext == nil)
    }

    @Test func expiryDayIsInTheCommunitysZone() throws {
        // 2026-11-22 20:00 UTC is already 2026-11-23 in Shanghai.
        let date = try DayFormat.parse("2026-11-22T20:00:00Z", in: TimeZone(identifier: "UTC")!)
        #expect(Rules().expiryDay(forEarningAt: date) == "2029-11-23")
        let never = try Rules(settings: ["points.validity_months": "0"])
        #expect(never.expiryDay(forEarningAt: date) == "9999-12-31")
    }

    @Test(arguments: [
        ("points.per_hour", "-1"), ("points.per_hour", "ten"), ("points.rounding", "banker"),
        ("stars.thresholds", "300,100"),
        ("stars.thresholds", ""), ("time_zone", "Mars/Olympus"), ("durability", "off"), ("no.such.key", "1"),
        ("points.per_hour.", "5"),
    ])
    func badSettingsAreRefused(key: String, value: String) {
        var rules = Rules()
        #expect(throws: JifenError.self) { try Rules.apply(key: key, value: value, to: &rules) }
        #expect(rules == Rules())
    }
}

@Suite struct InputTests {
    @Test(arguments: ["0", "-5", "1.5", "abc", "", "99999999999999999999", "1e3", "１０"])
    func badAmountsAreUsageErrors(text: String) {
        #expect(throws: JifenError.self) { try Points.parse(text) }
        let error = (try? Points.parse(text)) == nil
        #expect(error)
    }

    @Test func goodAmounts() throws {
        #expect(try Points.parse("50") == 50)
        #expect(try Points.parse(" 7 ") == 7)
    }

    @Test(arguments: [
        ("13812341234", "138****1234"), ("", ""), ("12", "**"), ("0951-1234567", "095****4567"), ("1234567", "*****67"),
    ])
    func phonesAreMasked(phone: String, masked: String) {
        #expect(Masking.phone(phone) == masked)
    }

    @Test func idNumbersAreMaskedAndChecked() throws {
        #expect(Masking.idNumber("11010519491231002X") == "110***********002X")
        #expect(try Registry.checkIDNumber("11010519491231002x") == "11010519491231002X")
        #expect(throws: JifenError.self) { try Registry.checkIDNumber("110105194912310021") }
    }

    @Test(arguments: ["2026-13-01", "2026-02-30", "yesterday", "22/11/2026", ""])
    func malformedDatesAreRefused(text: String) {
        #expect(throws: JifenError.self) { try DayFormat.parse(text, in: TimeZone(identifier: "Asia/Shanghai")!) }
    }

    @Test func datesAreReadInTheGivenZone() throws {
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        let date = try DayFormat.parse("2026-11-22 09:30", in: shanghai)
        #expect(DayFormat.iso(date) == "2026-11-22T01:30:00.000Z")
        #expect(try DayFormat.day("2026/11/2", in: shanghai) == "2026-11-02")
    }

    @Test func textChecks() throws {
        #expect(throws: JifenError.self) { try Registry.checkText("", field: Bilingual(zh: "姓名", en: "name"), max: 50) }
        #expect(throws: JifenError.self) {
            try Registry.checkText(
                String(repeating: "张", count: 10_000), field: Bilingual(zh: "姓名", en: "name"), max: 50)
        }
        #expect(throws: JifenError.self) {
            try Registry.checkText("a\u{0}b", field: Bilingual(zh: "姓名", en: "name"), max: 50)
        }
        try Registry.checkText("O'Brien\"; DROP TABLE volunteer;--", field: Bilingual(zh: "姓名", en: "name"), max: 50)
    }

    @Test func languageFollowsTheLocale() {
        #expect(Language.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LANG": "en_US.UTF-8"]) == .en)
        #expect(Language.fromEnvironment(["LC_ALL": "zh_TW", "LANG": "en_US"]) == .zh)
        #expect(Language.fromEnvironment([:]) == .en)
    }
}
