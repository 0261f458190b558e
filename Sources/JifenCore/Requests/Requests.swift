import Foundation

/// Where a service request (居民点单) is in its life. README "Service requests" has the table.
public enum RequestState: String, Codable, Sendable, CaseIterable {
    /// 已提交（点单）: asked for by the resident, or by the desk on their behalf.
    case submitted
    /// 已受理: the community desk took it on.
    case accepted
    /// 不予受理: the desk turned it down, with a reason.
    case rejected
    /// 已派单: sent to a team or a named volunteer.
    case dispatched
    /// 待接单: open to a team's pool (抢单).
    case pooled
    /// 已接单: a volunteer took it.
    case claimed
    /// 退单: the volunteer gave it back, with a reason; the desk sends it out again.
    case returned
    /// 服务中: the volunteer started.
    case inService = "in_service"
    /// 待确认: the volunteer finished, with minutes.
    case done
    /// 已确认: the resident (or the desk for them, or the clock after the window) confirmed; points posted.
    case confirmed
    /// 已评价: the resident rated it 1–5.
    case rated
    /// 已取消: the resident withdrew it before anyone took it.
    case cancelled
    /// 已过期: nobody took it by its deadline.
    case expired

    public var chinese: String {
        switch self {
        case .submitted: "已提交"
        case .accepted: "已受理"
        case .rejected: "不予受理"
        case .dispatched: "已派单"
        case .pooled: "待接单"
        case .claimed: "已接单"
        case .returned: "已退单"
        case .inService: "服务中"
        case .done: "待确认"
        case .confirmed: "已确认"
        case .rated: "已评价"
        case .cancelled: "已取消"
        case .expired: "已过期"
        }
    }

    /// Waiting for someone to take it: the response clock runs, and it may expire.
    public var isUnclaimed: Bool { [.submitted, .accepted, .dispatched, .pooled, .returned].contains(self) }
    /// Taken and not yet finished: the completion clock runs.
    public var isTaken: Bool { [.claimed, .inService].contains(self) }
    /// Nothing more can happen to it but a reopening (confirmed, rated) or nothing at all.
    public var isFinal: Bool { [.rejected, .cancelled, .expired, .rated].contains(self) }
}

/// What someone does to a request: one transition of `RequestMachine`.
public enum RequestAction: String, Codable, Sendable, CaseIterable {
    case post, accept, reject, dispatch, pool, claim
    case `return`
    case start, finish, confirm
    case autoConfirm = "auto_confirm"
    case rate, reopen, cancel, expire
}

/// The part an actor plays for one request. One person may play several (an admin who asked
/// for help herself is both `resident` and `desk`).
public enum RequestRole: String, Codable, Sendable, CaseIterable {
    /// The resident who asked (by their resident id, or their volunteer id when they are one).
    case resident
    /// The community desk: an admin or an organizer (a grid worker acts as an organizer).
    case desk
    /// A volunteer who may take it: the one it was dispatched to, or one of the team it went to.
    case eligible
    /// The volunteer who took it.
    case server
    /// The clock: `request sweep` (auto-confirmation and expiry), run like `expire`.
    case clock
}

/// What a transition does to points (the ledger effect column of the state table).
public enum RequestLedgerEffect: String, Codable, Sendable {
    case none
    /// A points-paid request: the offered points are held on the resident's account.
    case hold
    /// A pending hold, if any, is voided: the points are the resident's again.
    case release
    /// Community-paid: an approved service record earns by the rules. Points-paid: the hold is posted to the volunteer.
    case earn
    /// Linked reversals of what confirmation posted (and, points-paid, the offered points held again).
    case reverse
}

/// The request's life as a pure state machine: no store, no clock. `next` says where an action
/// leads from a state for actors playing some roles, or why not; `transitions` is the table
/// README prints and the tests walk.
public enum RequestMachine {
    public struct Transition: Sendable, Equatable {
        public var action: RequestAction
        /// Where it may start; empty for `post` (a new request).
        public var from: [RequestState]
        public var to: RequestState
        public var who: [RequestRole]
        public var effect: RequestLedgerEffect
    }

