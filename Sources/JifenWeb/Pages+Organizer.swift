import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The organizer's pages (her teams' activities with counts, check-in posters, hours waiting,
/// approving one or all of an activity) and the admin's (verify's result, the month's notice on A4).
/// Which teams and which records "approve all" takes come from the core (`TeamDesk`); every
/// approval goes through the same rule per record (`API.approve`).
extension Session {
    var thisMonth: String { String(DayFormat.string(app.clock(), in: app.zone).prefix(7)) }

    /// The desk. After a decision the page opens at the activity or record the form named (`#act-…`,
    /// `#rec-…`), and the message is shown there, where she is, rather than at the top.
    func teamPage() -> WebResponse {
        var body: Markup = ""
        var here = self
        do {
            let who = try call(API.whoami, .init())
            let desk = try call(API.teamDesk, .init())
            body += "<p class=\"big\">\(who.name ?? me)</p>"
            body +=
                desk.everyTeam
                ? "<p class=\"muted\">\(w("您是管理员：这里是所有服务队的活动。", "You are an administrator: every team's activities are here."))</p>"
                : "<p class=\"muted\">\(w("您负责的服务队：", "Your teams: "))\(desk.teams.map(\.name).joined(separator: w.text("、", ", ")))</p>"
            let waiting = desk.activities.reduce(0) { $0 + $1.waiting.count }
            body +=
                "<section aria-labelledby=\"h-acts\"><h2 id=\"h-acts\">\(w("活动、签到与待审核时长", "Activities, check-ins and hours waiting"))</h2>"
            let waitingWords =
                waiting == 0
                ? w("没有等待审核的服务时长。", "No hours are waiting for approval.")
                : w("共有 \(waiting) 条服务时长等待审核。", "\(waiting) records of hours are waiting for approval.")
            body += "<p>\(waitingWords)</p>"
            body += "<ul class=\"list desk\" id=\"activities\">"
            if desk.activities.isEmpty { body += "<li>\(w("今天和以后没有活动。", "No activities today or later."))</li>" }
            let at = kept("at"), shown = desk.activities.prefix(40)
            let targets = Set(shown.flatMap { ["act-" + $0.activity.id] + $0.waiting.map { "rec-" + $0.record.id } })
            let inPlace = targets.contains(at) ? flash?.notice : nil
            if inPlace != nil { here.flash = nil }
            for item in shown { body += deskItem(item, notice: inPlace.map { (at, $0) }) }
            body += "</ul></section>"
            body += monthByTeam(desk)
            body += reenrolSection()
        } catch {
            return errorPage(w.text("组织者", "Organizer"), error)
        }
        return here.page(w.text("组织者", "Organizer"), body)
    }

