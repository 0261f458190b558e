import Foundation
import JifenTestSupport
import Testing

/// Bad input at the merchant's counter: a clear message, a distinct exit status, nothing changed.
/// Wrong, used and expired codes answer alike (`code-wrong`) and are the one refusal that writes: a
/// row of the merchant's wrong codes (`code_wrong`); the ledger itself stays as it was. On both stores.
@Suite struct MerchantBadInputTests {
    static let cases: [(String, [String], Int32, String)] = [
        (
            "malformed code", ["--as", "M001", "redeem", "M001", "--code", "12ab", "--points", "1"], Exit.usage,
            "malformed"
        ),
        (
            "wrong code", ["--as", "M001", "redeem", "M001", "--code", "{wrong}", "--points", "1"], Exit.refused,
            "not valid"
        ),
        (
            "used code", ["--as", "M001", "redeem", "M001", "--code", "{used}", "--points", "1"], Exit.refused,
            "not valid"
        ),
        (
            "expired code", ["--as", "M001", "redeem", "M001", "--code", "{expired}", "--points", "1"], Exit.refused,
            "not valid"
        ),
        (
            "points above the balance", ["--as", "M001", "redeem", "M001", "--code", "{live}", "--points", "31"],
            Exit.refused, "30 points available"
        ),
        (
            "offer out of stock", ["--as", "M001", "redeem", "M001", "--code", "{live}", "--offer", "O001"],
            Exit.refused, "out of stock"
        ),
        (
            "offer retired", ["--as", "M001", "redeem", "M001", "--code", "{live}", "--offer", "O002"], Exit.refused,
            "retired"
        ),
        (
            "offer of another merchant", ["--as", "M002", "redeem", "M002", "--code", "{live}", "--offer", "O003"],
            Exit.refused, "belongs to M001"
        ),
        (
            "neither offer nor points", ["--as", "M001", "redeem", "M001", "--code", "{live}"], Exit.usage,
            "exactly one"
        ),
        (
            "redeeming as another merchant", ["--as", "M002", "redeem", "M001", "--code", "{live}", "--points", "1"],
            Exit.refused, "may not"
        ),
        ("a code for someone else", ["--as", "V0002", "code", "V0001"], Exit.refused, "may not"),
        (
            "refund above what was redeemed", ["--as", "M001", "refund", "R001", "--points", "21", "--reason", "x"],
            Exit.refused, "at most 20"
        ),
        // Another merchant's redemption answers as a missing one.
        (
            "refund by another merchant", ["--as", "M002", "refund", "R001", "--points", "1", "--reason", "x"],
            Exit.refused, "No redemption with id R001"
        ),
        ("refund without a reason", ["--as", "M001", "refund", "R001", "--reason", " "], Exit.usage, "reason"),
        ("pickup of a counter redemption", ["--as", "M001", "pickup", "R001"], Exit.refused, "no hold"),
        ("unknown redemption", ["--as", "M001", "release", "R999"], Exit.refused, "R999"),
        ("bad redemption id", ["--as", "M001", "pickup", "X1"], Exit.usage, "not valid"),
        ("settle with nothing to settle", ["settle", "M001"], Exit.refused, "no unsettled"),
        ("settle by a merchant", ["--as", "M001", "settle", "M002"], Exit.refused, "may not"),
        (
            "offer by another merchant", ["--as", "M002", "offer", "add", "M001", "--title", "x", "--points", "5"],
            Exit.refused, "may not"
        ),
        (
            "offer with fractional points", ["offer", "add", "M001", "--title", "x", "--points", "2.5"], Exit.usage,
            "whole number"
        ),
        (
            "offer dates backwards",
            ["offer", "add", "M001", "--title", "x", "--points", "5", "--from", "2026-12-01", "--to", "2026-11-01"],
            Exit.usage, "before"
        ),
        ("bad report month", ["report", "--month", "2026-13"], Exit.usage, "not valid"),
        ("bad report grouping", ["report", "--by", "street"], Exit.usage, ""),
        ("bad export folder", ["export", "--format", "ledger", "/nonexistent/x.journal"], Exit.usage, "not writable"),
    ]

    /// V0001 with 30 points left after R001 (20 points at M001, settled), offers O001 (no stock),
    /// O002 (retired), O003 (M001's), a second merchant M002, and codes of each kind.
    static func counter(_ store: StoreKind = .sqlite) throws -> (Sandbox, [String: String]) {
        let box = try Sandbox(store).seeded()
        expectOK(try box.jifen(["merchant", "add", "--name", "二号店"]))
        expectOK(try box.jifen(["offer", "add", "M001", "--title", "理发", "--points", "10", "--stock", "0"]))
        expectOK(try box.jifen(["offer", "add", "M001", "--title", "洗头", "--points", "5"]))
        expectOK(try box.jifen(["offer", "retire", "O002"]))
        expectOK(try box.jifen(["offer", "add", "M001", "--title", "修面", "--points", "5"]))
        let past = ["JIFEN_NOW": "2026-11-01 10:00"]
        let used = try box.code("V0001", env: past)
        expectOK(try box.jifen(["--as", "M001", "redeem", "M001", "--code", used, "--points", "20"], env: past))
        expectOK(try box.jifen(["settle", "M001"]))
        var codes = ["used": used, "expired": try box.code("V0001", env: past), "live": try box.code("V0001")]
        codes["wrong"] = codes.values.contains("000000") ? "000001" : "000000"
        return (box, codes)
    }

    @Test(arguments: StoreKind.allCases, cases.indices)
    func refusedAndUnchanged(store: StoreKind, index: Int) throws {
        let (name, template, status, fragment) = Self.cases[index]
        let (box, codes) = try Self.counter(store)
        let arguments = template.map { arg in
            codes.reduce(arg) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        let before = try box.ledgerState()
        let run = try box.jifen(arguments)
        #expect(run.status == status, "\(name): \(run)")
        #expect(fragment.isEmpty || run.stderr.contains(fragment), "\(name): \(run.stderr)")
        #expect(run.stdout.isEmpty, "\(name): \(run.stdout)")
        #expect(try box.ledgerState() == before, "\(name): the ledger changed")
    }

    @Test(arguments: StoreKind.allCases)
    func tenWrongCodesStopTheMerchantAndSayUntilWhen(store: StoreKind) throws {
        let (box, codes) = try Self.counter(store)
        for _ in 0..<9 {
            #expect(
                try box.jifen(["--as", "M001", "redeem", "M001", "--code", codes["wrong"]!, "--points", "1"]).status
                    == Exit.refused)
        }
        let tenth = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", codes["wrong"]!, "--points", "1", "--lang", "zh",
        ])
        #expect(tenth.stderr.contains("兑换已暂停到"), "\(tenth)")
        let locked = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", codes["live"]!, "--points", "1", "--json",
        ])
        #expect(locked.status == Exit.refused && locked.stderr.contains("merchant-locked"), "\(locked)")
        #expect(try box.query("SELECT COUNT(*) FROM event WHERE type = 'merchant.code_locked'") == ["1"])
        // Another merchant is not locked out.
        expectOK(try box.jifen(["--as", "M002", "redeem", "M002", "--code", codes["live"]!, "--points", "1"]))
    }
}
