import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Hours: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Service records 服务记录: add, list, approve, reject, dispute, correct, history, import.",
            subcommands: [
                Add.self, List.self, Approve.self, Reject.self, Dispute.self, Correct.self, History.self, Import.self,
            ])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Enter service time by hand (pending approval).",
                discussion:
                    """
                    Example: jifen hours add A0004 V0002 --minutes 90 --note 补录\nExample: jifen hours add A0004 V0003 --minutes 120 \
                    --date 2026-11-22
                    """
            )
            @OptionGroup var global: GlobalOptions
            @Argument var activity: String
            @Argument var volunteer: String
            @Option(help: "Whole minutes of service (travel time does not count).") var minutes: Int64
            @Option(help: "Day served, if not the activity's day.") var date: String?
            @Option(help: "A note.") var note: String = ""

            func execute(_ context: Context) throws {
                let input = JifenApp.AddHoursInput(
                    activity: activity, volunteer: volunteer, minutes: minutes, date: date, note: note)
                printRecord(try context.perform(API.addHours, input), context)
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List service records (a volunteer sees only their own).",
                discussion: "Example: jifen hours list --pending --activity A0004")
            @OptionGroup var global: GlobalOptions
            @Flag(help: "Only records waiting for approval or review.") var pending = false
            @Option(help: "Only this activity.") var activity: String?
            @Option(help: "Only this volunteer.") var volunteer: String?

            func execute(_ context: Context) throws {
                let query = JifenApp.RecordQuery(pending: pending, activity: activity, volunteer: volunteer)
                try renderRecords(try context.perform(API.records, query), context)
            }
        }

        struct Approve: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Approve records: each earns its points once.",
                discussion:
                    """
                    Example: jifen hours approve H0000004\nExample: jifen hours approve --activity A0004   # every pending record of the \
                    activity; review records only by id
                    """
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Record ids.") var records: [String] = []
            @Option(help: "Approve every pending record of this activity.") var activity: String?

            func validate() throws {
                if records.isEmpty == (activity == nil) {
                    throw ValidationError("Give record ids or --activity, not both and not neither.")
                }
            }

            func execute(_ context: Context) throws {
                let done = try context.perform(
                    API.approve, activity.map { Ref.Records(activity: $0) } ?? Ref.Records(records: records))
                if context.options.json { return context.printJSON(done.map { RecordJSON($0) }) }
                context.print(
                    context.t(
                        "已审核通过 \(done.count) 条记录，共 \(done.reduce(0) { $0 + $1.points }) 积分。",
                        "Approved \(done.count) records, \(done.reduce(0) { $0 + $1.points }) points earned."))
            }
        }

        struct Reject: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Reject a pending record.", discussion: "Example: jifen hours reject H0000008 --reason 未到场")
            @OptionGroup var global: GlobalOptions
            @Argument var record: String
            @Option var reason: String
            func execute(_ context: Context) throws {
                printRecord(
                    try context.perform(API.reject, JifenApp.RecordReasonInput(record: record, reason: reason)), context
                )
            }
        }

        struct Dispute: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Ask for a correction of your own record.",
                discussion: "Example: jifen --as V0002 hours dispute H0000007 --reason 实际服务了2小时")
            @OptionGroup var global: GlobalOptions
            @Argument var record: String
            @Option var reason: String
            func execute(_ context: Context) throws {
                printRecord(
                    try context.perform(API.dispute, JifenApp.RecordReasonInput(record: record, reason: reason)),
                    context)
            }
        }

        struct Correct: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Correct a record's minutes; earned points are reversed and earned again.",
                discussion: "Example: jifen hours correct H0000007 --minutes 120 --reason 核实签到表")
            @OptionGroup var global: GlobalOptions
            @Argument var record: String
            @Option var minutes: Int64
            @Option var reason: String
            func execute(_ context: Context) throws {
                let input = JifenApp.CorrectRecordInput(record: record, minutes: minutes, reason: reason)
                printRecord(try context.perform(API.correct, input), context)
            }
        }

        struct History: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Every version of a record.", discussion: "Example: jifen hours history H0000007")
            @OptionGroup var global: GlobalOptions
            @Argument var record: String
            func execute(_ context: Context) throws {
                let versions = try context.perform(API.recordHistory, .init(record: record))
                if context.options.json { return context.printJSON(versions) }
                context.printTable(
                    [
                        context.t("版本", "version"), context.t("时间", "time"), context.t("操作", "action"),
                        context.t("分钟", "minutes"),
                        context.t("状态", "status"), context.t("积分", "points"), context.t("操作人", "actor"),
                        context.t("原因", "reason"),
                    ],
                    versions.map {
                        [
                            "v\($0.version)", context.time($0.atMillis), $0.action, String($0.minutes),
                            context.statusLabel($0.status.rawValue), String($0.points), $0.actor,
                            ReviewReason.render($0.reason).text(context.language),
                        ]
                    })
            }
        }
    }

    struct Records: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "A volunteer's service records.", discussion: "Example: jifen records V0001")
        @OptionGroup var global: GlobalOptions
        @Argument var volunteer: String
        func execute(_ context: Context) throws {
            try renderRecords(try context.perform(API.volunteerRecords, .init(volunteer: volunteer)), context)
        }
    }
}

func renderRecords(_ views: [RecordView], _ context: Context) throws {
    if context.options.json { return context.printJSON(views.map { RecordJSON($0.record, view: $0) }) }
    context.printTable(
        [
            context.t("编号", "id"), context.t("日期", "date"), context.t("活动", "activity"), context.t("志愿者", "volunteer"),
            context.t("小时", "hours"), context.t("积分", "points"), context.t("状态", "status"), context.t("备注", "notes"),
        ],
        views.map { v in
            let r = v.record
            var notes: [String] = []
            if r.late { notes.append(context.t("逾期录入", "late")) }
            if r.disputed { notes.append(context.t("有异议", "disputed")) }
            if !r.reason.isEmpty { notes.append(ReviewReason.render(r.reason).text(context.language)) }
            return [
                r.id, r.serviceDay, v.activityTitle, "\(r.volunteer) \(v.volunteerName)", hoursText(r.minutes),
                String(r.points),
                context.statusLabel(r.status.rawValue), notes.joined(separator: "; "),
            ]
        }, right: [4, 5])
}