    /// One activity on the desk: when and where, its counts, its poster, and its hours waiting.
    func deskItem(_ item: DeskActivity, notice: (at: String, html: Markup)?) -> Markup {
        let a = item.activity
        var html: Markup = "<li id=\"act-\(a.id)\" class=\"act\" tabindex=\"-1\">"
        if notice?.at == "act-" + a.id { html += notice?.html ?? "" }
        html += "<h3>\(a.title)</h3>"
        html +=
            "<p>\(shortDay(a.startMillis)) \(time(a.startMillis))–\(time(a.endMillis)) \(a.place)"
        html +=
            " · \(item.teamName)\(a.status == .open ? "" : " · " + (a.status == .closed ? w("已结束签到", "check-in closed") : w("已取消", "cancelled")))</p>"
        let capacity = a.capacity.map { w("（名额 \($0)）", " (of \($0) places)") } ?? ""
        html +=
            "<p class=\"counts\">\(w("报名", "Signed up")) <strong>\(item.signedUp)</strong>\(capacity) · "
            + w(
                "已签到",
                "checked in") + " <strong>\(item.checkedIn)</strong>"
            + " · \(w("已签退", "checked out")) <strong>\(item.checkedOut)</strong> · \(w("待审核", "waiting")) <strong>\(item.waiting.count)</strong></p>"
        if a.status == .open {
            html +=
                "<p><a href=\"/web/poster?activity=\(HTML.query(a.id))\">\(w("打印签到海报：\(a.title)", "Print the check-in poster: \(a.title)"))</a></p>"
        }
        if item.approveAll.count > 1 {
            let names = item.waiting.filter { item.approveAll.contains($0.record.id) }
                .map { "\($0.volunteerName) \(hours($0.record.minutes))" + w.text(" 小时", " h") }
            let flagged = item.waiting.count - item.approveAll.count
            html +=
                "<details class=\"approve-all\"><summary>"
                + w(
                    "本活动全部通过（\(item.approveAll.count) 条）…",
                    "Approve all of this activity (\(item.approveAll.count))…") + "</summary>"
            html +=
                "<p>\(w("将一起通过：", "This approves: "))\(names.joined(separator: w.text("、", ", ")))\(w("。", "."))"
            if flagged > 0 {
                html +=
                    " "
                    + w(
                        "另有 \(flagged) 条需要逐条查看，不在其中。",
                        "\(flagged) more must be looked at one by one and are not included.")
            }
            html +=
                "</p>"
                + Part.form(
                    "/web/team/approve-all", csrf: csrf,
                    fields: Part.hidden("activity", a.id)
                        + Part.hidden("records", item.approveAll.joined(separator: ",")),
                    button: w("确认：全部通过 \(item.approveAll.count) 条", "Confirm: approve all \(item.approveAll.count)"))
            html += "</details>"
        }
        if !item.waiting.isEmpty {
            html +=
                "<ul class=\"list waiting\" aria-label=\"\(w("\(a.title) 待审核的服务时长", "Hours waiting for \(a.title)"))\">"
            for view in item.waiting {
                html += waitingRecord(view, notice: notice?.at == "rec-" + view.record.id ? notice?.html : nil)
            }
            html += "</ul>"
        }
        return html + "</li>"
    }

    func waitingRecord(_ view: RecordView, notice: Markup?) -> Markup {
        let r = view.record
        let when = shortDay(day: r.serviceDay)
        var html: Markup =
            "<li id=\"rec-\(r.id)\" tabindex=\"-1\">\(notice ?? "")<strong>\(view.volunteerName)</strong> \(when) "
            + "\(w("\(hours(r.minutes)) 小时", "\(hours(r.minutes)) h")) <span class=\"status\">"
            + (r.status == .review ? w("需要逐条查看", "look at it first") : w("等待审核", "waiting"))
            + (r.disputed ? w("，有异议", ", disputed") : "") + "</span>"
        if !r.reason.isEmpty {
            html += "<br><span class=\"why\">\(ReviewReason.render(r.reason).text(language))</span>"
        }
        html += Part.form(
            "/web/team/approve", csrf: csrf, fields: Part.hidden("record", r.id),
            button: w("通过：\(view.volunteerName) \(when)", "Approve: \(view.volunteerName) \(when)"))
        html += "<details><summary>\(w("不通过…", "Reject…"))</summary>"
        html += Part.form(
            "/web/team/reject", csrf: csrf,
            fields: Part.hidden("record", r.id)
                + Part.field(
                    "reason", label: w("不通过的原因（会告诉志愿者）", "Why (the volunteer is told)"), extra: "required",
                    id: "why-\(r.id)"),
            button: w("不通过：\(view.volunteerName) \(when)", "Reject: \(view.volunteerName) \(when)"),
            buttonClass: "danger")
        return html + "</details></li>"
    }