    static let unclaimed: [RequestState] = [.submitted, .accepted, .dispatched, .pooled, .returned]

    public static let transitions: [Transition] = [
        Transition(action: .post, from: [], to: .submitted, who: [.resident, .desk], effect: .none),
        Transition(action: .accept, from: [.submitted], to: .accepted, who: [.desk], effect: .none),
        Transition(
            action: .reject, from: [.submitted, .accepted, .returned], to: .rejected, who: [.desk], effect: .release),
        Transition(action: .dispatch, from: [.accepted, .returned], to: .dispatched, who: [.desk], effect: .none),
        Transition(action: .pool, from: [.accepted, .returned], to: .pooled, who: [.desk], effect: .none),
        Transition(action: .claim, from: [.dispatched, .pooled], to: .claimed, who: [.eligible], effect: .hold),
        Transition(action: .return, from: [.claimed], to: .returned, who: [.server], effect: .release),
        Transition(action: .start, from: [.claimed], to: .inService, who: [.server], effect: .none),
        Transition(action: .finish, from: [.inService], to: .done, who: [.server], effect: .none),
        Transition(action: .confirm, from: [.done], to: .confirmed, who: [.resident, .desk], effect: .earn),
        Transition(action: .autoConfirm, from: [.done], to: .confirmed, who: [.clock], effect: .earn),
        Transition(action: .rate, from: [.confirmed], to: .rated, who: [.resident, .desk], effect: .none),
        Transition(
            action: .reopen, from: [.confirmed, .rated], to: .claimed, who: [.resident, .desk], effect: .reverse),
        Transition(action: .cancel, from: unclaimed, to: .cancelled, who: [.resident, .desk], effect: .release),
        Transition(action: .expire, from: unclaimed, to: .expired, who: [.clock], effect: .release),
    ]

    public static func transition(_ action: RequestAction) -> Transition {
        transitions.first { $0.action == action }!
    }

    /// Where `action` leads from `state` for an actor playing `roles`.
    /// - Parameters:
    ///   - state: the request's state; nil for a request not yet posted.
    ///   - request: its id, for the messages.
    /// - Throws: refused `not-allowed` when none of the roles may make this move at all;
    ///   refused `bad-transition` when they may, but not in this state.
    public static func next(
        _ state: RequestState?, _ action: RequestAction, roles: Set<RequestRole>, actor: String,
        request: String
    ) throws -> RequestState {
        let t = transition(action)
        // Who may comes first: someone who may never make this move learns nothing of the state.
        guard !roles.isDisjoint(with: t.who) else {
            throw JifenError.refused(
                .notAllowed,
                zh:
                    "\(actor) 无权\(verb(action).zh)服务请求 \(request)（可由\(t.who.map(roleName).map(\.zh).joined(separator: "、"))操作）。",
                en:
                    "\(actor) may not have request \(request) \(verb(action).en) (that is for the "
                    + "\(t.who.map(roleName).map(\.en).joined(separator: " or ")))."
            )
        }
        if let state {
            guard t.from.contains(state) else {
                throw JifenError.refused(
                    .badTransition,
                    zh: "服务请求 \(request) \(state.chinese)，不能\(verb(action).zh)。",
                    en: "Request \(request) is \(state.rawValue); it cannot be \(verb(action).en) now.")
            }
        } else if !t.from.isEmpty {
            throw JifenError.unknown(Bilingual(zh: "服务请求", en: "service request"), request)
        }
        return t.to
    }

