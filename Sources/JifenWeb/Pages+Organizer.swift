import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The organizer's pages (check-in posters, pending hours, the team's month) and the admin's
/// (verify's result, the month's public notice on A4).
extension Session {
    var thisMonth: String { String(DayFormat.string(app.clock(), in: app.zone).prefix(7)) }

    func teamPage(notice: String = "", status: Int = 200) -> WebResponse {
        var body = notice
        do {
            let who = try call(API.whoami, .init())
            body += "<p class=\"big\">\(HTML.escape(who.name ?? me))</p>"
            let activities = try call(API.activities, .init(upcoming: true, past: false))
            body += "<section aria-labelledby=\"h-acts\"><h2 id=\"h-acts\">\(w("近期活动与签到海报", "Upcoming activities and check-in posters"))</h2><ul class=\"list\" id=\"activities\">"
            if activities.isEmpty { body += "<li>\(w("近期没有活动。", "No upcoming activities."))</li>" }
            for view in activities.prefix(10) {
                let a = view.activity
                body += "<li><strong>\(HTML.escape(a.id)) \(HTML.escape(a.title))</strong><br>\(HTML.escape(minute(a.startMillis)))–\(HTML.escape(time(a.endMillis))) \(HTML.escape(a.place))"
                body += "<br><a href=\"/web/poster?activity=\(HTML.query(a.id))\">\(w("打印签到海报：\(a.title)", "Print the check-in poster: \(a.title)"))</a></li>"
            }
            body += "</ul></section>"
            let pending = try call(API.records, .init(pending: true))
            body += "<section aria-labelledby=\"h-pending\"><h2 id=\"h-pending\">\(w("待审核的服务时长", "Hours waiting for approval"))（\(pending.count)）</h2><ul class=\"list\" id=\"pending\">"
            if pending.isEmpty { body += "<li>\(w("没有待审核的记录。", "Nothing waiting."))</li>" }
            for view in pending.prefix(30) {
                let r = view.record
                body += "<li><strong>\(HTML.escape(view.volunteerName))</strong> \(HTML.escape(r.serviceDay)) \(HTML.escape(view.activityTitle)) "
                    + "\(w("\(hours(r.minutes)) 小时", "\(hours(r.minutes)) h")) <span class=\"status\">\(HTML.escape(statusWords(r)))</span>"
                if !r.reason.isEmpty { body += "<br><small>\(HTML.escape(r.reason))</small>" }
                body += Part.form("/web/team/approve", csrf: csrf, fields: Part.hidden("record", r.id),
                                  button: w("通过：\(view.volunteerName) \(r.serviceDay)", "Approve: \(view.volunteerName) \(r.serviceDay)"))
                body += "<details><summary>\(w("不通过…", "Reject…"))</summary>"
                body += Part.form("/web/team/reject", csrf: csrf,
                                  fields: Part.hidden("record", r.id) + Part.field("reason", label: w("不通过的原因（会告诉志愿者）", "Why (the volunteer is told)"), extra: "required", id: "why-\(r.id)"),
                                  button: w("不通过", "Reject"), buttonClass: "danger")
                body += "</details></li>"
            }
            body += "</ul></section>"
            let report = try call(API.report, .init(month: thisMonth, grouping: .team))
            body += "<section aria-labelledby=\"h-month\"><h2 id=\"h-month\">\(w("本月各队", "This month by team"))（\(HTML.escape(report.month))）</h2>"
            body += "<table><thead><tr><th scope=\"col\">\(w("队伍", "Team"))</th><th scope=\"col\">\(w("获得", "Earned"))</th><th scope=\"col\">\(w("兑换", "Redeemed"))</th></tr></thead><tbody>"
            for row in report.report.rows {
                body += "<tr><td>\(HTML.escape(row.label))</td><td class=\"n\">\(row.figures.earned)</td><td class=\"n\">\(row.figures.redeemed)</td></tr>"
            }
            body += "</tbody></table>"
            if let minutes = report.report.service.hoursServedMinutes {
                body += "<p>\(w("本月服务 \(hours(minutes)) 小时", "\(hours(minutes)) hours served this month"))</p>"
            }
            body += "<p><a href=\"/web/notice?month=\(HTML.query(report.month))\">\(w("本月积分公示", "This month's public notice"))</a></p></section>"
        } catch {
            body += refusal(error)
            return page(w.raw("组织者", "Organizer"), body, status: statusOf(error))
        }
        return page(w.raw("组织者", "Organizer"), body, status: status)
    }

