import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// A service request as `request` commands print it under `--json` (README "Service requests").
struct RequestListing: Encodable {
    struct Step: Encodable {
        var seq: Int; var action: String; var from: String; var to: String; var actor: String; var at: String;
        var note: String
    }
    var id: String
    var state: String
    var stateZh: String
    var resident: String
    var residentName: String?
    var content: String
    var category: String
    var area: String
    /// Only for the volunteer serving it, while serving; else empty.
    var address: String?
    /// In full for the volunteer serving it; masked for everyone else.
    var phone: String?
    var team: String?
    var teamName: String?
    var volunteer: String?
    var server: String?
    /// The name of the volunteer who took it; their phone in full for the resident while taken, else masked.
    var serverName: String?
    var serverPhone: String?
    var offeredPoints: Int64
    var minutes: Int64
    var rating: Int?
    var comment: String
    var reason: String
    var postedAt: String
    var wantedAt: String?
    var responseDue: String
    var completionDue: String
    var deadline: String
    var overdue: Bool?
    var record: String?
    var history: [Step]?

    init(_ r: ServiceRequest, view: RequestView? = nil, history: Bool = false) {
        id = r.id; state = r.state.rawValue; stateZh = r.state.chinese; resident = r.resident; content = r.content;
        category = r.category
        area = r.area; team = r.team; volunteer = r.volunteer; server = r.server; offeredPoints = r.offeredPoints;
        minutes = r.minutes
        rating = r.rating; comment = r.comment; reason = r.reason; record = r.record
        postedAt = DayFormat.iso(millis: r.postedAtMillis);
        wantedAt = r.wantedAtMillis.map { DayFormat.iso(millis: $0) }
        responseDue = DayFormat.iso(millis: r.responseDueMillis);
        completionDue = DayFormat.iso(millis: r.completionDueMillis)
        deadline = DayFormat.iso(millis: r.expiresAtMillis)
        if let view {
            residentName = view.residentName; address = view.address; phone = view.phone; teamName = view.teamName;
            overdue = view.overdue
            if !view.serverName.isEmpty { serverName = view.serverName; serverPhone = view.serverPhone }
            if history {
                self.history = view.history.map {
                    Step(
                        seq: $0.seq, action: $0.action, from: $0.from, to: $0.to, actor: $0.actor,
                        at: DayFormat.iso(millis: $0.atMillis), note: $0.note)
                }
            }
        }
    }
}

