import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Pay codes cannot be guessed, overheard into more than was consented, or minted out:
/// the rules on both stores. `SecurityTests.PayCodes` plays the same through `jifen serve`.
@Suite struct PayCodeConformanceTests {
    static let stores = StoreKind.allCases

    func issue(_ f: Fixture, _ volunteer: String, max: Int64? = nil) throws -> IssuedPayCode {
        try Merchants(store: f.ledger.store, now: f.ledger.now).issueCode(
            volunteer: volunteer, maxPoints: max, actor: volunteer)
    }

    func redeem(
        _ f: Fixture, _ code: String, points: Int64 = 1, key: String = UUID().uuidString, offer: String? = nil
    ) throws -> Receipt {
        try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(
                merchant: f.merchant, code: code, offer: offer, points: offer == nil ? points : nil, key: key),
            actor: f.merchant)
    }

    /// Six digits no live code has (a million to choose from, a handful live).
    func unissued(_ f: Fixture) throws -> String {
        let live = Set(try f.strings("SELECT hash FROM redemption_code"))
        return try #require(
            (0..<1000).lazy.map { String(format: "%06d", 100_000 + $0 * 7) }.first { !live.contains(Codes.hash($0)) })
    }

    func wrongRows(_ f: Fixture) throws -> Int {
        try f.strings("SELECT CAST(COUNT(*) AS TEXT) FROM code_wrong").first.flatMap { Int($0) } ?? -1
    }

    /// Before the fix a success reset the count (5 in a row), so 9 wrong, a success and 1 more went on.
    @Test(arguments: PayCodeConformanceTests.stores)
    func aSuccessDoesNotResetTheWrongCodeBudget(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let wrong = try unissued(f)
        for i in 0..<9 {
            #expect(refusal { try redeem(f, wrong, key: "w\(i)") }?.code == .codeWrong)
            if i % 3 == 2 { _ = try redeem(f, try issue(f, v).code, key: "ok\(i)") }
            f.clock.advance(minutes: 10)
        }
        #expect(try events(f).isEmpty)
        // The tenth spends the budget: said, and the organizers are told with the merchant's name.
        let tenth = refusal { try redeem(f, wrong, key: "w9") }
        #expect(tenth?.code == .codeWrong && tenth?.message.zh.contains("暂停") == true, "\(String(describing: tenth))")
        let told = try events(f)
        #expect(
            told.count == 1 && told[0].contains("\"merchant_name\":\"测试商户\"") && told[0].contains("\"wrong_tries\":10"),
            "\(told)")
        // Stopped: even a live code is refused, and stays live; nothing moves, nothing more is counted.
        let good = try issue(f, v).code
        let before = try f.snapshot()
        #expect(refusal { try redeem(f, good, key: "g") }?.code == .merchantLocked)
        #expect(refusal { try redeem(f, wrong, key: "w10") }?.code == .merchantLocked)
        #expect(try f.snapshot() == before && wrongRows(f) == 10)
        // Sliding: when the first wrong code is 24 h old, one more try is free, not ten.
        f.clock.advance(minutes: 24 * 60 - 90 + 0.5)
        _ = try redeem(f, try issue(f, v).code, key: "g2")
        #expect(refusal { try redeem(f, wrong, key: "w11") }?.code == .codeWrong)
        #expect(refusal { try redeem(f, try issue(f, v).code, key: "g3") }?.code == .merchantLocked)
        #expect(try f.verify().ok)
    }

    /// Before the fix used and expired codes answered `code-used` / `code-expired`, telling a guesser
    /// it had found a real code; now all answer alike and all count.
    @Test(arguments: PayCodeConformanceTests.stores)
    func usedExpiredVoidedAndUnissuedCodesAnswerAlikeAndAllCount(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (v, w) = (f.volunteers[0], f.volunteers[1])
        _ = try f.grant(v, 100)
        let used = try issue(f, v).code
        _ = try redeem(f, used, key: "u")
        let expired = try issue(f, w).code
        f.clock.advance(minutes: 6)
        let voided = try issue(f, v)
        _ = try issue(f, v)
        let answers = [used, expired, voided.code, voided.secret, try unissued(f)].map { code in
            refusal { try redeem(f, code) }
        }
        #expect(answers.map { $0?.code } == Array(repeating: .codeWrong, count: 5), "\(answers)")
        // The same words, but for the count left.
        let texts = Set(
            answers.map {
                $0?.message.en.replacingOccurrences(of: #"\d+ more"#, with: "N more", options: .regularExpression) ?? ""
            })
        #expect(texts.count == 1, "\(texts)")
        #expect(try wrongRows(f) == 5)
    }

    /// Before the fix a volunteer could hold any number of live codes, and the QR carried the digits.
    @Test(arguments: PayCodeConformanceTests.stores)
    func theQRCarriesASecretAndANewCodeVoidsTheLast(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let first = try issue(f, v)
        #expect(first.secret.count == Codes.secretLength && Codes.secretBits >= 64 && first.secret != first.code)
        #expect(
            try Codes.parse(first.secret) == .secret(first.secret)
                && Codes.parse(first.secret.lowercased()) == .secret(first.secret))
        let second = try issue(f, v)
        #expect(second.secret != first.secret)
        let now = f.clock.now.millis
        #expect(
            try f.strings("SELECT volunteer FROM redemption_code WHERE used_at IS NULL AND expires_at > \(now)") == [v])
        // Neither face of the voided code works; the new QR's secret does.
        #expect(refusal { try redeem(f, first.code) }?.code == .codeWrong)
        #expect(refusal { try redeem(f, first.secret) }?.code == .codeWrong)
        let paid = try redeem(f, second.secret, points: 30, key: "scan")
        #expect(paid.balanceLeft == 70 && paid.redemption.volunteer == v)
        #expect(try redeem(f, second.secret, points: 30, key: "scan").replayed)
        #expect(refusal { try redeem(f, second.code) }?.code == .codeWrong)
        // Neither the secret nor the digits are stored, only their hashes.
        let stored = try f.strings("SELECT hash || ' ' || secret_hash FROM redemption_code ORDER BY id").joined(
            separator: " ")
        #expect(
            !stored.contains(second.secret) && !stored.contains(second.code)
                && stored.contains(Codes.secretHash(second.secret)))
        #expect(try f.verify().ok)
    }

    /// Before the fix a code let the merchant take every point the volunteer had.
    @Test(arguments: PayCodeConformanceTests.stores)
    func aCodeAllowsAtMostItsCeiling(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let v = f.volunteers[0]
        _ = try f.grant(v, 500)
        let plain = try issue(f, v)
        #expect(plain.maxPoints == Rules().codeMaxPoints && plain.maxPoints == 200)
        let before = try f.snapshot()
        let over = refusal { try redeem(f, plain.code, points: 201) }
        #expect(over?.code == .codeOverLimit && over?.message.zh.contains("200") == true, "\(String(describing: over))")
        #expect(try f.snapshot() == before && wrongRows(f) == 0)
        _ = try redeem(f, plain.code, points: 200)
        // Her own ceiling, and an offer above it.
        let small = try issue(f, v, max: 25)
        #expect(small.maxPoints == 25)
        let offer = try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "理发", points: 30, stock: 3, validFrom: nil, validTo: nil,
            actor: "admin", nowMillis: f.clock.now.millis)
        #expect(refusal { try redeem(f, small.secret, offer: offer.id) }?.code == .codeOverLimit)
        #expect(
            try Merchants(store: f.facade).offers(
                merchant: nil, affordableBy: nil, includeRetired: true, nowMillis: f.clock.now.millis
            )
            .first?.stock == 3)
        #expect(try redeem(f, small.code, points: 25).balanceLeft == 275)
        // The setting moves the default; a ceiling below 1 is refused.
        _ = try Settings(store: f.facade).setSetting(
            key: "codes.max_points", value: "50", actor: "admin", nowMillis: f.clock.now.millis)
        #expect(try issue(f, v).maxPoints == 50)
        #expect(refusal { try issue(f, v, max: 0) }?.category == .usage)
        #expect(try f.verify().ok)
    }

    /// A smaller budget from the settings; the window is a setting too.
    @Test(arguments: PayCodeConformanceTests.stores)
    func theBudgetAndWindowAreSettings(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        _ = try Settings(store: f.facade).setSetting(
            key: "codes.wrong_budget", value: "2", actor: "admin", nowMillis: f.clock.now.millis)
        _ = try Settings(store: f.facade).setSetting(
            key: "codes.wrong_window_hours", value: "1", actor: "admin", nowMillis: f.clock.now.millis)
        let wrong = try unissued(f)
        #expect(refusal { try redeem(f, wrong) }?.code == .codeWrong)
        #expect(refusal { try redeem(f, wrong) }?.code == .codeWrong)
        #expect(refusal { try redeem(f, wrong) }?.code == .merchantLocked)
        f.clock.advance(minutes: 61)
        #expect(refusal { try redeem(f, wrong) }?.code == .codeWrong)
        #expect(
            refusal {
                try Settings(store: f.facade).setSetting(
                    key: "codes.max_wrong_tries", value: "5", actor: "admin", nowMillis: f.clock.now.millis)
            }?.code == .unknownSetting)
    }

    func events(_ f: Fixture) throws -> [String] { try f.eventPayloads("merchant.code_locked") }
}