    /// The action in words: "受理" / "accepted".
    public static func verb(_ action: RequestAction) -> Bilingual {
        switch action {
        case .post: Bilingual(zh: "提交", en: "posted")
        case .accept: Bilingual(zh: "受理", en: "accepted")
        case .reject: Bilingual(zh: "不予受理", en: "rejected")
        case .dispatch: Bilingual(zh: "派单", en: "dispatched")
        case .pool: Bilingual(zh: "放入接单池", en: "pooled")
        case .claim: Bilingual(zh: "接单", en: "claimed")
        case .return: Bilingual(zh: "退单", en: "returned")
        case .start: Bilingual(zh: "开始", en: "started")
        case .finish: Bilingual(zh: "完成", en: "finished")
        case .confirm: Bilingual(zh: "确认", en: "confirmed")
        case .autoConfirm: Bilingual(zh: "自动确认", en: "confirmed automatically")
        case .rate: Bilingual(zh: "评价", en: "rated")
        case .reopen: Bilingual(zh: "重办", en: "reopened")
        case .cancel: Bilingual(zh: "取消", en: "cancelled")
        case .expire: Bilingual(zh: "标记过期", en: "expired")
        }
    }

    public static func roleName(_ role: RequestRole) -> Bilingual {
        switch role {
        case .resident: Bilingual(zh: "提出请求的居民", en: "resident who asked")
        case .desk: Bilingual(zh: "社区（管理员或组织者）", en: "community desk (admin or organizer)")
        case .eligible: Bilingual(zh: "被派单的志愿者或该队志愿者", en: "volunteer it was sent to, or one of its team")
        case .server: Bilingual(zh: "接单的志愿者", en: "volunteer who took it")
        case .clock: Bilingual(zh: "到期自动处理", en: "clock (request sweep)")
        }
    }
}

/// A service request: what a resident needs, where it is, and what it has earned.
public struct ServiceRequest: Codable, Sendable, Equatable {
    public var id: String
    public var community: String
    /// The resident who asked (`R001`).
    public var resident: String
    public var category: String
    /// What is needed (服务内容), e.g. "换水龙头".
    public var content: String
    /// The resident's area (小区/楼栋): what a group chat may show. The address is the resident's.
    public var area: String
    /// When the resident would like it done; nil: any time.
    public var wantedAtMillis: Int64?
    public var state: RequestState
    /// The team it went to (dispatched or pooled), or the named volunteer's team.
    public var team: String?
    /// The volunteer it was dispatched to by name; nil: the team's.
    public var volunteer: String?
    /// The volunteer who took it.
    public var server: String?
    /// Points the resident pays (时间银行); 0: the community pays by the rules.
    public var offeredPoints: Int64
    /// The account that pays the offered points: the resident's volunteer account.
    public var payer: String?
    /// The pending hold of the offered points, while claimed.
    public var hold: Int64?
    /// How many holds it has made (their keys count up).
    public var holds: Int
    /// The transfer that paid the volunteer at confirmation (points-paid).
    public var paidTransfer: Int64?
    /// The service record confirmation made (and its activity).
    public var record: String?
    /// Every record confirmation made for it, the current one last (a reopening rejects the last).
    public var records: [String] = []
    public var activity: String?
    public var minutes: Int64
    public var rating: Int?
    public var comment: String
    /// The last reason given (reject, return, reopen).
    public var reason: String
    public var postedBy: String
    public var postedAtMillis: Int64
    /// Taken by then, or it is overdue (submitted → claimed). Returns do not move it.
    public var responseDueMillis: Int64
    /// Finished by then, or it is overdue.
    public var completionDueMillis: Int64
    /// Nobody took it by then: it expires.
    public var expiresAtMillis: Int64
    public var firstClaimedAtMillis: Int64?
    /// The claim that answers the request: the latest claim not given back (nil while it waits
    /// again after a return). The response rate and `request sweep` judge this one against the
    /// response deadline, so a request returned and taken again late is late. (Absent in rows
    /// written before it existed: their first claim stands, unless they were returned.)
    public var respondedAtMillis: Int64?
    public var claimedAtMillis: Int64?
    public var startedAtMillis: Int64?
    public var finishedAtMillis: Int64?
    public var confirmedAtMillis: Int64?
    public var returns: Int
    public var reopens: Int
    /// Announced as overdue (once each).
    public var responseOverdue: Bool
    public var completionOverdue: Bool
    public var updatedAtMillis: Int64

