import Foundation
import JifenTestSupport
import Testing

/// Lots that lapse (holds keep their points, lapsed points are not spendable, the last usable
/// day shown once), check-in before the start and overtime, local times in messages, the month's
/// notice, who may read records, CSV and text safety, stored texts in the reader's language and
/// one JSON convention: each through the built binary on a fixed clock, on both stores where the
/// store matters.
@Suite struct ExpiryCheckInAndOutputTests {
    static let now = ["JIFEN_NOW": "2026-11-20 12:00"]

    /// A community on 2026-11-20 12:00: team T01 organised by 杨建军, `volunteers` volunteers
    /// (V0001…), and T01's activity A0001 that day from `start` to `end`; returns its check-in code.
    func patrol(
        _ store: StoreKind = .sqlite, volunteers: Int = 1, start: String = "08:00", end: String = "11:00"
    ) throws -> (Sandbox, code: String) {
        let box = try Sandbox(store)
        let now = Self.now
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"], env: now))
        expectOK(try box.jifen(["team", "add", "--name", "巡逻队", "--organizer", "杨建军"], env: now))
        for (index, name) in ["张桂兰", "李志强", "王秀英"].prefix(volunteers).enumerated() {
            expectOK(
                try box.jifen(["volunteer", "add", "--name", name, "--phone", "1380000000\(index + 1)"], env: now))
        }
        let post = try box.jifen(
            [
                "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-11-20 \(start)",
                "--end", "2026-11-20 \(end)", "--json",
            ], env: now)
        #expect(post.object["id"] as? String == "A0001", "\(post)")
        return (box, post.object["checkin_code"] as? String ?? "")
    }

    /// A community whose V0001 got 80 points on 2023-11-20 (they lapse on 2026-11-20) and 68 on
    /// 2026-11-10, and a merchant M001.
    func lapsingLot(_ store: StoreKind) throws -> Sandbox {
        let box = try Sandbox(store)
        let old = ["JIFEN_NOW": "2023-11-20 09:00"]
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"], env: old))
        expectOK(try box.jifen(["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234"], env: old))
        expectOK(try box.jifen(["merchant", "add", "--name", "老街理发店"], env: old))
        expectOK(try box.jifen(["grant", "V0001", "80", "--reason", "纸质台账结转"], env: old))
        expectOK(try box.jifen(["grant", "V0001", "68", "--reason", "十一月服务"], env: ["JIFEN_NOW": "2026-11-10 09:00"]))
        return box
    }

    // 1. Expiry leaves a pending hold its points; the pickup pays from the lapsing lot.
    @Test(arguments: StoreKind.allCases)
    func expiryLeavesAHoldItsLotsAndThePickupPaysFromThem(store: StoreKind) throws {
        let box = try lapsingLot(store)
        let before = ["JIFEN_NOW": "2026-11-19 09:00"]
        let code = try box.code("V0001", env: before)
        let held = try box.jifen(
            ["--as", "M001", "redeem", "M001", "--code", code, "--points", "15", "--hold", "--json"], env: before)
        #expect(held.object["redemption"] as? String == "R001", "\(held)")
        let after = ["JIFEN_NOW": "2026-11-21 08:00"]
        let expired = try box.jifen(["expire", "--json"], env: after)
        #expect(expired.object["points"] as? Int == 65, "\(expired)")
        expectOK(try box.jifen(["--as", "M001", "pickup", "R001"], env: after))
        let balance = try box.jifen(["balance", "V0001", "--json"], env: after)
        #expect(balance.object["balance"] as? Int == 68 && balance.object["available"] as? Int == 68, "\(balance)")
        let lots = balance.object["lots"] as? [[String: Any]] ?? []
        #expect(lots.count == 1 && lots.first?["points"] as? Int == 68, "\(balance)")
        // Nothing is left of the 2026-11-20 lot for a later run to take.
        let again = try box.jifen(["expire", "--json"], env: ["JIFEN_NOW": "2026-11-22 08:00"])
        #expect(again.object["points"] as? Int == 0, "\(again)")
        expectOK(try box.jifen(["verify"], env: after))
    }

