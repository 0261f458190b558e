import Foundation
import JifenTestSupport
import Testing

extension SecurityTests {
    /// Check-ins and the service records they make, through the
    /// real binary and a real `jifen serve` on both stores (ServerTests' community: admin 李主任,
    /// T01 organized by 王队长 with V0001 (100 points) and V0002, T02 by 赵队长 with V0003).
    @Suite(.serialized) struct Service {
        static let admin = ["JIFEN_ACTOR": "李主任"]

        /// `2026-12-01 hh:mm` in the community's zone (UTC+8), as the stores keep it.
        static func millis(_ hhmm: String) -> Int {
            let parts = hhmm.split(separator: ":").compactMap { Int($0) }
            // 2026-12-01 00:00 +08:00 is 2026-11-30T16:00:00Z.
            return (1_796_054_400 + parts[0] * 3600 + parts[1] * 60) * 1000
        }

        static func count(_ box: Sandbox, _ sql: String) throws -> Int { Int(try box.query(sql).first ?? "") ?? -1 }

        static func balance(_ box: Sandbox, _ account: String) throws -> Int? {
            try box.jifen(["--json", "balance", account], env: admin).object["balance"] as? Int
        }

        // Item 5: a volunteer's own check-in and check-out are stamped with the server's clock; a
        // time in the past is an organizer's correction, recorded as such and sent to review.
        @Test(arguments: StoreKind.allCases)
        func aVolunteersBackdatedCheckinEarnsNothingAndAnOrganizersTimeGoesToReview(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            // This morning's patrol (06:00–09:00), which she did not attend, and one running now (09:00–12:00).
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "早班巡逻", "--start", "2026-12-01 06:00",
                        "--end", "2026-12-01 09:00",
                    ], env: Self.admin))
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-12-01 09:00",
                        "--end", "2026-12-01 12:00",
                    ], env: Self.admin))
            let codes = try box.query("SELECT checkin_code FROM activity ORDER BY id")
            #expect(
                Self.millis("10:00") == Int(
                    try box.query("SELECT start_at FROM activity WHERE id = 'A0002'").first ?? "")! + 3_600_000)
            let volunteer = try ServerTests.token(box, for: "V0001"), organizer = try ServerTests.token(box, for: "王队长")
            do {
                let server = try ServerProcess(box, now: "2026-12-01 10:00")
                defer { server.stop() }
                // She claims this morning's patrol with the right code and times of her own: refused, nothing written.
                let backIn = try http(
                    "POST", server.base + "/v1/activities/A0001/checkins", token: volunteer,
                    json: ["volunteer": "V0001", "code": codes[0], "at": "2026-12-01 06:00"])
                #expect(backIn.status == 422 && backIn.object["code"] as? String == "own-time", "\(backIn)")
                let backOut = try http(
                    "POST", server.base + "/v1/activities/A0001/checkouts", token: volunteer,
                    json: ["volunteer": "V0001", "at": "2026-12-01 09:00"])
                #expect(backOut.status == 422 && backOut.object["code"] as? String == "own-time", "\(backOut)")
                #expect(try Self.count(box, "SELECT count(*) FROM participation") == 0)
                // Checking in to the patrol running now: the time is the server's.
                let checkedIn = try http(
                    "POST", server.base + "/v1/activities/A0002/checkins", token: volunteer,
                    json: ["volunteer": "V0001", "code": codes[1]])
                #expect(
                    checkedIn.status == 200 && checkedIn.object["checkin_millis"] as? Int == Self.millis("10:00"),
                    "\(checkedIn)")
                // The organizer checks V0002 in at 09:00, after the fact: accepted, as a correction.
                let corrected = try http(
                    "POST", server.base + "/v1/activities/A0002/checkins", token: organizer,
                    json: ["volunteer": "V0002", "at": "2026-12-01 09:00"])
                #expect(
                    corrected.status == 200 && corrected.object["checkin_corrected_by"] as? String == "王队长",
                    "\(corrected)")
            }
            do {
                let server = try ServerProcess(box, now: "2026-12-01 12:00")
                defer { server.stop() }
                // She checks out at the server's clock: two hours, earned at once.
                let out = try http(
                    "POST", server.base + "/v1/activities/A0002/checkouts", token: volunteer,
                    json: ["volunteer": "V0001"])
                #expect(
                    out.status == 200 && out.object["status"] as? String == "approved"
                        && out.object["minutes"] as? Int == 120, "\(out)")
                // V0002's record began with a correction: it waits for review and earns nothing.
                let reviewed = try http(
                    "POST", server.base + "/v1/activities/A0002/checkouts", token: organizer,
                    json: ["volunteer": "V0002"])
                #expect(
                    reviewed.status == 200 && reviewed.object["status"] as? String == "review"
                        && reviewed.object["points"] as? Int == 0,
                    "\(reviewed)")
                #expect((reviewed.object["reason"] as? String)?.contains("corrected-time|王队长") == true, "\(reviewed)")
                // Approving every pending record of the activity leaves it for a look by id.
                let all = try http(
                    "POST", server.base + "/v1/records/approvals", token: organizer, json: ["activity": "A0002"])
                #expect(all.status == 200 && all.text == "[]", "\(all)")
            }
            #expect(try Self.balance(box, "V0001") == 120)
            #expect(try Self.balance(box, "V0002") == 0)
            #expect(
                try box.query(
                    "SELECT volunteer, coalesce(checkin_corrected_by, '-') FROM participation ORDER BY volunteer") == [
                        "V0001|-", "V0002|王队长",
                    ])
            #expect(try Self.count(box, "SELECT count(*) FROM service_record WHERE activity = 'A0001'") == 0)
            try expectOK(box.jifen(["verify"], env: Self.admin))
        }

        // Item 4: wrong check-in codes are budgeted per volunteer and per activity; rotation gives a new code.
        @Test(arguments: StoreKind.allCases)
        func aVolunteerGuessingCheckinCodesIsStoppedWithinTheBudgetWhileOthersCheckIn(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-12-01 09:00",
                        "--end", "2026-12-01 12:00",
                    ], env: Self.admin))
            try expectOK(box.jifen(["config", "set", "checkin.wrong_codes_per_activity", "8"], env: Self.admin))
            let code = try #require(try box.query("SELECT checkin_code FROM activity WHERE id = 'A0001'").first)
            let guesser = try ServerTests.token(box, for: "V0002"), honest = try ServerTests.token(box, for: "V0001")
            let second = try ServerTests.token(box, for: "V0003"), organizer = try ServerTests.token(box, for: "王队长")
            let server = try ServerProcess(box, now: "2026-12-01 10:00")
            defer { server.stop() }
            let url = server.base + "/v1/activities/A0001/checkins"
            func outcome(_ answer: Answer) -> String {
                answer.status == 200 ? "ok" : answer.object["code"] as? String ?? "\(answer.status)"
            }
            // Forty guesses at full speed: five are checked (and counted), the rest refused unchecked.
            var seen: [String: Int] = [:]
            for i in 0..<40 {
                let guess = String(format: "%06d", i) == code ? "999999" : String(format: "%06d", i)
                let answer = try http("POST", url, token: guesser, json: ["volunteer": "V0002", "code": guess])
                seen[outcome(answer), default: 0] += 1
            }
            #expect(seen == ["bad-checkin-code": 5, "checkin-locked": 35], "\(seen)")
            #expect(
                outcome(try http("POST", url, token: guesser, json: ["volunteer": "V0002", "code": code]))
                    == "checkin-locked")
            #expect(try Self.count(box, "SELECT count(*) FROM checkin_failure") == 5)
            // Another volunteer with the right code checks in.
            #expect(outcome(try http("POST", url, token: honest, json: ["volunteer": "V0001", "code": code])) == "ok")
            // A second guesser spends what is left of the activity's budget: its code then stops for everyone ...
            for _ in 0..<3 {
                #expect(
                    outcome(
                        try http(
                            "POST", url, token: second,
                            json: ["volunteer": "V0003", "code": code == "000000" ? "000001" : "000000"]))
                        == "bad-checkin-code")
            }
            #expect(
                outcome(try http("POST", url, token: second, json: ["volunteer": "V0003", "code": code]))
                    == "checkin-locked")
            // ... until an organizer rotates it (a volunteer may not): the old code is wrong, the new one works.
            let rotation = server.base + "/v1/activities/A0001/code-rotation"
            #expect(try http("POST", rotation, token: honest).status == 403)
            let rotated = try http("POST", rotation, token: organizer)
            let fresh = try #require(
                (rotated.object["activity"] as? [String: Any])?["checkin_code"] as? String, "\(rotated)")
            #expect(
                rotated.status == 200 && fresh != code && fresh.count == 6
                    && rotated.object["checkin_code"] as? String == fresh, "\(rotated)")
            #expect(
                outcome(try http("POST", url, token: second, json: ["volunteer": "V0003", "code": code]))
                    == "bad-checkin-code")
            #expect(outcome(try http("POST", url, token: second, json: ["volunteer": "V0003", "code": fresh])) == "ok")
            #expect(
                outcome(try http("POST", url, token: guesser, json: ["volunteer": "V0002", "code": fresh]))
                    == "checkin-locked")
            // The organizer still checks the locked-out volunteer in, at the server's clock.
            #expect(outcome(try http("POST", url, token: organizer, json: ["volunteer": "V0002"])) == "ok")
            let shown = try box.jifen(["--json", "activity", "show", "A0001"], env: Self.admin)
            #expect(shown.stdout.contains("\"checkin_code\" : \"\(fresh)\""), "\(shown)")
            #expect(try Self.count(box, "SELECT count(*) FROM checkin_failure") == 9)
            #expect(try Self.balance(box, "V0001") == 100 && Self.balance(box, "V0002") == 0)
            try expectOK(box.jifen(["verify"], env: Self.admin))
        }

        // Item 8: a credential's role is enforced, whatever else its person is.
        @Test(arguments: StoreKind.allCases)
        func aVolunteersCredentialCannotApproveHoursEvenIfThePersonOrganizesATeam(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            // V0003, a volunteer of T02, also organizes T01.
            try expectOK(box.jifen(["team", "add-organizer", "T01", "V0003"], env: Self.admin))
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-11-30 09:00",
                        "--end", "2026-11-30 12:00",
                    ], env: Self.admin))
            try expectOK(box.jifen(["hours", "add", "A0001", "V0001", "--minutes", "120"], env: Self.admin))
            let adminToken = try ServerTests.token(box, for: "李主任")
            let server = try ServerProcess(box)
            defer { server.stop() }
            func issue(_ role: String) throws -> String {
                let issued = try http(
                    "POST", server.base + "/v1/credentials", token: adminToken,
                    json: ["person": "V0003", "role": role, "enrolment": false, "label": role])
                #expect(
                    issued.status == 200 && (issued.object["credential"] as? [String: Any])?["role"] as? String == role,
                    "\(issued)")
                return issued.object["secret"] as? String ?? ""
            }
            let asVolunteer = try issue("volunteer"), asOrganizer = try issue("organizer")
            let approve = server.base + "/v1/records/approvals"
            // By activity: refused for the credential's role. By record id: someone else's record, which
            // a volunteer's credential may not see, answers as a missing one (item 18).
            let byActivity = try http("POST", approve, token: asVolunteer, json: ["activity": "A0001"])
            #expect(byActivity.status == 403 && byActivity.object["code"] as? String == "not-allowed", "\(byActivity)")
            #expect((byActivity.object["en"] as? String)?.contains("volunteer credential") == true, "\(byActivity)")
            let byRecord = try http("POST", approve, token: asVolunteer, json: ["records": ["H0000001"]])
            #expect(byRecord.status == 404 && byRecord.object["code"] as? String == "unknown-id", "\(byRecord)")
            let add = try http(
                "POST", server.base + "/v1/records", token: asVolunteer,
                json: ["activity": "A0001", "volunteer": "V0003", "minutes": 60, "note": ""])
            #expect(add.status == 403, "\(add)")
            // It reads as the volunteer it is: its own records, not V0001's.
            #expect(try http("GET", server.base + "/v1/records?volunteer=V0001", token: asVolunteer).status == 403)
            // Someone else's record answers as a missing one (item 18): 404, so ids cannot be probed.
            #expect(try http("GET", server.base + "/v1/records/H0000001/history", token: asVolunteer).status == 404)
            #expect(try Self.balance(box, "V0001") == 100)
            #expect(try box.query("SELECT status FROM service_record") == ["pending"])
            // The same person's organizer credential approves.
            let approved = try http("POST", approve, token: asOrganizer, json: ["records": ["H0000001"]])
            #expect(approved.status == 200, "\(approved)")
            #expect(try Self.balance(box, "V0001") == 120)
            try expectOK(box.jifen(["verify"], env: Self.admin))
        }

        // Item 20: the database's owner, acting locally without --as, reads every record and sees the code.
        @Test(arguments: StoreKind.allCases)
        func theOwnerReadsServiceRecordsAndSeesTheCheckinCode(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            try expectOK(
                box.jifen(
                    [
                        "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-11-30 09:00",
                        "--end", "2026-11-30 12:00",
                    ], env: Self.admin))
            try expectOK(box.jifen(["hours", "add", "A0001", "V0001", "--minutes", "120"], env: Self.admin))
            try expectOK(box.jifen(["hours", "approve", "H0000001"], env: Self.admin))
            let code = try #require(try box.query("SELECT checkin_code FROM activity WHERE id = 'A0001'").first)
            // No --as and no JIFEN_ACTOR: the owner ("admin", not a person of this database, which 李主任 administers).
            for args in [
                ["records", "V0001"], ["hours", "list"], ["hours", "history", "H0000001"], ["certificate", "V0001"],
            ] {
                let run = try box.jifen(["--json"] + args)
                #expect(run.status == 0, "\(args): \(run)")
                #expect(args[0] == "certificate" || run.stdout.contains("H0000001"), "\(args): \(run)")
            }
            let shown = try box.jifen(["--json", "activity", "show", "A0001"])
            #expect(shown.stdout.contains("\"checkin_code\" : \"\(code)\""), "\(shown)")
            // Naming someone still applies their rules: a passer-by reads nothing and sees no code.
            let stranger = try box.jifen(["--as", "路人", "records", "V0001"])
            #expect(stranger.status == Exit.refused, "\(stranger)")
            let hidden = try box.jifen(["--as", "路人", "--json", "activity", "show", "A0001"])
            #expect(hidden.status == 0 && !hidden.stdout.contains("\"checkin_code\" : \"\(code)\""), "\(hidden)")
        }
    }
}
