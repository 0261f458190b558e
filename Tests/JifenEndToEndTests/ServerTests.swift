import Foundation
import JifenAPI
import JifenTestSupport
import Testing

/// `jifen serve` for real: the binary on 127.0.0.1, credentials, the CLI as its client, the
/// OpenAPI document against what is served, the authorization matrix, and guessing.
@Suite(.serialized) struct ServerTests {
    /// A community as the server tests need it: admin 李主任; teams T01 (organizer 王队长) and T02
    /// (organizer 赵队长); volunteers V0001 (T01, 100 points), V0002 (T01), V0003 (T02); merchants
    /// M001 (an offer O001 of 30 points) and M002.
    static func community(_ kind: StoreKind = .sqlite) throws -> Sandbox {
        let box = try Sandbox(kind)
        let admin = ["JIFEN_ACTOR": "李主任"]
        for step in [
            ["init", "--community", "玫瑰园社区", "--admin", "李主任"],
            ["team", "add", "--name", "助老队"], ["team", "add", "--name", "巡逻队"],
            ["team", "add-organizer", "T01", "王队长"], ["team", "add-organizer", "T02", "赵队长"],
            ["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--team", "T01"],
            ["volunteer", "add", "--name", "李志强", "--phone", "13800005678", "--team", "T01"],
            ["volunteer", "add", "--name", "陈小红", "--phone", "13800009012", "--team", "T02"],
            ["merchant", "add", "--name", "老街理发店"], ["merchant", "add", "--name", "便民超市"],
            ["offer", "add", "M001", "--title", "理发一次", "--points", "30"],
            ["grant", "V0001", "100", "--reason", "结转", "--key", "seed"],
        ] {
            try expectOK(box.jifen(step, env: admin))
        }
        return box
    }

    /// Issues a device credential locally (the database's owner, as an admin would) and returns the
    /// token. `own`: the person then confirms it as theirs (as she would with her enrolment code),
    /// so it may spend her points; false leaves it the admin's credential for her.
    static func token(
        _ box: Sandbox, for person: String, staff: Bool = false, days: Int? = nil, now: String = Sandbox.defaultNow,
        own: Bool = true
    ) throws -> String {
        var args = ["--json", "credential", "issue", person, "--label", "test"]
        if staff { args.append("--staff") }
        if let days { args += ["--days", String(days)] }
        let run = try box.jifen(args, env: ["JIFEN_ACTOR": "李主任", "JIFEN_NOW": now])
        try expectOK(run)
        if own, let id = (run.object["credential"] as? [String: Any])?["id"] as? String {
            try expectOK(box.jifen(["credential", "confirm", id], env: ["JIFEN_ACTOR": person, "JIFEN_NOW": now]))
        }
        return try #require(run.object["secret"] as? String)
    }