    /// This month's figures of the desk's teams.
    func monthByTeam(_ desk: TeamDesk) -> Markup {
        guard let report = try? call(API.report, .init(month: thisMonth, grouping: .team)) else { return "" }
        let mine = Set(desk.teams.map(\.id))
        let rows = report.report.rows.filter { desk.everyTeam || mine.contains($0.key) }
        var html: Markup =
            "<section aria-labelledby=\"h-month\"><h2 id=\"h-month\">\(w("本月各队", "This month by team"))（\(monthWords(report.month))）</h2>"
        html +=
            "<table><thead><tr><th scope=\"col\">\(w("队伍", "Team"))</th><th scope=\"col\">\(w("获得", "Earned"))</th><th scope=\"col\">"
            + w(
                "兑换",
                "Redeemed") + "</th></tr></thead><tbody>"
        if rows.isEmpty {
            html += "<tr><td colspan=\"3\">\(w("本月还没有积分变动。", "No points moved this month yet."))</td></tr>"
        }
        for row in rows {
            html +=
                "<tr><td>\(row.label.isEmpty ? w.text("未分队", "No team") : row.label)</td>"
                + "<td class=\"n\">\(row.figures.earned)</td><td class=\"n\">\(row.figures.redeemed)</td></tr>"
        }
        html += "</tbody></table>"
        if let minutes = report.report.service.hoursServedMinutes {
            html +=
                "<p>\(w("本月服务 \(hours(minutes)) 小时（全社区）", "\(hours(minutes)) hours served this month (the whole community)"))</p>"
        }
        return html
            + "<p><a href=\"/web/notice?month=\(HTML.query(report.month))\">\(w("打印本月积分公示", "Print this month's public notice"))</a></p></section>"
    }

    /// The check-in poster for one A4 page: a QR of about 9 cm that opens the check-in page, and
    /// the activity's number and check-in code in digits over 20 mm high, with a print button.
    func posterPage() -> WebResponse {
        do {
            let detail = try call(API.activity, .init(activity: request.query["activity"] ?? ""))
            let a = detail.activity.activity
            guard let code = detail.activity.checkinCode else {
                throw JifenError.forbidden(
                    actor: me,
                    action: Bilingual(zh: "查看活动「\(a.title)」的签到码", en: "see the check-in code of “\(a.title)”"))
            }
            let link = "\(site.publicURL())/web/checkin?activity=\(HTML.query(a.id))&code=\(HTML.query(code))"
            var body: Markup = "<div class=\"poster\">"
            body +=
                "<p class=\"poster-when\">\(shortDay(a.startMillis)) \(time(a.startMillis))–\(time(a.endMillis)) \(a.place)</p>"
            body += "<p class=\"poster-scan\">\(w("用手机扫码签到", "Scan with your phone to check in"))</p>"
            body += QRCode.markup(
                link,
                label: w.text(
                    "签到二维码：打开「\(a.title)」的签到页，签到码 \(code)",
                    "Check-in QR code: opens the check-in of “\(a.title)”, code \(code)"), pixels: 340)
            body += "<p>\(w("或在“我的积分”页点“签到”，输入：", "Or on “My points” press “Check in” and type:"))</p>"
            body +=
                "<p class=\"poster-line\">\(w("活动编号", "Activity number")) <strong class=\"digits poster-act\">\(a.id)</strong></p>"
            body +=
                "<p class=\"poster-line\">"
                + w(
                    "签到码",
                    "Check-in code")
                + " <strong class=\"digits poster-code\" id=\"poster-code\">\(code)</strong></p></div>"
            body +=
                "<p class=\"noprint\"><button type=\"button\" class=\"primary\" data-print>"
                + w(
                    "打印海报（一张 A4）",
                    "Print the poster (one A4 page)") + "</button></p>"
            body +=
                "<p class=\"noprint\"><a href=\"/web/team#act-\(HTML.query(a.id))\">\(w("返回我的活动", "Back to my activities"))</a></p>"
            return page(w.text("签到：\(a.title)", "Check in: \(a.title)"), body, printable: true)
        } catch {
            return errorPage(
                w.text("签到海报", "Check-in poster"), error, back: "/web/team",
                backLabel: w("返回我的活动", "Back to my activities"))
        }
    }

    /// Approves one record; back at its activity (the next record waiting, or the activity), the message naming the volunteer.
    func approve() -> WebResponse {
        let id = field("record")
        do {
            let done = try call(API.approve, .init(records: [id]))
            let points = done.reduce(0) { $0 + $1.points }
            guard let record = done.first else {
                return toDesk("", Part.notice(w("没有要通过的记录。", "Nothing to approve."), kind: .info, w: w))
            }
            let views = (try? call(API.records, .init(activity: record.activity))) ?? []
            let name = views.first { $0.record.id == record.id }?.volunteerName ?? ""
            let when = shortDay(day: record.serviceDay)
            return toDesk(
                anchor(after: record, in: views),
                Part.notice(
                    w(
                        "已通过：\(name) \(when) \(hours(record.minutes)) 小时，得到 \(points) 分。",
                        "Approved: \(name), \(when), \(hours(record.minutes)) h, earned \(points) points."), kind: .ok,
                    w: w))
        } catch {
            return toDesk(id.isEmpty ? "" : "rec-\(HTML.query(id))", refusal(error))
        }
    }