    /// The check-in poster to print: the code in large digits and a QR that opens the check-in page.
    func posterPage() -> WebResponse {
        do {
            let detail = try call(API.activity, .init(activity: request.query["activity"] ?? ""))
            let a = detail.activity.activity
            guard let code = detail.activity.checkinCode else {
                throw JifenError.forbidden(actor: me, action: Bilingual(zh: "查看 \(a.id) 的签到码", en: "see \(a.id)'s check-in code"))
            }
            let link = "\(site.publicURL())/web/checkin?activity=\(HTML.query(a.id))&code=\(HTML.query(code))"
            var body = "<div class=\"poster\"><p class=\"big\">\(HTML.escape(a.title))</p>"
            body += "<p>\(HTML.escape(minute(a.startMillis)))–\(HTML.escape(time(a.endMillis))) \(HTML.escape(a.place))</p>"
            body += "<p>\(w("用手机扫码签到", "Scan with your phone to check in"))</p>"
            body += QRCode.svg(link, label: w.raw("签到二维码：打开 \(a.id) 的签到页", "Check-in QR code: opens \(a.id)'s check-in page"), pixels: 340)
            body += "<p>\(w("或在“我的积分”页点“签到”，输入", "Or on “My points” press “Check in” and type"))</p>"
            body += "<p>\(w("活动编号", "Activity")) <strong class=\"digits\">\(HTML.escape(a.id))</strong></p>"
            body += "<p>\(w("签到码", "Check-in code")) <strong class=\"digits\" id=\"poster-code\">\(HTML.escape(code))</strong></p></div>"
            body += "<p class=\"noprint\"><a href=\"/web/team\">\(w("返回", "Back"))</a></p>"
            return page(w.raw("签到海报", "Check-in poster"), body, printable: true)
        } catch {
            return done("/web/team", refusal(error))
        }
    }

    func approve() -> WebResponse {
        do {
            let approved = try call(API.approve, .init(records: [field("record")]))
            let points = approved.reduce(0) { $0 + $1.points }
            return done("/web/team", Part.notice(w("已通过，志愿者得到 \(points) 分。", "Approved: the volunteer earned \(points) points."), kind: .ok, w: w))
        } catch {
            return done("/web/team", refusal(error))
        }
    }

    func reject() -> WebResponse {
        do {
            _ = try call(API.reject, .init(record: field("record"), reason: field("reason")))
            return done("/web/team", Part.notice(w("已标为不通过，原因会告诉志愿者。", "Rejected; the volunteer sees the reason."), kind: .ok, w: w))
        } catch {
            return done("/web/team", refusal(error))
        }
    }

    // MARK: The admin

    func adminPage() -> WebResponse {
        var body = ""
        do {
            let report = try call(API.verify, .init())
            body += "<section aria-labelledby=\"h-verify\"><h2 id=\"h-verify\">\(w("账本核对", "Ledger check"))</h2>"
            body += report.ok
                ? Part.notice(w("账本完整无误：\(report.transfers) 笔转账、\(report.accounts) 个账户、\(report.lots) 批积分都对得上。",
                                "The ledger is whole: \(report.transfers) transfers, \(report.accounts) accounts and \(report.lots) lots all agree."), kind: .ok, w: w)
                : Part.notice(w("发现 \(report.faults.count) 处问题，请联系技术人员：", "\(report.faults.count) problems found; call your technician:"), kind: .refused, w: w)
                    + "<ul>" + report.faults.prefix(20).map { "<li>\(HTML.escape($0.check)) \(HTML.escape($0.account ?? "")) \(HTML.escape($0.expected)) ≠ \(HTML.escape($0.found))</li>" }.joined() + "</ul>"
            body += "</section><section aria-labelledby=\"h-notice\"><h2 id=\"h-notice\">\(w("积分公示", "Public notice"))</h2><ul class=\"list\">"
            var month = thisMonth
            for _ in 0..<3 {
                body += "<li><a href=\"/web/notice?month=\(month)\">\(w("\(month) 积分公示（可打印 A4）", "\(month) public notice (prints on A4)"))</a></li>"
                month = Self.previousMonth(month)
            }
            body += "</ul></section>"
        } catch {
            body += refusal(error)
            return page(w.raw("管理员", "Administrator"), body, status: statusOf(error))
        }
        return page(w.raw("管理员", "Administrator"), body)
    }

