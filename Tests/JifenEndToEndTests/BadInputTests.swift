import Foundation
import JifenTestSupport
import Testing

/// Bad input gets a clear message, a distinct exit status, and changes nothing.
@Suite struct BadInputTests {
    static let cases: [(String, [String], Int32, String)] = [
        ("zero amount", ["grant", "V0001", "0", "--reason", "x"], Exit.usage, "above zero"),
        ("negative amount", ["grant", "V0001", "--reason", "x", "--", "-5"], Exit.usage, "negative"),
        ("fractional amount", ["grant", "V0001", "1.5", "--reason", "x"], Exit.usage, "not a whole number"),
        ("overflowing amount", ["grant", "V0001", "99999999999999999999", "--reason", "x"], Exit.usage, "too large"),
        ("unknown volunteer", ["grant", "V9999", "5", "--reason", "x"], Exit.refused, "V9999"),
        ("unknown account in balance", ["balance", "V9999"], Exit.refused, "V9999"),
        ("insufficient points", ["transfer", "V0001", "V0002", "51"], Exit.refused, "50 points available"),
        (
            "same key, other content", ["grant", "V0001", "51", "--reason", "纸质台账结转", "--key", "seed"], Exit.refused,
            "already used"
        ),
        ("not an admin", ["grant", "V0001", "5", "--reason", "x", "--as", "V0002"], Exit.refused, "may not"),
        (
            "giving someone else's points", ["transfer", "V0001", "V0002", "5", "--as", "V0002"], Exit.refused,
            "may not"
        ),
        ("missing reason", ["reverse", "1", "--reason", " "], Exit.usage, "reason"),
        ("bad transfer number", ["reverse", "abc", "--reason", "x"], Exit.usage, "not valid"),
        ("malformed date", ["statement", "V0001", "--from", "2026-13-45"], Exit.usage, "not a valid date"),
        (
            "range backwards", ["statement", "V0001", "--from", "2026-11-30", "--to", "2026-11-01"], Exit.usage,
            "before"
        ),
        ("empty name", ["volunteer", "add", "--name", "", "--phone", "13800001111"], Exit.usage, "must not be empty"),
        (
            "10,000-character name",
            ["volunteer", "add", "--name", String(repeating: "张", count: 10_000), "--phone", "13800001111"],
            Exit.usage, "too long"
        ),
        ("bad phone", ["volunteer", "add", "--name", "王", "--phone", "call me"], Exit.usage, "Phone"),
        (
            "bad ID number", ["volunteer", "add", "--name", "王", "--phone", "13800001111", "--id-number", "123"],
            Exit.usage, "18 characters"
        ),
        (
            "bad birth date",
            ["volunteer", "add", "--name", "王", "--phone", "13800001111", "--birth-date", "1952-02-30"], Exit.usage,
            "not a valid date"
        ),
        (
            "unknown team", ["volunteer", "add", "--name", "王", "--phone", "13800001111", "--team", "T99"],
            Exit.refused, "T99"
        ),
        ("bad setting", ["config", "set", "points.per_hour", "ten"], Exit.usage, "not valid"),
        ("unknown setting", ["config", "set", "points.per_minute", "1"], Exit.usage, "no setting"),
        ("expiry in the future", ["expire", "--as-of", "2999-01-01"], Exit.usage, "cannot lapse early"),
        ("init over a database", ["init"], Exit.refused, "already a Jifen database"),
        ("unknown command", ["bogus"], Exit.usage, ""),
    ]

    @Test(arguments: cases.indices)
    func refusedAndUnchanged(index: Int) throws {
        let (name, arguments, status, fragment) = Self.cases[index]
        let box = try Sandbox().seeded()
        let before = try box.bytes()
        let run = try box.jifen(arguments)
        #expect(run.status == status, "\(name): \(run)")
        #expect(fragment.isEmpty || run.stderr.contains(fragment), "\(name): \(run.stderr)")
        #expect(run.stdout.isEmpty, "\(name): \(run.stdout)")
        #expect(try box.bytes() == before, "\(name): the database changed")
    }

