import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// Check-in and check-out on her phone. While she is checked in, her page opens with where she is
/// ("正在服务：探访独居老人 11:38 签到") and the 签退 button; a check-out that would be a short
/// span (the core's rule, `OnDuty.shortIfNow`) asks on a page of its own before it records.
extension Session {
    /// The banner at the top of her page while she is on duty, empty when she is not.
    func duty() -> Markup {
        guard let list = try? call(API.onDuty, .init(volunteer: me)), !list.isEmpty else { return "" }
        var html: Markup =
            "<section class=\"duty\" id=\"duty\" aria-labelledby=\"h-duty\"><h2 id=\"h-duty\">\(w("正在服务", "On duty"))</h2>"
        for d in list {
            html +=
                "<p class=\"duty-line\">"
                + w(
                    "正在服务：\(d.title) \(time(d.checkinMillis)) 签到",
                    "On duty: \(d.title), checked in at \(time(d.checkinMillis))") + "</p>"
            html += Part.form(
                "/web/checkout", csrf: csrf, fields: Part.hidden("activity", d.activity),
                button: w("签退：\(d.title)", "Check out: \(d.title)"), buttonClass: "primary huge",
                id: "checkout-\(d.activity)")
        }
        return html + "</section>"
    }

    func checkinPage(status: Int = 200) -> WebResponse {
        let activity = request.query["activity"] ?? kept("activity")
        let code = request.query["code"] ?? ""
        var body = duty()
        body +=
            "<p>"
            + w(
                "输入活动编号和现场的签到码（也可以用手机扫活动海报上的二维码，会自动填好）。",
                "Type the activity number and the check-in code shown on site (or scan the poster's QR code with your phone: it fills them in)."
            ) + "</p>"
        body += Part.form(
            "/web/checkin", csrf: csrf,
            fields: Part.field(
                "activity", label: w("活动编号", "Activity number"), value: activity,
                extra: "required autocapitalize=\"characters\"")
                + Part.field(
                    "code", label: w("签到码", "Check-in code"), value: code,
                    extra: "inputmode=\"numeric\" autocomplete=\"off\" required"),
            button: w("签到", "Check in"))
        body += backLink()
        return page(w.text("活动签到", "Check in"), body, status: status)
    }

    /// `POST /web/checkin`: checked in, she goes to her page, where 签退 waits at the top.
    func checkin() -> WebResponse {
        let activity = field("activity")
        do {
            let done = try call(API.checkin, .init(activity: activity, volunteer: me, code: field("code")))
            let at = done.checkinMillis.map { time($0) } ?? ""
            let title = (try? call(API.activity, .init(activity: activity)))?.activity.activity.title ?? activity
            return self.done(
                "/web/me",
                Part.notice(
                    w(
                        "签到成功：\(title)（\(at)）。服务结束时点页面最上方的“签退”。",
                        "Checked in: \(title) at \(at). Press “Check out” at the top of the page when you finish."),
                    kind: .ok, w: w))
        } catch {
            return self.done("/web/checkin", refusal(error), keep: ["activity": activity])
        }
    }

    /// `POST /web/checkout`: records at once unless the span would be short; then it asks first.
    func checkout() -> WebResponse {
        let activity = field("activity")
        do {
            if field("confirm") != "yes",
                let on = try call(API.onDuty, .init(volunteer: me)).first(where: { $0.activity == activity }),
                on.shortIfNow
            {
                return done("/web/checkout?activity=\(HTML.query(activity))", "")
            }
            let record = try call(API.checkout, .init(activity: activity, volunteer: me))
            let title = (try? call(API.activity, .init(activity: activity)))?.activity.activity.title ?? activity
            let said =
                record.status == .review
                ? w(
                    "签退成功：\(title)，服务 \(hours(record.minutes)) 小时。时间较短，组织者复核后才给积分。",
                    "Checked out: \(title), \(hours(record.minutes)) hours. It was short, so the organizer checks it before points are given."
                )
                : w(
                    "签退成功：\(title)，服务 \(hours(record.minutes)) 小时。",
                    "Checked out: \(title), \(hours(record.minutes)) hours.")
            return done("/web/me", Part.notice(said, kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    /// `GET /web/checkout?activity=…`: the question before a short check-out (a page, not a pop-up).
    func checkoutQuestion() -> WebResponse {
        let activity = request.query["activity"] ?? ""
        guard let on = (try? call(API.onDuty, .init(volunteer: me)))?.first(where: { $0.activity == activity }) else {
            return .redirect("/web/me")
        }
        let planned = hours(on.plannedMinutes)
        var body = Part.notice(
            w(
                "您 \(time(on.checkinMillis)) 签到，到现在只服务了 \(on.minutesSoFar) 分钟，不到这次活动计划 \(planned) 小时的 \(on.minSharePercent)%。现在签退的话，这条记录要组织者复核后才给积分。",
                "You checked in at \(time(on.checkinMillis)) and have served \(on.minutesSoFar) minutes, "
                    + "less than \(on.minSharePercent)% of the planned \(planned) hours. "
                    + "If you check out now, the organizer checks the record before points are given."
            ),
            kind: .info, w: w)
        body += "<p class=\"big-line\">\(w("现在签退吗？", "Check out now?"))</p>"
        body += Part.form(
            "/web/checkout", csrf: csrf, fields: Part.hidden("activity", on.activity) + Part.hidden("confirm", "yes"),
            button: w("是，现在签退", "Yes, check out now"), buttonClass: "danger huge", id: "checkout-confirm")
        body +=
            "<p><a class=\"button primary huge\" href=\"/web/me\" id=\"keep-serving\">\(w("不签退，继续服务", "No, keep serving"))</a></p>"
        return page(w.text("签退前确认：\(on.title)", "Before checking out: \(on.title)"), body)
    }
}