    public init(
        id: String = "", community: String = "", resident: String, category: String = "", content: String,
        area: String = "",
        wantedAtMillis: Int64? = nil, state: RequestState = .submitted, offeredPoints: Int64 = 0, postedBy: String = "",
        postedAtMillis: Int64 = 0, responseDueMillis: Int64 = 0, completionDueMillis: Int64 = 0,
        expiresAtMillis: Int64 = 0
    ) {
        self.id = id; self.community = community; self.resident = resident; self.category = category;
        self.content = content
        self.area = area; self.wantedAtMillis = wantedAtMillis; self.state = state; self.offeredPoints = offeredPoints
        self.holds = 0; self.minutes = 0; self.comment = ""; self.reason = ""; self.postedBy = postedBy
        self.postedAtMillis = postedAtMillis; self.responseDueMillis = responseDueMillis;
        self.completionDueMillis = completionDueMillis
        self.expiresAtMillis = expiresAtMillis; self.returns = 0; self.reopens = 0; self.responseOverdue = false
        self.completionOverdue = false; self.updatedAtMillis = postedAtMillis
    }

    public var pointsPaid: Bool { offeredPoints > 0 }
}

/// One line of a request's history: every transition, and the overdue flags.
public struct RequestStep: Codable, Sendable, Equatable {
    public var request: String
    public var seq: Int
    /// A `RequestAction`'s raw value, or `overdue`.
    public var action: String
    public var from: String
    public var to: String
    public var actor: String
    public var atMillis: Int64
    public var note: String

    public init(
        request: String, seq: Int, action: String, from: String, to: String, actor: String, atMillis: Int64,
        note: String
    ) {
        self.request = request; self.seq = seq; self.action = action; self.from = from; self.to = to
        self.actor = actor; self.atMillis = atMillis; self.note = note
    }
}

/// A request as a listing or a `show` returns it: the resident's name, and the address and phone
/// only for the volunteer serving it while they serve (`Requests.view`).
public struct RequestView: Codable, Sendable, Equatable {
    public var request: ServiceRequest
    public var residentName: String
    /// The full address for the volunteer serving it (claimed, in service, done); else empty.
    public var address: String
    /// The resident's phone: in full for the volunteer serving it, masked for everyone else.
    public var phone: String
    public var teamName: String
    /// Overdue now: not taken by the response deadline, or not finished by the completion deadline.
    public var overdue: Bool
    public var history: [RequestStep]
    /// The name of the volunteer who took it (empty while nobody has).
    public var serverName: String = ""
    /// That volunteer's phone: in full for the resident who asked while it is taken (claimed, in
    /// service, done), so she can call who is coming; masked for everyone else.
    public var serverPhone: String = ""
}

/// The deadlines and windows of requests (settings `requests.*`), with per-category overrides
/// such as `requests.response_hours.elder_care`.
public struct RequestRules: Sendable, Equatable {
    public var responseHours: Int = 24
    public var completionHours: Int = 72
    public var responseHoursByCategory: [String: Int] = [:]
    public var completionHoursByCategory: [String: Int] = [:]
    /// Hours after `finish` that an unconfirmed request confirms itself.
    public var confirmHours: Int = 72
    /// Hours after confirmation that the resident may still reopen it.
    public var reopenHours: Int = 168
    /// The categories a resident picks from on her page (`requests.categories`), in order.
    public var categories: [String] = RequestForm.defaultCategories

    public init() {}

    public func responseHours(category: String) -> Int { responseHoursByCategory[category] ?? responseHours }
    public func completionHours(category: String) -> Int { completionHoursByCategory[category] ?? completionHours }
}

