import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// Service requests through `Requests` on every store: the journeys, who may do what and see
/// what, bad input, the clock's sweep, and random sequences of transitions.
@Suite struct RequestConformanceTests {
    /// The ID-number key of these tests (a fixed material: the tests are about requests, not keys).
    static let idKey = try! IDNumberKey(material: Data(repeating: 7, count: 32))

    /// Two teams with organizers, volunteers in each, a resident who is no volunteer (R001) and
    /// one who is (R002 = the fixture's first volunteer, with 100 points).
    struct World {
        let f: Fixture
        let requests: Requests
        let t1: String, t2: String
        /// In T01: a, b; in T02: c.
        let a: String, b: String, c: String
        let elder = "R001"
        let neighbour = "R002"
        var payer: String { f.volunteers[0] }
        let desk = "杨建军"

        static func make(_ kind: StoreKind) throws -> World {
            let f = try Fixture.make(kind)
            let at = f.clock.now.millis
            let t1 = try Registry(store: f.store).addTeam(
                name: "红管家", leader: "杨建军", community: nil, actor: "admin", nowMillis: at
            ).id
            let t2 = try Registry(store: f.store).addTeam(
                name: "平安使者", leader: "李梅", community: nil, actor: "admin", nowMillis: at
            ).id
            try Registry(store: f.store).addOrganizer("杨建军", team: t1, actor: "admin", nowMillis: at)
            try Registry(store: f.store).addOrganizer("李梅", team: t2, actor: "admin", nowMillis: at)
            func volunteer(_ name: String, _ team: String) throws -> String {
                try Registry(store: f.store).addVolunteer(
                    Volunteer(community: "C01", team: team, name: name, phone: "13900000000"), actor: "admin",
                    nowMillis: at
                ).id
            }
            let (a, b, c) = (try volunteer("张师傅", t1), try volunteer("李师傅", t1), try volunteer("王师傅", t2))
            // An ID number is sealed with the key file's key, as every front end passes it.
            _ = try Registry(store: f.store).addResident(
                Resident(
                    name: "王秀英", phone: "13812345678", idNumber: "11010519491231002X",
                    address: "幸福里3号楼2单元501", area: "幸福里3号楼"), actor: "杨建军", nowMillis: at,
                idKey: { RequestConformanceTests.idKey })
            _ = try Registry(store: f.store).addResident(
                Resident(
                    name: "志愿者甲", phone: "13800000000", address: "幸福里5号楼101", area: "幸福里5号楼",
                    volunteer: f.volunteers[0]), actor: "admin", nowMillis: at)
            _ = try f.grant(f.volunteers[0], 100)
            return World(
                f: f, requests: Requests(store: f.store, now: { f.clock.now }), t1: t1, t2: t2, a: a, b: b, c: c)
        }

        func available(_ account: String) throws -> Int64 {
            try Ledger(store: f.store).balance(account, nowMillis: f.clock.nowMillis).available
        }

        func all() throws -> [ServiceRequest] { try f.store.read { try $0.serviceRequests(states: nil) } }

        /// Posts for the elder and takes it to `state` by the usual hands.
        func request(to state: RequestState, points: Int64 = 0, pool: Bool = true) throws -> ServiceRequest {
            let resident = points > 0 ? neighbour : elder
            var r = try requests.post(
                .init(resident: resident, category: "repair", content: "换水龙头", offeredPoints: points), actor: desk)
            if state == .submitted { return r }
            r = try requests.accept(r.id, actor: desk)
            if state == .accepted { return r }
            r = try requests.dispatch(r.id, team: t1, volunteer: nil, pool: pool, actor: desk)
            if state == .pooled || state == .dispatched { return r }
            r = try requests.claim(r.id, actor: a)
            if state == .claimed { return r }
            r = try requests.start(r.id, actor: a)
            if state == .inService { return r }
            r = try requests.finish(r.id, minutes: 90, actor: a)
            if state == .done { return r }
            r = try requests.confirm(r.id, actor: points > 0 ? payer : elder)
            return r
        }
    }

