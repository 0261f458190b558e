import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// `jifen migrate` through the real binary: a SQLite community with activities and service
/// records moves to PostgreSQL whole, and the ledger goes on there.
@Suite(.serialized, .needsPostgres) struct MigrateTests {
    /// A community with settings, a gift, a reversal, an activity, approved hours and a dispute.
    func community() throws -> Sandbox {
        let box = try Sandbox().seeded()
        expectOK(try box.jifen(["config", "set", "points.per_hour.patrol", "12"]))
        expectOK(try box.jifen(["team", "add", "--name", "平安使者巡逻队", "--leader", "杨建军", "--organizer", "杨建军"]))
        expectOK(try box.jifen(["--as", "V0001", "transfer", "V0001", "V0002", "20", "--memo", "给老伴"]))
        expectOK(try box.jifen(["grant", "V0002", "9", "--reason", "误录", "--key", "oops"]))
        expectOK(try box.jifen(["reverse", "3", "--reason", "重复录入"]))
        let env = ["JIFEN_NOW": "2026-11-20 20:00"]
        expectOK(
            try box.jifen(
                [
                    "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "夜间巡逻", "--start",
                    "2026-11-20 08:00",
                    "--end", "2026-11-20 11:00", "--category", "patrol",
                ], env: env))
        expectOK(try box.jifen(["--as", "V0001", "activity", "join", "A0001", "V0001"], env: env))
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0001", "--at", "2026-11-20 08:00"], env: env))
        expectOK(try box.jifen(["--as", "杨建军", "checkout", "A0001", "V0001", "--at", "2026-11-20 11:00"], env: env))
        // The organizer's times are corrections, so the record waits for review: approved by id.
        expectOK(try box.jifen(["--as", "杨建军", "hours", "approve", "H0000001"], env: env))
        return box
    }

    func json(_ box: Sandbox, _ arguments: [String], db: String) throws -> String {
        let run = try box.jifen(["--db", db] + arguments + ["--json"])
        expectOK(run)
        return run.stdout
    }

