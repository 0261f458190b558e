import Foundation
import Testing

@testable import JifenCore

@Suite struct ServiceRulesTests {
    @Test(arguments: [
        ("2026-11-20", "2026-11-20", 0), ("2026-11-20", "2026-11-23", 1), ("2026-11-20", "2026-12-04", 10),
        ("2026-11-20", "2026-12-07", 11), ("2026-11-21", "2026-11-22", 0), ("2026-11-22", "2026-11-20", 0),
    ])
    func workingDays(from: String, to: String, count: Int) {
        #expect(WorkingDays.between(from, to) == count)
    }

    @Test func lateAfterTenWorkingDays() {
        #expect(!WorkingDays.isLate(activityDay: "2026-11-20", enteredDay: "2026-12-04"))
        #expect(WorkingDays.isLate(activityDay: "2026-11-20", enteredDay: "2026-12-07"))
    }

    @Test func csvHandlesQuotesCRLFAndBlankLines() throws {
        var lines: [HourSheet.Line] = []
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n\"multi\nline\",2,\n"
        let header = try HourSheet.parse(Array(text.utf8)) { lines.append($0) }
        #expect(header == ["a", "b", "c"])
        #expect(lines.map(\.fields) == [["1", "x, \"y\"", "3"], ["multi\nline", "2", ""]])
        #expect(lines.map(\.number) == [2, 4])
    }

    @Test(arguments: [
        ("姓名", HourSheet.Column.name), ("手机号", .phone), ("时长（分钟）", .minutes), ("时长", .hours), ("Minutes", .minutes),
        ("活动编号", .activity), ("备注", .note), ("服务 日期", .date),
    ])
    func headersInChineseOrEnglish(header: String, column: HourSheet.Column) {
        #expect(HourSheet.Column.match(header) == column)
    }

    @Test func gbkIsDetected() throws {
        // "张桂兰" in GBK.
        let gbk = Data([0xD5, 0xC5, 0xB9, 0xF0, 0xC0, 0xBC])
        let (bytes, encoding) = try HourSheet.utf8Bytes(gbk, encoding: nil)
        #expect(encoding == .gb18030)
        #expect(String(decoding: bytes, as: UTF8.self) == "张桂兰")
        #expect(throws: JifenError.self) { try HourSheet.utf8Bytes(gbk, encoding: .utf8) }
    }

    @Test func certificateDigestChangesWithCorrections() {
        var record = ServiceRecord(
            id: "H0000001", activity: "A0001", volunteer: "V0001", minutes: 60, serviceDay: "2026-11-20",
            source: .manual, status: .approved, recorder: "x", enteredAtMillis: 0)
        let before = Certificate.digest([record])
        record.minutes = 61
        record.version = 2
        #expect(Certificate.digest([record]) != before)
        let code = Certificate.code(
            number: "ZM20261120-0001", volunteer: "V0001", fromDay: "a", toDay: "b", digest: before)
        #expect(code.count == 14 && code.split(separator: "-").count == 3)
    }
}