    static func previousMonth(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        let (y, m) = parts[1] == 1 ? (parts[0] - 1, 12) : (parts[0], parts[1] - 1)
        return String(format: "%04d-%02d", y, m)
    }

    /// The month's public notice (积分公示), laid out for A4.
    func noticePage() -> WebResponse {
        do {
            let result = try call(API.report, .init(month: request.query["month"], grouping: .team))
            let r = result.report
            var body = "<p>\(w("本月积分收支", "Points this month"))</p><table><tbody>"
            let figures: [(String, Int64)] = [
                (w.raw("月初志愿者持有", "Held by volunteers at the start"), r.openingOutstanding),
                (w.raw("服务获得", "Earned for service"), r.totals.earned), (w.raw("社区发放", "Granted"), r.totals.granted),
                (w.raw("兑换", "Redeemed"), r.totals.redeemed), (w.raw("退回", "Refunded"), r.totals.refunded),
                (w.raw("过期", "Expired"), r.totals.expired), (w.raw("更正", "Corrections"), r.totals.reversed + r.totals.adjusted),
                (w.raw("月末志愿者持有", "Held by volunteers at the end"), r.outstanding),
                (w.raw("商户待结算", "Merchants not yet settled"), r.merchantsUnsettled),
            ]
            for (label, value) in figures { body += "<tr><th scope=\"row\">\(HTML.escape(label))</th><td class=\"n\">\(value)</td></tr>" }
            body += "</tbody></table>"
            body += "<p>\(r.reconciles ? w("收支平衡：月初 + 本月变动 = 月末。", "It adds up: start + this month's changes = end.") : w("收支不平衡，请核查。", "It does not add up; please check."))</p>"
            if !r.rows.isEmpty {
                body += "<h2>\(w("各队", "By team"))</h2><table><thead><tr><th scope=\"col\">\(w("队伍", "Team"))</th><th scope=\"col\">\(w("获得", "Earned"))</th><th scope=\"col\">\(w("兑换", "Redeemed"))</th></tr></thead><tbody>"
                for row in r.rows { body += "<tr><td>\(HTML.escape(row.label))</td><td class=\"n\">\(row.figures.earned)</td><td class=\"n\">\(row.figures.redeemed)</td></tr>" }
                body += "</tbody></table>"
            }
            if !r.topVolunteers.isEmpty {
                body += "<h2>\(w("本月服务积分前列", "Most points earned"))</h2><table><tbody>"
                for v in r.topVolunteers { body += "<tr><td>\(HTML.escape(v.name.isEmpty ? v.id : v.name))</td><td class=\"n\">\(v.earned)</td></tr>" }
                body += "</tbody></table>"
            }
            if let minutes = r.service.hoursServedMinutes { body += "<p>\(w("本月服务 \(hours(minutes)) 小时。", "\(hours(minutes)) hours served this month."))</p>" }
            body += "<p class=\"muted\">\(w("只公布同意公示的志愿者姓名。有疑问请找社区居委会。", "Names appear only with consent. Questions: ask the community office."))</p>"
            return page(w.raw("\(result.month) 积分公示", "\(result.month) public notice"), body, printable: true)
        } catch {
            return page(w.raw("积分公示", "Public notice"), refusal(error), status: statusOf(error))
        }
    }
}
