import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The volunteer's phone page: points in large type, the one-time pay code, movements in plain
/// words, service records, certificate, activities and check-in.
extension Session {
    var me: String { principal?.id ?? "" }

    /// Her page, in the order of her day: where she is on duty (签退 at the top), the pay code,
    /// her balance, then big entries to the activities, residents' requests, records and certificate.
    func volunteerPage(notice: Markup = "", status: Int = 200) -> WebResponse {
        var body = notice
        do {
            let who = try call(API.whoami, .init())
            let balance = try call(API.balance, .init(account: me))
            let view = balance.view
            body += duty()
            body += Part.form(
                "/web/me/code", csrf: csrf, fields: "", button: w("出示付款码", "Show my pay code"),
                buttonClass: "primary huge",
                id: "show-code")
            body +=
                "<div class=\"figure main\" id=\"balance\"><span>\(w("\(who.name ?? me) 的积分余额", "\(who.name ?? me)'s balance"))</span>"
                + "<span class=\"n\">\(view.balance)</span>"
                + (view.available != view.balance
                    ? "<small>\(w("现在可用 \(view.available) 分", "\(view.available) usable now"))</small>" : "") + "</div>"
            let requestsHTML = requests()
            var entries = [("#h-acts", w("活动", "Activities"))]
            if !requestsHTML.isEmpty { entries.append(("#h-reqs", w("居民点单", "Requests"))) }
            entries += [("#h-records", w("记录", "Records")), ("#h-cert", w("证明", "Certificate"))]
            body +=
                "<nav class=\"entries\" aria-label=\"\(w("常用", "Shortcuts"))\">"
                + entries.map { "<a class=\"button\" href=\"\($0.0)\">\($0.1)</a>" }.joined() + "</nav>"
            body += activities()
            body += requestsHTML
            body += records()
            body += movements()
            body +=
                "<section aria-labelledby=\"h-points\"><h2 id=\"h-points\">\(w("我的积分明细", "My points in detail"))</h2><div class=\"figures\">"
            body += figure(w("可以用的", "Available"), "\(view.available)", id: "available")
            body += figure(w("预留待取的", "Held for pickup"), "\(view.held)", id: "held")
            var expiring: Markup = "\(view.expiringSoon)"
            if view.expiringSoon > 0, let first = view.lots.first {
                expiring +=
                    "<small class=\"muted\"> "
                    + w(
                        "最早一批 \(first.remaining) 分可用到 \(first.usableThrough)",
                        "the first \(first.remaining) usable through \(first.usableThrough)") + "</small>"
            }
            body += figure(w("快要过期的", "Expiring soon"), expiring, id: "expiring")
            if let service = balance.service {
                body += figure(w("服务时长（小时）", "Hours served"), "\(hours(service.minutes))", id: "hours")
                var star = w("\(service.star) 星", "\(service.star) star")
                if let next = service.hoursToNextStar {
                    star +=
                        "<small class=\"muted\"> "
                        + w("再服务 \(hours(Int64(next * 60))) 小时升一星", "\(hours(Int64(next * 60))) more hours to the next")
                        + "</small>"
                }
                body += figure(w("星级", "Star level"), star, id: "star")
            }
            body += "</div></section>"
            body += "<section aria-labelledby=\"h-cert\"><h2 id=\"h-cert\">\(w("服务证明", "Service certificate"))</h2>"
            body += Part.form(
                "/web/me/certificate", csrf: csrf, fields: "", button: w("下载服务证明", "Download my certificate"),
                buttonClass: "")
            body += "</section>"
            body += myDataLink()
            body += devices()
        } catch {
            return errorPage(w.text("我的积分", "My points"), error, notice: notice)
        }
        return page(w.text("我的积分", "My points"), body, status: status)
    }

    func figure(_ label: Markup, _ value: Markup, main: Bool = false, id: String) -> Markup {
        "<div class=\"figure\(main ? " main" : "")\" id=\"\(id)\"><span>\(label)</span><span class=\"n\">\(value)</span></div>"
    }

