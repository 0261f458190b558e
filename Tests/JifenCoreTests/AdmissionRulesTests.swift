import Foundation
import JifenCore
import Testing

/// Who may be admitted: a birth date not after today in the community's zone, one person not
/// registered twice (names and phone digits compared), and webhook settings that fit together;
/// tested without a store or a process.
@Suite struct AdmissionRulesTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-20 10:00 in Shanghai.
    static let nowMillis: Int64 = 1_795_140_000_000

    @Test func birthDateAfterTodayIsRefusedInTheCommunitysZone() throws {
        func volunteer(_ birth: String?) -> Volunteer {
            Volunteer(community: "C01", name: "王", birthDate: birth, phone: "13800001111")
        }
        try volunteer("1951-03-08").checkBirthDate(nowMillis: Self.nowMillis, zone: Self.shanghai)
        try volunteer("2026-11-20").checkBirthDate(nowMillis: Self.nowMillis, zone: Self.shanghai)
        try volunteer(nil).checkBirthDate(nowMillis: Self.nowMillis, zone: Self.shanghai)
        for day in ["2026-11-21", "2099-01-01"] {
            #expect(throws: JifenError.self) {
                try volunteer(day).checkBirthDate(nowMillis: Self.nowMillis, zone: Self.shanghai)
            }
        }
        // 2026-11-20 10:00 in Shanghai is still 2026-11-19 in Honolulu: the 20th is tomorrow there.
        #expect(throws: JifenError.self) {
            try volunteer("2026-11-20").checkBirthDate(
                nowMillis: Self.nowMillis, zone: TimeZone(identifier: "Pacific/Honolulu")!)
        }
    }

    @Test func samePersonIsNamedPhoneDigitsCompared() throws {
        let existing = [Volunteer(id: "V0007", community: "C01", name: "张桂兰", phone: "138-0000-1234")]
        do {
            try Registry.refuseDuplicate(
                Volunteer(community: "C01", name: " 张桂兰", phone: "13800001234"), namesakes: existing,
                allowDuplicate: false)
            Issue.record("a duplicate was accepted")
        } catch let error as JifenError {
            #expect(error.code == .duplicateVolunteer && error.category == .refused)
            #expect(error.message.en.contains("V0007") && error.message.zh.contains("V0007"))
            #expect(!error.message.en.contains("13800001234"), "the phone is masked")
        }
        try Registry.refuseDuplicate(
            Volunteer(community: "C01", name: "张桂兰", phone: "13900001234"), namesakes: existing, allowDuplicate: false)
        try Registry.refuseDuplicate(
            Volunteer(community: "C01", name: "张桂兰", phone: "13800001234"), namesakes: existing, allowDuplicate: true)
    }

    @Test func leaseMustBeTwiceTheTimeoutOnceSet() throws {
        try WebhookSettings.checkTogether([:])
        try WebhookSettings.checkTogether(["webhook.timeout_seconds": "100"])  // an unset lease follows the timeout
        try WebhookSettings.checkTogether(["webhook.lease_seconds": "20"])
        #expect(throws: JifenError.self) { try WebhookSettings.checkTogether(["webhook.lease_seconds": "19"]) }
        #expect(throws: JifenError.self) {
            try WebhookSettings.checkTogether(["webhook.lease_seconds": "60", "webhook.timeout_seconds": "31"])
        }
    }
}
