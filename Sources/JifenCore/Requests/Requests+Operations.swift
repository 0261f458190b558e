public import Foundation

/// Service requests (点单 · 派单 · 接单 · 评单): each operation checks its input, then runs one
/// write transaction in which `RequestMachine` decides the transition for the actor's roles,
/// the ledger effect is made (`Requests+Points`), and the request, a history row and an outbox
/// event are written. A refused transition throws before anything is written.
public struct Requests: Sendable {
    public let store: any Store
    public let now: @Sendable () -> Date

    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// Longest a points-paid hold may wait for confirmation before it would lapse by itself:
    /// a year. The request releases or posts it long before (return, cancel, confirmation).
    static let holdTimeoutMinutes = 525_600

    public struct NewRequest: Sendable {
        public var resident: String
        public var category: String
        public var content: String
        public var wantedAtMillis: Int64?
        /// Unclaimed by then, it expires; nil: at its completion deadline.
        public var deadlineMillis: Int64?
        public var offeredPoints: Int64
        public init(
            resident: String, category: String = "", content: String, wantedAtMillis: Int64? = nil,
            deadlineMillis: Int64? = nil, offeredPoints: Int64 = 0
        ) {
            self.resident = resident; self.category = category; self.content = content;
            self.wantedAtMillis = wantedAtMillis
            self.deadlineMillis = deadlineMillis; self.offeredPoints = offeredPoints
        }
    }

    // MARK: Posting

    /// A resident asks for help, or the desk asks for them.
    /// - Throws: usage for empty or overlong text, a time in the past, points out of range;
    ///   refused when the actor is neither, or a points-paid resident is no volunteer or lacks the points.
    public func post(_ input: NewRequest, actor: String) throws -> ServiceRequest {
        try Registry.checkText(input.content, field: Bilingual(zh: "服务内容", en: "content"), max: 200)
        try Registry.checkText(
            input.category, field: Bilingual(zh: "服务类别", en: "category"), max: 50, allowEmpty: true, singleLine: true)
        guard input.offeredPoints >= 0, input.offeredPoints <= Points.maximum else {
            throw JifenError.usage(
                .badAmount, zh: "积分数必须是 0 到 \(Points.maximum) 之间的整数。",
                en: "The points offered must be a whole number from 0 to \(Points.maximum).")
        }
        let at = now().millis
        for (time, field) in [
            (input.wantedAtMillis, Bilingual(zh: "期望服务时间", en: "wanted time")),
            (input.deadlineMillis, Bilingual(zh: "截止时间", en: "deadline")),
        ] {
            if let time, time <= at {
                throw JifenError.usage(
                    .pastDeadline, zh: "\(field.zh)已经过去了，请填一个将来的时间。",
                    en: "The \(field.en) is in the past; give a time to come.")
            }
        }
        return try store.write { tx in
            let rules = try Rules(settings: tx.settings())
            guard let resident = try tx.resident(input.resident) else {
                throw JifenError.unknown(Bilingual(zh: "居民", en: "resident"), input.resident)
            }
            var r = ServiceRequest(
                community: resident.community, resident: resident.id, category: input.category, content: input.content,
                area: resident.area, wantedAtMillis: input.wantedAtMillis, offeredPoints: input.offeredPoints,
                postedBy: actor, postedAtMillis: at)
            r.id = try tx.nextID(.serviceRequest)
            var roles: Set<RequestRole> = []
            if resident.isActor(actor) { roles.insert(.resident) }
            if try Self.isDesk(actor, in: tx) { roles.insert(.desk) }
            r.state = try RequestMachine.next(nil, .post, roles: roles, actor: actor, request: r.id)
            r.responseDueMillis = at + Int64(rules.requests.responseHours(category: r.category)) * 3_600_000
            r.completionDueMillis = at + Int64(rules.requests.completionHours(category: r.category)) * 3_600_000
            r.expiresAtMillis = input.deadlineMillis ?? r.completionDueMillis
            if r.pointsPaid {
                guard let payer = resident.volunteer, let account = try tx.account(payer) else {
                    throw JifenError.refused(
                        .badAccounts, zh: "居民 \(resident.id) 不是志愿者，没有积分账户，不能用积分支付；请不填 --points，由社区计分。",
                        en:
                            "Resident \(resident.id) is not a volunteer and has no points account to pay from; leave "
                            + "out --points and the community pays."
                    )
                }
                let available = try Lots.available(account, nowMillis: at, in: tx)
                guard r.offeredPoints <= available else {
                    throw JifenError.insufficientPoints(
                        account: payer, available: max(0, available), requested: r.offeredPoints)
                }
                r.payer = payer
            }
            try tx.insert(request: r)
            try Self.written(r, action: .post, from: nil, actor: actor, note: "", at: at, in: tx)
            return r
        }
    }