    @Test(arguments: StoreKind.allCases)
    func aVolunteerEnrolsWithACodeAndSeesTheirBalanceThroughTheCLI(store: StoreKind) throws {
        let box = try Self.community(store)
        let server = try ServerProcess(box)
        defer { server.stop() }
        // The organizer of T01 signs in with a device credential and prints a code for V0001.
        let organizer = ["XDG_CONFIG_HOME": box.directory.appendingPathComponent("organizer").path]
        let volunteer = ["XDG_CONFIG_HOME": box.directory.appendingPathComponent("volunteer").path]
        try expectOK(
            box.jifen(["--server", server.base, "login", "--token", Self.token(box, for: "王队长")], env: organizer))
        let issued = try box.jifen(
            ["--server", server.base, "--json", "credential", "issue", "V0001", "--enrolment"], env: organizer)
        try expectOK(issued)
        let code = try #require(issued.object["secret"] as? String)
        #expect(
            code.range(of: #"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$"#, options: .regularExpression) != nil, "\(code)")
        // The volunteer types it (in lower case, as people do) and sees the balance the local CLI reports.
        try expectOK(box.jifen(["--server", server.base, "login", "--code", code.lowercased()], env: volunteer))
        let credentials = box.directory.appendingPathComponent("volunteer/jifen/credentials.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let remote = try box.jifen(["--server", server.base, "--json", "balance", "V0001"], env: volunteer)
        let local = try box.jifen(["--json", "balance", "V0001"], env: ["JIFEN_ACTOR": "李主任"])
        try expectOK(remote)
        #expect(remote.stdout == local.stdout)
        #expect(remote.object["balance"] as? Int == 100)
        // The same table too.
        #expect(
            try box.jifen(["--server", server.base, "balance", "V0001"], env: volunteer).stdout
                == box.jifen(["balance", "V0001"], env: ["JIFEN_ACTOR": "李主任"]).stdout)
        // The code worked once.
        let again = try box.jifen(
            ["--server", server.base, "--json", "login", "--code", code],
            env: ["XDG_CONFIG_HOME": box.directory.path + "/x"])
        #expect(again.status == 65 && again.stderr.contains("bad-enrolment-code"), "\(again)")
        // Another volunteer's points are not theirs to see; --as is refused remotely.
        let other = try box.jifen(["--server", server.base, "--json", "balance", "V0002"], env: volunteer)
        #expect(other.status == 65 && other.stderr.contains("not-allowed"), "\(other)")
        let pretend = try box.jifen(["--server", server.base, "--as", "李主任", "balance", "V0002"], env: volunteer)
        #expect(pretend.status == 64 && pretend.stderr.contains("--as"), "\(pretend)")
        // whoami, then logout revokes the credential on the server.
        let who = try box.jifen(["--server", server.base, "--json", "whoami"], env: volunteer)
        #expect(who.object["person"] as? String == "V0001" && who.object["role"] as? String == "volunteer", "\(who)")
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: credentials)))
                as? [String: String])?.values.first)
        try expectOK(box.jifen(["--server", server.base, "logout"], env: volunteer))
        #expect(try http("GET", server.base + "/v1/me", token: token).status == 401)
        // The log has one line per request, and no secret.
        let log = server.logText
        #expect(log.contains("GET /v1/accounts/{account}/balance 200"))
        #expect(!log.contains(code) && !log.contains(token) && !log.contains("13800001234"), "\(log)")
    }

    @Test(arguments: StoreKind.allCases)
    func theOrganizerVolunteerAndMerchantJourneyRunsThroughTheServer(store: StoreKind) throws {
        let box = try Self.community(store)
        let server = try ServerProcess(box, now: "2026-11-22 18:00")
        defer { server.stop() }
        func signedIn(_ person: String, staff: Bool = false) throws -> [String: String] {
            let env = [
                "XDG_CONFIG_HOME": box.directory.appendingPathComponent("cfg-\(person)").path,
                "JIFEN_NOW": "2026-11-22 18:00",
            ]
            try expectOK(
                box.jifen(
                    ["--server", server.base, "login", "--token", Self.token(box, for: person, staff: staff)], env: env)
            )
            return env
        }
        let organizer = try signedIn("王队长"), volunteer = try signedIn("V0001"),
            counter = try signedIn("M001", staff: true)
        func remote(_ env: [String: String], _ args: [String]) throws -> Run {
            try box.jifen(["--server", server.base, "--json"] + args, env: env)
        }
        let posted = try remote(
            organizer,
            [
                "activity", "post", "--team", "T01", "--title", "探访独居老人", "--start", "2026-11-22 19:00",
                "--end", "2026-11-22 21:00", "--rate", "10",
            ])
        try expectOK(posted)
        let activity = try #require(
            posted.object["id"] as? String ?? (posted.object["activity"] as? [String: Any])?["id"] as? String,
            "\(posted)")
        try expectOK(remote(volunteer, ["activity", "join", activity, "V0001"]))
        try expectOK(
            remote(organizer, ["hours", "add", activity, "V0001", "--minutes", "120", "--date", "2026-11-22"]))
        let pending = try remote(organizer, ["hours", "list", "--pending"])
        try expectOK(pending)
        try expectOK(remote(organizer, ["hours", "approve", "--activity", activity]))
        let after = try remote(volunteer, ["balance", "V0001"])
        #expect(after.object["balance"] as? Int == 120, "\(after)")
        // At the counter: the volunteer shows a code, the staff redeem the offer.
        let code = try #require(try remote(volunteer, ["code", "V0001"]).object["code"] as? String)
        let receipt = try remote(counter, ["redeem", "M001", "--code", code, "--offer", "O001"])
        try expectOK(receipt)
        #expect(try remote(volunteer, ["balance", "V0001"]).object["balance"] as? Int == 90)
        // A used code is refused and changes nothing.
        let reused = try remote(counter, ["redeem", "M001", "--code", code, "--offer", "O001"])
        #expect(reused.status == 65, "\(reused)")
        #expect(try remote(volunteer, ["balance", "V0001"]).object["balance"] as? Int == 90)
        // A command that is not served says so.
        let local = try box.jifen(["--server", server.base, "backup", "x.sqlite"], env: organizer)
        #expect(local.status == 64 && local.stderr.contains("--db"), "\(local)")
        // Every write carries the authenticated actor.
        let verify = try box.jifen(["--json", "verify"], env: ["JIFEN_ACTOR": "李主任"])
        #expect(verify.status == 0, "\(verify)")
    }

    @Test func theOpenAPIDocumentDescribesExactlyWhatIsServed() throws {
        let box = try Self.community()
        let server = try ServerProcess(box)
        defer { server.stop() }
        let document = try http("GET", server.base + "/openapi.json")
        #expect(document.status == 200)
        #expect(document.object["openapi"] as? String == "3.1.0")
        let paths = try #require(document.object["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let served = Set(API.all.map { "\($0.verb.rawValue) \($0.path)" } + ["GET /health", "GET /ready"])
        #expect(documented == served)
        // Every documented route is routed: without a credential it answers 401 (or, for
        // enrolment, 400/401), never 404.
        for endpoint in API.all {
            let path = endpoint.path.replacingOccurrences(of: "{redemption}", with: "1").replacingOccurrences(
                of: #"\{[a-z_]+\}"#, with: "X1", options: .regularExpression)
            let answer = try http(endpoint.verb.rawValue, server.base + path)
            if endpoint.anonymous {
                #expect([400, 401].contains(answer.status), "\(endpoint.path): \(answer)")
            } else {
                #expect(answer.status == 401, "\(endpoint.path): \(answer)")
                #expect(answer.object["code"] as? String == "sign-in-required")
            }
        }
        #expect(try http("GET", server.base + "/health").status == 200)
        #expect(try http("GET", server.base + "/ready").status == 200)
        #expect(try http("GET", server.base + "/v1/nothing").status == 404)
    }

    /// Who may call what: one row per endpoint, one column per role. `true`: the rules let the
    /// role through (the answer is not 401/403); `false`: 403. Anonymous, a revoked and an expired
    /// credential get 401 on every route but enrolment. The residents' two columns come from
    /// `residentsMay` (every other route refuses a resident's credential).
    static let matrix: [String: [String: Bool]] = staffMatrix.reduce(into: [:]) { rows, entry in
        let may = residentsMay[entry.key]
        rows[entry.key] = entry.value.merging(["resident": may?.own ?? false, "other-resident": may?.other ?? false]) {
            $1
        }
    }

    /// What a resident's credential reaches, as R001 (whose requests Q0001–Q0004 are: `requestFixtures`) and
    /// as R002 (who has none: R001's profile and requests answer her as missing ones, 404). A move R001 may
    /// make but not in the request's state (confirming the claimed Q0003, cancelling Q0004 the admin
    /// cancelled first) passes the role check and meets the state (422).
    static let residentsMay: [String: (own: Bool, other: Bool)] = [
        "enrol": (true, true), "whoami": (true, true), "listCredentials": (true, true),
        "revokeCredential": (true, true),
        "confirmCredential": (true, true), "resident": (true, false), "requests": (true, true),
        "requestForm": (true, true),
        "postRequest": (true, false), "request": (true, false), "confirmRequest": (true, false),
        "rateRequest": (true, false),
        "reopenRequest": (true, false), "cancelRequest": (true, false),
        "exportMine": (true, true),
    ]

    static let staffMatrix: [String: [String: Bool]] = {
        let all = [
            "volunteer": true, "other-volunteer": true, "organizer": true, "other-organizer": true,
            "merchant": true, "other-merchant": true, "staff": true, "admin": true,
            "district-admin": true, "street-admin": true,
        ]
        /// An admin of the district D01 or of its street office D01-S01, which C01 is under
        /// (`officeFixtures`): what an installation admin does to C01's people, points and merchants.
        let offices = ["district-admin", "street-admin"]
        func only(_ roles: [String]) -> [String: Bool] {
            all.mapValues { _ in false }.merging(Dictionary(uniqueKeysWithValues: roles.map { ($0, true) })) { $1 }
        }
        func only(_ roles: String...) -> [String: Bool] { only(roles) }
        return [
            "enrol": all, "whoami": all, "listCredentials": all, "revokeCredential": all,
            // An admin for anyone, an office admin above C01 and an organizer of V0001's team; the volunteer
            // for themself is not an issuer.
            "issueCredential": only(["organizer", "admin"] + offices),
            "balance": only(["volunteer", "organizer", "admin"] + offices),
            "statement": only(["volunteer", "organizer", "admin"] + offices),
            "grant": only(["admin"] + offices),
            "transfer": only("volunteer", "admin"),
            "issueCode": only("volunteer", "admin"),
            "offers": all,
            "redeem": only("merchant", "staff", "admin"),
            "pickup": all, "release": all, "refund": all,
            "activities": all, "activity": all,
            "postActivity": only("organizer", "admin"),
            "join": only("volunteer", "organizer", "admin"),
            "leave": only("volunteer", "organizer", "admin"),
            "checkin": only("volunteer", "organizer", "admin"),
            "checkout": only("volunteer", "organizer", "admin"),
            "records": only(["volunteer", "organizer", "other-organizer", "admin"] + offices),
            "addHours": only("organizer", "admin"),
            "approve": only("organizer", "admin"),
            "reject": only("organizer", "admin"), "dispute": only("volunteer"), "correct": only("organizer", "admin"),
            "report": all,
            "verify": only("organizer", "other-organizer", "admin"),
            "webhooks": only("admin"),
            "cancelActivity": only("organizer", "admin"), "closeActivity": only("organizer", "admin"),
            "recordHistory": only(["volunteer", "organizer", "other-organizer", "admin"] + offices),
            "volunteerRecords": only(["volunteer", "organizer", "other-organizer", "admin"] + offices),
            "importHours": only("organizer", "admin"),
            "issueCertificate": only(["volunteer", "organizer", "other-organizer", "admin"] + offices),
            "verifyCertificate": all,
            "addOffer": only("merchant", "admin"), "retireOffer": only("merchant", "admin"),
            "reverse": only(["admin"] + offices), "settle": only(["admin"] + offices), "expire": only("admin"),
            "volunteers": only(["organizer", "other-organizer", "admin"] + offices),
            "volunteer": only(["volunteer", "organizer", "admin"] + offices),
            "addVolunteer": only(["admin"] + offices),
            "merchants": all, "merchant": only("merchant", "staff", "admin"),
            "addMerchant": only(["admin"] + offices), "addTeam": only(["admin"] + offices),
            "addOrganizer": only(["admin"] + offices),
            // Partner communities: anyone reads them; only an admin over the community adds or removes one.
            "partners": all, "addPartner": only("admin"), "removePartner": only("admin"),
            "teams": all, "settings": all, "settingChanges": all, "setSetting": only("admin"),
            "addWebhook": only("admin"), "removeWebhook": only("admin"), "pauseWebhook": only("admin"),
            "resumeWebhook": only("admin"),
            "rotateWebhookSecret": only("admin"), "webhookDeliveries": only("admin"), "replayWebhooks": only("admin"),
            // Micro-wishes, in API order on one wish W001 (point-funded, posted by the admin first):
            // the merchant claims it, then cancels; the organizers' revoke and realize find it open (422);
            // the admin takes it down; donations find it taken down (422); withdrawals find none (422).
            "wishes": all, "wish": all, "postWish": only("organizer", "admin"),
            "claimWish": only("merchant", "other-merchant"), "cancelWishClaim": only("merchant"),
            "revokeWishClaim": only("organizer", "admin"), "realizeWish": only("organizer", "admin"),
            "takeDownWish": only("organizer", "admin"), "donateToWish": only("volunteer", "other-volunteer"),
            "withdrawDonation": all.merging(["staff": false]) { $1 },
            // Residents and service requests: the desk is an admin or any organizer; an office admin above C01
            // reads R001 and her requests, and acts on none. Q0001 is in T01's pool (V0001 may
            // claim it), Q0002 and Q0003 were taken by V0001, Q0004 is only posted (`requestFixtures`).
            "addResident": only("organizer", "other-organizer", "admin"),
            "residents": only(["organizer", "other-organizer", "admin"] + offices),
            "resident": only(["organizer", "other-organizer", "admin"] + offices),
            "requests": all, "postRequest": only("organizer", "other-organizer", "admin"),
            "request": only(["volunteer", "organizer", "other-organizer", "admin"] + offices),
            "acceptRequest": only("organizer", "other-organizer", "admin"),
            "rejectRequest": only("organizer", "other-organizer", "admin"),
            "dispatchRequest": only("organizer", "other-organizer", "admin"), "claimRequest": only("volunteer"),
            "returnRequest": only("volunteer"), "startRequest": only("volunteer"), "finishRequest": only("volunteer"),
            "confirmRequest": only("organizer", "other-organizer", "admin"),
            "rateRequest": only("organizer", "other-organizer", "admin"),
            "reopenRequest": only("organizer", "other-organizer", "admin"),
            "cancelRequest": only("organizer", "other-organizer", "admin"),
            "sweepRequests": only("admin"),
            "sealCheckpoints": only(["admin"] + offices),
            // A0001 is closed by then (closeActivity runs first): the organizers pass the role check and meet the closure (422).
            "rotateCheckinCode": only("organizer", "admin"),
            // The sample names no such credential: 404 for everyone (SecurityTests.Credentials covers the rules).
            "confirmCredential": all,
            // The organizer's desk: her own teams (the other organizer gets hers); the latest certificate of V0001 as records are read.
            "teamDesk": only(["organizer", "other-organizer", "admin"] + offices),
            "latestCertificate": only(["volunteer", "organizer", "other-organizer", "admin"] + offices),
            // Her own pay code's state (the sample's secret names no code: 422 past the role check), and where she is checked in.
            "codeState": only("volunteer", "admin"), "onDuty": only("volunteer", "organizer", "admin"),
            // Anyone signed in: the categories and times (and a resident's own address).
            "requestForm": all,
            // The counter's lists: the merchant, its staff, an admin. No redemption 1 exists: 404 for everyone.
            "counter": only("merchant", "staff", "admin"), "redemption": all,
            // Offices: a street office under D01 is the district's to add (D01-S01 exists: 409), its admins
            // the office's and the district's; communities under D01-S01 too; moving one is the installation's.
            "addOffice": only("admin", "district-admin"), "offices": all,
            "addOfficeAdmin": only(["admin"] + offices), "addCommunity": only(["admin"] + offices),
            "communities": all, "placeCommunity": only("admin"),
            // A person's data: her own copy for anyone signed in (a merchant or an organizer by name is
            // no person: 404); V0001's for herself and an admin (or an office admin above C01), anyone else answered as if V0001 did not
            // exist; the sweep, then erasing V0002 (sorted roles: the admin first, the rest 403).
            "exportMine": all, "exportPerson": only(["volunteer", "admin"] + offices),
            "sweepPersons": only("admin"), "erasePerson": only(["admin"] + offices),
            // consent: V0001's own, or an admin over her community (her paper form); a resident's credential is
            // refused as anyone else's.
            "recordConsent": only(["volunteer", "admin"] + offices),
            "consents": only(["volunteer", "admin"] + offices),
        ]
    }()

    /// Routes by id that answer a caller who may not see the thing as if it were missing
    /// (`SecurityTests.Small` compares the two answers).
    static let hiddenByID: Set<String> = [
        "reject", "dispute", "correct", "approve", "recordHistory", "resident", "request", "acceptRequest",
        "rejectRequest",
        "dispatchRequest", "claimRequest", "returnRequest", "startRequest", "finishRequest", "confirmRequest",
        "rateRequest",
        "reopenRequest", "cancelRequest", "pickup", "release", "refund", "postRequest", "redemption",
        "exportPerson",
    ]

    /// A resident R001 and four requests: Q0001 in T01's pool, Q0002 and Q0003 taken by V0001, Q0004 only posted;
    /// a resident R002 with none.
    static func requestFixtures(_ box: Sandbox) throws {
        let admin = ["JIFEN_ACTOR": "李主任"]
        try expectOK(
            box.jifen(
                [
                    "resident", "add", "--name", "王秀英", "--phone", "13800007788", "--address", "幸福里3号楼2单元501",
                    "--area", "幸福里3号楼",
                ], env: admin))
        try expectOK(
            box.jifen(
                [
                    "resident", "add", "--name", "刘大爷", "--phone", "13800006655", "--address", "幸福里5号楼1单元101",
                    "--area", "幸福里5号楼",
                ], env: admin))
        for id in ["Q0001", "Q0002", "Q0003", "Q0004"] {
            try expectOK(box.jifen(["request", "post", "--resident", "R001", "--content", "换水龙头"], env: admin))
            if id == "Q0004" { continue }
            try expectOK(box.jifen(["request", "accept", id], env: admin))
            try expectOK(
                box.jifen(
                    id == "Q0001"
                        ? ["request", "dispatch", id, "--team", "T01", "--pool"]
                        : ["request", "dispatch", id, "--volunteer", "V0001"], env: admin))
            if id != "Q0001" { try expectOK(box.jifen(["request", "claim", id], env: ["JIFEN_ACTOR": "V0001"])) }
        }
    }

    /// The district D01, its street office D01-S01 with C01 under it, and an admin of each
    /// (区管理员, 街道管理员).
    static func officeFixtures(_ box: Sandbox) throws {
        let admin = ["JIFEN_ACTOR": "李主任"]
        for step in [
            ["office", "add", "--id", "D01", "--name", "武清区"],
            ["office", "add", "--id", "D01-S01", "--name", "杨村街道", "--district", "D01"],
            ["community", "place", "C01", "--office", "D01-S01"],
            ["office", "add-admin", "D01", "区管理员"], ["office", "add-admin", "D01-S01", "街道管理员"],
        ] {
            try expectOK(box.jifen(step, env: admin))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theAuthorizationMatrixHoldsForEveryRouteAndRole(store: StoreKind) throws {
        let box = try Self.community(store)
        try expectOK(
            box.jifen(
                [
                    "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-11-25 09:00", "--end",
                    "2026-11-25 11:00",
                ],
                env: ["JIFEN_ACTOR": "李主任"]))
        // A record S000001 of V0001 in A0001 (T01), for the record routes.
        try expectOK(box.jifen(["hours", "add", "A0001", "V0001", "--minutes", "60"], env: ["JIFEN_ACTOR": "李主任"]))
        try Self.requestFixtures(box)
        try Self.officeFixtures(box)
        var tokens: [String: String] = [
            "district-admin": try Self.token(box, for: "区管理员"), "street-admin": try Self.token(box, for: "街道管理员"),
            "volunteer": try Self.token(box, for: "V0001"), "other-volunteer": try Self.token(box, for: "V0003"),
            "organizer": try Self.token(box, for: "王队长"), "other-organizer": try Self.token(box, for: "赵队长"),
            "merchant": try Self.token(box, for: "M001"), "other-merchant": try Self.token(box, for: "M002"),
            "staff": try Self.token(box, for: "M001", staff: true), "admin": try Self.token(box, for: "李主任"),
            "resident": try Self.token(box, for: "R001"), "other-resident": try Self.token(box, for: "R002"),
            "expired": try Self.token(box, for: "V0001", days: 1, now: "2026-11-01 10:00"),
        ]
        let revoked = try box.jifen(["--json", "credential", "issue", "V0001"], env: ["JIFEN_ACTOR": "李主任"])
        tokens["revoked"] = revoked.object["secret"] as? String
        let revokedID = try #require((revoked.object["credential"] as? [String: Any])?["id"] as? String)
        try expectOK(box.jifen(["credential", "revoke", revokedID], env: ["JIFEN_ACTOR": "李主任"]))
        let server = try ServerProcess(box)
        defer { server.stop() }

        // A new route without a row fails here.
        #expect(Set(API.all.map(\.operationID)).subtracting(Self.matrix.keys).sorted() == [])
        var cells = 0
        for endpoint in API.all {
            let row = try #require(Self.matrix[endpoint.operationID])
            var fields = endpoint.fields()
            fields["activity"] = fields["activity"].map { _ in "A0001" }
            fields["volunteer"] = fields["volunteer"].map { _ in "V0001" }
            // One of offer or points, as the rules want (the sample shows both fields).
            if endpoint.operationID == "redeem" { fields["points"] = nil }
            var path = endpoint.path
            for name in endpoint.pathParameters {
                path = path.replacingOccurrences(of: "{\(name)}", with: "\(fields.removeValue(forKey: name) ?? "")")
            }
            let query =
                endpoint.verb == .get
                ? "?"
                    + fields.map {
                        "\($0.key)=\(("\($0.value)").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                    }.joined(separator: "&") : ""
            for role in ["anonymous", "revoked", "expired"] + row.keys.sorted() {
                let answer = try http(
                    endpoint.verb.rawValue, server.base + path + query, token: tokens[role],
                    json: endpoint.verb == .post ? fields : nil, headers: ["X-Real-IP": "10.1.0.\(cells % 200)"])
                cells += 1
                if endpoint.anonymous {
                    #expect(
                        answer.status != 403 && answer.status != 500, "\(endpoint.operationID) as \(role): \(answer)")
                } else if role == "anonymous" {
                    #expect(answer.status == 401, "\(endpoint.operationID) as \(role): \(answer)")
                } else if ["revoked", "expired"].contains(role) {
                    // 401; after ten tries of the same dead credential, locked out (429).
                    #expect(
                        answer.status == 401 || answer.object["code"] as? String == "locked-out",
                        "\(endpoint.operationID) as \(role): \(answer)")
                } else if row[role] == true {
                    #expect(
                        ![401, 403].contains(answer.status) && answer.status < 500,
                        "\(endpoint.operationID) as \(role): \(answer)")
                } else if Self.hiddenByID.contains(endpoint.operationID) {
                    // Someone else's record, request, resident or redemption answers as a missing one (404) to
                    // whoever may not see it; 403 to those who may see it but not do this.
                    #expect(
                        answer.status == 403
                            || (answer.status == 404 && answer.object["code"] as? String == "unknown-id"),
                        "\(endpoint.operationID) as \(role): \(answer)")
                } else {
                    #expect(answer.status == 403, "\(endpoint.operationID) as \(role): \(answer)")
                }
            }
        }
        #expect(cells == API.all.count * 15)
        let verify = try box.jifen(["--json", "verify"], env: ["JIFEN_ACTOR": "李主任"])
        #expect(verify.status == 0, "\(verify)")
    }

    @Test func tenThousandGuessesEndInLockoutWithoutASuccessAndOthersAreServed() throws {
        let box = try Self.community()
        let issued = try box.jifen(
            ["--json", "credential", "issue", "V0001", "--enrolment"], env: ["JIFEN_ACTOR": "李主任"])
        let realCode = try #require(issued.object["secret"] as? String)
        let volunteer = try Self.token(box, for: "V0002")
        let server = try ServerProcess(box)
        defer { server.stop() }
        let guesser = ["X-Real-IP": "203.0.113.9"]
        let queue = DispatchQueue(label: "guesses", attributes: .concurrent)
        let group = DispatchGroup()
        final class Tally: @unchecked Sendable { let lock = NSLock(); var statuses: [Int: Int] = [:] }
        let tally = Tally()
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        for i in 0..<10_000 {
            group.enter()
            queue.async {
                defer { group.leave() }
                let guess = String((0..<8).map { _ in alphabet.randomElement()! })
                let answer =
                    i % 2 == 0
                    ? try? http(
                        "POST", server.base + "/v1/enrolments", json: ["code": guess, "label": ""], headers: guesser)
                    : try? http(
                        "GET", server.base + "/v1/me",
                        token: "jf_C\(String(format: "%012x", i))_" + String(repeating: "A", count: 43),
                        headers: guesser)
                tally.lock.lock(); tally.statuses[answer?.status ?? 0, default: 0] += 1; tally.lock.unlock()
            }
            if i % 8 == 7 { group.wait() }
        }
        group.wait()
        let statuses = tally.statuses
        #expect(statuses[200] == nil, "\(statuses)")
        // 100 wrong codes and 100 wrong tokens from one address (SignInGuard.Limits), then 429;
        // up to 8 more were already in flight.
        #expect((statuses[401] ?? 0) <= 208, "\(statuses)")
        #expect((statuses[429] ?? 0) >= 9_792, "\(statuses)")
        // The real code from the locked address is refused too (a guesser learns nothing) ...
        let locked = try http(
            "POST", server.base + "/v1/enrolments", json: ["code": realCode, "label": ""], headers: guesser)
        #expect(locked.status == 429 && locked.headers["retry-after"] != nil, "\(locked)")
        // ... while everyone else is served, also at the guesser's address (a valid credential is never locked out).
        #expect(
            try http("GET", server.base + "/v1/me", token: volunteer, headers: ["X-Real-IP": "198.51.100.7"]).status
                == 200)
        #expect(try http("GET", server.base + "/v1/me", token: volunteer, headers: guesser).status == 200)
        #expect(
            try http(
                "POST", server.base + "/v1/enrolments", json: ["code": realCode, "label": "phone"],
                headers: ["X-Real-IP": "198.51.100.8"]
            ).status == 200)
        #expect(server.logText.contains("refusal locked-out"))
    }

    @Test func idempotencyKeysAnswerTheFirstTimeAgainAndRefuseAnotherBody() throws {
        let box = try Self.community()
        let admin = try Self.token(box, for: "李主任")
        let server = try ServerProcess(box)
        defer { server.stop() }
        let body: [String: Any] = ["account": "V0002", "points": 7, "reason": "补发"]
        let first = try http(
            "POST", server.base + "/v1/grants", token: admin, json: body, headers: ["Idempotency-Key": "k-1"])
        let second = try http(
            "POST", server.base + "/v1/grants", token: admin, json: body, headers: ["Idempotency-Key": "k-1"])
        #expect(first.status == 200 && second.status == 200, "\(first) \(second)")
        #expect(
            ((first.object["transfer"] as? [String: Any])?["id"] as? Int)
                == ((second.object["transfer"] as? [String: Any])?["id"] as? Int))
        let other = try http(
            "POST", server.base + "/v1/grants", token: admin, json: ["account": "V0002", "points": 8, "reason": "补发"],
            headers: ["Idempotency-Key": "k-1"])
        #expect(other.status == 409 && other.object["code"] as? String == "key-reused", "\(other)")
        #expect(
            try box.jifen(["--json", "balance", "V0002"], env: ["JIFEN_ACTOR": "李主任"]).object["balance"] as? Int == 7)
        // Limits: a body over the limit is 413 and changes nothing; SIGTERM exits cleanly.
        let big = try http(
            "POST", server.base + "/v1/grants", token: admin,
            json: ["account": "V0002", "points": 1, "reason": String(repeating: "x", count: 2 << 20)])
        #expect(big.status == 413, "\(big.status)")
        #expect(server.stop() == 0)
    }

    // MARK: What the API fuzzer (scripts/lib/api-fuzz.sh, Schemathesis) found

    @Test func numbersBeyondTwoToThe53AreRefusedBeforeTheyReachTheRules() throws {
        let box = try Self.community()
        try expectOK(
            box.jifen(
                [
                    "activity", "post", "--team", "T01", "--title", "巡逻", "--start", "2026-12-05 09:00", "--end",
                    "2026-12-05 11:00",
                ],
                env: ["JIFEN_ACTOR": "李主任"]))
        let admin = try Self.token(box, for: "李主任")
        let server = try ServerProcess(box)
        defer { server.stop() }
        let hours: [String: Any] = [
            "activity": "A0001", "volunteer": "V0001", "minutes": 120, "date": "2026-12-05", "note": "",
        ]
        let first = try http("POST", server.base + "/v1/records", token: admin, json: hours)
        #expect(first.status == 200, "\(first)")
        // With 120 minutes on the day, 2^63 − 2 more overflowed the daily-cap sum and killed the server.
        var huge = hours
        huge["minutes"] = Int64.max - 1
        let answer = try http("POST", server.base + "/v1/records", token: admin, json: huge)
        #expect(answer.status == 400 && answer.object["code"] as? String == "bad-json", "\(answer)")
        huge["minutes"] = 9_007_199_254_740_992
        #expect(try http("POST", server.base + "/v1/records", token: admin, json: huge).status == 400)
        let pickup = try http("POST", server.base + "/v1/redemptions/9007199254740992/pickup", token: admin)
        #expect(pickup.status == 400 && pickup.object["code"] as? String == "bad-json", "\(pickup)")
        #expect(try http("GET", server.base + "/health").status == 200)
    }

    @Test func whatNoRouteTakesGetsTheJSONErrorAnd405SaysWhatIsAllowed() throws {
        let box = try Self.community()
        let server = try ServerProcess(box)
        defer { server.stop() }
        let missing = try http("GET", server.base + "/v1/nothing")
        #expect(missing.status == 404 && missing.object["code"] as? String == "no-route", "\(missing)")
        let wrong = try http("DELETE", server.base + "/v1/grants")
        #expect(
            wrong.status == 405 && wrong.headers["allow"] == "POST" && wrong.object["code"] as? String == "no-route",
            "\(wrong)")
        #expect(try http("PUT", server.base + "/v1/credentials").headers["allow"] == "GET, POST")
        let templated = try http("GET", server.base + "/v1/redemptions/7/pickup")
        #expect(templated.status == 405 && templated.headers["allow"] == "POST", "\(templated)")
        #expect(try http("POST", server.base + "/openapi.json").status == 405)
    }

    @Test func anIdempotencyKeyIsVisibleASCIIAndAFlagLeftOutIsFalse() throws {
        let box = try Self.community()
        let admin = try Self.token(box, for: "李主任")
        let server = try ServerProcess(box)
        defer { server.stop() }
        let body: [String: Any] = ["account": "V0002", "points": 7, "reason": "补发"]
        for key in ["k 1", String(repeating: "k", count: 201)] {
            let answer = try http(
                "POST", server.base + "/v1/grants", token: admin, json: body, headers: ["Idempotency-Key": key])
            #expect(answer.status == 400 && answer.object["code"] as? String == "bad-value", "\(key): \(answer)")
        }
        #expect(
            try http(
                "POST", server.base + "/v1/grants", token: admin, json: body,
                headers: ["Idempotency-Key": UUID().uuidString]
            ).status == 200)
        // GET /v1/activities and /v1/records without their flags: all of them, as the CLI without --upcoming.
        #expect(try http("GET", server.base + "/v1/activities", token: admin).status == 200)
        #expect(try http("GET", server.base + "/v1/records", token: admin).status == 200)
        // The document says what a request must give.
        let document = try http("GET", server.base + "/openapi.json").object
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let grant = try #require(paths["/v1/grants"]?["post"]?["requestBody"] as? [String: Any])
        let schema = try #require(
            ((grant["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
        #expect(schema["required"] as? [String] == ["account", "points", "reason"])
        let approve = try #require(paths["/v1/records/approvals"]?["post"]?["requestBody"] as? [String: Any])
        #expect(approve["required"] as? Bool == false)
        let flags = try #require(paths["/v1/activities"]?["get"]?["parameters"] as? [[String: Any]])
        #expect(flags.allSatisfy { $0["required"] as? Bool == false }, "\(flags)")
        // ... and what it answers, field by field: a balance's view has its points, a whoami its person.
        func result(_ path: String, _ method: String) -> [String: Any]? {
            let ok = (paths[path]?[method]?["responses"] as? [String: Any])?["200"] as? [String: Any]
            return ((ok?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
                as? [String: Any]
        }
        let balance = try #require(result("/v1/accounts/{account}/balance", "get"))
        #expect(balance["required"] as? [String] == ["view"], "\(balance)")
        let view = try #require((balance["properties"] as? [String: Any])?["view"] as? [String: Any])
        #expect((view["required"] as? [String])?.contains("available") == true, "\(view)")
        #expect(result("/v1/me", "get")?["required"] as? [String] == ["person"])
        #expect((result("/v1/offers", "get")?["items"] as? [String: Any])?["type"] as? String == "object")
    }
}

/// README's "Serving" section, typed as written: the server in the first terminal, the code in
/// the second, the volunteer's sign-in and balance in the third (on a database like the demo's).
@Suite struct ReadmeServingTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The ```sh blocks of the section, as lists of lines.
    static func blocks() throws -> [[String]] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "## Serving: `jifen serve`"))
        let rest = text[start.upperBound...]
        let section = rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        var blocks: [[String]] = [], current: [String]?
        for line in section.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "```sh" {
                current = []
            } else if line == "```", let block = current {
                blocks.append(block); current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func theServingWalkthroughRunsAsWritten() throws {
        let blocks = try Self.blocks()
        #expect(blocks.count == 3)
        let box = try Sandbox()
        let db = box.directory.appendingPathComponent("demo.sqlite").path
        let admin = ["JIFEN_ACTOR": "李主任"]
        for step in [
            ["init", "--community", "玫瑰园社区", "--admin", "李主任"], ["team", "add", "--name", "680爱心联盟"],
            ["volunteer", "add", "--name", "张桂兰", "--phone", "13800001234", "--team", "T01"],
            ["volunteer", "add", "--name", "王小红", "--phone", "13800005678", "--team", "T01"],
            ["grant", "V0001", "40", "--reason", "结转"],
        ] {
            try expectOK(box.jifen(["--db", db] + step, env: admin))
        }
        let bin = jifenBinary.deletingLastPathComponent().path
        // Each terminal is a shell of its own; a line runs in bash with that terminal's exports so far.
        func terminal(_ lines: [String], _ body: (String, [String: String]) throws -> Void) throws {
            var env = ["PATH": "/usr/bin:/bin", "HOME": box.directory.path, "TZ": "Asia/Shanghai"]
            for raw in lines {
                let line = raw.replacingOccurrences(of: "$(swift build --show-bin-path)", with: bin)
                if line.hasPrefix("export ") {
                    let run = try box.run("/bin/bash", ["-c", "set -e; cd \"$HOME\"\n" + line + "\nenv -0"], env: env)
                    try expectOK(run)
                    for pair in run.stdout.split(separator: "\0") {
                        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                        if parts.count == 2 { env[parts[0]] = parts[1] }
                    }
                } else {
                    try body(line, env)
                }
            }
        }
        var server: Process?
        var port = ""
        defer { if let server, server.isRunning { server.terminate(); server.waitUntilExit() } }
        try terminal(blocks[0]) { line, env in
            #expect(line.hasPrefix("jifen serve --listen 127.0.0.1:8080"))
            let out = box.directory.appendingPathComponent("serve.out")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            let process = try jifenProcess(["serve", "--listen", "127.0.0.1:0"], environment: env)
            process.currentDirectoryURL = box.directory
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = FileHandle.nullDevice
            try process.run()
            server = process
            for _ in 0..<600 where port.isEmpty {
                let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                if let found = text.split(separator: "\n").first(where: { $0.contains("listening") })?.split(
                    separator: ":"
                ).last {
                    port = String(found)
                } else {
                    usleep(50_000)
                }
            }
        }
        #expect(!port.isEmpty)
        var code = ""
        try terminal(blocks[1]) { line, env in
            let run = try box.run("/bin/bash", ["-c", line], env: env)
            try expectOK(run)
            code =
                run.stdout.range(of: #"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}"#, options: .regularExpression).map {
                    String(run.stdout[$0])
                } ?? ""
        }
        #expect(!code.isEmpty)
        var outputs: [String] = []
        try terminal(blocks[2]) { line, env in
            let typed = line.replacingOccurrences(of: "4F7K-9Q2M", with: code).replacingOccurrences(
                of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
            var volunteer = env
            volunteer["HOME"] = box.directory.appendingPathComponent("phone").path
            let run = try box.run("/bin/bash", ["-c", typed], env: volunteer)
            #expect(run.status == (line.contains("exit 65") ? 65 : 0), "\(typed)\n\(run)")
            outputs.append(run.stdout)
        }
        #expect(outputs.count == 4)
        #expect(outputs[1].contains("V0001") && outputs[1].contains("40"), "\(outputs)")
        #expect(outputs[3].contains("V0001") && outputs[3].contains("volunteer"), "\(outputs)")
        let mode =
            try FileManager.default.attributesOfItem(
                atPath: box.directory.appendingPathComponent("phone/.config/jifen/credentials.json").path)[
                .posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