extension Jifen {
    struct RequestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request", abstract: "Service requests 居民点单: post, dispatch, claim, serve, confirm, rate.",
            discussion:
                "States: submitted → accepted → dispatched/pooled → claimed → in_service → done → confirmed → rated (README \"Service requests\").",
            subcommands: [
                Post.self, List.self, Show.self, Accept.self, Reject.self, Dispatch.self, Claim.self, Return.self,
                Start.self,
                Finish.self, Confirm.self, Rate.self, Reopen.self, Cancel.self, Sweep.self,
            ])

        /// What every transition prints: the request's id and new state.
        static func moved(_ r: ServiceRequest, _ context: Context) {
            if context.options.json { return context.printJSON(RequestListing(r)) }
            context.print(context.t("服务请求 \(r.id)：\(r.state.chinese)", "Request \(r.id): \(r.state.rawValue)"))
        }

        struct Post: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "A resident asks for help (点单), or the desk for them. Prints the new id, e.g. Q0001.",
                discussion:
                    "Example: jifen request post --resident R001 --content 换水龙头 --category repair --wanted \"2026-12-10 09:00\""
            )
            @OptionGroup var global: GlobalOptions
            @Option(help: "The resident's id, e.g. R001.") var resident: String
            @Option(help: "What is needed, e.g. 换水龙头.") var content: String
            @Option(help: "Service category, e.g. repair (per-category deadlines: requests.response_hours.<category>).")
            var category: String = ""
            @Option(help: "When the resident would like it, e.g. \"2026-12-10 09:00\".") var wanted: String?
            @Option(help: "Unclaimed by then, it expires; default: its completion deadline.") var deadline: String?
            @Option(help: "Points the resident pays from their own account (时间银行); default: the community pays.")
            var points: String?

            func execute(_ context: Context) throws {
                let r = try context.perform(
                    API.postRequest,
                    .init(
                        resident: resident, content: content, category: category, wanted: wanted,
                        deadline: deadline, points: try points.map(parsePoints) ?? 0))
                if context.options.json { return context.printJSON(RequestListing(r)) }
                context.print(
                    context.t(
                        "已提交服务请求 \(r.id)，\(context.time(r.responseDueMillis)) 前应有人接单",
                        "Posted request \(r.id); it should be taken by \(context.time(r.responseDueMillis))"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Requests you may see: a volunteer what they may claim in their teams and what they took, nearest deadline first.",
                discussion: "Example: jifen request list --state pooled")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this state, e.g. pooled, claimed, done.") var state: String?
            @Option(help: "Only this team.") var team: String?

            func execute(_ context: Context) throws {
                let list = try context.perform(API.requests, .init(state: state, team: team))
                if context.options.json { return context.printJSON(list.map { RequestListing($0.request, view: $0) }) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("状态", "state"), context.t("内容", "content"),
                        context.t("地区", "area"),
                        context.t("服务队", "team"), context.t("接单人", "volunteer"), context.t("截止", "deadline"),
                        context.t("超时", "overdue"),
                    ],
                    list.map { v in
                        let r = v.request
                        let due = r.state.isUnclaimed ? r.expiresAtMillis : r.completionDueMillis
                        return [
                            r.id, context.t(r.state.chinese, r.state.rawValue), r.content, r.area, v.teamName,
                            r.server ?? r.volunteer ?? "", context.time(due), v.overdue ? "!" : "",
                        ]
                    })
            }
        }

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "One request with its history (the address only for the volunteer serving it).",
                discussion: "Example: jifen request show Q0001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id, e.g. Q0001.") var id: String

            func execute(_ context: Context) throws {
                let v = try context.perform(API.request, .init(request: id))
                let r = RequestListing(v.request, view: v, history: true)
                if context.options.json { return context.printJSON(r) }
                context.printTable(
                    [context.t("项目", "field"), context.t("内容", "value")],
                    [
                        [context.t("编号", "id"), r.id], [context.t("状态", "state"), context.t(r.stateZh, r.state)],
                        [context.t("居民", "resident"), "\(r.resident) \(r.residentName ?? "")"],
                        [context.t("电话", "phone"), r.phone ?? ""],
                        [context.t("地区", "area"), r.area], [context.t("地址", "address"), r.address ?? ""],
                        [context.t("内容", "content"), r.content], [context.t("类别", "category"), r.category],
                        [context.t("服务队", "team"), r.teamName ?? r.team ?? ""],
                        [
                            context.t("接单人", "volunteer"),
                            [r.server ?? r.volunteer, r.serverName, r.serverPhone].compactMap { $0 }.joined(
                                separator: " "),
                        ],
                        [
                            context.t("积分支付", "points offered"),
                            r.offeredPoints > 0 ? String(r.offeredPoints) : context.t("社区计分", "community pays"),
                        ],
                        [context.t("服务分钟", "minutes"), String(r.minutes)],
                        [context.t("评价", "rating"), r.rating.map { String($0) } ?? ""],
                        [context.t("应接单", "response due"), context.time(v.request.responseDueMillis)],
                        [context.t("应完成", "completion due"), context.time(v.request.completionDueMillis)],
                        [context.t("服务记录", "record"), r.record ?? ""],
                    ])
                context.printTable(
                    [
                        context.t("步骤", "step"), context.t("操作", "action"), context.t("状态", "state"),
                        context.t("操作人", "actor"),
                        context.t("时间", "at"), context.t("备注", "note"),
                    ],
                    v.history.map { [String($0.seq), $0.action, $0.to, $0.actor, context.time($0.atMillis), $0.note] })
            }
        }

        struct Accept: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The desk accepts a request (an admin or organizer).",
                discussion: "Example: jifen request accept Q0003")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            func execute(_ context: Context) throws {
                moved(try context.perform(API.acceptRequest, .init(request: id)), context)
            }
        }

        struct Reject: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The desk turns a request down, with a reason.",
                discussion: "Example: jifen request reject Q0002 --reason 不在服务范围")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "Why (the resident is told).") var reason: String = ""
            func execute(_ context: Context) throws {
                moved(try context.perform(API.rejectRequest, .init(request: id, reason: reason)), context)
            }
        }

        struct Dispatch: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a request to a team or a volunteer (派单), or open it to a team's pool (--pool, 抢单).",
                discussion: "Example: jifen request dispatch Q0003 --team T01 --pool")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "Team id.") var team: String?
            @Option(help: "Volunteer id (sent to them by name).") var volunteer: String?
            @Flag(help: "Open it to the team's pool: any of its volunteers may claim it.") var pool = false
            func execute(_ context: Context) throws {
                moved(
                    try context.perform(
                        API.dispatchRequest, .init(request: id, team: team, volunteer: volunteer, pool: pool)), context)
            }
        }

        struct Claim: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "A volunteer takes a request (接单); a points-paid one holds the points.",
                discussion: "Example: jifen --as V0001 request claim Q0003")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            func execute(_ context: Context) throws {
                moved(try context.perform(API.claimRequest, .init(request: id)), context)
            }
        }

        struct Return: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The volunteer gives a request back (退单), with a reason.",
                discussion: "Example: jifen --as V0001 request return Q0003 --reason 临时有事")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "Why.") var reason: String = ""
            func execute(_ context: Context) throws {
                moved(try context.perform(API.returnRequest, .init(request: id, reason: reason)), context)
            }
        }

        struct Start: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The volunteer starts serving.", discussion: "Example: jifen --as V0001 request start Q0003")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            func execute(_ context: Context) throws {
                moved(try context.perform(API.startRequest, .init(request: id)), context)
            }
        }

        struct Finish: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The volunteer finishes, with the minutes served (within the daily cap).",
                discussion: "Example: jifen --as V0001 request finish Q0003 --minutes 60")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "Minutes served.") var minutes: Int64
            func execute(_ context: Context) throws {
                moved(try context.perform(API.finishRequest, .init(request: id, minutes: minutes)), context)
            }
        }

        struct Confirm: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "The resident (or the desk for them) confirms: the service becomes a record and earns its points.",
                discussion: "Example: jifen --as R001 request confirm Q0003")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            func execute(_ context: Context) throws {
                moved(try context.perform(API.confirmRequest, .init(request: id)), context)
            }
        }

        struct Rate: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The resident rates a confirmed request 1–5 (评单).",
                discussion: "Example: jifen --as R001 request rate Q0003 --stars 5 --comment 师傅很细心")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "1 to 5.") var stars: Int
            @Option(help: "A comment, optional.") var comment: String = ""
            func execute(_ context: Context) throws {
                moved(try context.perform(API.rateRequest, .init(request: id, stars: stars, comment: comment)), context)
            }
        }

        struct Reopen: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The resident reopens a confirmed request within the window (重办); its points are reversed.",
                discussion: "Example: jifen --as R001 request reopen Q0003 --reason 还在漏水")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "Why.") var reason: String = ""
            func execute(_ context: Context) throws {
                moved(try context.perform(API.reopenRequest, .init(request: id, reason: reason)), context)
            }
        }

        struct Cancel: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "The resident withdraws a request nobody has taken.",
                discussion: "Example: jifen --as R001 request cancel Q0003 --reason 家人已修好")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Request id.") var id: String
            @Option(help: "Why, optional.") var reason: String = ""
            func execute(_ context: Context) throws {
                moved(try context.perform(API.cancelRequest, .init(request: id, reason: reason)), context)
            }
        }

        struct Sweep: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Auto-confirm, expire and flag overdue requests by the clock (admin; run it like expire, e.g. hourly).",
                discussion: "Example: jifen request sweep")
            @OptionGroup var global: GlobalOptions
            func execute(_ context: Context) throws {
                let s = try context.perform(API.sweepRequests, .init())
                if context.options.json { return context.printJSON(s) }
                context.print(
                    context.t(
                        "自动确认 \(s.confirmed.count) 个，过期 \(s.expired.count) 个，新超时 \(s.overdue.count) 个",
                        "Confirmed \(s.confirmed.count), expired \(s.expired.count), newly overdue \(s.overdue.count)"))
                for failed in s.failed { context.print(failed) }
            }
        }
    }
}
