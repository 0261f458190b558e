public import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension ReportGrouping: ExpressibleByArgument {}

extension Jifen {
    struct Report: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The month's public notice (积分公示): points earned, redeemed, refunded, expired, settled, outstanding.",
            discussion: """
                Names of volunteers appear only with their consent (volunteer add --consent); otherwise their id.
                Example: jifen report --month 2026-11 --by team
                Example: jifen report --month 2026-11 --by merchant --csv > 2026-11-merchants.csv
                Example: jifen report --month 2026-11 --community C01   # one community; --office ID: all below an office, and each
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Month as YYYY-MM (default: this month).") var month: String?
        @Option(help: "Rows by team, volunteer, merchant or category.") var by: ReportGrouping?
        @Flag(help: "Print CSV (the rows, or the totals without --by).") var csv = false
        @Option(help: "Only this community.") var community: String?
        @Option(help: "Every community below this street office or district: their sum, then each.") var office: String?

        func execute(_ context: Context) throws {
            let result = try context.perform(
                API.report, JifenApp.ReportInput(month: month, grouping: by, community: community, office: office))
            let chosen = result.month, report = result.report
            let header = [
                "key", "name", "earned", "granted", "redeemed", "refunded", "expired", "settled", "reversed",
                "adjusted",
            ]
            func cells(_ key: String, _ label: String, _ f: ReportFigures) -> [String] {
                [
                    key, label, String(f.earned), String(f.granted), String(f.redeemed), String(f.refunded),
                    String(f.expired), String(f.settled),
                    String(f.reversed), String(f.adjusted),
                ]
            }
            let rows = report.rows.map { cells($0.key, rowLabel($0, context), $0.figures) }
            if csv {
                let body = by == nil ? [cells("total", chosen, report.totals)] : rows
                return context.printRaw(([header] + body).map(CSV.line).joined(separator: "\n"))
            }
            if context.options.json {
                guard let sections = result.sections else { return context.printJSON(ReportJSON(report)) }
                return context.printJSON(
                    OfficeReportJSON(
                        sum: ReportJSON(report),
                        communities: sections.map {
                            .init(community: $0.community, name: $0.name, report: ReportJSON($0.report))
                        }))
            }
            let t = report.totals
            context.print(
                context.t(
                    "积分公示 \(chosen)（\(report.transfers) 笔转账）", "Public notice \(chosen) (\(report.transfers) transfers)"
                ))
            context.print(report.checkpointLine(context.language))
            if report.transfers == 0 {
                context.print(context.t("该月没有积分变动。", "No points moved in that month."))
            }
            let hours =
                report.service.hoursServedMinutes.map { String(format: "%.1f", Double($0) / 60) }
                ?? context.t("未记录", "not recorded")
            context.printTable(
                [context.t("项目", "item"), context.t("数值", "value")],
                [
                    [context.t("服务时长（小时）", "hours served"), hours],
                    [
                        context.t("志愿者持有（月初）", "outstanding with volunteers (month start)"),
                        String(report.openingOutstanding),
                    ],
                    [context.t("服务获得积分（扣除冲正）", "points earned (net of reversals)"), String(t.earned)],
                    [context.t("发放积分", "points granted"), String(t.granted)],
                    [context.t("兑换积分", "points redeemed"), String(t.redeemed)],
                    [context.t("退还积分", "points refunded"), String(t.refunded)],
                    [context.t("过期积分", "points expired"), String(t.expired)],
                    [context.t("冲正（净额）", "reversed (net)"), String(t.reversed)],
                    [context.t("调整（净额）", "adjusted (net)"), String(t.adjusted)],
                    [context.t("结算积分", "points settled"), String(t.settled)],
                    [context.t("捐给微心愿", "donated to wishes"), String(t.donated)],
                    [context.t("志愿者持有（月末）", "outstanding with volunteers (month end)"), String(report.outstanding)],
                    [context.t("商户待结算（月末）", "unsettled at merchants (month end)"), String(report.merchantsUnsettled)],
                ], right: [1])
            if !rows.isEmpty {
                context.print("")
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("名称", "name"), context.t("服务获得", "earned"),
                        context.t("发放", "granted"),
                        context.t("兑换", "redeemed"), context.t("退还", "refunded"), context.t("过期", "expired"),
                        context.t("结算", "settled"),
                        context.t("冲正", "reversed"), context.t("调整", "adjusted"),
                    ],
                    rows, right: [2, 3, 4, 5, 6, 7, 8, 9])
            }
            if !report.topVolunteers.isEmpty {
                context.print("")
                context.printTable(
                    [context.t("排名", "rank"), context.t("志愿者", "volunteer"), context.t("服务获得积分", "earned")],
                    report.topVolunteers.enumerated().map {
                        [
                            String($0.offset + 1),
                            $0.element.name.isEmpty ? $0.element.id : "\($0.element.id) \($0.element.name)",
                            String($0.element.earned),
                        ]
                    },
                    right: [2])
            }
            if !report.service.starRoster.isEmpty {
                context.print("")
                context.print(context.t("星级志愿者（截至月末）", "Star roster (as of the month's end)"))
                context.printTable(
                    [context.t("志愿者", "volunteer"), context.t("星级", "stars"), context.t("累计小时", "hours")],
                    report.service.starRoster.map {
                        [
                            $0.name.isEmpty ? $0.volunteer : "\($0.volunteer) \($0.name)",
                            String(repeating: "★", count: $0.stars), String(format: "%.1f", $0.hours),
                        ]
                    },
                    right: [2])
            }
            if !report.service.lateRecords.isEmpty {
                let late = report.service.lateRecords
                context.print("")
                context.print(
                    context.t(
                        "逾期录入的服务记录（活动后超过 10 个工作日）：\(late.count) 条",
                        "Records entered late (over 10 working days after service): \(late.count)"))
                context.printTable(
                    [
                        context.t("记录", "record"), context.t("志愿者", "volunteer"), context.t("活动", "activity"),
                        context.t("服务日期", "served"), context.t("录入日期", "recorded"),
                    ],
                    late.prefix(10).map { [$0.record, $0.volunteer, $0.activity, $0.servedOn, $0.recordedOn] })
                if late.count > 10 { context.print(context.t("……其余见 --json 或 --csv", "… the rest in --json or --csv")) }
            }
            if let w = report.wishes { printWishes(w, context) }
            if let e = report.elsewhere { printSpentElsewhere(e, context) }
            printRequests(report.requests, context)
            if let sections = result.sections { printSections(sections, context) }
        }

        /// An office's report: each community's line below the sum.
        private func printSections(_ sections: [JifenApp.CommunitySection], _ context: Context) {
            context.print("")
            context.print(context.t("各社区", "By community"))
            context.printTable(
                [
                    context.t("社区", "community"), context.t("名称", "name"), context.t("转账", "transfers"),
                    context.t("服务获得", "earned"), context.t("发放", "granted"), context.t("兑换", "redeemed"),
                    context.t("志愿者持有（月末）", "outstanding"),
                ],
                sections.map {
                    let r = $0.report
                    return [
                        $0.community, $0.name, String(r.transfers), String(r.totals.earned), String(r.totals.granted),
                        String(r.totals.redeemed), String(r.outstanding),
                    ]
                }, right: [2, 3, 4, 5, 6])
        }

        /// The micro-wishes part: the donation account's month, and the roll of honour of wishes realized.
        private func printWishes(_ w: WishNotice, _ context: Context) {
            context.print("")
            context.print(context.t("微心愿", "Micro-wishes"))
            context.printTable(
                [context.t("项目", "item"), context.t("数值", "value")],
                [
                    [context.t("捐赠积分", "points donated"), String(w.donated)],
                    [context.t("退回捐赠", "donations returned"), String(w.returned)],
                    [context.t("支付商户", "paid to merchants"), String(w.paid)],
                    [context.t("捐赠账户余额（月末）", "donation account (month end)"), String(w.held)],
                ], right: [1])
            if !w.realized.isEmpty {
                context.print(context.t("光荣榜：本月实现的微心愿", "Roll of honour: wishes realized this month"))
                context.printTable(
                    [
                        context.t("心愿", "wish"), context.t("内容", "title"), context.t("实现者", "fulfilled by"),
                        context.t("日期", "on"),
                        context.t("积分", "points"),
                    ],
                    w.realized.map {
                        [
                            $0.id, $0.title,
                            $0.claimantName.isEmpty ? $0.claimant : "\($0.claimant) \($0.claimantName)", $0.realizedOn,
                            String($0.points),
                        ]
                    }, right: [4])
            }
        }

        /// The three rates per team (三率) and the overdue requests.
        private func printRequests(_ notice: RequestNotice, _ context: Context) {
            guard !notice.teams.isEmpty else { return }
            func percent(_ rate: Double?) -> String { rate.map { String(format: "%.0f%%", $0 * 100) } ?? "—" }
            context.print("")
            context.print(context.t("居民点单（三率）", "Service requests (the three rates)"))
            context.printTable(
                [
                    context.t("服务队", "team"), context.t("派单", "assigned"), context.t("接单", "taken"),
                    context.t("响应率", "response rate"),
                    context.t("按时完成率", "on-time rate"), context.t("满意度", "mean rating"),
                ],
                notice.teams.map {
                    [
                        $0.teamName.isEmpty ? $0.team : $0.teamName, String($0.assigned), String($0.taken),
                        percent($0.responseRate),
                        percent($0.onTimeRate), $0.meanRating.map { String(format: "%.1f", $0) } ?? "—",
                    ]
                }, right: [1, 2, 3, 4, 5])
            if !notice.overdue.isEmpty {
                context.print(
                    context.t("超时的服务请求：\(notice.overdue.count) 个", "Overdue requests: \(notice.overdue.count)"))
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("服务队", "team"), context.t("内容", "content"),
                        context.t("地区", "area"),
                        context.t("超时", "missed"), context.t("时限", "due"),
                    ],
                    notice.overdue.map {
                        [
                            $0.request, $0.teamName, $0.content, $0.area,
                            $0.missed == "response" ? context.t("接单", "response") : context.t("完成", "completion"),
                            context.time($0.dueMillis),
                        ]
                    })
            }
        }

        private func rowLabel(_ row: ReportRow, _ context: Context) -> String {
            if !row.label.isEmpty { return row.label }
            switch by {
            case .team where row.key.isEmpty: return context.t("（未加入服务队）", "(no team)")
            case .category: return context.t("（未分类）", "(uncategorised)")
            case .volunteer: return context.t("（未同意公示姓名）", "(name not public)")
            default: return ""
            }
        }
    }
}

/// An office's report under `--json`: the sum, and each community's report.
struct OfficeReportJSON: Encodable {
    struct Section: Encodable { var community: String; var name: String; var report: ReportJSON }
    var sum: ReportJSON
    var communities: [Section]
}

struct ReportJSON: Encodable {
    struct Row: Encodable { var key: String; var name: String; var figures: ReportFigures }
    struct Star: Encodable { var volunteer: String; var name: String; var stars: Int; var hours: String }
    struct Service: Encodable { var hours_served: String?; var star_roster: [Star]; var late_records: [LateRecord] }
    var month: String
    var transfers: Int
    var totals: ReportFigures
    var outstanding: Int64
    var opening_outstanding: Int64
    var reconciles: Bool
    var merchants_unsettled: Int64
    var by: String?
    var rows: [Row]
    var top_volunteers: [TopVolunteer]
    var service: Service
    var wishes: WishNotice?
    var spent_elsewhere: [SpentElsewhere]?
    var requests: Requests
    var checkpoints: [CheckpointStamp]
    struct Requests: Encodable {
        struct Team: Encodable {
            var team: String; var team_name: String; var assigned: Int; var taken: Int
            var response_rate: Double?; var on_time_rate: Double?; var mean_rating: Double?
        }
        struct Overdue: Encodable {
            var request: String; var team: String; var team_name: String; var content: String; var area: String;
            var missed: String; var due: String
        }
        var teams: [Team]
        var overdue: [Overdue]
    }

    init(_ r: MonthReport) {
        wishes = r.wishes
        spent_elsewhere = r.elsewhere
        checkpoints = r.checkpoints
        month = r.month; transfers = r.transfers; totals = r.totals; outstanding = r.outstanding;
        opening_outstanding = r.openingOutstanding
        reconciles = r.reconciles; merchants_unsettled = r.merchantsUnsettled
        by = r.grouping?.rawValue; rows = r.rows.map { Row(key: $0.key, name: $0.label, figures: $0.figures) };
        top_volunteers = r.topVolunteers
        service = Service(
            hours_served: r.service.hoursServedMinutes.map(hoursText),
            star_roster: r.service.starRoster.map {
                Star(volunteer: $0.volunteer, name: $0.name, stars: $0.stars, hours: String(format: "%.2f", $0.hours))
            },
            late_records: r.service.lateRecords)
        requests = Requests(
            teams: r.requests.teams.map {
                Requests.Team(
                    team: $0.team, team_name: $0.teamName, assigned: $0.assigned, taken: $0.taken,
                    response_rate: $0.responseRate,
                    on_time_rate: $0.onTimeRate, mean_rating: $0.meanRating)
            },
            overdue: r.requests.overdue.map {
                Requests.Overdue(
                    request: $0.request, team: $0.team, team_name: $0.teamName, content: $0.content, area: $0.area,
                    missed: $0.missed,
                    due: DayFormat.iso(millis: $0.dueMillis))
            })
    }
}