    /// Approves every record of an activity the page listed for "approve all" (one confirmation):
    /// the same rule as one by one, for each record; all or none.
    func approveAll() -> WebResponse {
        let activity = field("activity")
        let ids = field("records").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        let back = activity.isEmpty ? "" : "act-\(HTML.query(activity))"
        do {
            guard !ids.isEmpty else {
                return toDesk(back, Part.notice(w("没有要通过的记录。", "Nothing to approve."), kind: .info, w: w))
            }
            let approved = try call(API.approve, .init(records: ids))
            let views = (try? call(API.records, .init(activity: activity))) ?? []
            let names = approved.map { r in views.first { $0.record.id == r.id }?.volunteerName ?? "" }.filter {
                !$0.isEmpty
            }
            let points = approved.reduce(0) { $0 + $1.points }
            let title = views.first?.activityTitle ?? ""
            return toDesk(
                back,
                Part.notice(
                    w(
                        "已全部通过「\(title)」的 \(approved.count) 条：\(names.joined(separator: "、"))，共得到 \(points) 分。",
                        "Approved all \(approved.count) of “\(title)”: \(names.joined(separator: ", ")); \(points) points earned."
                    ), kind: .ok, w: w))
        } catch {
            return toDesk(back, refusal(error))
        }
    }

    func reject() -> WebResponse {
        let id = field("record")
        do {
            let record = try call(API.reject, .init(record: id, reason: field("reason")))
            let views = (try? call(API.records, .init(activity: record.activity))) ?? []
            let name = views.first { $0.record.id == record.id }?.volunteerName ?? ""
            return toDesk(
                anchor(after: record, in: views),
                Part.notice(
                    w(
                        "已标为不通过：\(name) \(shortDay(day: record.serviceDay))，原因会告诉志愿者。",
                        "Rejected: \(name), \(shortDay(day: record.serviceDay)); the volunteer sees the reason."),
                    kind: .ok, w: w))
        } catch {
            return toDesk(id.isEmpty ? "" : "rec-\(HTML.query(id))", refusal(error))
        }
    }

    /// Where the organizer lands after deciding `record`: the next record of its activity still
    /// waiting, else the activity itself (an element id on the desk).
    func anchor(after record: ServiceRecord, in views: [RecordView]) -> String {
        let waiting = views.filter { $0.record.status == .pending || $0.record.status == .review }
        let next =
            waiting.first { ($0.record.serviceDay, $0.record.id) > (record.serviceDay, record.id) } ?? waiting.first
        return next.map { "rec-\(HTML.query($0.record.id))" } ?? "act-\(HTML.query(record.activity))"
    }

    /// Back to the desk at `at` (`act-…` or `rec-…`; "" for its top), where the message is shown.
    func toDesk(_ at: String, _ notice: Markup) -> WebResponse {
        at.isEmpty ? done("/web/team", notice) : done("/web/team#" + at, notice, keep: ["at": at])
    }

    /// "11月29日" or "Nov 29" from a `yyyy-MM-dd` day.
    func shortDay(day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        if w.isEnglish {
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(months[(parts[1] - 1) % 12]) \(parts[2])"
        }
        return "\(parts[1])月\(parts[2])日"
    }

