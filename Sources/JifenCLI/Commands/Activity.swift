import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct ActivityJSON: Encodable {
    var id: String, team: String, title: String, place: String, content: String, category: String
    var start: String, end: String, capacity: Int?, rate: Int64?, status: String, checkin_code: String?

    /// The check-in code only where the app shows it to this reader.
    init(_ view: JifenApp.ActivityView) {
        let a = view.activity
        id = a.id; team = a.team; title = a.title; place = a.place; content = a.content; category = a.category
        start = DayFormat.iso(millis: a.startMillis); end = DayFormat.iso(millis: a.endMillis); capacity = a.capacity
        rate = a.rate; status = a.status.rawValue; checkin_code = view.checkinCode
    }
}

extension Context {
    func statusLabel(_ status: String) -> String {
        let zh = [
            "open": "进行中", "cancelled": "已取消", "closed": "已关闭", "pending": "待审核", "review": "需复核",
            "approved": "已通过", "rejected": "已驳回",
        ]
        return language == .zh ? zh[status] ?? status : status
    }
}

extension Jifen {
    struct ActivityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "activity",
            abstract: "Activities 活动: post, list, show, cancel, close, join, leave, rotate-code.",
            subcommands: [
                Post.self, List.self, Show.self, Cancel.self, Close.self, Join.self, Leave.self, RotateCode.self,
            ])

        struct Post: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Post an activity (an organizer of the team). Prints its id and check-in code.",
                discussion: """
                    Example: jifen --as 杨建军 activity post --team T03 --title 夜间巡逻 --start "2026-11-22 19:00" --end "2026-11-22 21:00" \
                    --place 小区东门 --category patrol --capacity 8
                    Example: jifen --as 杨建军 activity post --team T03 --title 邻里调解日 --start "2026-11-29 09:00" --end "2026-11-29 11:00" --rate 12
                    """)
            @OptionGroup var global: GlobalOptions
            @Option(help: "Team id, e.g. T01.") var team: String
            @Option(help: "Title.") var title: String
            @Option(help: "Start, e.g. \"2026-11-22 09:00\".") var start: String
            @Option(help: "End, e.g. \"2026-11-22 11:00\".") var end: String
            @Option(help: "Place.") var place: String = ""
            @Option(help: "What the service is.") var content: String = ""
            @Option(help: "Service category, e.g. elder_care.") var category: String = ""
            @Option(help: "Places (leave out for no limit).") var capacity: Int?
            @Option(help: "Points per hour for this activity (default: the rules).") var rate: Int64?

            func execute(_ context: Context) throws {
                let input = JifenApp.PostActivityInput(
                    team: team, title: title, start: start, end: end, place: place, content: content,
                    category: category, capacity: capacity, rate: rate)
                let posted = try context.perform(API.postActivity, input)
                if context.options.json { return context.printJSON(ActivityJSON(posted)) }
                let a = posted.activity, code = posted.checkinCode ?? ""
                context.print(
                    context.t(
                        "已发布活动 \(a.id)「\(a.title)」，签到码 \(code)",
                        "Posted activity \(a.id) \"\(a.title)\"; check-in code \(code)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List activities.",
                discussion: "Example: jifen activity list --upcoming --team T03\nExample: jifen activity list --past")
            @OptionGroup var global: GlobalOptions
            @Flag(help: "Only those not yet ended.") var upcoming = false
            @Flag(help: "Only those already ended.") var past = false
            @Option(help: "Only this team.") var team: String?

            func execute(_ context: Context) throws {
                let views = try context.perform(
                    API.activities, JifenApp.ActivityQuery(upcoming: upcoming, past: past, team: team))
                if context.options.json { return context.printJSON(views.map(ActivityJSON.init)) }
                let list = views.map(\.activity)
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("开始", "start"), context.t("结束", "end"),
                        context.t("活动", "title"),
                        context.t("服务队", "team"), context.t("地点", "place"), context.t("名额", "places"),
                        context.t("状态", "status"),
                    ],
                    list.map {
                        [
                            $0.id, context.time($0.startMillis), context.time($0.endMillis), $0.title, $0.team,
                            $0.place,
                            $0.capacity.map(String.init) ?? "-", context.statusLabel($0.status.rawValue),
                        ]
                    })
            }
        }

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show an activity with who signed up and who checked in.",
                discussion: "Example: jifen activity show A0001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Activity id, e.g. A0001.") var id: String

            func execute(_ context: Context) throws {
                let detail = try context.perform(API.activity, .init(activity: id))
                let a = detail.activity.activity, people = detail.participants
                if context.options.json {
                    struct P: Encodable {
                        var volunteer: String; var joined: Bool; var checkin: String?; var checkout: String?
                        /// Who gave the time, when an organizer corrected it (absent: the server's clock).
                        var checkin_corrected_by: String?; var checkout_corrected_by: String?
                    }
                    struct Out: Encodable { var activity: ActivityJSON; var participants: [P] }
                    return context.printJSON(
                        Out(
                            activity: ActivityJSON(detail.activity),
                            participants: people.map {
                                P(
                                    volunteer: $0.volunteer, joined: !$0.left,
                                    checkin: $0.checkinMillis.map { DayFormat.iso(millis: $0) },
                                    checkout: $0.checkoutMillis.map { DayFormat.iso(millis: $0) },
                                    checkin_corrected_by: $0.checkinCorrectedBy,
                                    checkout_corrected_by: $0.checkoutCorrectedBy)
                            }))
                }
                context.print("\(a.id) \(a.title)  [\(context.statusLabel(a.status.rawValue))]")
                context.print("\(context.time(a.startMillis)) – \(context.time(a.endMillis))  \(a.place)  \(a.team)")
                if let code = detail.activity.checkinCode { context.print(context.t("签到码：", "check-in code: ") + code) }
                context.printTable(
                    [
                        context.t("志愿者", "volunteer"), context.t("报名", "signed up"), context.t("签到", "in"),
                        context.t("签退", "out"),
                    ],
                    people.map { p in
                        let corrected = { (by: String?) in
                            by.map { context.t("（\($0) 补录）", " (corrected by \($0))") } ?? ""
                        }
                        return [
                            p.volunteer, p.left ? context.t("已退出", "left") : "✓",
                            (p.checkinMillis.map(context.time) ?? "")
                                + (p.checkinMillis == nil ? "" : corrected(p.checkinCorrectedBy)),
                            (p.checkoutMillis.map(context.time) ?? "")
                                + (p.checkoutMillis == nil ? "" : corrected(p.checkoutCorrectedBy)),
                        ]
                    })
            }
        }

        struct Cancel: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Cancel an activity that has no records yet.",
                discussion: "Example: jifen --as 杨建军 activity cancel A0005 --reason 下雨")
            @OptionGroup var global: GlobalOptions
            @Argument var id: String
            @Option(help: "Why (announced).") var reason: String

            func execute(_ context: Context) throws {
                let cancelled = try context.perform(API.cancelActivity, Ref.Cancel(activity: id, reason: reason))
                if context.options.json { return context.printJSON(ActivityJSON(cancelled)) }
                let a = cancelled.activity
                context.print(context.t("已取消活动 \(a.id)", "Cancelled activity \(a.id)"))
            }
        }

        struct Close: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Close an activity: no more check-ins.",
                discussion: "Example: jifen --as 杨建军 activity close A0004")
            @OptionGroup var global: GlobalOptions
            @Argument var id: String

            func execute(_ context: Context) throws {
                let closed = try context.perform(API.closeActivity, .init(activity: id))
                if context.options.json { return context.printJSON(ActivityJSON(closed)) }
                let a = closed.activity
                context.print(context.t("已关闭活动 \(a.id)", "Closed activity \(a.id)"))
            }
        }

        struct RotateCode: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "rotate-code",
                abstract:
                    "Give an activity a new check-in code (an organizer of its team); the old code stops working.",
                discussion:
                    "Example: jifen --as 杨建军 activity rotate-code A0004   # the code leaked, or too many wrong codes stopped it"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Activity id, e.g. A0001.") var id: String

            func execute(_ context: Context) throws {
                let rotated = try context.perform(API.rotateCheckinCode, .init(activity: id))
                if context.options.json { return context.printJSON(ActivityJSON(rotated)) }
                context.print(
                    context.t(
                        "活动 \(rotated.activity.id) 的新签到码 \(rotated.checkinCode ?? "")（旧码已失效）",
                        "New check-in code for activity \(rotated.activity.id): \(rotated.checkinCode ?? "") (the old one no longer works)"
                    ))
            }
        }

        struct Join: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Sign a volunteer up (themself, or by an organizer).",
                discussion: "Example: jifen --as V0001 activity join A0004 V0001")
            @OptionGroup var global: GlobalOptions
            @Argument var activity: String
            @Argument var volunteer: String

            func execute(_ context: Context) throws {
                let joined = try context.perform(
                    API.join, JifenApp.MembershipInput(activity: activity, volunteer: volunteer))
                if context.options.json { return context.printJSON(joined) }
                context.print(context.t("\(volunteer) 已报名 \(activity)", "\(volunteer) signed up for \(activity)"))
            }
        }

        struct Leave: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Withdraw a sign-up.", discussion: "Example: jifen --as V0001 activity leave A0004 V0001")
            @OptionGroup var global: GlobalOptions
            @Argument var activity: String
            @Argument var volunteer: String

            func execute(_ context: Context) throws {
                let left = try context.perform(
                    API.leave, JifenApp.MembershipInput(activity: activity, volunteer: volunteer))
                if context.options.json { return context.printJSON(left) }
                context.print(context.t("\(volunteer) 已取消报名 \(activity)", "\(volunteer) withdrew from \(activity)"))
            }
        }
    }
}
