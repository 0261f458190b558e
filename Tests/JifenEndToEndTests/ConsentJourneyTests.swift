import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import JifenWeb
import Testing

/// ID numbers encrypted at rest and consent, through the real `jifen` binary on both stores: the
/// key file made by `init` (0600), the raw database without the plain number, a missing key
/// refused with its own code and exit status and nothing written, the same number found twice,
/// consent recorded with versions, and the notice naming a volunteer only with her consent (text,
/// JSON, CSV and the printed page).
@Suite struct ConsentJourneyTests {
    /// The code of a `--json` error (written to stderr).
    func errorCode(_ run: Run) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(run.stderr.utf8))) as? [String: Any])?["code"] as? String
    }

    static let idNumber = "110101199003071233"
    static let otherIDNumber = "440304198506154024"

    @Test(arguments: StoreKind.allCases)
    func idNumbersAreSealedUnderTheKeyFileAndAMissingKeyWritesNothing(store: StoreKind) throws {
        let box = try Sandbox(store)
        let keyFile = box.directory.appendingPathComponent("id.key").path
        let env = ["JIFEN_KEY_FILE": keyFile]
        let created = try box.jifen(["--json", "init", "--community", "玫瑰园社区"], env: env)
        try expectOK(created)
        #expect(created.object["key_file"] as? String == keyFile, "\(created)")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let added = try box.jifen(
            ["--json", "volunteer", "add", "--name", "张秀兰", "--phone", "13900001111", "--id-number", Self.idNumber],
            env: env)
        try expectOK(added)
        #expect(added.object["id_number"] as? String == "110***********1233", "\(added)")
        let stored = try box.query("SELECT id_number FROM volunteer WHERE id = 'V0001'")
        #expect(stored.count == 1 && stored[0].hasPrefix(IDNumberKey.sealedPrefix), "\(stored)")
        if !box.isPostgres {
            let raw = [box.db, box.db + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
            #expect(!raw.contains { String(decoding: $0, as: UTF8.self).contains(Self.idNumber) })
        }
        // One ID number is one person, whatever the name.
        let twice = try box.jifen(
            [
                "--json", "volunteer", "add", "--name", "张三", "--phone", "13900005555", "--id-number", Self.idNumber,
                "--allow-duplicate",
            ], env: env)
        #expect(twice.status == 65 && errorCode(twice) as? String == "duplicate-id-number", "\(twice)")
        // The key away: refused with its own code and exit status, nothing written.
        let away = keyFile + ".away"
        try FileManager.default.moveItem(atPath: keyFile, toPath: away)
        let before = try box.state()
        let missing = try box.jifen(
            [
                "--json", "volunteer", "add", "--name", "王五", "--phone", "13900004444", "--id-number",
                Self.otherIDNumber,
            ],
            env: env)
        #expect(missing.status == 78 && errorCode(missing) as? String == "id-key-missing", "\(missing)")
        #expect(missing.stderr.contains(keyFile), "\(missing)")
        let zh = try box.jifen(
            [
                "--lang", "zh", "volunteer", "add", "--name", "王五", "--phone", "13900004444", "--id-number",
                Self.otherIDNumber,
            ],
            env: env)
        #expect(zh.status == 78 && zh.stderr.contains("密钥文件"), "\(zh)")
        #expect(try box.state() == before, "a refused registration changed the database")
        // Listing without the key still works: the number shows as unreadable.
        let listed = try box.jifen(["--json", "volunteer", "list"], env: env)
        #expect(listed.status == 0 && listed.stdout.contains(IDNumberKey.unreadable), "\(listed)")
        // Another key is refused too.
        let other = try box.jifen(["--json", "--key-file", "other.key", "seal-ids"], env: env)
        #expect(other.status == 78 && errorCode(other) as? String == "id-key-missing", "\(other)")
        try FileManager.default.moveItem(atPath: away, toPath: keyFile)
        try expectOK(
            box.jifen(
                ["volunteer", "add", "--name", "王五", "--phone", "13900004444", "--id-number", Self.otherIDNumber],
                env: env))
    }

    @Test(arguments: StoreKind.allCases)
    func consentIsRecordedWithVersionsAndTheNoticeNamesOnlyWithIt(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()  // V0001 张桂兰 with 50 points, V0002 李志强
        func report(_ format: String) throws -> Run {
            try box.jifen(["report", "--month", "2026-12", "--by", "volunteer"] + (format.isEmpty ? [] : [format]))
        }
        for format in ["", "--json", "--csv"] {
            let run = try report(format)
            #expect(run.status == 0 && run.stdout.contains("张*兰") && !run.stdout.contains("张桂兰"), "\(format): \(run)")
        }
        let json = try report("--json")
        let rows = try #require(json.object["rows"] as? [[String: Any]])
        #expect(rows.first { $0["key"] as? String == "V0001" }?["name"] as? String == "张*兰", "\(rows)")
        // She gives it herself; the history keeps each version.
        let given = try box.jifen(
            ["--json", "consent", "V0001", "--publish", "yes", "--share", "no", "--version", "2026-01"],
            env: ["JIFEN_ACTOR": "V0001"])
        try expectOK(given)
        #expect(given.object["publish"] as? Bool == true && given.object["share"] as? Bool == false, "\(given)")
        for format in ["", "--json", "--csv"] {
            #expect(try report(format).stdout.contains("张桂兰"), "\(format)")
        }
        // The admin records her paper form withdrawing it under a newer text.
        try expectOK(box.jifen(["consent", "V0001", "--publish", "no", "--version", "2026-02"]))
        #expect(!(try report("--csv")).stdout.contains("张桂兰"))
        let history = try box.jifen(["--json", "consent", "V0001"])
        let records = try #require(history.object["history"] as? [[String: Any]], "\(history)")
        #expect(records.map { $0["version"] as? String } == ["2026-01", "2026-01", "2026-02"], "\(records)")
        #expect(records.map { $0["recorded_by"] as? String } == ["V0001", "V0001", "admin"])
        let table = try box.jifen(["consent", "V0001"])
        #expect(table.status == 0 && table.stdout.contains("2026-02"), "\(table)")
        // Nobody else records hers; a bad answer is a usage error.
        let other = try box.jifen(["--json", "consent", "V0001", "--share", "yes"], env: ["JIFEN_ACTOR": "V0002"])
        #expect(other.status == 65 && errorCode(other) as? String == "not-allowed", "\(other)")
        #expect(try box.jifen(["consent", "V0001", "--share", "maybe"]).status == 64)
        #expect(try box.jifen(["--json", "consent", "V0001"]).status == 0)
    }

    @Test func thePrintedNoticeShowsHerMaskedNameAndNumberWithoutConsent() throws {
        let (box, site) = try WebTests.Paper.site()
        try expectOK(box.jifen(["hours", "approve", "H0000001"], env: WebTests.Paper.organizer))
        let (cookies, _) = try WebTests.signIn(site, code: try WebTests.code(box, for: "李主任"))
        let html = WebTests.body(WebTests.Paper.get(site, "/web/notice", cookies, query: ["month": "2026-12"]))
        #expect(html.contains("张*兰（0001号）") && !html.contains("张桂兰"), "\(html)")
        try expectOK(box.jifen(["consent", "V0001", "--publish", "yes"], env: ["JIFEN_ACTOR": "李主任"]))
        let named = WebTests.body(WebTests.Paper.get(site, "/web/notice", cookies, query: ["month": "2026-12"]))
        #expect(named.contains("张桂兰（0001号）"), "\(named)")
    }
}