    @Test func messagesComeInChinese() throws {
        let box = try Sandbox().seeded()
        let run = try box.jifen(["transfer", "V0001", "V0002", "51", "--lang", "zh"])
        #expect(run.status == Exit.refused)
        #expect(run.stderr.contains("可用积分为 50"), "\(run)")
        let json = try box.jifen(["transfer", "V0001", "V0002", "51", "--json"])
        let error = (try JSONSerialization.jsonObject(with: Data(json.stderr.utf8))) as? [String: Any]
        #expect(error?["code"] as? String == "insufficient-points")
        #expect(error?["exit"] as? Int == 65)
    }

    @Test func quotesAndSQLAreStoredVerbatim() throws {
        let box = try Sandbox().seeded()
        let name = "O'Brien\"; DROP TABLE volunteer;--"
        let added = try box.jifen(["volunteer", "add", "--name", name, "--phone", "13800001111", "--json"])
        #expect(added.status == 0, "\(added)")
        let shown = try box.jifen(["volunteer", "show", "V0003", "--json"])
        let volunteer = shown.object["volunteer"] as? [String: Any]
        #expect(volunteer?["name"] as? String == name)
        expectOK(try box.jifen(["verify"]))
    }

    @Test func missingDatabaseSaysRunInit() throws {
        let box = try Sandbox()
        let run = try box.jifen(["balance", "V0001"])
        #expect(run.status == Exit.fault)
        #expect(run.stderr.contains("jifen init"))
        #expect(!FileManager.default.fileExists(atPath: box.db), "a missing database must not be created")
    }

    @Test func foreignFilesAreNotTouched() throws {
        let box = try Sandbox()
        try Data("name,phone\n张三,138\n".utf8).write(to: URL(fileURLWithPath: box.db))
        let before = try box.bytes()
        let run = try box.jifen(["verify"])
        #expect(run.status == Exit.fault)
        #expect(run.stderr.contains("not a Jifen database"), "\(run)")
        let other = box.directory.appendingPathComponent("other.sqlite").path
        _ = try box.run("/usr/bin/sqlite3", [other, "CREATE TABLE t(x); INSERT INTO t VALUES (1);"])
        let otherBefore = try Data(contentsOf: URL(fileURLWithPath: other))
        let second = try box.jifen(["balance", "V0001", "--db", other])
        #expect(second.status == Exit.fault)
        #expect(try box.bytes() == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == otherBefore)
    }

    @Test func readOnlyDatabaseIsAFault() throws {
        let box = try Sandbox().seeded()
        // Root ignores file modes, so the refused write runs as `nobody` when we are root.
        chmod(box.directory.path, 0o755)
        chmod(box.db, 0o444)
        let before = try box.bytes()
        let prefix = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let run = try box.jifen(["grant", "V0001", "5", "--reason", "x"], prefix: prefix)
        #expect(run.status == Exit.fault, "\(run)")
        #expect(run.stderr.contains("read-only"), "\(run)")
        #expect(try box.bytes() == before)
    }

    @Test(.tags(.alone)) func lockedPastTheTimeoutIsBusy() throws {
        let box = try Sandbox().seeded()
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN IMMEDIATE')
            print('locked', flush=True)
            time.sleep(6)
            """, box.db,
        ]
        let pipe = Pipe()
        locker.standardOutput = pipe
        try locker.run()
        defer { locker.terminate(); locker.waitUntilExit() }
        _ = pipe.fileHandleForReading.availableData  // waits for "locked"
        let before = try box.bytes()
        let run = try box.jifen(["grant", "V0001", "5", "--reason", "x", "--busy-timeout", "0.5"])
        #expect(run.status == Exit.busy, "\(run)")
        #expect(run.stderr.contains("locked by another process"), "\(run)")
        #expect(try box.bytes() == before)
    }
}
