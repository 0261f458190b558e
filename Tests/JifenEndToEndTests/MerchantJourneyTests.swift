import Foundation
import JifenTestSupport
import Testing

/// A merchant's day through the built binary: code, redeem, hold, pickup, release, refund, settle,
/// then the month's report and the journal that hledger and ledger-cli balance. The counter's
/// commands run on both stores with the same expectations.
@Suite struct MerchantJourneyTests {
    @Test(arguments: StoreKind.allCases)
    func codeRedeemHoldPickupRefundSettle(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        expectOK(try box.jifen(["grant", "V0002", "80", "--reason", "结转"]))
        let offer = try box.jifen([
            "--as", "M001", "offer", "add", "M001", "--title", "理发一次", "--points", "20", "--stock", "2", "--json",
        ])
        #expect(offer.object["id"] as? String == "O001", "\(offer)")
        let affordable = try box.jifen(["offer", "list", "--affordable-by", "V0001", "--json"])
        #expect(affordable.stdout.contains("O001"), "\(affordable)")

        let c1 = try box.code("V0001")
        let redeemed = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", c1, "--offer", "O001", "--key", "till-1", "--json",
        ])
        #expect(redeemed.object["redemption"] as? String == "R001", "\(redeemed)")
        #expect(redeemed.object["balance_left"] as? Int == 30)
        let retried = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", c1, "--offer", "O001", "--key", "till-1", "--json",
        ])
        #expect(retried.object["replayed"] as? Bool == true, "\(retried)")
        let table = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0002"), "--points", "15", "--hold",
        ])
        #expect(table.stdout.contains("Receipt R002") && table.stdout.contains("held 15"), "\(table)")
        let picked = try box.jifen(["--as", "M001", "pickup", "R002", "--json"])
        #expect(picked.object["status"] as? String == "picked_up", "\(picked)")
        #expect(try box.jifen(["--as", "M001", "pickup", "R002", "--json"]).object["replayed"] as? Bool == true)
        let held = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0002"), "--offer", "O001", "--hold", "--json",
        ])
        #expect(held.object["redemption"] as? String == "R003", "\(held)")
        #expect(try box.jifen(["offer", "list", "--json"]).stdout.contains("\"stock\" : 0"))
        expectOK(try box.jifen(["--as", "V0002", "release", "R003"]))
        #expect(try box.jifen(["offer", "list", "--json"]).stdout.contains("\"stock\" : 1"))
        #expect(try box.jifen(["balance", "V0002", "--json"]).object["available"] as? Int == 65)

        let refund = try box.jifen(["--as", "M001", "refund", "R001", "--points", "5", "--reason", "少剪一次", "--json"])
        #expect(refund.object["refundable_left"] as? Int == 15, "\(refund)")
        let csv = box.directory.appendingPathComponent("M001.csv").path
        let settle = try box.jifen(["settle", "M001", "--csv", csv, "--json"])
        #expect(settle.object["points"] as? Int == 30, "\(settle)")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n")
        #expect(
            rows.count == 3 && rows[1].hasPrefix("R001,") && rows[1].hasSuffix(",20,5,15")
                && rows[2].hasSuffix(",15,0,15"), "\(rows)")
        let before = try box.state()
        let again = try box.jifen(["settle", "M001"])
        #expect(again.status == Exit.refused && again.stderr.contains("no unsettled"), "\(again)")
        #expect(try box.state() == before)
        let balances = try ["V0001", "V0002", "M001", "C01.settled"].map {
            try box.jifen(["balance", $0, "--json"]).object["balance"] as? Int
        }
        #expect(balances == [35, 65, 0, 30], "\(balances)")
        expectOK(try box.jifen(["verify"]))
        if store == .postgres {
            // The webhook commands run on PostgreSQL too: listing none changes nothing.
            let listed = try box.jifen(["webhook", "list", "--json"])
            #expect(listed.status == 0 && listed.stdout.contains("[") && listed.stderr.isEmpty, "\(listed)")
            #expect(try box.state() == before)
        }

        let report = try box.jifen(["report", "--by", "merchant", "--json"])
        let totals = report.object["totals"] as? [String: Any] ?? [:]
        #expect(
            totals["redeemed"] as? Int == 35 && totals["refunded"] as? Int == 5 && totals["settled"] as? Int == 30,
            "\(report)")
        #expect(report.object["outstanding"] as? Int == 100, "\(report)")
        let csvReport = try box.jifen(["report", "--by", "merchant", "--csv"])
        #expect(csvReport.stdout.contains("M001,老街理发店,0,0,35,5,0,30"), "\(csvReport)")
        expectOK(try box.jifen(["verify"]))
    }

    @Test(arguments: StoreKind.allCases)
    func exportedJournalBalancesInHledgerAndLedger(store: StoreKind) throws {
        let box = try Sandbox(store).seeded()
        let r = try box.jifen([
            "--as", "M001", "redeem", "M001", "--code", try box.code("V0001"), "--points", "20", "--json",
        ])
        expectOK(r)
        expectOK(try box.jifen(["refund", "R001", "--points", "7", "--reason", "memo; with  spaces\nand a line"]))
        expectOK(try box.jifen(["transfer", "V0001", "V0002", "3", "--memo", "给老伴"]))
        expectOK(try box.jifen(["settle", "M001"]))
        let journal = box.directory.appendingPathComponent("jifen.journal").path
        expectOK(try box.jifen(["export", "--format", "ledger", journal]))
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/hledger"),
            "hledger is missing: run scripts/setup hledger ledger")
        let hledger = try box.hledgerBalances(journal)
        let jifen: [String: Int] = [
            "volunteers:V0001": 34, "volunteers:V0002": 3, "merchants:M001": 0, "C01:issuance": -50, "C01:settled": 13,
        ]
        for (account, balance) in jifen {
            #expect(
                (hledger[account] ?? 0) == balance, "\(account): hledger \(hledger[account] ?? 0), expected \(balance)")
        }
        // Every account's balance in Jifen equals hledger's.
        for (id, journalName) in [
            ("V0001", "volunteers:V0001"), ("V0002", "volunteers:V0002"), ("M001", "merchants:M001"),
            ("C01.issuance", "C01:issuance"), ("C01.settled", "C01:settled"),
        ] {
            let balance = try box.jifen(["balance", id, "--json"]).object["balance"] as? Int
            #expect(balance == (hledger[journalName] ?? 0), "\(id)")
        }
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/ledger"),
            "ledger is missing: run scripts/setup hledger ledger")
        let ledger = try box.run(
            "/usr/bin/ledger",
            [
                "-f", journal, "balance", "--flat", "--no-total", "--balance-format",
                "%(account) %(quantity(display_total))\n",
            ],
            env: ["LANG": "C.UTF-8"])
        #expect(ledger.status == 0, "\(ledger)")
        #expect(
            ledger.stdout.contains("volunteers:V0001 34") && ledger.stdout.contains("C01:issuance -50"), "\(ledger)")
    }

    @Test(arguments: StoreKind.allCases)
    func expiringPointsAreShownAndAnnounced(store: StoreKind) throws {
        // A fixed clock in a month of 31 days: a month's validity from 2026-12-01 is 31 days,
        // beyond the 30-day notice, so the points are granted a day later than they are read.
        let box = try Sandbox(store).seeded()
        expectOK(try box.jifen(["config", "set", "points.validity_months", "1"]))
        expectOK(try box.jifen(["grant", "V0002", "10", "--reason", "x"], env: ["JIFEN_NOW": "2026-12-01 10:00"]))
        #expect(
            try box.jifen(["balance", "V0002", "--json"], env: ["JIFEN_NOW": "2026-12-01 10:00"]).object[
                "expiring_soon"] as? Int == 0)
        let later = ["JIFEN_NOW": "2026-12-02 10:00"]
        let run = try box.jifen(["expire", "--json"], env: later)
        #expect((run.object["expiring_notices"] as? [Any])?.count == 1, "\(run)")
        let balance = try box.jifen(["balance", "V0002", "--json"], env: later)
        #expect(balance.object["expiring_soon"] as? Int == 10, "\(balance)")
        #expect(try box.jifen(["balance", "V0002"], env: later).stdout.contains("expiring soon"))
        #expect(
            (try box.jifen(["expire", "--json"], env: later).object["expiring_notices"] as? [Any])?.isEmpty == true)
        let history = try box.jifen(["config", "history", "--json"])
        #expect(
            history.stdout.contains("points.validity_months") && history.stdout.contains("\"new_value\" : \"1\""),
            "\(history)")
        let shown = try box.jifen(["config", "show", "--json"])
        #expect(shown.stdout.contains("\"value\" : \"1\""), "\(shown)")
        // A bad value is refused and changes nothing.
        let before = try box.state()
        let bad = try box.jifen(["config", "set", "points.validity_months", "abc"])
        #expect(bad.status == Exit.usage, "\(bad)")
        #expect(try box.jifen(["--as", "V0001", "config", "set", "points.per_hour", "12"]).status == Exit.refused)
        #expect(try box.state() == before)
    }

    @Test func aMonthWithNoDataReportsZeros() throws {
        let box = try Sandbox().seeded()
        let before = try box.ledgerState()
        let run = try box.jifen(["report", "--month", "2020-02"])
        #expect(run.status == 0 && run.stdout.contains("No points moved"), "\(run)")
        let json = try box.jifen(["report", "--month", "2020-02", "--json", "--by", "team"])
        #expect(json.object["transfers"] as? Int == 0 && (json.object["rows"] as? [Any])?.isEmpty == true, "\(json)")
        #expect(try box.ledgerState() == before)
    }
}