    // 1. A hold voided after its lot lapsed leaves the points to the next expiry run.
    @Test func aReleasedHoldOnALapsedLotIsExpiredByTheNextRun() throws {
        let box = try lapsingLot(.sqlite)
        let before = ["JIFEN_NOW": "2026-11-19 09:00"]
        let code = try box.code("V0001", env: before)
        expectOK(
            try box.jifen(["--as", "M001", "redeem", "M001", "--code", code, "--points", "15", "--hold"], env: before))
        let after = ["JIFEN_NOW": "2026-11-21 08:00"]
        #expect(try box.jifen(["expire", "--json"], env: after).object["points"] as? Int == 65)
        expectOK(try box.jifen(["--as", "M001", "release", "R001"], env: after))
        #expect(try box.jifen(["expire", "--json"], env: after).object["points"] as? Int == 15)
        #expect(try box.jifen(["balance", "V0001", "--json"], env: after).object["balance"] as? Int == 68)
        expectOK(try box.jifen(["verify"], env: after))
    }

    // 2. A lot past its day is not spendable, whether or not `expire` ran; one date on screen.
    @Test(arguments: StoreKind.allCases)
    func lapsedPointsAreNotSpendableBeforeExpireRuns(store: StoreKind) throws {
        let box = try lapsingLot(store)
        let after = ["JIFEN_NOW": "2026-11-21 08:00"]
        let balance = try box.jifen(["balance", "V0001", "--json"], env: after)
        #expect(balance.object["balance"] as? Int == 148, "\(balance)")
        #expect(balance.object["available"] as? Int == 68 && balance.object["lapsed"] as? Int == 80, "\(balance)")
        #expect(balance.object["expiring_soon"] as? Int == 0, "\(balance)")
        let code = try box.code("V0001", env: after)
        let stateWithCode = try box.state()
        let refused = try box.jifen(["--as", "M001", "redeem", "M001", "--code", code, "--points", "100"], env: after)
        #expect(refused.status == Exit.refused && refused.stderr.contains("68"), "\(refused)")
        #expect(try box.state() == stateWithCode)
        let gift = try box.jifen(["grant", "V0001", "1", "--reason", "x"], env: after)
        expectOK(gift)
        let transfer = try box.jifen(["volunteer", "add", "--name", "李志强", "--phone", "13800005678"], env: after)
        expectOK(transfer)
        let given = try box.jifen(["--as", "V0001", "transfer", "V0001", "V0002", "70"], env: after)
        #expect(given.status == Exit.refused, "\(given)")
        expectOK(try box.jifen(["--as", "V0001", "transfer", "V0001", "V0002", "69"], env: after))
        // The zh screen shows one date per lot: the last day it can be used.
        let zh = try box.jifen(["--lang", "zh", "balance", "V0001"], env: after)
        #expect(zh.stdout.contains("已过期（不能再用）") && zh.stdout.contains("80"), "\(zh)")
        #expect(!zh.stdout.contains("起失效") && !zh.stdout.contains("2026-11-20"), "\(zh)")
        // Expiry then moves exactly the lapsed points.
        #expect(try box.jifen(["expire", "--json"], env: after).object["points"] as? Int == 80)
        expectOK(try box.jifen(["verify"], env: after))
    }

    @Test func expiringSoonShowsTheLastUsableDayOnce() throws {
        let box = try Sandbox().seeded()
        expectOK(try box.jifen(["config", "set", "points.validity_months", "1"]))
        expectOK(try box.jifen(["grant", "V0002", "120", "--reason", "x"], env: ["JIFEN_NOW": "2026-11-05 10:00"]))
        let zh = try box.jifen(["--lang", "zh", "balance", "V0002"], env: ["JIFEN_NOW": "2026-11-20 10:00"])
        #expect(zh.stdout.contains("即将过期（2026-12-04 后不能再用）") && zh.stdout.contains("可用至 2026-12-04"), "\(zh)")
        #expect(!zh.stdout.contains("2026-12-20") && !zh.stdout.contains("2026-12-05"), "\(zh)")
    }