    /// The last movements, newest first, in plain words ("11月29日 在 老街理发店 兑换 理发一次 −30").
    func movements() -> Markup {
        guard let statement = try? call(API.statement, .init(account: me)) else { return "" }
        // Names, never ids: the statement names who is on the other side (张桂兰 转来, not V0005 转来).
        let names = statement.names
        var html: Markup =
            "<section aria-labelledby=\"h-moves\"><h2 id=\"h-moves\">\(w("最近的积分变动", "Recent movements"))</h2><ul class=\"list\" id=\"movements\">"
        let lines = statement.lines.suffix(8).reversed()
        if lines.isEmpty { html += "<li>\(w("还没有积分变动。", "No movements yet."))</li>" }
        for line in lines {
            let t = line.transfer
            let other = names[line.counterparty] ?? w.text("另一位志愿者", "another volunteer")
            let what: String
            switch t.kind {
            case .earn: what = w.text("服务获得", "earned for service") + (t.memo.isEmpty ? "" : " " + t.memo)
            case .redeem: what = w.text("在 \(other) 兑换", "redeemed at \(other)") + (t.memo.isEmpty ? "" : " " + t.memo)
            case .refund: what = w.text("\(other) 退回积分", "refunded by \(other)")
            case .expire: what = w.text("积分过期", "points expired")
            case .grant: what = w.text("社区发放", "granted by the community") + (t.memo.isEmpty ? "" : "（\(t.memo)）")
            case .transfer:
                what =
                    line.change < 0
                    ? w.text("转给 \(other)", "given to \(other)") : w.text("\(other) 转来", "from \(other)")
            case .reverse: what = w.text("更正一笔记录", "a correction")
            case .adjust: what = w.text("管理员调整", "an adjustment")
            case .settle: what = w.text("结算", "settlement")
            case .donate: what = w.text("捐给微心愿", "given to a micro-wish") + (t.memo.isEmpty ? "" : " " + t.memo)
            case .fulfil: what = w.text("微心愿兑付", "paid for a micro-wish") + (t.memo.isEmpty ? "" : " " + t.memo)
            }
            html +=
                "<li>\(shortDay(t.atMillis)) \(what) <span class=\"\(line.change < 0 ? "minus" : "plus")\">\(signed(line.change))</span>"
                + " <small class=\"muted\">\(w("余", "balance")) \(line.balanceAfter)</small></li>"
        }
        return html + "</ul></section>"
    }

    func statusWords(_ record: ServiceRecord) -> String {
        var text: String
        switch record.status {
        case .pending: text = w.text("等待审核", "waiting for approval")
        case .review: text = w.text("需要组织者复核", "to be checked by the organizer")
        case .approved: text = w.text("已通过", "approved")
        case .rejected: text = w.text("未通过", "rejected")
        }
        if record.disputed { text += w.text("，已提出异议", ", disputed") }
        return text
    }

