import Foundation
import JifenTestSupport
import Testing

/// The command line's refusals (a bad fixed clock, an unwritable certificate path, a birth date in
/// the future, the same person twice, settings out of range, negative numbers, parser errors in
/// the chosen language and JSON, unknown commands), the sealed hash in refund and settle JSON, and
/// backups, through the built binary.
/// Every refusal is checked to change nothing (`Sandbox.state()`), and every rule that depends on
/// the day runs on a fixed clock.
@Suite struct CommandRefusalsAndBackupTests {
    static let now = ["JIFEN_NOW": "2026-11-20 10:00"]

    /// The one JSON error object of stderr (`{"code", "error", "exit", "message"}`), or nil.
    static func jsonError(_ run: Run) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(run.stderr.utf8))) as? [String: Any]
    }

    // MARK: 19. An unreadable JIFEN_NOW

    @Test func unreadableFixedClockIsRefused() throws {
        let box = try Sandbox().seeded()
        let before = try box.state()
        for bad in ["yesterday", "2026-13-45", "20.11.2026 10:00"] {
            let grant = try box.jifen(["grant", "V0001", "5", "--reason", "x"], env: ["JIFEN_NOW": bad])
            #expect(grant.status == Exit.usage, "\(bad): \(grant)")
            #expect(
                grant.stderr.contains("JIFEN_NOW") && grant.stderr.contains(bad)
                    && grant.stderr.contains("2026-11-20 10:00"), "\(grant)")
            #expect(grant.stdout.isEmpty, "\(grant)")
        }
        let zh = try box.jifen(["--lang", "zh", "balance", "V0001"], env: ["JIFEN_NOW": "yesterday"])
        #expect(zh.status == Exit.usage && zh.stderr.contains("JIFEN_NOW") && zh.stderr.contains("不是可读的时间"), "\(zh)")
        let json = try box.jifen(["balance", "V0001", "--json"], env: ["JIFEN_NOW": "yesterday"])
        #expect(Self.jsonError(json)?["code"] as? String == "bad-jifen-now", "\(json)")
        #expect(try box.state() == before, "a refused clock changed the database")
        // Readable forms still fix the clock.
        for good in ["2026-11-20", "2026-11-20 10:00", "2026-11-20T10:00:00", "2026-11-20T02:00:00Z"] {
            expectOK(try box.jifen(["balance", "V0001"], env: ["JIFEN_NOW": good]))
        }
    }

    // MARK: 11. A certificate whose output cannot be written

    @Test(arguments: StoreKind.allCases)
    func certificateToAnUnwritablePlaceChangesNothing(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let before = try box.state()
        let missing = box.directory.appendingPathComponent("no-such-folder/证明.md").path
        let run = try box.jifen(["certificate", "V0001", "--output", missing], env: Self.now)
        #expect(run.status == Exit.fault, "\(run)")
        #expect(run.stderr.contains("nothing was changed"), "\(run)")
        let folder = try box.jifen(["certificate", "V0001", "--output", box.directory.path], env: Self.now)
        #expect(folder.status == Exit.fault, "\(folder)")
        #expect(try box.state() == before, "a certificate that was not written used up a number")
        // The first certificate written is still the day's first number, and no scratch file is left.
        let path = box.directory.appendingPathComponent("证明.md").path
        let issued = try box.jifen(["certificate", "V0001", "--output", path, "--json"], env: Self.now)
        #expect(issued.object["number"] as? String == "ZM20261120-0001", "\(issued)")
        #expect(FileManager.default.fileExists(atPath: path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: box.directory.path).filter {
            $0.hasPrefix(".jifen-")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    // MARK: 12. A birth date in the future

    @Test(arguments: StoreKind.allCases)
    func birthDateInTheFutureIsRefused(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let before = try box.state()
        for day in ["2099-01-01", "2026-11-21"] {
            let run = try box.jifen(
                ["volunteer", "add", "--name", "王小明", "--phone", "13800009999", "--birth-date", day], env: Self.now)
            #expect(run.status == Exit.usage, "\(day): \(run)")
            #expect(run.stderr.contains("birth date \(day) is after today (2026-11-20)"), "\(run)")
        }
        let zh = try box.jifen(
            [
                "--lang", "zh", "volunteer", "add", "--name", "王小明", "--phone", "13800009999", "--birth-date",
                "2099-01-01",
            ],
            env: Self.now)
        #expect(zh.status == Exit.usage && zh.stderr.contains("晚于今天"), "\(zh)")
        #expect(try box.state() == before, "a refused volunteer changed the database")
        let born = try box.jifen(
            ["volunteer", "add", "--name", "王小明", "--phone", "13800009999", "--birth-date", "2026-11-20", "--json"],
            env: Self.now)
        #expect(born.object["id"] as? String == "V0003", "\(born)")
    }

    // MARK: 16. The same person registered twice

    @Test(arguments: StoreKind.allCases)
    func samePersonTwiceIsRefusedUnlessAllowed(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()  // V0001 张桂兰 13800001234
        let before = try box.state()
        for phone in ["13800001234", "138-0000-1234", "138 0000 1234"] {
            let run = try box.jifen(["volunteer", "add", "--name", "张桂兰", "--phone", phone], env: Self.now)
            #expect(run.status == Exit.refused, "\(phone): \(run)")
            #expect(
                run.stderr.contains("already registered as V0001") && run.stderr.contains("--allow-duplicate"), "\(run)"
            )
        }
        let zh = try box.jifen(
            ["--lang", "zh", "volunteer", "add", "--name", "张桂兰", "--phone", "13800001234"], env: Self.now)
        #expect(zh.status == Exit.refused && zh.stderr.contains("已登记为 V0001"), "\(zh)")
        #expect(try box.state() == before, "a refused duplicate changed the database")
        // Another phone is another person; --allow-duplicate registers a namesake sharing a phone.
        let other = try box.jifen(
            ["volunteer", "add", "--name", "张桂兰", "--phone", "13900001234", "--json"], env: Self.now)
        #expect(other.object["id"] as? String == "V0003", "\(other)")
        let allowed = try box.jifen(
            ["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--allow-duplicate", "--json"],
            env: Self.now)
        #expect(allowed.object["id"] as? String == "V0004", "\(allowed)")
    }

    // MARK: 25. Settings checked against their documented ranges

    @Test(arguments: StoreKind.allCases)
    func settingsOutsideTheirRangesAreRefused(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let before = try box.state()
        let lease = try box.jifen(["config", "set", "webhook.lease_seconds", "1"], env: Self.now)
        #expect(lease.status == Exit.usage, "\(lease)")
        #expect(lease.stderr.contains("at least twice webhook.timeout_seconds (10 s)"), "\(lease)")
        let zh = try box.jifen(["--lang", "zh", "config", "set", "webhook.lease_seconds", "19"], env: Self.now)
        #expect(zh.status == Exit.usage && zh.stderr.contains("两倍"), "\(zh)")
        for (key, value) in [("hours.daily_cap", "25"), ("points.per_hour", "-1"), ("webhook.timeout_seconds", "0")] {
            let run = try box.jifen(["config", "set", key, "--", value], env: Self.now)
            #expect(run.status == Exit.usage, "\(key) \(value): \(run)")
        }
        #expect(try box.state() == before, "a refused setting changed the database")
        // At the bound it is taken; then a timeout that would leave the lease short is refused.
        expectOK(try box.jifen(["config", "set", "webhook.lease_seconds", "20"], env: Self.now))
        let after = try box.state()
        let timeout = try box.jifen(["config", "set", "webhook.timeout_seconds", "11"], env: Self.now)
        #expect(timeout.status == Exit.usage && timeout.stderr.contains("webhook.lease_seconds (20 s)"), "\(timeout)")
        #expect(try box.state() == after)
        expectOK(try box.jifen(["config", "set", "webhook.timeout_seconds", "10"], env: Self.now))
    }

    // MARK: 23. The sealed hash in refund and settle JSON

    @Test(arguments: StoreKind.allCases)
    func refundAndSettleJSONShowTheSealedHash(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let redeemed = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0001"), "--points", "20", "--json",
        ])
        #expect(redeemed.object["redemption"] as? String == "R001", "\(redeemed)")
        let refund = try box.jifen(["--as", "M001", "refund", "R001", "--points", "5", "--reason", "少剪一次", "--json"])
        let settle = try box.jifen(["settle", "M001", "--json"])
        for (name, run) in [("refund", refund), ("settle", settle)] {
            let transfer = run.object["transfer"] as? [String: Any]
            let hash = transfer?["hash"] as? String ?? ""
            #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit), "\(name): \(run)")
            let id = transfer?["id"] as? Int ?? 0
            #expect(
                try box.query("SELECT hash FROM transfer WHERE id = \(id)") == [hash], "\(name): not the stored hash")
        }
        expectOK(try box.jifen(["verify"]))
    }

    // MARK: 7. Negative numbers

    @Test func negativeNumbersAreSaidToBeNegative() throws {
        let box = try Sandbox().seeded()
        let before = try box.state()
        for arguments in [
            ["grant", "V0001", "-5", "--reason", "x"], ["transfer", "V0001", "V0002", "-20"],
            ["grant", "V0001", "-0.5", "--reason", "x"],
        ] {
            let run = try box.jifen(arguments)
            #expect(run.status == Exit.usage, "\(arguments): \(run)")
            #expect(
                run.stderr.contains("is negative") && run.stderr.contains("must be positive"), "\(arguments): \(run)")
            #expect(!run.stderr.contains("Missing expected argument"), "\(run)")
        }
        let zh = try box.jifen(["--lang", "zh", "grant", "V0001", "-5", "--reason", "x"])
        #expect(zh.status == Exit.usage && zh.stderr.contains("必须为正数"), "\(zh)")
        let json = try box.jifen(["grant", "V0001", "-5", "--reason", "x", "--json"])
        #expect(Self.jsonError(json)?["code"] as? String == "negative-number", "\(json)")
        #expect(try box.state() == before)
    }

    // MARK: 8. The parser's errors in the chosen language and form

    static let parserErrors: [(String, [String], String, String)] = [
        ("unknown option", ["balance", "V0001", "--bogus"], "Unknown option '--bogus'", "未知选项 --bogus"),
        (
            "missing argument", ["grant", "V0001", "--reason", "x"], "Missing expected argument '<points>'",
            "缺少参数 <points>"
        ),
        (
            "missing value", ["grant", "V0001", "5", "--reason"], "Missing value for '--reason <reason>'",
            "选项 --reason <reason> 缺少取值"
        ),
        (
            "bad enum value", ["report", "--by", "colour"], "The value 'colour' is invalid for '--by <by>'",
            "「colour」不是 --by <by> 的有效取值"
        ),
        ("unexpected argument", ["balance", "V0001", "V0002"], "Unexpected argument 'V0002'", "多余的参数「V0002」"),
    ]

    @Test(arguments: parserErrors.indices)
    func parserErrorsFollowLangAndJSON(index: Int) throws {
        let (name, arguments, english, chinese) = Self.parserErrors[index]
        let box = try Sandbox().seeded()
        let before = try box.state()
        let en = try box.jifen(arguments)
        #expect(en.status == Exit.usage && en.stderr.contains(english), "\(name): \(en)")
        let zh = try box.jifen(["--lang", "zh"] + arguments)
        #expect(zh.status == Exit.usage && zh.stderr.contains("错误：") && zh.stderr.contains(chinese), "\(name): \(zh)")
        #expect(!zh.stderr.contains(english), "\(name): still English: \(zh)")
        let json = try box.jifen(arguments + ["--json"])
        #expect(json.status == Exit.usage, "\(name): \(json)")
        let object = Self.jsonError(json)
        #expect(
            object?["error"] as? String == "usage" && object?["exit"] as? Int == 64
                && object?["code"] as? String == "bad-arguments",
            "\(name): not the JSON error object: \(json)")
        #expect((object?["message"] as? String)?.contains(english) == true, "\(name): \(json)")
        let zhJSON = try box.jifen(["--lang", "zh", "--json"] + arguments)
        #expect((Self.jsonError(zhJSON)?["message"] as? String)?.contains(chinese) == true, "\(name): \(zhJSON)")
        #expect(en.stdout.isEmpty && json.stdout.isEmpty)
        #expect(try box.state() == before)
    }

    @Test func badLanguageValueIsSaidInTheLocalesLanguage() throws {
        let box = try Sandbox().seeded()
        let run = try box.jifen(["--lang", "fr", "balance", "V0001"], env: ["LANG": "zh_CN.UTF-8"])
        #expect(
            run.status == Exit.usage && run.stderr.contains("「fr」不是 --lang <lang> 的有效取值")
                && run.stderr.contains("'zh'、'en'"), "\(run)")
    }

    // MARK: 9. Unknown commands

    @Test func unknownCommandSaysSoAndSuggestsTheNearest() throws {
        let box = try Sandbox().seeded()
        let before = try box.state()
        let zh = try box.jifen(["--lang", "zh", "blance"])
        #expect(zh.status == Exit.usage, "\(zh)")
        #expect(zh.stderr.contains("没有「blance」这个命令") && zh.stderr.contains("jifen balance"), "\(zh)")
        #expect(!zh.stderr.contains("--lang"), "\(zh)")
        let en = try box.jifen(["blance", "V0001"])
        #expect(en.stderr.contains("There is no command \"blance\". Did you mean jifen balance?"), "\(en)")
        let nested = try box.jifen(["hours", "aprove", "H0000001"])
        #expect(nested.status == Exit.usage && nested.stderr.contains("Did you mean jifen hours approve?"), "\(nested)")
        let defaulted = try box.jifen(["config", "sett", "points.per_hour", "12"])
        #expect(
            defaulted.status == Exit.usage && defaulted.stderr.contains("Did you mean jifen config set?"),
            "\(defaulted)")
        let json = try box.jifen(["--json", "blance"])
        #expect(Self.jsonError(json)?["code"] as? String == "unknown-command", "\(json)")
        let far = try box.jifen(["xyzzyplugh"])
        #expect(
            far.status == Exit.usage && far.stderr.contains("There is no command \"xyzzyplugh\"")
                && !far.stderr.contains("Did you mean"), "\(far)")
        #expect(try box.state() == before)
        // Words that are a default command's arguments are not taken for commands.
        expectOK(
            try box.jifen(
                ["certificate", "V0001", "--output", box.directory.appendingPathComponent("c.md").path], env: Self.now))
    }

    // MARK: 24. Backups

    @Test(.tags(.alone)) func backupWhileAnotherProcessWritesHoldsEveryCommittedTransfer() throws {
        let box = try Sandbox().seeded()
        // Another jifen process grants 60 times, one transfer per process run.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = [
            "-c",
            """
            i=0; while [ $i -lt 60 ]; do i=$((i+1)); "$JIFEN" --db "$DB" grant V0002 1 --reason 备份测试 --key bk-$i >/dev/null || exit 1; done
            """,
        ]
        writer.environment = [
            "JIFEN": jifenBinary.path, "DB": box.db, "PATH": "/usr/bin:/bin", "HOME": box.directory.path,
        ]
        try writer.run()
        var copies: [(path: String, committedBefore: Int)] = []
        for n in 1...3 {
            Thread.sleep(forTimeInterval: 0.3)
            let committed = Int(try box.query("SELECT COUNT(*) FROM transfer").first ?? "") ?? -1
            let path = box.directory.appendingPathComponent("backup-\(n).sqlite").path
            let run = try box.jifen(["backup", path, "--json"])
            #expect(run.status == 0, "\(run)")
            #expect(run.object["ok"] as? Bool == true, "\(run)")
            #expect((run.object["transfers"] as? Int ?? 0) >= committed, "\(run)")
            #expect((run.object["chain_head"] as? [String: Any])?["hash"] as? String != nil, "\(run)")
            copies.append((path, committed))
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(
            copies.contains { $0.committedBefore > 1 && $0.committedBefore < 61 },
            "no backup ran while the writer wrote: \(copies)")
        let source = try box.query("SELECT id, hash FROM transfer ORDER BY id")
        #expect(source.count == 61)
        for copy in copies {
            // The copy is the source's ledger up to a moment: every transfer committed before the
            // backup began, identical, and it verifies on its own.
            let rows = try box.run("/usr/bin/sqlite3", [copy.path, "SELECT id, hash FROM transfer ORDER BY id"]).stdout
                .split(separator: "\n").map(String.init)
            #expect(
                rows.count >= copy.committedBefore && rows == Array(source.prefix(rows.count)),
                "\(copy.path): \(rows.count) rows")
            expectOK(try box.jifen(["--db", copy.path, "verify"]))
            #expect(
                !FileManager.default.fileExists(atPath: copy.path + "-wal")
                    || (try? Data(contentsOf: URL(fileURLWithPath: copy.path + "-wal")))?.isEmpty == true)
        }
        // The last copy, restored by copying it into place, is a working database.
        let restored = box.directory.appendingPathComponent("restored.sqlite").path
        try FileManager.default.copyItem(atPath: copies[2].path, toPath: restored)
        expectOK(try box.jifen(["--db", restored, "grant", "V0002", "1", "--reason", "恢复后"]))
        expectOK(try box.jifen(["--db", restored, "verify"]))
    }

    @Test func backupNeverOverwritesAndSaysWhatItHolds() throws {
        let box = try Sandbox().seeded()
        let path = box.directory.appendingPathComponent("keep.sqlite").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let refused = try box.jifen(["backup", path])
        #expect(refused.status == Exit.refused && refused.stderr.contains("never overwrites"), "\(refused)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("precious".utf8))
        let unwritable = try box.jifen(["backup", box.directory.appendingPathComponent("no-such-folder/b.sqlite").path])
        #expect(unwritable.status == Exit.fault, "\(unwritable)")
        let fresh = box.directory.appendingPathComponent("b.sqlite").path
        let run = try box.jifen(["backup", fresh])
        expectOK(run)
        #expect(
            run.stdout.contains("1 transfers") && run.stdout.contains("chain head #1 ")
                && run.stdout.contains("The copy verifies."), "\(run)")
        let zh = try box.jifen(["--lang", "zh", "backup", box.directory.appendingPathComponent("c.sqlite").path])
        #expect(zh.stdout.contains("已备份到") && zh.stdout.contains("备份已核对无误"), "\(zh)")
    }

    @Test(.needsPostgres) func backupOnPostgresPointsToPgDump() throws {
        let box = try Sandbox(.postgres).seeded()
        let before = try box.state()
        let run = try box.jifen(["backup", box.directory.appendingPathComponent("b.sqlite").path])
        #expect(
            run.status == Exit.usage && run.stderr.contains("pg_dump") && run.stderr.contains("pg_restore"), "\(run)")
        #expect(try box.state() == before)
    }
}