    // 3. Check-in long before the start is refused; time outside the plan needs review.
    @Test(arguments: StoreKind.allCases)
    func checkInBeforeTheStartIsRefusedAndOvertimeIsReviewed(store: StoreKind) throws {
        let (box, code) = try patrol(store, volunteers: 3, start: "09:00")
        let now = Self.now
        let before = try box.state()
        let early = try box.jifen(
            ["--as", "V0001", "checkin", "A0001", "V0001", "--code", code], env: ["JIFEN_NOW": "2026-11-20 03:00"])
        #expect(early.status == Exit.refused && early.stderr.contains("08:30"), "\(early)")
        #expect(try box.state() == before)
        // Within the grace: accepted; leaving at the end earns at once (each at the server's clock).
        expectOK(
            try box.jifen(
                ["--as", "V0001", "checkin", "A0001", "V0001", "--code", code], env: ["JIFEN_NOW": "2026-11-20 08:45"]))
        expectOK(
            try box.jifen(
                ["--as", "V0002", "checkin", "A0001", "V0002", "--code", code], env: ["JIFEN_NOW": "2026-11-20 09:00"]))
        let out1 = try box.jifen(
            ["--as", "V0001", "checkout", "A0001", "V0001", "--json"], env: ["JIFEN_NOW": "2026-11-20 11:00"])
        #expect(out1.object["status"] as? String == "approved", "\(out1)")
        // Staying far past the end: the record waits for an organizer, and earns nothing yet.
        let out2 = try box.jifen(
            ["--as", "V0002", "checkout", "A0001", "V0002", "--json"], env: ["JIFEN_NOW": "2026-11-20 11:45"])
        #expect(out2.object["status"] as? String == "review" && out2.object["points"] as? Int == 0, "\(out2)")
        #expect(try box.jifen(["balance", "V0002", "--json"], env: now).object["balance"] as? Int == 0)
        // The grace is a setting.
        expectOK(try box.jifen(["config", "set", "checkin.grace_minutes", "0"], env: now))
        let refusedAtGrace = try box.jifen(
            ["--as", "杨建军", "checkin", "A0001", "V0003", "--at", "2026-11-20 08:59"], env: now)
        #expect(
            refusedAtGrace.status == Exit.refused && refusedAtGrace.stderr.contains("check-in opens 0 minutes before"),
            "\(refusedAtGrace)")
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0003", "--at", "2026-11-20 09:00"], env: now))
    }

    // 14. Times in messages are in the user's zone, not UTC ISO.
    @Test func messagesShowLocalTimes() throws {
        let (box, _) = try patrol(start: "09:00")
        let now = Self.now
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0001", "--at", "2026-11-20 09:00"], env: now))
        let twice = try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0001", "--at", "2026-11-20 09:05"], env: now)
        #expect(twice.stderr.contains("2026-11-20 09:00") && !twice.stderr.contains("T01:00:00"), "\(twice)")
        let future = try box.jifen(["--as", "杨建军", "checkout", "A0001", "V0001", "--at", "2026-11-20 18:00"], env: now)
        #expect(
            future.status == Exit.usage && future.stderr.contains("2026-11-20 18:00") && !future.stderr.contains("Z"),
            "\(future)")
    }

    // 4. The notice adds up month to month, with every kind of transfer, reversals included.
    @Test(arguments: StoreKind.allCases)
    func theNoticeReconcilesMonthToMonth(store: StoreKind) throws {
        let box = try Sandbox(store)
        let oct = ["JIFEN_NOW": "2026-10-10 10:00"]
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"], env: oct))
        expectOK(try box.jifen(["team", "add", "--name", "巡逻队", "--organizer", "杨建军"], env: oct))
        for (name, phone) in [("张桂兰", "13800000001"), ("李志强", "13800000002")] {
            expectOK(try box.jifen(["volunteer", "add", "--name", name, "--phone", phone, "--consent"], env: oct))
        }
        expectOK(try box.jifen(["merchant", "add", "--name", "老街理发店"], env: oct))
        expectOK(try box.jifen(["grant", "V0001", "100", "--reason", "结转"], env: oct))
        expectOK(try box.jifen(["grant", "V0002", "40", "--reason", "结转"], env: oct))
        // November: earnings (one corrected, so reversed and earned again), a duplicate grant
        // reversed, a gift, a redemption, a refund, an admin adjustment, settlement.
        let nov = ["JIFEN_NOW": "2026-11-20 12:00"]
        expectOK(
            try box.jifen(
                [
                    "--as", "杨建军", "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-11-20 08:00",
                    "--end", "2026-11-20 11:00",
                ], env: nov))
        // Checked in and out by the organizer as it happens (the server's clock, so no correction to review).
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0001"], env: ["JIFEN_NOW": "2026-11-20 08:00"]))
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0002"], env: ["JIFEN_NOW": "2026-11-20 08:00"]))
        let earned = try box.jifen(
            ["--as", "杨建军", "checkout", "A0001", "V0001", "--json"], env: ["JIFEN_NOW": "2026-11-20 11:00"])
        #expect(earned.object["points"] as? Int == 30, "\(earned)")
        let second = try box.jifen(
            ["--as", "杨建军", "checkout", "A0001", "V0002", "--json"], env: ["JIFEN_NOW": "2026-11-20 11:00"])
        let record = second.object["id"] as? String ?? ""
        expectOK(
            try box.jifen(
                ["--as", "杨建军", "hours", "correct", record, "--minutes", "60", "--reason", "只服务了一小时"], env: nov))
        let dup = try box.jifen(["grant", "V0002", "25", "--reason", "重复录入", "--json"], env: nov)
        let dupID = String(dup.object["id"] as? Int ?? 0)
        expectOK(try box.jifen(["reverse", dupID, "--reason", "重复录入"], env: nov))
        expectOK(try box.jifen(["--as", "V0001", "transfer", "V0001", "V0002", "5", "--memo", "给老伴"], env: nov))
        let code = try box.code("V0001", env: nov)
        expectOK(try box.jifen(["--as", "M001", "redeem", "M001", "--code", code, "--points", "20"], env: nov))
        expectOK(try box.jifen(["refund", "R001", "--points", "4", "--reason", "少剪"], env: nov))
        expectOK(try box.jifen(["transfer", "V0002", "V0001", "3", "--memo", "管理员调整"], env: nov))
        expectOK(try box.jifen(["settle", "M001"], env: nov))
        // December: expiry of a short-lived grant.
        expectOK(try box.jifen(["config", "set", "points.validity_months", "1"], env: nov))
        expectOK(try box.jifen(["grant", "V0002", "7", "--reason", "短期积分"], env: nov))
        let dec = ["JIFEN_NOW": "2026-12-20 12:00"]
        #expect(try box.jifen(["expire", "--json"], env: dec).object["points"] as? Int == 7)
        let notices = try ["2026-10", "2026-11", "2026-12"].map {
            try box.jifen(["report", "--month", $0, "--json"], env: dec)
        }
        for notice in notices {
            #expect(notice.object["reconciles"] as? Bool == true, "\(notice)")
            let t = notice.object["totals"] as? [String: Any] ?? [:]
            func n(_ key: String) -> Int { t[key] as? Int ?? 0 }
            let opening = notice.object["opening_outstanding"] as? Int ?? -1
            let closing = notice.object["outstanding"] as? Int ?? -2
            #expect(
                opening + n("earned") + n("granted") - n("redeemed") + n("refunded") - n("expired") + n("reversed")
                    + n("adjusted") == closing,
                "\(notice)")
        }
        for (earlier, later) in zip(notices, notices.dropFirst()) {
            #expect(
                earlier.object["outstanding"] as? Int == later.object["opening_outstanding"] as? Int,
                "\(earlier)\n\(later)")
        }
        let november = notices[1].object
        let totals = november["totals"] as? [String: Any] ?? [:]
        // 30 + 30 earned, 30 reversed by the correction, 10 earned again: 40 net.
        #expect(
            totals["earned"] as? Int == 40 && totals["reversed"] as? Int == -25 && totals["adjusted"] as? Int == 0,
            "\(november)")
        // The roll of honour counts what each kept: V0001 30, V0002 10.
        let top = (november["top_volunteers"] as? [[String: Any]] ?? []).map {
            "\($0["id"] ?? ""):\($0["earned"] ?? "")"
        }
        #expect(top == ["V0001:30", "V0002:10"], "\(november)")
        #expect((notices[2].object["totals"] as? [String: Any])?["expired"] as? Int == 7, "\(notices[2])")
        let table = try box.jifen(["report", "--month", "2026-11"], env: dec)
        #expect(table.stdout.contains("reversed (net)") && table.stdout.contains("month start"), "\(table)")
    }

    // 5, 6. Reading others' records is an allow-list: unknown actors and other volunteers get nothing.
    @Test(arguments: StoreKind.allCases)
    func onlyKnownPeopleReadRecords(store: StoreKind) throws {
        let (box, _) = try patrol(store, volunteers: 3)
        let now = Self.now
        expectOK(try box.jifen(["merchant", "add", "--name", "老街理发店"], env: now))
        expectOK(try box.jifen(["--as", "杨建军", "hours", "add", "A0001", "V0003", "--minutes", "90"], env: now))
        let record = "H0000001"
        // Another volunteer cannot read V0003's record's history.
        let other = try box.jifen(["--as", "V0001", "hours", "history", record], env: now)
        #expect(other.status == Exit.refused && other.stdout.isEmpty, "\(other)")
        expectOK(try box.jifen(["--as", "V0003", "hours", "history", record], env: now))
        expectOK(try box.jifen(["--as", "杨建军", "hours", "history", record], env: now))
        expectOK(try box.jifen(["hours", "history", record], env: now))
        // Actors that are not a known person, or a known person in another role, read nothing.
        for actor in ["v0003", "路人甲", "M001"] {
            for args in [["hours", "list"], ["records", "V0003"], ["hours", "history", record]] {
                let run = try box.jifen(["--as", actor] + args, env: now)
                #expect(run.status == Exit.refused && !run.stdout.contains("V0003"), "\(actor) \(args): \(run)")
            }
            let before = try box.state()
            let certificate = try box.jifen(["--as", actor, "certificate", "V0003"], env: now)
            #expect(certificate.status == Exit.refused, "\(actor): \(certificate)")
            #expect(try box.state() == before)
            let shown = try box.jifen(["--as", actor, "activity", "show", "A0001", "--json"], env: now)
            let activity = shown.object["activity"] as? [String: Any] ?? [:]
            #expect(activity["checkin_code"] == nil, "\(actor): \(shown)")
        }
        let organizer = try box.jifen(["--as", "杨建军", "activity", "show", "A0001", "--json"], env: now)
        #expect((organizer.object["activity"] as? [String: Any])?["checkin_code"] as? String != nil, "\(organizer)")
    }

    // 13, 17. CSV cannot carry a live formula; names with control characters keep tables whole.
    @Test func csvFormulasAreNeutralisedAndControlCharactersEscaped() throws {
        let box = try Sandbox()
        let now = ["JIFEN_NOW": "2026-11-20 12:00"]
        expectOK(try box.jifen(["init", "--community", "玫瑰园社区"], env: now))
        expectOK(
            try box.jifen(
                ["volunteer", "add", "--name", "=HYPERLINK(\"http://x\")", "--phone", "13800000001", "--consent"],
                env: now))
        expectOK(
            try box.jifen(
                ["volunteer", "add", "--name", "王\u{202E}英秀", "--phone", "13800000002", "--consent"], env: now))
        expectOK(try box.jifen(["grant", "V0001", "10", "--reason", "x"], env: now))
        expectOK(try box.jifen(["grant", "V0002", "10", "--reason", "x"], env: now))
        let csv = try box.jifen(["report", "--month", "2026-11", "--by", "volunteer", "--csv"], env: now)
        #expect(csv.stdout.contains("V0001,\"'=HYPERLINK(\"\"http://x\"\")\""), "\(csv)")
        #expect(!csv.stdout.contains(",=HYPERLINK"), "\(csv)")
        let table = try box.jifen(["report", "--month", "2026-11", "--by", "volunteer"], env: now)
        #expect(!table.stdout.contains("\u{202E}") && table.stdout.contains("王<U+202E>英秀"), "\(table)")
    }

    // 18. Texts Jifen writes are stored as codes and shown in the reader's language.
    @Test func storedTextsAreShownInTheReadersLanguage() throws {
        let (box, _) = try patrol()
        let now = Self.now
        expectOK(try box.jifen(["--as", "杨建军", "checkin", "A0001", "V0001", "--at", "2026-11-20 08:00"], env: now))
        let out = try box.jifen(
            ["--lang", "zh", "--as", "杨建军", "checkout", "A0001", "V0001", "--at", "2026-11-20 08:30"], env: now)
        #expect(out.stdout.contains("不足计划 180 分钟的 60%") && !out.stdout.contains("review:"), "\(out)")
        let zh = try box.jifen(["--lang", "zh", "--as", "杨建军", "hours", "list"], env: now)
        #expect(zh.stdout.contains("不足计划 180 分钟的 60%") && !zh.stdout.contains("below"), "\(zh)")
        let en = try box.jifen(["--as", "杨建军", "hours", "list"], env: now)
        #expect(en.stdout.contains("below 60% of the planned 180 min") && !en.stdout.contains("不足"), "\(en)")
        // Expiry's memo and the advice on too few points.
        expectOK(try box.jifen(["config", "set", "points.validity_months", "1"], env: now))
        expectOK(try box.jifen(["grant", "V0001", "10", "--reason", "x"], env: now))
        let later = ["JIFEN_NOW": "2026-12-21 12:00"]
        #expect(try box.jifen(["expire", "--json"], env: later).object["points"] as? Int == 10)
        let statement = try box.jifen(["--lang", "zh", "statement", "V0001"], env: later)
        #expect(
            statement.stdout.contains("2026-12-21 及以前到期的积分") && !statement.stdout.contains("lapsed"), "\(statement)")
        expectOK(try box.jifen(["grant", "V0001", "3", "--reason", "x"], env: later))
        let code = try box.code("V0001", env: later)
        expectOK(try box.jifen(["merchant", "add", "--name", "老街理发店"], env: later))
        let refused = try box.jifen(
            ["--lang", "zh", "--as", "M001", "redeem", "M001", "--code", code, "--points", "5"], env: later)
        #expect(
            refused.status == Exit.refused && !refused.stderr.contains("充值") && refused.stderr.contains("可用积分为 3"),
            "\(refused)")
    }

    // 15. One JSON convention: snake_case keys everywhere, hours as two-decimal strings, one object per run.
    @Test func jsonHasOneConvention() throws {
        let (box, _) = try patrol()
        let now = Self.now
        expectOK(try box.jifen(["--as", "杨建军", "hours", "add", "A0001", "V0001", "--minutes", "100"], env: now))
        expectOK(try box.jifen(["--as", "杨建军", "hours", "approve", "H0000001"], env: now))
        expectOK(try box.jifen(["config", "set", "points.per_hour", "12"], env: now))
        let camel = try NSRegularExpression(pattern: "\"[a-z]+[A-Z][A-Za-z]*\" :")
        for args in [
            ["config", "show"], ["config", "history"], ["hours", "history", "H0000001"], ["balance", "V0001"],
            ["report", "--month", "2026-11", "--by", "team"], ["records", "V0001"],
        ] {
            let run = try box.jifen(args + ["--json"], env: now)
            expectOK(run)
            let range = NSRange(run.stdout.startIndex..., in: run.stdout)
            #expect(camel.firstMatch(in: run.stdout, range: range) == nil, "\(args): \(run.stdout)")
        }
        let balance = try box.jifen(["balance", "V0001", "--json"], env: now)
        // 100 h for 1★: 98.33 hours to go, as a string like every other hours figure.
        #expect(
            balance.object["hours_to_next_star"] as? String == "98.33"
                && balance.object["service_hours"] as? String == "1.67", "\(balance)")
        let shown = try box.jifen(["config", "show", "--json"], env: now)
        #expect(shown.stdout.contains("\"is_default\"") && shown.stdout.contains("\"updated_at_millis\""), "\(shown)")
        // A refused import under --json: one JSON object (on stderr), with the problems in it.
        let sheet = box.directory.appendingPathComponent("bad.csv")
        try Data("姓名,时长(分钟)\n赵六,60\n".utf8).write(to: sheet)
        let refused = try box.jifen(
            ["--as", "杨建军", "hours", "import", sheet.path, "--activity", "A0001", "--json"], env: now)
        #expect(refused.status == Exit.usage && refused.stdout.isEmpty, "\(refused)")
        let lines = refused.stderr.split(separator: "\n")
        let object = (try? JSONSerialization.jsonObject(with: Data(refused.stderr.utf8))) as? [String: Any]
        #expect(
            lines.count == 1 && object?["code"] as? String == "bad-rows" && (object?["problems"] as? [Any])?.count == 1,
            "\(refused)")
    }
}