    @Test func aCommunityMovesWholeAndGoesOnOnPostgres() throws {
        let box = try community()
        let target = try Sandbox(.postgres).db
        let run = try box.jifen(["migrate", "--from", box.db, "--to", target, "--json"])
        expectOK(run)
        #expect(run.object["transfers"] as? Int == 5, "\(run)")
        let rows = run.object["rows"] as? [String: Int] ?? [:]
        #expect(
            rows["service_record"] == 1 && rows["activity"] == 1 && rows["setting"] == 1 && rows["lot_entry"] ?? 0 > 0,
            "\(rows)")
        for account in ["V0001", "V0002", "M001", "C01.issuance"] {
            #expect(
                try json(box, ["balance", account], db: target) == json(box, ["balance", account], db: box.db),
                "\(account)")
            #expect(
                try json(box, ["statement", account], db: target) == json(box, ["statement", account], db: box.db),
                "\(account)")
        }
        #expect(try json(box, ["volunteer", "list"], db: target) == json(box, ["volunteer", "list"], db: box.db))
        #expect(try box.jifen(["--db", target, "verify", "--json"]).object["ok"] as? Bool == true)
        // A second copy into the same database is refused and changes nothing.
        let again = try box.jifen(["migrate", "--from", box.db, "--to", target])
        #expect(again.status == Exit.refused, "\(again)")
        #expect(again.stderr.contains("already holds a ledger"), "\(again)")
        // The ledger goes on: the chain continues from the copied head, ids from the copied ones.
        let next = try box.jifen(["--db", target, "grant", "V0002", "5", "--reason", "after", "--json"])
        expectOK(next)
        #expect(next.object["id"] as? Int == 6, "\(next)")
        expectOK(try box.jifen(["--db", target, "--as", "V0002", "transfer", "V0002", "V0001", "3"]))
        let verify = try box.jifen(["--db", target, "verify", "--json"])
        #expect(verify.object["ok"] as? Bool == true, "\(verify)")
        #expect(verify.object["transfers"] as? Int == 7, "\(verify)")
    }

    /// The personal data `migrate` carries arrives as it left: sealed ID numbers and their digests
    /// byte for byte (never opened on the way), the key's fingerprint, every consent record and
    /// every erasure. The copy opens the numbers with the same key file, finds the same number
    /// twice, keeps the consents in force and refuses a second erasure.
    @Test func sealedIDNumbersConsentsAndErasuresArriveIntact() throws {
        let idNumber = "110101199003071233", otherIDNumber = "440304198506154024"
        let box = try Sandbox()
        let env = ["JIFEN_KEY_FILE": box.directory.appendingPathComponent("id.key").path]
        try expectOK(box.jifen(["init", "--community", "玫瑰园社区"], env: env))
        try expectOK(
            box.jifen(
                ["volunteer", "add", "--name", "张秀兰", "--phone", "13900001111", "--id-number", idNumber], env: env))
        try expectOK(box.jifen(["volunteer", "add", "--name", "李志强", "--phone", "13900003333"], env: env))
        try expectOK(
            box.jifen(
                ["resident", "add", "--name", "赵大爷", "--phone", "13900002222", "--id-number", otherIDNumber],
                env: env))
        try expectOK(
            box.jifen(["consent", "V0001", "--publish", "yes", "--share", "yes", "--version", "2026-01"], env: env))
        try expectOK(box.jifen(["consent", "V0001", "--share", "no", "--version", "2026-02"], env: env))
        try expectOK(box.jifen(["person", "erase", "V0002", "--reason", "本人申请注销"], env: env))

        let target = try Sandbox(.postgres)
        try expectOK(box.jifen(["migrate", "--from", box.db, "--to", target.db, "--json"], env: env))
        for sql in [
            "SELECT id, id_number, id_number_digest, name FROM volunteer ORDER BY id",
            "SELECT id, id_number, id_number_digest FROM resident ORDER BY id",
            "SELECT fingerprint, created_at FROM id_key ORDER BY fingerprint",
            "SELECT id, person, kind, version, granted, at, recorded_by FROM consent ORDER BY id",
            "SELECT person, community, erased_at, erased_by, reason FROM person_erasure ORDER BY person",
        ] {
            let copied = try target.query(sql), original = try box.query(sql)
            #expect(!copied.isEmpty && copied == original, "\(sql)")
        }
        let sealed = try target.query("SELECT id_number FROM volunteer WHERE id = 'V0001'")
        #expect(sealed.count == 1 && sealed[0].hasPrefix(IDNumberKey.sealedPrefix) && !sealed[0].contains(idNumber))
        #expect(
            try target.query("SELECT name FROM volunteer WHERE id = 'V0002' AND id_number IS NULL") == [Persons.erased])

        // The same key opens them on the copy: masked in listings, whole in her own export.
        let shown = try box.jifen(["--db", target.db, "--json", "volunteer", "show", "V0001"], env: env)
        #expect(shown.status == 0 && shown.stdout.contains("110***********1233"), "\(shown)")
        let exported = try box.jifen(["--db", target.db, "person", "export", "V0001"], env: env)
        #expect(exported.status == 0 && exported.stdout.contains(idNumber), "\(exported)")
        // The digests still find the same number twice.
        let twice = try box.jifen(
            [
                "--db", target.db, "--json", "resident", "add", "--name", "张三", "--phone", "13900005555",
                "--id-number", otherIDNumber,
            ], env: env)
        #expect(twice.status == 65 && twice.stderr.contains("duplicate-id-number"), "\(twice)")
        // Consents in force as recorded; her erasure stays done.
        let consents = try box.jifen(["--db", target.db, "--json", "consent", "V0001"], env: env)
        #expect(
            consents.object["publish"] as? Bool == true && consents.object["share"] as? Bool == false, "\(consents)")
        let again = try box.jifen(
            ["--db", target.db, "--json", "person", "erase", "V0002", "--reason", "再次注销"], env: env)
        #expect(again.stderr.contains("already-erased"), "\(again)")
        #expect(try box.jifen(["--db", target.db, "verify", "--json"], env: env).object["ok"] as? Bool == true)
    }

    /// Every listing, the month's report and the exported journal say the same from the copy as
    /// from the SQLite file: the PostgreSQL facade reads the same rows the same way.
    @Test func everyListingAnswersTheSameOnBothStores() throws {
        let box = try community()
        let env = ["JIFEN_NOW": "2026-11-21 10:00"]
        expectOK(
            try box.jifen(
                ["--as", "M001", "offer", "add", "M001", "--title", "理发一次", "--points", "20", "--stock", "3"], env: env)
        )
        expectOK(try box.jifen(["offer", "add", "M001", "--title", "洗衣", "--points", "5"], env: env))
        expectOK(try box.jifen(["offer", "retire", "O002"], env: env))
        let code = try box.code("V0001", env: env)
        expectOK(try box.jifen(["--as", "M001", "redeem", "M001", "--code", code, "--offer", "O001"], env: env))
        expectOK(try box.jifen(["--as", "M001", "refund", "R001", "--points", "5", "--reason", "少剪一次"], env: env))
        expectOK(try box.jifen(["--as", "V0001", "hours", "dispute", "H0000001", "--reason", "我服务到11点半"], env: env))
        let target = try Sandbox(.postgres).db
        expectOK(try box.jifen(["migrate", "--from", box.db, "--to", target], env: env))
        let listings: [[String]] = [
            ["offer", "list"], ["offer", "list", "--affordable-by", "V0002"], ["team", "list"], ["activity", "list"],
            ["activity", "show", "A0001"], ["hours", "list"], ["hours", "list", "--pending"], ["records", "V0001"],
            ["hours", "history", "H0000001"], ["config", "show"], ["config", "history"], ["balance", "V0001"],
            ["report", "--month", "2026-11"], ["report", "--month", "2026-11", "--by", "team"],
            ["report", "--month", "2026-11", "--by", "volunteer"],
            ["report", "--month", "2026-11", "--by", "merchant"],
            ["report", "--month", "2026-11", "--by", "category"],
        ]
        for arguments in listings {
            let here = try box.jifen(["--db", box.db] + arguments + ["--json"], env: env)
            let there = try box.jifen(["--db", target] + arguments + ["--json"], env: env)
            expectOK(here)
            #expect(here.stdout.count > 2 && there.stdout == here.stdout, "\(arguments): \(there)")
        }
        let (a, b) = (
            box.directory.appendingPathComponent("a.journal").path,
            box.directory.appendingPathComponent("b.journal").path
        )
        expectOK(try box.jifen(["--db", box.db, "export", a], env: env))
        expectOK(try box.jifen(["--db", target, "export", b], env: env))
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
    }

    @Test func aTargetThatIsNotPostgresOrASourceThatIsMissingIsRefused() throws {
        let box = try Sandbox()
        #expect(try box.jifen(["migrate", "--from", box.db, "--to", "other.sqlite"]).status == Exit.usage)
        let missing = try box.jifen(["migrate", "--from", box.db, "--to", try Sandbox(.postgres).db])
        #expect(missing.status == Exit.fault, "\(missing)")
    }
}