extension Rules {
    static let requestResponsePrefix = "requests.response_hours."
    static let requestCompletionPrefix = "requests.completion_hours."

    static let requestDefinitions: [SettingDefinition] = [
        SettingDefinition(
            key: "requests.response_hours", defaultValue: "24",
            meaning: Bilingual(
                zh: "服务请求多少小时内应有人接单（可按类别设 requests.response_hours.<类别>）",
                en: "hours within which a request should be taken (per category: requests.response_hours.<category>)")
        ) { rules, value in
            rules.requests.responseHours = try hours(value, key: "requests.response_hours")
        },
        SettingDefinition(
            key: "requests.completion_hours", defaultValue: "72",
            meaning: Bilingual(
                zh: "服务请求提交后多少小时内应完成（可按类别设 requests.completion_hours.<类别>）",
                en:
                    "hours after posting within which a request should be done (per category: requests.completion_hours.<category>)"
            )
        ) { rules, value in
            rules.requests.completionHours = try hours(value, key: "requests.completion_hours")
        },
        SettingDefinition(
            key: "requests.confirm_hours", defaultValue: "72",
            meaning: Bilingual(
                zh: "服务完成后居民多少小时未确认即自动确认", en: "hours after finishing that an unconfirmed request confirms itself")
        ) { rules, value in
            rules.requests.confirmHours = try hours(value, key: "requests.confirm_hours")
        },
        SettingDefinition(
            key: "requests.reopen_hours", defaultValue: "168",
            meaning: Bilingual(
                zh: "确认后多少小时内居民可以要求重办", en: "hours after confirmation that the resident may reopen a request")
        ) { rules, value in
            rules.requests.reopenHours = try hours(value, key: "requests.reopen_hours")
        },
        SettingDefinition(
            key: "requests.categories", defaultValue: RequestForm.defaultCategories.joined(separator: ","),
            meaning: Bilingual(
                zh: "居民点单时可选的服务类别（英文字母和下划线，逗号分隔，按显示顺序）",
                en:
                    "the service categories a resident picks from when asking for help (letters and underscores, comma-separated, in order)"
            )
        ) { rules, value in
            rules.requests.categories = try RequestForm.categories(value)
        },
    ]

    /// Applies a per-category request deadline (`requests.response_hours.<category>`); false for any other key.
    static func applyRequestCategory(key: String, value: String, to rules: inout Rules) throws -> Bool {
        for prefix in [requestResponsePrefix, requestCompletionPrefix] where key.hasPrefix(prefix) {
            let category = String(key.dropFirst(prefix.count))
            guard !category.isEmpty else { return false }
            let number = try hours(value, key: key)
            if prefix == requestResponsePrefix {
                rules.requests.responseHoursByCategory[category] = number
            } else {
                rules.requests.completionHoursByCategory[category] = number
            }
            return true
        }
        return false
    }

    private static func hours(_ value: String, key: String) throws -> Int {
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), (1...8760).contains(number) else {
            throw JifenError.usage(
                .badSetting, zh: "设置 \(key) 的值「\(value)」无效，应为1 到 8760 之间的整数（小时）。",
                en: "The value \"\(value)\" for \(key) is not valid; expected a whole number of hours from 1 to 8760.")
        }
        return number
    }
}

extension ServiceRequest {
    /// The row's `body`: every field as JSON with sorted keys. The columns beside it (state,
    /// team, deadlines…) repeat what listings filter on; the body is the request.
    public var body: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A request from its row's `body`.
    /// - Throws: fault `corrupt` when the body is not a request.
    public init(body: String) throws {
        do {
            self = try JSONDecoder().decode(ServiceRequest.self, from: Data(body.utf8))
        } catch {
            throw JifenError.fault(.corrupt, zh: "服务请求的存储内容无法读取。", en: "A stored service request cannot be read.")
        }
    }
}