    func records() -> Markup {
        guard let list = try? call(API.volunteerRecords, .init(volunteer: me)) else { return "" }
        var html: Markup =
            "<section aria-labelledby=\"h-records\"><h2 id=\"h-records\">\(w("我的服务记录", "My service records"))</h2><ul class=\"list\" id=\"records\">"
        if list.isEmpty { html += "<li>\(w("还没有服务记录。", "No service records yet."))</li>" }
        for view in list.sorted(by: { $0.record.serviceDay > $1.record.serviceDay }).prefix(8) {
            let r = view.record
            html +=
                "<li>\(r.serviceDay) \(view.activityTitle) \(w("\(hours(r.minutes)) 小时", "\(hours(r.minutes)) h"))"
            html += " <span class=\"status\">\(statusWords(r))</span>"
            if r.points > 0 { html += " <span class=\"plus\">+\(r.points)</span>" }
            if !r.reason.isEmpty { html += "<br><small>\(w("原因", "Reason"))：\(r.reason)</small>" }
            if !r.disputed {
                html += "<details><summary>\(w("对这条记录有异议", "Dispute this record"))</summary>"
                html += Part.form(
                    "/web/me/dispute", csrf: csrf,
                    fields: Part.hidden("record", r.id)
                        + Part.field(
                            "reason", label: w("哪里不对？", "What is wrong?"), extra: "required", id: "reason-\(r.id)"),
                    button: w("提交异议", "Send the dispute"), buttonClass: "")
                html += "</details>"
            }
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    func activities() -> Markup {
        let team = (try? call(API.volunteer, .init(volunteer: me)))?.volunteer.team
        guard let list = try? call(API.activities, .init(upcoming: true, past: false, team: team)) else { return "" }
        var html: Markup =
            "<section aria-labelledby=\"h-acts\"><h2 id=\"h-acts\">\(w("近期活动", "Upcoming activities"))</h2><ul class=\"list\" id=\"activities\">"
        if list.isEmpty { html += "<li>\(w("近期没有活动。", "No upcoming activities."))</li>" }
        for view in list.prefix(6) {
            let a = view.activity
            let joined = ((try? call(API.activity, .init(activity: a.id)))?.participants ?? []).contains {
                $0.volunteer == me && !$0.left
            }
            html +=
                "<li id=\"act-\(a.id)\"><strong>\(a.title)</strong><br>\(minute(a.startMillis))–\(time(a.endMillis)) \(a.place)"
            // After 报名 she comes back to this item (`/web/me#act-A0002`): what was done is said here too.
            if kept("act") == a.id, !kept("act-note").isEmpty {
                html += "<p class=\"done-here\">\(kept("act-note"))</p>"
            }
            html += " <span class=\"status\">\(joined ? w("已报名", "signed up") : w("未报名", "not signed up"))</span>"
            html += Part.form(
                joined ? "/web/me/leave" : "/web/me/join", csrf: csrf, fields: Part.hidden("activity", a.id),
                button: joined ? w("取消报名：\(a.title)", "Leave: \(a.title)") : w("报名：\(a.title)", "Join: \(a.title)"),
                buttonClass: joined ? "" : "primary")
            html += "</li>"
        }
        html +=
            "</ul><p><a class=\"button\" href=\"/web/checkin\">\(w("签到（输入活动签到码）", "Check in (type the activity's code)"))</a></p></section>"
        return html
    }

    /// Residents' requests: what she took, with its next move (`takenRequests`: 开始 / 完成 / 退单),
    /// then what she may take in her teams (可以接的单), nearest deadline first (the list is the
    /// app's `requestList`: its rules, not the page's).
    func requests() -> Markup {
        guard let list = try? call(API.requests, .init()), !list.isEmpty else { return "" }
        var html = takenRequests(list)
        let open = list.filter {
            $0.request.server != me && ($0.request.state == .pooled || $0.request.state == .dispatched)
        }
        guard !open.isEmpty else { return html }
        html +=
            "<section aria-labelledby=\"h-reqs\"><h2 id=\"h-reqs\">\(w("可以接的单", "Requests you may take"))</h2><ul class=\"list\" id=\"requests\">"
        for view in open.prefix(6) {
            let r = view.request
            html +=
                "<li id=\"req-\(r.id)\"><strong>\(r.content)</strong> \(r.area)"
            html += " <span class=\"status\">\(serverWords(r))\(view.overdue ? w("（已超时）", " (overdue)") : "")</span>"
            html +=
                "<br>\(w("时间", "When"))：\(wantedWords(r)) · "
                + w(
                    "请在 \(shortDay(r.responseDueMillis)) \(time(r.responseDueMillis)) 前接单",
                    "take it by \(shortDay(r.responseDueMillis)) \(time(r.responseDueMillis))")
            if r.offeredPoints > 0 {
                html += " · \(w("居民付 \(r.offeredPoints) 分", "the resident pays \(r.offeredPoints) points"))"
            }
            html += Part.form(
                "/web/me/claim", csrf: csrf, fields: Part.hidden("request", r.id),
                button: w("接单：\(r.content)", "Take: \(r.content)"), buttonClass: "primary")
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    /// 接单: she stays at that request (now under 我接的单), and the message names it.
    func claim() -> WebResponse {
        let id = requestField
        do {
            let taken = try call(API.claimRequest, .init(request: id))
            let who = (try? call(API.request, .init(request: taken.id)))?.residentName ?? ""
            return done(
                "/web/me#req-\(taken.id)",
                Part.notice(
                    w(
                        "接单成功：\(taken.content)（\(who)）。地址和电话在“我接的单”里，到了请点“开始服务”。",
                        "Taken: \(taken.content) (\(who)). The address and phone are under “Requests I took”; press “Start” when you arrive."
                    ), kind: .ok, w: w))
        } catch {
            return done("/web/me#req-\(id)", requestRefusal(error, id))
        }
    }

    // MARK: Forms

    func joinOrLeave(join: Bool) -> WebResponse {
        let id = field("activity")
        let back = "/web/me#act-\(HTML.query(id))"
        do {
            let input = JifenApp.MembershipInput(activity: id, volunteer: me)
            _ = join ? try call(API.join, input) : try call(API.leave, input)
            let a = try? call(API.activity, .init(activity: id)).activity.activity
            let title = a?.title ?? id, when = a.map { shortDay($0.startMillis) + " " + time($0.startMillis) } ?? ""
            let said =
                join
                ? w.text("报名成功：\(title)（\(when)）。", "Signed up: \(title) (\(when)).")
                : w.text("已取消报名：\(title)（\(when)）。", "Left: \(title) (\(when)).")
            return done(back, Part.notice("\(said)", kind: .ok, w: w), keep: ["act": id, "act-note": said])
        } catch {
            return done(back, refusal(error))
        }
    }

    func dispute() -> WebResponse {
        do {
            _ = try call(API.dispute, .init(record: field("record"), reason: field("reason")))
            return done(
                "/web/me",
                Part.notice(
                    w("异议已提交，组织者会再看一遍。", "Your dispute is sent; the organizer will look again."), kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }
}

extension Date {
    var timeIntervalSince1970Millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