    /// "2026年11月" or "November 2026" from `yyyy-MM`.
    func monthWords(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[1]) else { return month }
        if w.isEnglish {
            let months = [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ]
            return "\(months[parts[1] - 1]) \(parts[0])"
        }
        return "\(parts[0])年\(parts[1])月"
    }

    /// "2026年12月1日" or "1 December 2026" from `yyyy-MM-dd`.
    func longDay(_ day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        return w.isEnglish ? "\(parts[2]) \(monthWords(String(day.prefix(7))))" : "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    // MARK: The admin

    func adminPage() -> WebResponse {
        var body: Markup = ""
        do {
            let report = try call(API.verify, .init())
            body += "<section aria-labelledby=\"h-verify\"><h2 id=\"h-verify\">\(w("账本核对", "Ledger check"))</h2>"
            body +=
                report.ok
                ? Part.notice(
                    w(
                        "账本完整无误：\(report.transfers) 笔转账、\(report.accounts) 个账户、\(report.lots) 批积分都对得上。",
                        "The ledger is whole: \(report.transfers) transfers, \(report.accounts) accounts and \(report.lots) lots all agree."
                    ), kind: .ok, w: w)
                : Part.notice(
                    w(
                        "发现 \(report.faults.count) 处问题，请联系技术人员：",
                        "\(report.faults.count) problems found; call your technician:"), kind: .refused, w: w)
                    + "<ul>"
                    + report.faults.prefix(20).map { fault -> Markup in
                        "<li>\(fault.check) \(fault.account ?? "") \(fault.expected) ≠ \(fault.found)</li>"
                    }.joined() + "</ul>"
            body +=
                "</section><section aria-labelledby=\"h-notice\"><h2 id=\"h-notice\">\(w("积分公示", "Public notice"))</h2><ul class=\"list\">"
            var month = thisMonth
            for _ in 0..<3 {
                body +=
                    "<li><a href=\"/web/notice?month=\(month)\">"
                    + w(
                        "\(monthWords(month)) 积分公示（打印 A4）",
                        "\(monthWords(month)) public notice (prints on A4)") + "</a></li>"
                month = Self.previousMonth(month)
            }
            body += "</ul></section>"
            body +=
                "<p><a href=\"/web/team\">\(w("所有服务队的活动与待审核时长", "Every team's activities and hours waiting"))</a></p>"
        } catch {
            return errorPage(w.text("管理员", "Administrator"), error)
        }
        return page(w.text("管理员", "Administrator"), body)
    }

    static func previousMonth(_ month: String) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return month }
        let (y, m) = parts[1] == 1 ? (parts[0] - 1, 12) : (parts[0], parts[1] - 1)
        return String(format: "%04d-%02d", y, m)
    }

    /// Teams per printed A4 page of the notice: the team table is cut into tables of this many
    /// rows, each kept whole on its page, the second and later starting a new page.
    static let noticeTeamsPerPage = 10

    /// The month's public notice (积分公示), one A4 page per 10 teams: the community, the month,
    /// the figures, the teams, the 公示期 and where to object, and a line to sign.
    func noticePage() -> WebResponse {
        do {
            let result = try call(API.report, .init(month: request.query["month"], grouping: .team))
            let r = result.report, p = result.publication
            let title = w.text(
                "\(p.community) \(monthWords(result.month)) 志愿服务积分公示",
                "\(p.community) volunteer points notice, \(monthWords(result.month))")
            let contact = w.isEnglish ? p.objectionContactEn : p.objectionContact
            var body: Markup = "<div class=\"paper\">"
            body +=
                "<p class=\"publicity\">"
                + w(
                    "公示期：\(longDay(p.publishedOn)) 至 \(longDay(p.publicityThrough))（\(p.publicityDays) 天）。如有异议，请在公示期内向",
                    "Posted from \(longDay(p.publishedOn)) to \(longDay(p.publicityThrough)) (\(p.publicityDays) days). "
                        + "Objections within that time go to"
                )
                + " <strong>\(contact)</strong>\(w(" 提出。", "."))</p>"
            body +=
                "<div class=\"paper-grid\"><table class=\"keep figures-table\"><caption>\(w("本月积分收支", "Points this month"))</caption><tbody>"
            let figures: [(String, Int64)] = [
                (w.text("月初志愿者持有", "Held by volunteers at the start"), r.openingOutstanding),
                (w.text("服务获得", "Earned for service"), r.totals.earned), (w.text("社区发放", "Granted"), r.totals.granted),
                (w.text("兑换", "Redeemed"), r.totals.redeemed), (w.text("退回", "Refunded"), r.totals.refunded),
                (w.text("过期", "Expired"), r.totals.expired),
                (w.text("更正", "Corrections"), r.totals.reversed + r.totals.adjusted),
                (w.text("月末志愿者持有", "Held by volunteers at the end"), r.outstanding),
                (w.text("商户待结算", "Merchants not yet settled"), r.merchantsUnsettled),
            ]
            for (label, value) in figures {
                body += "<tr><th scope=\"row\">\(label)</th><td class=\"n\">\(value)</td></tr>"
            }
            body += "</tbody></table>"
            if !r.topVolunteers.isEmpty {
                body +=
                    "<table class=\"keep top\"><caption>"
                    + w(
                        "本月服务积分前列",
                        "Most points earned") + "</caption><thead><tr><th scope=\"col\">"
                    + w(
                        "志愿者",
                        "Volunteer") + "</th><th scope=\"col\">\(w("获得", "Earned"))</th></tr></thead><tbody>"
                for v in r.topVolunteers {
                    let number = ReportNames.number(v.id)
                    let shown = w("\(v.name)（\(number)号）", "\(v.name) (No. \(number))")
                    body += "<tr><td>\(shown)</td><td class=\"n\">\(v.earned)</td></tr>"
                }
                body += "</tbody></table>"
            }
            body += "</div>"
            let balanceWords =
                r.reconciles
                ? w("收支平衡：月初 + 本月变动 = 月末。", "It adds up: start + this month's changes = end.")
                : w("收支不平衡，请核查。", "It does not add up; please check.")
            body += "<p>\(balanceWords)"
            if let minutes = r.service.hoursServedMinutes {
                body += " " + w("本月服务 \(hours(minutes)) 小时。", "\(hours(minutes)) hours served this month.")
            }
            body += "</p>"
            let chunks = stride(from: 0, to: r.rows.count, by: Self.noticeTeamsPerPage).map {
                Array(r.rows[$0..<min($0 + Self.noticeTeamsPerPage, r.rows.count)])
            }
            for (index, chunk) in chunks.enumerated() {
                body +=
                    "<table class=\"keep teams\(index > 0 ? " next-page" : "")\"><caption>\(w("各队", "By team"))"
                    + (chunks.count > 1 ? w("（\(index + 1)/\(chunks.count)）", " (\(index + 1)/\(chunks.count))") : "")
                    + "</caption>"
                body +=
                    "<thead><tr><th scope=\"col\">\(w("队伍", "Team"))</th><th scope=\"col\">\(w("获得", "Earned"))</th><th scope=\"col\">"
                    + w(
                        "兑换",
                        "Redeemed") + "</th></tr></thead><tbody>"
                for row in chunk {
                    body +=
                        "<tr><td>\(row.label.isEmpty ? w.text("未分队", "No team") : row.label)</td>"
                        + "<td class=\"n\">\(row.figures.earned)</td><td class=\"n\">\(row.figures.redeemed)</td></tr>"
                }
                body += "</tbody></table>"
            }
            let unnamed = w(
                "未同意公示姓名的志愿者只显示姓名首尾两字和编号（如 张*兰（0001号））。",
                "A volunteer who has not consented to publication shows as her name's first and last characters and her number (e.g. 张*兰 (No. 0001))."
            )
            body += "<p class=\"muted\">\(unnamed)</p>"
            body +=
                "<div class=\"sign keep\"><p>\(w("公示单位（盖章）：", "Posted by (stamp): "))\(p.community)</p>"
                + "<p>\(w("负责人签字：", "Signed: "))<span class=\"blank\"></span></p>"
                + "<p>\(w("公示日期：", "Date: "))\(longDay(p.publishedOn))</p></div></div>"
            body +=
                "<p class=\"noprint\"><button type=\"button\" class=\"primary\" data-print>\(w("打印公示（A4）", "Print the notice (A4)"))</button></p>"
            body += "<p class=\"noprint\"><a href=\"/web\">\(w("返回", "Back"))</a></p>"
            return page(title, body, printable: true)
        } catch {
            return errorPage(w.text("积分公示", "Public notice"), error)
        }
    }
}