    @Test(arguments: StoreKind.allCases)
    func communityPaysOnceAndReopeningTakesItBack(kind: StoreKind) throws {
        let w = try World.make(kind)
        let r = try w.request(to: .done)
        #expect(try w.f.balance(w.a) == 0, "no points before confirmation")
        let confirmed = try w.requests.confirm(r.id, actor: w.elder)
        #expect(confirmed.state == .confirmed)
        #expect(try w.f.balance(w.a) == 15, "90 minutes at 10 points an hour")
        // Confirming again, by anyone, earns nothing more.
        #expect(refusal { try w.requests.confirm(r.id, actor: w.elder) }?.code == .badTransition)
        #expect(refusal { try w.requests.confirm(r.id, actor: "admin") }?.code == .badTransition)
        #expect(try w.f.balance(w.a) == 15)
        // The record is the 2020 record: content, place, day, minutes, team.
        let record = try #require(try w.f.store.read { try $0.record(confirmed.record!) })
        #expect(record.status == .approved && record.minutes == 90 && record.points == 15 && record.volunteer == w.a)
        let activity = try #require(try w.f.store.read { try $0.activity(record.activity) })
        #expect(
            activity.team == w.t1 && activity.content == "换水龙头" && activity.place == "幸福里3号楼"
                && activity.status == .closed)
        _ = try w.requests.rate(r.id, stars: 5, comment: "师傅很细心", actor: w.elder)
        let reopened = try w.requests.reopen(r.id, reason: "还在滴水", actor: w.elder)
        #expect(reopened.state == .claimed && reopened.server == w.a && reopened.rating == nil)
        #expect(try w.f.balance(w.a) == 0, "reopening restores the balance")
        _ = try w.requests.start(r.id, actor: w.a)
        _ = try w.requests.finish(r.id, minutes: 30, actor: w.a)
        _ = try w.requests.confirm(r.id, actor: w.elder)
        #expect(try w.f.balance(w.a) == 5)
        let history = try w.requests.show(r.id, actor: "admin", everything: false).history.map(\.action)
        #expect(
            history == [
                "post", "accept", "pool", "claim", "start", "finish", "confirm", "rate", "reopen", "start", "finish",
                "confirm",
            ])
        let types = try w.f.eventTypes()
        #expect(
            types.contains("request.posted") && types.contains("request.reopened") && types.contains("points.reversed"))
        // The group chat's event names the area only.
        let posted = try #require(try w.f.eventPayloads("request.posted").first)
        #expect(
            posted.contains("幸福里3号楼") && !posted.contains("501") && !posted.contains("王秀英")
                && !posted.contains("13812345678"))
        let report = try w.f.verify()
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
    }

    @Test(arguments: StoreKind.allCases)
    func pointsPaidAreHeldOnClaimAndPostedOnConfirmation(kind: StoreKind) throws {
        let w = try World.make(kind)
        var r = try w.requests.post(
            .init(resident: w.neighbour, category: "escort", content: "接孩子放学", offeredPoints: 20), actor: w.payer)
        #expect(r.payer == w.payer)
        r = try w.requests.accept(r.id, actor: w.desk)
        r = try w.requests.dispatch(r.id, team: nil, volunteer: w.b, pool: false, actor: w.desk)
        // Sent to b by name: a plays no part in it, so it answers as a missing one.
        #expect(refusal { try w.requests.claim(r.id, actor: w.a) }?.code == .unknownID, "sent to b by name")
        r = try w.requests.claim(r.id, actor: w.b)
        #expect(try w.available(w.payer) == 80)
        #expect(try w.f.balance(w.payer) == 100)
        r = try w.requests.giveBack(r.id, reason: "临时出差", actor: w.b)
        #expect(r.state == .returned && r.hold == nil)
        #expect(try w.available(w.payer) == 100, "a return releases the hold")
        #expect(r.responseDueMillis == r.postedAtMillis + 24 * 3_600_000, "the response clock does not restart")
        r = try w.requests.dispatch(r.id, team: w.t1, volunteer: nil, pool: true, actor: w.desk)
        r = try w.requests.claim(r.id, actor: w.a)
        #expect(try w.available(w.payer) == 80)
        _ = try w.requests.start(r.id, actor: w.a)
        _ = try w.requests.finish(r.id, minutes: 45, actor: w.a)
        let issued = try w.f.balance(w.f.issuance)
        r = try w.requests.confirm(r.id, actor: w.payer)
        #expect(try w.f.balance(w.payer) == 80 && w.f.balance(w.a) == 20)
        #expect(try w.f.balance(w.f.issuance) == issued, "the resident pays, not the community")
        r = try w.requests.reopen(r.id, reason: "没接到", actor: w.payer)
        #expect(try w.f.balance(w.payer) == 100 && w.f.balance(w.a) == 0, "reopening reverses the payment")
        #expect(try w.available(w.payer) == 80, "and holds the offered points again")
        _ = try w.requests.start(r.id, actor: w.a)
        _ = try w.requests.finish(r.id, minutes: 45, actor: w.a)
        _ = try w.requests.confirm(r.id, actor: w.payer)
        #expect(try w.f.balance(w.payer) == 80 && w.f.balance(w.a) == 20)
        let report = try w.f.verify()
        #expect(report.ok, "\(report.faults.map { $0.message(.en) })")
    }

    @Test(arguments: StoreKind.allCases)
    func releasedOnCancelRejectAndExpiry(kind: StoreKind) throws {
        let w = try World.make(kind)
        let cancelled = try w.requests.post(
            .init(resident: w.neighbour, content: "买药", offeredPoints: 10), actor: w.payer)
        _ = try w.requests.cancel(cancelled.id, reason: "", actor: w.payer)
        var rejected = try w.request(to: .claimed, points: 10)
        rejected = try w.requests.giveBack(rejected.id, reason: "太远", actor: w.a)
        _ = try w.requests.reject(rejected.id, reason: "超出服务范围", actor: w.desk)
        let expiring = try w.request(to: .pooled, points: 10)
        w.f.clock.advance(days: 4)
        let swept = try w.requests.sweep(actor: "admin")
        #expect(swept.expired == [expiring.id])
        #expect(try w.available(w.payer) == 100 && w.f.balance(w.payer) == 100)
        #expect(try w.f.snapshot().holds.isEmpty)
        #expect(try w.f.verify().ok)
    }

    @Test(arguments: StoreKind.allCases)
    func theClockConfirmsExpiresAndFlagsOverdueOnce(kind: StoreKind) throws {
        let w = try World.make(kind)
        let done = try w.request(to: .done)
        let waiting = try w.request(to: .pooled)
        let taken = try w.request(to: .claimed)
        w.f.clock.advance(minutes: 25 * 60)
        var swept = try w.requests.sweep(actor: "admin")
        #expect(swept.overdue == [waiting.id] && swept.confirmed.isEmpty && swept.expired.isEmpty)
        #expect(try w.requests.sweep(actor: "admin").overdue.isEmpty, "announced once")
        #expect(refusal { try w.requests.sweep(actor: w.a) }?.code == .notAllowed)
        w.f.clock.advance(minutes: 48 * 60)
        swept = try w.requests.sweep(actor: "admin")
        #expect(swept.confirmed == [done.id], "unconfirmed past the window")
        #expect(swept.expired == [waiting.id])
        #expect(swept.overdue == [taken.id], "not finished by the completion deadline")
        #expect(try w.f.balance(w.a) == 15)
        #expect(try w.f.eventPayloads("request.overdue").count == 2)
        // Reopening is for the window after confirmation only.
        w.f.clock.advance(days: 8)
        #expect(refusal { try w.requests.reopen(done.id, reason: "x", actor: w.elder) }?.code == .windowClosed)
        #expect(try w.f.verify().ok)
    }

    /// Bad input: a clear refusal, and nothing changed.
    @Test(arguments: StoreKind.allCases)
    func badInputChangesNothing(kind: StoreKind) throws {
        let w = try World.make(kind)
        let done = try w.request(to: .done)
        let claimed = try w.request(to: .claimed)
        let pooled = try w.request(to: .pooled)
        let confirmed = try w.request(to: .confirmed)
        let cases: [(JifenError.Code, () throws -> Any)] = [
            (.badRating, { try w.requests.rate(confirmed.id, stars: 0, comment: "", actor: w.elder) }),
            (.badRating, { try w.requests.rate(confirmed.id, stars: 6, comment: "", actor: w.elder) }),
            // 8 hours a day: the confirmed request's record already holds 90 of a's minutes today.
            (.overDailyCap, { try w.requests.finish(claimed.id, minutes: 8 * 60 - 90 + 1, actor: w.a) }),
            // Another team's volunteer plays no part: the request answers as a missing one.
            (.unknownID, { try w.requests.confirm(done.id, actor: w.c) }),
            (.notAllowed, { try w.requests.confirm(done.id, actor: w.a) }),
            (.unknownID, { try w.requests.claim(pooled.id, actor: w.c) }),
            (.notAllowed, { try w.requests.claim(pooled.id, actor: "R001") }),
            (
                .pastDeadline,
                {
                    try w.requests.post(
                        .init(resident: w.elder, content: "x", deadlineMillis: w.f.clock.nowMillis - 1), actor: w.desk)
                }
            ),
            (
                .pastDeadline,
                {
                    try w.requests.post(
                        .init(resident: w.elder, content: "x", wantedAtMillis: w.f.clock.nowMillis), actor: w.desk)
                }
            ),
            (
                .badAccounts,
                { try w.requests.post(.init(resident: w.elder, content: "x", offeredPoints: 5), actor: w.desk) }
            ),
            (
                .insufficientPoints,
                { try w.requests.post(.init(resident: w.neighbour, content: "x", offeredPoints: 101), actor: w.payer) }
            ),
            (.notAllowed, { try w.requests.post(.init(resident: w.elder, content: "x"), actor: w.c) }),
            (.emptyText, { try w.requests.post(.init(resident: w.elder, content: " "), actor: w.desk) }),
            (.badTransition, { try w.requests.cancel(claimed.id, reason: "", actor: w.elder) }),
            (.badTransition, { try w.requests.claim(done.id, actor: w.a) }),
            (.reasonRequired, { try w.requests.giveBack(claimed.id, reason: " ", actor: w.a) }),
            (.unknownID, { try w.requests.accept("Q9999", actor: w.desk) }),
        ]
        _ = try w.requests.start(claimed.id, actor: w.a)
        let started = (try w.f.snapshot(), try w.all())
        for (index, (code, body)) in cases.enumerated() {
            #expect(refusal(body)?.code == code, "case \(index)")
            let after = (try w.f.snapshot(), try w.all())
            #expect(after.0 == started.0 && after.1 == started.1, "case \(index) changed something")
        }
        #expect(try w.f.verify().ok)
    }

    /// Who sees what: the address and the full phone only for the volunteer serving, while serving.
    @Test(arguments: StoreKind.allCases)
    func theAddressIsForTheVolunteerServing(kind: StoreKind) throws {
        let w = try World.make(kind)
        let pooled = try w.request(to: .pooled)
        let claimable = try w.requests.list(actor: w.b, everything: false)
        #expect(
            claimable.map(\.request.id) == [pooled.id] && claimable[0].address == ""
                && claimable[0].phone == "138****5678")
        #expect(try w.requests.list(actor: w.c, everything: false).isEmpty, "another team's pool")
        #expect(refusal { try w.requests.show(pooled.id, actor: w.c, everything: false) }?.code == .unknownID)
        _ = try w.requests.claim(pooled.id, actor: w.a)
        let serving = try w.requests.show(pooled.id, actor: w.a, everything: false)
        #expect(serving.address == "幸福里3号楼2单元501" && serving.phone == "13812345678")
        let desk = try w.requests.show(pooled.id, actor: w.desk, everything: false)
        #expect(desk.address == "" && desk.phone == "138****5678")
        #expect(try w.requests.show(pooled.id, actor: w.elder, everything: false).address == "")
        #expect(try w.requests.list(actor: w.b, everything: false).isEmpty, "taken: no longer b's to claim")
        let stored = try w.f.store.read { try $0.residents(community: nil) }
        // Stored sealed, never in plain; opened with the key, then masked as every listing shows it.
        #expect(stored[0].idNumber.map(IDNumberKey.isSealed) == true)
        var opened = stored[0]
        opened.idNumber = try stored[0].idNumber.map { try Self.idKey.open($0) }
        let listed = [opened.masked]
        #expect(
            listed[0].phone == "138****5678" && listed[0].idNumber == "110***********002X"
                && listed[0].address == "幸福里3***")
        #expect(
            refusal {
                try Registry(store: w.f.store).addResident(
                    Resident(name: "x", phone: "13800000000"), actor: w.a, nowMillis: 0)
            }?
            .code == .notAllowed)
    }

    /// A volunteer's list: what they may claim in their teams, nearest deadline first.
    @Test(arguments: StoreKind.allCases)
    func aVolunteerSeesWhatTheyMayClaimNearestDeadlineFirst(kind: StoreKind) throws {
        let w = try World.make(kind)
        let later = try w.requests.post(
            .init(resident: w.elder, content: "理发", deadlineMillis: w.f.clock.nowMillis + 50 * 3_600_000), actor: w.desk
        )
        let sooner = try w.requests.post(
            .init(resident: w.elder, content: "送餐", deadlineMillis: w.f.clock.nowMillis + 5 * 3_600_000), actor: w.desk)
        for r in [later, sooner] {
            _ = try w.requests.accept(r.id, actor: w.desk)
            _ = try w.requests.dispatch(r.id, team: w.t1, volunteer: nil, pool: true, actor: w.desk)
        }
        let other = try w.request(to: .accepted)
        _ = try w.requests.dispatch(other.id, team: nil, volunteer: w.c, pool: false, actor: w.desk)
        #expect(try w.requests.list(actor: w.a, everything: false).map(\.request.id) == [sooner.id, later.id])
        #expect(try w.requests.list(actor: w.c, everything: false).map(\.request.id) == [other.id])
        #expect(try w.requests.list(actor: w.desk, everything: false).count == 3)
    }

    /// Random sequences of transitions by random people, with the clock moving: after every
    /// step verify is green (it proves points only after confirmation and once, and every held
    /// point released or posted), and a refused step changed nothing.
    @Test(arguments: StoreKind.allCases, [1, 2, 3, 4] as [UInt64])
    func randomTransitionsKeepTheInvariants(kind: StoreKind, seed: UInt64) throws {
        let w = try World.make(kind)
        var rng = SplitMix64(state: seed)
        let actors = ["admin", w.desk, w.elder, w.payer, w.a, w.b, w.c]
        var ids: [String] = []
        var moved = 0
        var succeeded: Set<Int> = []
        for step in 0..<150 {
            let before = (try w.f.snapshot(), try w.all())
            let live = before.1.filter { !$0.state.isFinal }.map(\.id)
            let id =
                (Bool.random(using: &rng) ? live.randomElement(using: &rng) : nil) ?? ids.randomElement(using: &rng)
                ?? "Q0001"
            let current = before.1.first { $0.id == id }
            // Mostly a move the request's state allows, sometimes any (which is then refused).
            var action = Int.random(in: 0..<14, using: &rng)
            if let r = current, Int.random(in: 0..<10, using: &rng) < 6 {
                let numbers: [RequestAction: Int] = [
                    .accept: 2, .reject: 3, .dispatch: 4, .pool: 4, .claim: 5, .return: 7, .start: 8,
                    .finish: 9, .confirm: 10, .rate: 11, .reopen: 12, .cancel: 13,
                ]
                // Forward moves: rejections and cancellations come often enough from the unguided picks.
                let allowed = RequestMachine.transitions.filter { $0.from.contains(r.state) }.compactMap {
                    numbers[$0.action]
                }
                .filter { $0 != 3 && $0 != 13 }
                action = allowed.randomElement(using: &rng) ?? action
            }
            // Mostly the person whose move it is, sometimes anyone (who is then mostly refused).
            var actor = actors.randomElement(using: &rng)!
            if let r = current, Int.random(in: 0..<10, using: &rng) < 7 {
                let resident = r.resident == w.elder ? w.elder : w.payer
                let team = r.volunteer.map { [$0] } ?? (r.team == w.t1 ? [w.a, w.b] : r.team == w.t2 ? [w.c] : [])
                let right: [String] =
                    switch action {
                    case 2, 3, 4: [w.desk, "admin"]
                    case 5, 6: team
                    case 7, 8, 9: r.server.map { [$0] } ?? []
                    default: [resident]
                    }
                actor = right.randomElement(using: &rng) ?? actor
            }
            do {
                switch action {
                case 0, 1:
                    let paid = Bool.random(using: &rng)
                    ids.append(
                        try w.requests.post(
                            .init(
                                resident: paid ? w.neighbour : w.elder, content: "帮忙 \(step)",
                                offeredPoints: paid ? Int64.random(in: 1...30, using: &rng) : 0), actor: actor
                        ).id)
                case 2: _ = try w.requests.accept(id, actor: actor)
                case 3: _ = try w.requests.reject(id, reason: "r", actor: actor)
                case 4:
                    let pick = Int.random(in: 0..<4, using: &rng)
                    _ = try w.requests.dispatch(
                        id, team: pick < 2 ? [w.t1, w.t2][pick] : nil,
                        volunteer: pick >= 2 ? [w.a, w.c][pick - 2] : nil,
                        pool: pick == 0, actor: actor)
                case 5, 6: _ = try w.requests.claim(id, actor: actor)
                case 7: _ = try w.requests.giveBack(id, reason: "r", actor: actor)
                case 8: _ = try w.requests.start(id, actor: actor)
                case 9: _ = try w.requests.finish(id, minutes: Int64.random(in: 1...200, using: &rng), actor: actor)
                case 10: _ = try w.requests.confirm(id, actor: actor)
                case 11:
                    _ = try w.requests.rate(id, stars: Int.random(in: 0...6, using: &rng), comment: "", actor: actor)
                case 12: _ = try w.requests.reopen(id, reason: "r", actor: actor)
                default:
                    if Bool.random(using: &rng) {
                        _ = try w.requests.cancel(id, reason: "", actor: actor)
                    } else {
                        w.f.clock.advance(minutes: Double.random(in: 0...(8 * 60), using: &rng))
                        _ = try w.requests.sweep(actor: "admin")
                    }
                }
                moved += 1
                succeeded.insert(action)
            } catch let error as JifenError {
                #expect(error.category != .fault, "step \(step): \(error)")
                let after = (try w.f.snapshot(), try w.all())
                #expect(
                    after.0 == before.0 && after.1 == before.1,
                    "step \(step): a refused transition changed something: \(error)")
            }
            let report = try w.f.verify()
            #expect(report.ok, "\(kind) seed \(seed) step \(step): \(report.faults.map { $0.message(.en) })")
            if !report.ok { return }
        }
        #expect(moved > 40, "only \(moved) steps moved")
        #expect(succeeded.isSuperset(of: [0, 2, 4, 5, 8, 9, 10]), "moves made: \(succeeded.sorted())")
        // Every held point is released or posted once nothing is taken any more.
        for r in try w.all() where ![.claimed, .inService, .done].contains(r.state) { #expect(r.hold == nil) }
    }

    /// A request returned and taken again after its response deadline was
    /// answered late: in the month's notice as `request sweep` flags it.
    @Test(arguments: StoreKind.allCases)
    func aRequestReturnedAndTakenAgainLateIsLateInTheNotice(kind: StoreKind) throws {
        let w = try World.make(kind)
        let start = w.f.clock.nowMillis
        let onTime = try w.request(to: .claimed)
        var late = try w.request(to: .claimed)
        late = try w.requests.giveBack(late.id, reason: "临时有事", actor: w.a)
        late = try w.requests.dispatch(late.id, team: w.t1, volunteer: nil, pool: true, actor: w.desk)
        w.f.clock.advance(minutes: 25 * 60)
        #expect(try w.requests.sweep(actor: "admin").overdue == [late.id], "the sweep flags the returned request")
        _ = try w.requests.claim(late.id, actor: w.b)
        let notice = try w.requests.notice(startMillis: start - 1, endMillis: start + 30 * 86_400_000)
        let team = try #require(notice.teams.first { $0.team == w.t1 })
        #expect(team.taken == 2 && team.responseDecided == 2)
        #expect(team.responded == 1, "taken again after the deadline counted on time")
        #expect(notice.overdue.contains { $0.request == late.id && $0.missed == "response" })
        #expect(!notice.overdue.contains { $0.request == onTime.id })
    }

    /// A category is one line, a request id is well-formed (else a usage
    /// error), and a resident registered twice is refused like a volunteer; nothing changes.
    @Test(arguments: StoreKind.allCases)
    func oneLineCategoriesWellFormedIdsAndNoDuplicateResidents(kind: StoreKind) throws {
        let w = try World.make(kind)
        let before = (try w.f.snapshot(), try w.all())
        for category in ["repair\n紧急", "repair\r\n", "a\u{2028}b"] {
            let refused = refusal {
                try w.requests.post(.init(resident: w.elder, category: category, content: "换水龙头"), actor: w.desk)
            }
            #expect(
                refused?.code == .controlCharacters && refused?.message.en.contains("one line") == true,
                "\(String(describing: refused))")
        }
        let service = Service(store: w.f.store, now: { w.f.clock.now })
        let hour = w.f.clock.now.addingTimeInterval(3600)
        #expect(
            refusal {
                try service.post(
                    ActivityRequest(
                        team: w.t1, title: "巡逻", start: hour, end: hour.addingTimeInterval(3600),
                        category: "a\nb"), actor: w.desk)
            }?.code == .controlCharacters)
        #expect(try w.f.snapshot() == before.0 && w.all() == before.1)
        let posted = try w.requests.post(.init(resident: w.elder, category: "repair", content: "换水龙头"), actor: w.desk)
        for bad in ["Q12x", "", "Q", "Q-1", "../Q0001", "Q0001 OR 1=1", "Q1.0"] {
            #expect(refusal { try w.requests.accept(bad, actor: w.desk) }?.code == .badRequestID, "\(bad)")
            #expect(
                refusal { try w.requests.show(bad, actor: w.desk, everything: true) }?.code == .badRequestID, "\(bad)")
        }
        #expect(try w.requests.show("q1", actor: w.desk, everything: true).request.id == posted.id)
        #expect(try w.requests.accept(" 1 ", actor: w.desk).state == .accepted)
        // The same name and phone (however written) is the same resident.
        let residents = try w.f.store.read { try $0.residents(community: nil) }
        let again = refusal {
            try Registry(store: w.f.store).addResident(
                Resident(name: "王秀英 ", phone: "138-1234-5678"), actor: w.desk, nowMillis: 0)
        }
        #expect(
            again?.code == .duplicateResident && again?.message.en.contains("R001") == true,
            "\(String(describing: again))")
        #expect(try w.f.store.read { try $0.residents(community: nil) } == residents)
        let other = try Registry(store: w.f.store).addResident(
            Resident(name: "王秀英", phone: "13812345678"), actor: w.desk, nowMillis: 0, allowDuplicate: true)
        #expect(other.id != "R001")
        #expect(try w.f.verify().ok)
    }
}
