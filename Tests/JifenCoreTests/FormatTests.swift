import Foundation
import Testing

@testable import JifenCore

@Suite struct FormatTests {
    @Test func isoMatchesFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SystemRandomNumberGenerator()
        let samples: [Int64] =
            [0, -1, 951_782_400_000, 4_107_542_399_999]
            + (0..<500).map { _ in Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &rng) }
        for millis in samples {
            #expect(DayFormat.iso(millis: millis) == formatter.string(from: Date(millis: millis)), "\(millis)")
        }
    }

    @Test func outboxJSONParsesBack() throws {
        let t = Transfer(
            id: 7, kind: .grant, debit: "C01.issuance", credit: "V0001", amount: 5, key: "k",
            reference: "ref \"quoted\"", actor: "李主任", memo: "line\nbreak\u{1}\\", reverses: 3, atMillis: 0)
        let event = Events.transfer(t)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any])
        #expect(object["memo"] as? String == t.memo)
        #expect(object["reference"] as? String == t.reference)
        #expect(object["actor"] as? String == "李主任")
        #expect(object["reverses"] as? Int == 3)
        #expect(object["hold_id"] == nil)
        #expect(object["at"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(event.type == "points.granted")
    }

    @Test func canonicalTextEscapesTheSeparator() {
        var a = Transfer(kind: .grant, debit: "A", credit: "B", amount: 1, key: "x\u{1F}y", actor: "z", atMillis: 0)
        var b = a
        b.key = "x"
        b.reference = "y"
        #expect(TransferHash.canonical(a) != TransferHash.canonical(b))
        a.key = "back\\slash"
        #expect(TransferHash.canonical(a).contains("back\\\\slash"))
    }
}

@Suite struct DayArithmeticTests {
    @Test func dayStringsMatchTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        var rng = SystemRandomNumberGenerator()
        for zoneName in ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata"] {
            let zone = TimeZone(identifier: zoneName)!
            calendar.timeZone = zone
            for _ in 0..<300 {
                let date = Date(millis: Int64.random(in: 0...4_000_000_000_000, using: &rng))
                let c = calendar.dateComponents([.year, .month, .day], from: date)
                let expected = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
                #expect(DayFormat.string(date, in: zone) == expected, "\(date) in \(zoneName)")
            }
        }
    }

    @Test func addingDays() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        #expect(try DayFormat.adding(days: 30, to: "2026-11-20", in: zone) == "2026-12-20")
        #expect(try DayFormat.adding(days: 1, to: "2028-02-28", in: zone) == "2028-02-29")
        #expect(try DayFormat.adding(days: -1, to: "2027-01-01", in: zone) == "2026-12-31")
    }
}
