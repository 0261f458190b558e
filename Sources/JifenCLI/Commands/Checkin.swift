import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct RecordJSON: Encodable {
    var id: String, activity: String, activity_title: String?, volunteer: String, volunteer_name: String?
    var date: String, place: String?, content: String?, minutes: Int64, hours: String, team: String?, team_name: String?
    var person_in_charge: String?, recorder: String, entered_at: String, source: String, status: String, reason: String
    var note: String, late: Bool, disputed: Bool, points: Int64, transfer: Int64?, version: Int

    init(_ r: ServiceRecord, view: RecordView? = nil) {
        id = r.id; activity = r.activity; activity_title = view?.activityTitle; volunteer = r.volunteer;
        volunteer_name = view?.volunteerName
        date = r.serviceDay; place = view?.place; content = view?.content; minutes = r.minutes;
        hours = hoursText(r.minutes)
        team = view?.team; team_name = view?.teamName; person_in_charge = view?.personInCharge; recorder = r.recorder
        entered_at = DayFormat.iso(millis: r.enteredAtMillis); source = r.source.rawValue; status = r.status.rawValue
        reason = r.reason; note = r.note; late = r.late; disputed = r.disputed; points = r.points;
        transfer = r.transfer; version = r.version
    }
}

/// Minutes shown as hours with two decimals: 90 → "1.50".
func hoursText(_ minutes: Int64) -> String { JifenApp.hoursText(minutes) }

func printRecord(_ r: ServiceRecord, _ context: Context) {
    if context.options.json { return context.printJSON(RecordJSON(r)) }
    let earned = r.status == .approved ? context.t("，得 \(r.points) 积分", ", \(r.points) points earned") : ""
    let reason = ReviewReason.render(r.reason).text(context.language)
    let why = r.reason.isEmpty ? "" : context.t("（\(reason)）", " (\(reason))")
    context.print(
        context.t(
            "服务记录 \(r.id)：\(r.volunteer) \(hoursText(r.minutes)) 小时，\(context.statusLabel(r.status.rawValue))\(earned)\(why)",
            "Service record \(r.id): \(r.volunteer) \(hoursText(r.minutes)) h, \(r.status.rawValue)\(earned)\(why)"))
}

extension Jifen {
    struct Checkin: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a volunteer in (themself with the code, or by an organizer).",
            discussion:
                "Example: jifen --as V0001 checkin A0004 V0001 --code 482913   # the code the organizer shows on site")
        @OptionGroup var global: GlobalOptions
        @Argument var activity: String
        @Argument var volunteer: String
        @Option(help: "The activity's 6-digit check-in code (needed when checking yourself in).") var code: String?
        @Option(
            help:
                """
                An organizer's correction: when, if not now, e.g. \"2026-11-22 09:05\" (the record goes to review). A volunteer checking \
                herself in gives no time.
                """
        ) var at: String?

        func execute(_ context: Context) throws {
            let p = try context.perform(
                API.checkin, JifenApp.CheckinInput(activity: activity, volunteer: volunteer, code: code, at: at))
            if context.options.json {
                return context.printJSON([
                    "activity": activity, "volunteer": volunteer,
                    "checkin": DayFormat.iso(millis: p.checkinMillis ?? 0),
                ])
            }
            context.print(
                context.t(
                    "\(volunteer) 已签到 \(activity)（\(context.time(p.checkinMillis ?? 0))）",
                    "\(volunteer) checked in to \(activity) at \(context.time(p.checkinMillis ?? 0))"))
        }
    }

    struct Checkout: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a volunteer out; the span becomes a service record (earned, or marked for review).",
            discussion:
                "Example: jifen --as 杨建军 checkout A0004 V0001 --at \"2026-11-22 21:00\"   # closing a forgotten check-out: a correction, for review"
        )
        @OptionGroup var global: GlobalOptions
        @Argument var activity: String
        @Argument var volunteer: String
        @Option(
            help:
                "An organizer's correction: when, if not now (the record goes to review). A volunteer checking herself out gives no time."
        ) var at: String?

        func execute(_ context: Context) throws {
            let record = try context.perform(
                API.checkout, JifenApp.CheckinInput(activity: activity, volunteer: volunteer, at: at))
            printRecord(record, context)
        }
    }
}