    // MARK: Transitions

    public func accept(_ id: String, actor: String) throws -> ServiceRequest {
        try move(id, .accept, actor: actor) { _, _, _, _ in }
    }

    public func reject(_ id: String, reason: String, actor: String) throws -> ServiceRequest {
        let reason = try Ledger.requireReason(reason)
        return try move(id, .reject, actor: actor, note: reason) { r, tx, _, at in
            try Self.release(&r, actor: actor, at: at, in: tx)
            r.reason = reason
        }
    }

    /// Sends a request to a team or a named volunteer (派单), or opens it to a team's pool (抢单).
    /// - Throws: usage unless exactly one of team and volunteer is named (and a pool names a team).
    public func dispatch(
        _ id: String, team: String?, volunteer: String?, pool: Bool, actor: String
    ) throws -> ServiceRequest {
        guard (team == nil) != (volunteer == nil), !(pool && team == nil) else {
            throw JifenError.usage(
                .badArguments, zh: "请只指定 --team（派给服务队，加 --pool 放入接单池）或 --volunteer（派给志愿者）之一。",
                en:
                    "Name either --team (to a team; add --pool to open it to the team's pool) or --volunteer (to one volunteer)."
            )
        }
        return try move(id, pool ? .pool : .dispatch, actor: actor, note: team ?? volunteer ?? "") { r, tx, _, _ in
            if let team {
                guard try tx.team(team)?.community == r.community else {
                    throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), team)
                }
                r.team = team
                r.volunteer = nil
            } else if let volunteer {
                guard let v = try tx.volunteer(volunteer), v.community == r.community else {
                    throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), volunteer)
                }
                guard let team = v.team else {
                    throw JifenError.refused(
                        .notAllowed, zh: "志愿者 \(volunteer) 不属于任何服务队，不能派单给他；请先把他编入服务队。",
                        en:
                            "Volunteer \(volunteer) is in no team, so a request cannot be sent to them; put them in a team first."
                    )
                }
                r.team = team
                r.volunteer = volunteer
            }
        }
    }

    /// A volunteer takes a request sent to them or to their team; a points-paid request holds the offered points.
    public func claim(_ id: String, actor: String) throws -> ServiceRequest {
        try move(id, .claim, actor: actor) { r, tx, _, at in
            r.server = actor
            r.claimedAtMillis = at
            if r.firstClaimedAtMillis == nil { r.firstClaimedAtMillis = at }
            r.respondedAtMillis = at
            try Self.holdOffered(&r, actor: actor, at: at, in: tx)
        }
    }

    /// The volunteer gives it back (退单), with a reason: the hold is released, the desk sends it out
    /// again, and the response clock keeps running from the posting.
    public func giveBack(_ id: String, reason: String, actor: String) throws -> ServiceRequest {
        let reason = try Ledger.requireReason(reason)
        return try move(id, .return, actor: actor, note: reason) { r, tx, _, at in
            try Self.release(&r, actor: actor, at: at, in: tx)
            r.server = nil
            r.claimedAtMillis = nil
            r.respondedAtMillis = nil
            r.returns += 1
            r.reason = reason
        }
    }

    public func start(_ id: String, actor: String) throws -> ServiceRequest {
        try move(id, .start, actor: actor) { r, _, _, at in r.startedAtMillis = at }
    }

    /// The volunteer finishes, with the minutes served (within the daily cap, like any service record).
    public func finish(_ id: String, minutes: Int64, actor: String) throws -> ServiceRequest {
        try move(id, .finish, actor: actor, note: "\(minutes)") { r, tx, rules, at in
            let day = DayFormat.string(Date(millis: r.startedAtMillis ?? at), in: rules.timeZone)
            try Service.checkMinutes(
                minutes, volunteer: r.server ?? actor, day: day, excluding: nil, rules: rules, in: tx)
            r.minutes = minutes
            r.finishedAtMillis = at
        }
    }

    /// The resident (or the desk for them) confirms: the service becomes an approved record and the points are posted.
    public func confirm(_ id: String, actor: String) throws -> ServiceRequest {
        try move(id, .confirm, actor: actor) { r, tx, rules, at in
            try Self.settle(&r, actor: actor, rules: rules, at: at, in: tx)
        }
    }

    /// Rates a confirmed request 1–5, with an optional comment.
    public func rate(_ id: String, stars: Int, comment: String, actor: String) throws -> ServiceRequest {
        guard (1...5).contains(stars) else {
            throw JifenError.usage(
                .badRating, zh: "评价须为 1 到 5 星，收到的是 \(stars)。", en: "A rating is 1 to 5 stars, not \(stars).")
        }
        try Registry.checkText(comment, field: Bilingual(zh: "评语", en: "comment"), max: 500, allowEmpty: true)
        return try move(id, .rate, actor: actor, note: "\(stars)") { r, _, _, _ in
            r.rating = stars
            r.comment = comment
        }
    }

    /// The resident (or the desk) reopens a confirmed request within the window (重办): what
    /// confirmation posted is reversed by linked transfers, and the volunteer serves again.
    public func reopen(_ id: String, reason: String, actor: String) throws -> ServiceRequest {
        let reason = try Ledger.requireReason(reason)
        return try move(id, .reopen, actor: actor, note: reason) { r, tx, rules, at in
            let closes = (r.confirmedAtMillis ?? 0) + Int64(rules.requests.reopenHours) * 3_600_000
            guard at <= closes else {
                throw JifenError.refused(
                    .windowClosed,
                    zh: "服务请求 \(r.id) 确认已超过 \(rules.requests.reopenHours) 小时，不能再重办；请重新提交一个请求。",
                    en:
                        "Request \(r.id) was confirmed more than \(rules.requests.reopenHours) hours ago and can no "
                        + "longer be reopened; post a new request."
                )
            }
            try Self.unsettle(&r, reason: reason, actor: actor, at: at, in: tx)
            r.reason = reason
            r.rating = nil
            r.comment = ""
            r.claimedAtMillis = at
            r.startedAtMillis = nil
            r.finishedAtMillis = nil
            r.confirmedAtMillis = nil
            r.minutes = 0
            r.reopens += 1
        }
    }

    /// The resident (or the desk) withdraws a request nobody has taken.
    public func cancel(_ id: String, reason: String, actor: String) throws -> ServiceRequest {
        try Registry.checkText(reason, field: Bilingual(zh: "原因", en: "reason"), max: 500, allowEmpty: true)
        return try move(id, .cancel, actor: actor, note: reason) { r, tx, _, at in
            try Self.release(&r, actor: actor, at: at, in: tx)
            r.reason = reason
        }
    }

    // MARK: The clock

    public struct SweepResult: Codable, Sendable, Equatable {
        /// Done and unconfirmed past the window: confirmed now.
        public var confirmed: [String] = []
        /// Unclaimed past their deadline: expired now.
        public var expired: [String] = []
        /// Flagged and announced as overdue now (once each).
        public var overdue: [String] = []
        /// Could not be confirmed automatically (the message says why); left as they were.
        public var failed: [String] = []
        public init() {}
    }

    /// Confirms what has waited past the confirmation window, expires what nobody took by its
    /// deadline, and flags (once) what is past its response or completion deadline (an admin,
    /// like `expire`; the injected clock decides). Each request is its own transaction.
    public func sweep(actor: String) throws -> SweepResult {
        try store.read {
            try Permissions.requireAdmin(
                actor, action: Bilingual(zh: "处理到期的服务请求", en: "sweep service requests"), in: $0)
        }
        let at = now().millis
        let rules = try Settings(store: store).rules()
        let waiting = try store.read {
            try $0.serviceRequests(states: RequestMachine.unclaimed + [.claimed, .inService, .done])
        }
        var result = SweepResult()
        for r in waiting {
            do {
                if r.state == .done, let finished = r.finishedAtMillis,
                    at >= finished + Int64(rules.requests.confirmHours) * 3_600_000
                {
                    _ = try move(r.id, .autoConfirm, actor: actor, clock: true) { r, tx, rules, at in
                        try Self.settle(&r, actor: actor, rules: rules, at: at, in: tx)
                    }
                    result.confirmed.append(r.id)
                } else if r.state.isUnclaimed, at >= r.expiresAtMillis {
                    _ = try move(r.id, .expire, actor: actor, clock: true) { r, tx, _, at in
                        try Self.release(&r, actor: actor, at: at, in: tx)
                    }
                    result.expired.append(r.id)
                } else if try flagOverdue(r.id, actor: actor, at: at) {
                    result.overdue.append(r.id)
                }
            } catch let error as JifenError where error.category != .fault {
                result.failed.append("\(r.id): \(error.message.en)")
            }
        }
        return result
    }

    /// Flags a request overdue (response or completion) once, with its event.
    func flagOverdue(_ id: String, actor: String, at: Int64) throws -> Bool {
        try store.write { tx in
            guard var r = try tx.serviceRequest(id, forUpdate: true) else { return false }
            let kind: String
            if r.state.isUnclaimed, !r.responseOverdue, at > r.responseDueMillis {
                r.responseOverdue = true
                kind = "response"
            } else if r.state.isTaken, !r.completionOverdue, at > r.completionDueMillis {
                r.completionOverdue = true
                kind = "completion"
            } else {
                return false
            }
            r.updatedAtMillis = at
            try tx.update(request: r)
            let steps = try tx.requestSteps(request: id)
            try tx.insert(
                requestStep: RequestStep(
                    request: id, seq: (steps.last?.seq ?? 0) + 1, action: "overdue", from: r.state.rawValue,
                    to: r.state.rawValue, actor: actor, atMillis: at, note: kind))
            try tx.insert(event: try Self.event(r, type: "request.overdue", actor: actor, note: kind, at: at, in: tx))
            return true
        }
    }

    // MARK: One transition

    /// Runs one transition in one write transaction: the machine decides, `change` makes the
    /// ledger effect and sets the fields, then the request, its history row and its event are written.
    func move(
        _ id: String, _ action: RequestAction, actor: String, note: String = "", clock: Bool = false,
        _ change: (inout ServiceRequest, any WriteTransaction, Rules, Int64) throws -> Void
    ) throws -> ServiceRequest {
        let id = try Self.parseID(id)
        let at = now().millis
        return try store.write { tx in
            let rules = try Rules(settings: tx.settings())
            guard var r = try tx.serviceRequest(id, forUpdate: true) else { throw Self.unknown(id) }
            var roles = try Self.roles(of: actor, for: r, in: tx)
            // Someone who plays no part in it learns nothing, not even that it exists.
            if roles.isEmpty, !clock { throw Self.unknown(id) }
            if clock { roles = [.clock] }
            let from = r.state
            let to = try RequestMachine.next(r.state, action, roles: roles, actor: actor, request: id)
            try change(&r, tx, rules, at)
            r.state = to
            r.updatedAtMillis = at
            try tx.update(request: r)
            try Self.written(r, action: action, from: from, actor: actor, note: note, at: at, in: tx)
            return r
        }
    }

    /// Reads `Q0001`, `q1` or `1` as `Q0001`.
    /// - Throws: usage `bad-request-id` for anything else.
    public static func parseID(_ text: String) throws -> String {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.first == "Q" || t.first == "q" { t.removeFirst() }
        guard !t.isEmpty, t.utf8.count <= 9, t.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(t),
            number > 0
        else {
            throw JifenError.usage(
                .badRequestID, zh: "服务请求编号「\(text.prefix(40))」无效，应为 Q0001 这样的编号。",
                en: "Request id \"\(text.prefix(40))\" is not valid; give one like Q0001.")
        }
        return Registry.id(prefix: "Q", number: number)
    }

    /// A request that is missing, or that the actor may not see: the same answer (ids cannot be probed).
    static func unknown(_ id: String) -> JifenError {
        JifenError.unknown(Bilingual(zh: "服务请求", en: "service request"), id)
    }

    /// The parts `actor` plays for request `r`.
    public static func roles(
        of actor: String, for r: ServiceRequest, in tx: any ReadTransaction
    ) throws -> Set<RequestRole> {
        var roles: Set<RequestRole> = []
        let resident = try tx.resident(r.resident)
        if resident?.isActor(actor) == true { roles.insert(.resident) }
        if try isDesk(actor, in: tx) { roles.insert(.desk) }
        if let server = r.server, server == actor { roles.insert(.server) }
        if resident?.isActor(actor) != true, let v = try tx.volunteer(actor), v.community == r.community {
            if let named = r.volunteer {
                if named == actor { roles.insert(.eligible) }
            } else if let team = r.team, v.team == team {
                roles.insert(.eligible)
            }
        }
        return roles
    }

    /// The community desk: an admin, or an organizer of any team.
    static func isDesk(_ actor: String, in tx: any ReadTransaction) throws -> Bool {
        try tx.actsAsAdmin(actor) || tx.actsAsOrganizerOfAnyTeam(actor)
    }

    /// The history row and the outbox event of a transition.
    static func written(
        _ r: ServiceRequest, action: RequestAction, from: RequestState?, actor: String, note: String, at: Int64,
        in tx: any WriteTransaction
    ) throws {
        let steps = try tx.requestSteps(request: r.id)
        try tx.insert(
            requestStep: RequestStep(
                request: r.id, seq: (steps.last?.seq ?? 0) + 1, action: action.rawValue,
                from: from?.rawValue ?? "", to: r.state.rawValue, actor: actor, atMillis: at, note: note))
        try tx.insert(event: try event(r, type: eventType(action), actor: actor, note: note, at: at, in: tx))
    }

    public static func eventType(_ action: RequestAction) -> String {
        switch action {
        case .post: "request.posted"
        case .accept: "request.accepted"
        case .reject: "request.rejected"
        case .dispatch: "request.dispatched"
        case .pool: "request.pooled"
        case .claim: "request.claimed"
        case .return: "request.returned"
        case .start: "request.started"
        case .finish: "request.finished"
        case .confirm, .autoConfirm: "request.confirmed"
        case .rate: "request.rated"
        case .reopen: "request.reopened"
        case .cancel: "request.cancelled"
        case .expire: "request.expired"
        }
    }

    /// Every event type requests write.
    public static let eventTypes: [String] =
        Array(Set(RequestAction.allCases.map(eventType))).sorted() + ["request.overdue"]

    /// `{action?, actor, area, at, category, content, deadline, kind?, note, offered_points, request_id,
    /// response_due, server?, state, team?, team_name?, volunteer?, wanted_at?}`, keys sorted. The area
    /// only: never the resident's name, address or phone (group chats read these).
    static func event(
        _ r: ServiceRequest, type: String, actor: String, note: String, at: Int64, in tx: any WriteTransaction
    ) throws -> OutboxEvent {
        var json = JSONText()
        json.add("actor", actor)
        json.add("area", r.area)
        json.add("at", DayFormat.iso(millis: at))
        json.add("category", r.category)
        json.add("content", r.content)
        json.add("deadline", DayFormat.iso(millis: r.expiresAtMillis))
        json.add("note", note)
        json.add("offered_points", r.offeredPoints)
        json.add("request_id", r.id)
        json.add("response_due", DayFormat.iso(millis: r.responseDueMillis))
        json.add("server", r.server)
        json.add("state", r.state.rawValue)
        json.add("team", r.team)
        json.add("team_name", try r.team.flatMap { try tx.team($0)?.name })
        json.add("volunteer", r.volunteer)
        json.add("wanted_at", r.wantedAtMillis.map { DayFormat.iso(millis: $0) })
        return OutboxEvent(type: type, payload: json.string, atMillis: at)
    }
}
