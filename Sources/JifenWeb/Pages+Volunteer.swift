import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The volunteer's phone page: points in large type, the one-time pay code, movements in plain
/// words, service records, certificate, activities and check-in.
extension Session {
    var me: String { principal?.id ?? "" }

    func volunteerPage(notice: String = "", status: Int = 200) -> WebResponse {
        var body = notice
        do {
            let who = try call(API.whoami, .init())
            let balance = try call(API.balance, .init(account: me))
            let view = balance.view
            body += "<p class=\"big\">\(HTML.escape(who.name ?? me))</p>"
            body += "<section aria-labelledby=\"h-points\"><h2 id=\"h-points\">\(w("我的积分", "My points"))</h2><div class=\"figures\">"
            body += figure(w("积分余额", "Balance"), "\(view.balance)", main: true, id: "balance")
            body += figure(w("可以用的", "Available"), "\(view.available)", id: "available")
            body += figure(w("预留待取的", "Held for pickup"), "\(view.held)", id: "held")
            var expiring = "\(view.expiringSoon)"
            if view.expiringSoon > 0, let first = view.lots.first {
                expiring += "<small class=\"muted\"> " + w("最早一批 \(first.remaining) 分可用到 \(first.usableThrough)",
                                                          "the first \(first.remaining) usable through \(first.usableThrough)") + "</small>"
            }
            body += figure(w("快要过期的", "Expiring soon"), expiring, id: "expiring")
            if let service = balance.service {
                body += figure(w("服务时长（小时）", "Hours served"), hours(service.minutes), id: "hours")
                var star = w("\(service.star) 星", "\(service.star) star")
                if let next = service.hoursToNextStar {
                    star += "<small class=\"muted\"> " + w("再服务 \(hours(Int64(next * 60))) 小时升一星", "\(hours(Int64(next * 60))) more hours to the next") + "</small>"
                }
                body += figure(w("星级", "Star level"), star, id: "star")
            }
            body += "</div></section>"
            body += "<section aria-labelledby=\"h-pay\"><h2 id=\"h-pay\">\(w("去商户兑换", "Pay at a merchant"))</h2>"
            body += Part.form("/web/me/code", csrf: csrf, fields: "", button: w("出示付款码", "Show my pay code"), id: "show-code") + "</section>"
            body += movements()
            body += records()
            body += activities()
            body += requests()
            body += "<section aria-labelledby=\"h-cert\"><h2 id=\"h-cert\">\(w("服务证明", "Service certificate"))</h2>"
            body += Part.form("/web/me/certificate", csrf: csrf, fields: "", button: w("下载服务证明", "Download my certificate"), buttonClass: "")
            body += "</section>"
            body += devices()
        } catch {
            body += refusal(error)
            return page(w.raw("我的积分", "My points"), body, status: statusOf(error))
        }
        return page(w.raw("我的积分", "My points"), body, status: status)
    }

    func figure(_ label: String, _ value: String, main: Bool = false, id: String) -> String {
        "<div class=\"figure\(main ? " main" : "")\" id=\"\(id)\"><span>\(label)</span><span class=\"n\">\(value)</span></div>"
    }

    /// The last movements, newest first, in plain words ("11月29日 在 老街理发店 兑换 理发一次 −30").
    func movements() -> String {
        guard let statement = try? call(API.statement, .init(account: me)) else { return "" }
        let names = Dictionary(((try? call(API.merchants, .init())) ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var html = "<section aria-labelledby=\"h-moves\"><h2 id=\"h-moves\">\(w("最近的积分变动", "Recent movements"))</h2><ul class=\"list\" id=\"movements\">"
        let lines = statement.lines.suffix(8).reversed()
        if lines.isEmpty { html += "<li>\(w("还没有积分变动。", "No movements yet."))</li>" }
        for line in lines {
            let t = line.transfer
            let other = names[line.counterparty] ?? line.counterparty
            let what: String
            switch t.kind {
            case .earn: what = w.raw("服务获得", "earned for service") + (t.memo.isEmpty ? "" : " " + t.memo)
            case .redeem: what = w.raw("在 \(other) 兑换", "redeemed at \(other)") + (t.memo.isEmpty ? "" : " " + t.memo)
            case .refund: what = w.raw("\(other) 退回积分", "refunded by \(other)")
            case .expire: what = w.raw("积分过期", "points expired")
            case .grant: what = w.raw("社区发放", "granted by the community") + (t.memo.isEmpty ? "" : "（\(t.memo)）")
            case .transfer: what = line.change < 0 ? w.raw("转给 \(other)", "given to \(other)") : w.raw("\(other) 转来", "from \(other)")
            case .reverse: what = w.raw("更正一笔记录", "a correction")
            case .adjust: what = w.raw("管理员调整", "an adjustment")
            case .settle: what = w.raw("结算", "settlement")
            case .donate: what = w.raw("捐给微心愿", "given to a micro-wish") + (t.memo.isEmpty ? "" : " " + t.memo)
            case .fulfil: what = w.raw("微心愿兑付", "paid for a micro-wish") + (t.memo.isEmpty ? "" : " " + t.memo)
            }
            html += "<li>\(HTML.escape(shortDay(t.atMillis))) \(HTML.escape(what)) <span class=\"\(line.change < 0 ? "minus" : "plus")\">\(signed(line.change))</span>"
                + " <small class=\"muted\">\(w("余", "balance")) \(line.balanceAfter)</small></li>"
        }
        return html + "</ul></section>"
    }

    func statusWords(_ record: ServiceRecord) -> String {
        var text: String
        switch record.status {
        case .pending: text = w.raw("等待审核", "waiting for approval")
        case .review: text = w.raw("需要组织者复核", "to be checked by the organizer")
        case .approved: text = w.raw("已通过", "approved")
        case .rejected: text = w.raw("未通过", "rejected")
        }
        if record.disputed { text += w.raw("，已提出异议", ", disputed") }
        return text
    }

    func records() -> String {
        guard let list = try? call(API.volunteerRecords, .init(volunteer: me)) else { return "" }
        var html = "<section aria-labelledby=\"h-records\"><h2 id=\"h-records\">\(w("我的服务记录", "My service records"))</h2><ul class=\"list\" id=\"records\">"
        if list.isEmpty { html += "<li>\(w("还没有服务记录。", "No service records yet."))</li>" }
        for view in list.sorted(by: { $0.record.serviceDay > $1.record.serviceDay }).prefix(8) {
            let r = view.record
            html += "<li>\(HTML.escape(r.serviceDay)) \(HTML.escape(view.activityTitle)) \(w("\(hours(r.minutes)) 小时", "\(hours(r.minutes)) h"))"
            html += " <span class=\"status\">\(HTML.escape(statusWords(r)))</span>"
            if r.points > 0 { html += " <span class=\"plus\">+\(r.points)</span>" }
            if !r.reason.isEmpty { html += "<br><small>\(w("原因", "Reason"))：\(HTML.escape(r.reason))</small>" }
            if !r.disputed {
                html += "<details><summary>\(w("对这条记录有异议", "Dispute this record"))</summary>"
                html += Part.form("/web/me/dispute", csrf: csrf,
                                  fields: Part.hidden("record", r.id) + Part.field("reason", label: w("哪里不对？", "What is wrong?"), extra: "required", id: "reason-\(r.id)"),
                                  button: w("提交异议", "Send the dispute"), buttonClass: "")
                html += "</details>"
            }
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    func activities() -> String {
        let team = (try? call(API.volunteer, .init(volunteer: me)))?.volunteer.team
        guard let list = try? call(API.activities, .init(upcoming: true, past: false, team: team)) else { return "" }
        var html = "<section aria-labelledby=\"h-acts\"><h2 id=\"h-acts\">\(w("近期活动", "Upcoming activities"))</h2><ul class=\"list\" id=\"activities\">"
        if list.isEmpty { html += "<li>\(w("近期没有活动。", "No upcoming activities."))</li>" }
        for view in list.prefix(6) {
            let a = view.activity
            let joined = ((try? call(API.activity, .init(activity: a.id)))?.participants ?? []).contains { $0.volunteer == me && !$0.left }
            html += "<li><strong>\(HTML.escape(a.title))</strong><br>\(HTML.escape(minute(a.startMillis)))–\(HTML.escape(time(a.endMillis))) \(HTML.escape(a.place))"
            html += " <span class=\"status\">\(joined ? w("已报名", "signed up") : w("未报名", "not signed up"))</span>"
            html += Part.form(joined ? "/web/me/leave" : "/web/me/join", csrf: csrf, fields: Part.hidden("activity", a.id),
                              button: joined ? w("取消报名：\(a.title)", "Leave: \(a.title)") : w("报名：\(a.title)", "Join: \(a.title)"),
                              buttonClass: joined ? "" : "primary")
            html += "</li>"
        }
        html += "</ul><p><a class=\"button\" href=\"/web/checkin\">\(w("用活动签到码签到", "Check in with the activity's code"))</a></p></section>"
        return html
    }

    /// Residents' requests this volunteer may take in their teams, and the ones they took,
    /// nearest deadline first (the list is the app's `requestList`: its rules, not the page's).
    func requests() -> String {
        guard let list = try? call(API.requests, .init()), !list.isEmpty else { return "" }
        var html = "<section aria-labelledby=\"h-reqs\"><h2 id=\"h-reqs\">\(w("居民点单", "Residents' requests"))</h2><ul class=\"list\" id=\"requests\">"
        for view in list.prefix(6) {
            let r = view.request
            let mine = r.server == me
            html += "<li><strong>\(HTML.escape(r.content))</strong> \(HTML.escape(r.area))"
            html += " <span class=\"status\">\(w(r.state.chinese, r.state.rawValue.replacingOccurrences(of: "_", with: " ")))\(view.overdue ? w("（已超时）", " (overdue)") : "")</span>"
            html += "<br>\(w("接单时限", "Take by")) \(HTML.escape(minute(r.responseDueMillis)))"
            if r.offeredPoints > 0 { html += " · \(w("居民付 \(r.offeredPoints) 分", "the resident pays \(r.offeredPoints) points"))" }
            if mine, !view.address.isEmpty { html += "<br>\(w("地址", "Address")) \(HTML.escape(view.address)) · \(HTML.escape(view.phone))" }
            if !mine, r.state == .pooled || r.state == .dispatched {
                html += Part.form("/web/me/claim", csrf: csrf, fields: Part.hidden("request", r.id),
                                  button: w("接单：\(r.content)", "Take: \(r.content)"), buttonClass: "primary")
            }
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    func claim() -> WebResponse {
        do {
            let taken = try call(API.claimRequest, .init(request: field("request")))
            return done("/web/me", Part.notice(w("接单成功：\(taken.content)。地址和电话见下方。", "Taken: \(taken.content). The address and phone are below."), kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    // MARK: The pay code

    func payCodePage() -> WebResponse {
        do {
            // The ceiling she set (kept when the page renews the code); empty: the community's default.
            let asked = field("max_points").trimmingCharacters(in: .whitespaces)
            var ceiling: Int64?
            if !asked.isEmpty {
                guard let number = Int64(asked) else {
                    throw JifenError.usage(.badAmount, zh: "上限应为整数积分，不是「\(asked)」。", en: "The ceiling is a whole number of points, not \"\(asked)\".")
                }
                ceiling = number
            }
            let issued = try call(API.issueCode, .init(account: me, maxPoints: ceiling))
            let balance = try call(API.balance, .init(account: me))
            let remaining = max(0, (issued.expiresAtMillis - app.clock().timeIntervalSince1970Millis) / 1000)
            let spaced = issued.code.count == 6 ? "\(issued.code.prefix(3)) \(issued.code.suffix(3))" : issued.code
            var body = "<p>\(w("请让商户扫这个二维码；扫不了时，把下面的数字念给商户。", "Let the merchant scan this QR code; if they cannot, read them the digits below."))</p>"
            body += QRCode.svg(issued.secret, label: w.raw("付款码的二维码", "QR code of the pay code"))
            body += "<p class=\"digits\" id=\"pay-code\">\(spaced)</p>"
            body += "<p class=\"big\" id=\"pay-ceiling\">\(w("最多可兑换 \(issued.maxPoints) 分", "At most \(issued.maxPoints) points"))</p>"
            body += "<p data-remaining=\"\(remaining)\" aria-live=\"off\">\(w("还剩", "Time left")) <strong class=\"left\">\(remaining / 60):\(String(format: "%02d", remaining % 60))</strong>"
                + " · \(w("\(time(issued.expiresAtMillis)) 前有效，过期后自动换新码", "valid until \(time(issued.expiresAtMillis)); a new one comes when it ends"))</p>"
            let most = min(issued.maxPoints, balance.view.available)
            body += Part.notice(w("这个码只能用一次：商户凭它为您兑换一次，最多 \(issued.maxPoints) 分（您现在可用 \(balance.view.available) 分，所以最多用掉 \(most) 分）。超过上限的兑换会被拒绝。换新码后旧码立即作废；用过或过期也作废，别人拿到旧码也没有用。",
                                  "This code works once: the merchant can redeem one thing for you with it, for at most \(issued.maxPoints) points (you can use \(balance.view.available) now, so at most \(most) will go). A redemption above the ceiling is refused. A new code voids this one at once; once used or expired it is void too, and an old code is useless to anyone."),
                                kind: .info, w: w)
            body += Part.form("/web/me/code", csrf: csrf,
                              fields: Part.field("max_points", label: w("这个码最多可兑换（分）", "The most points this code may take"), value: "\(issued.maxPoints)",
                                                 type: "number", extra: "inputmode=\"numeric\" min=\"1\" required"),
                              button: w("换一个新码（旧码作废）", "Get a new code (voids this one)"), buttonClass: "", id: "refresh")
            body += "<p><a href=\"/web/me\">\(w("返回我的积分", "Back to my points"))</a></p>"
            return page(w.raw("付款码", "Pay code"), body)
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    // MARK: Forms

    func joinOrLeave(join: Bool) -> WebResponse {
        do {
            let input = JifenApp.MembershipInput(activity: field("activity"), volunteer: me)
            _ = join ? try call(API.join, input) : try call(API.leave, input)
            return done("/web/me", Part.notice(join ? w("报名成功。", "You are signed up.") : w("已取消报名。", "You have left the activity."), kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    func dispute() -> WebResponse {
        do {
            _ = try call(API.dispute, .init(record: field("record"), reason: field("reason")))
            return done("/web/me", Part.notice(w("异议已提交，组织者会再看一遍。", "Your dispute is sent; the organizer will look again."), kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    func certificate() -> WebResponse {
        do {
            let issued = try call(API.issueCertificate, .init(volunteer: me, format: "html"))
            let name = "certificate-\(issued.certificate.number.filter { $0.isLetter || $0.isNumber || $0 == "-" }).html"
            return WebResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                                                      ("Content-Disposition", "attachment; filename=\"\(name)\"")] + WebResponse.security,
                               body: Data(issued.text.utf8))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    // MARK: Check-in

    func checkinPage(notice: String = "", status: Int = 200) -> WebResponse {
        let activity = request.query["activity"] ?? request.form["activity"] ?? ""
        let code = request.query["code"] ?? ""
        var body = notice + "<p>\(w("输入活动编号和现场的签到码（也可以用手机扫活动海报上的二维码，会自动填好）。", "Type the activity number and the check-in code shown on site (or scan the poster's QR code with your phone: it fills them in)."))</p>"
        body += Part.form("/web/checkin", csrf: csrf,
                          fields: Part.field("activity", label: w("活动编号", "Activity number"), value: activity, extra: "required autocapitalize=\"characters\"")
                              + Part.field("code", label: w("签到码", "Check-in code"), value: code, extra: "inputmode=\"numeric\" autocomplete=\"off\" required"),
                          button: w("签到", "Check in"))
        if !activity.isEmpty {
            body += "<h2>\(w("服务结束时", "When you finish"))</h2>"
            body += Part.form("/web/checkout", csrf: csrf, fields: Part.hidden("activity", activity), button: w("签退", "Check out"), buttonClass: "")
        }
        body += "<p><a href=\"/web/me\">\(w("返回我的积分", "Back to my points"))</a></p>"
        return page(w.raw("活动签到", "Check in"), body, status: status)
    }

    func checkin() -> WebResponse {
        do {
            let checkedIn = try call(API.checkin, .init(activity: field("activity"), volunteer: me, code: field("code")))
            let at = checkedIn.checkinMillis.map { time($0) } ?? ""
            return done("/web/checkin?activity=" + HTML.query(field("activity")), Part.notice(w("签到成功（\(at)）。服务结束时请点“签退”。", "Checked in at \(at). Press “Check out” when you finish."), kind: .ok, w: w))
        } catch {
            return done("/web/checkin?activity=" + HTML.query(field("activity")), refusal(error))
        }
    }

    func checkout() -> WebResponse {
        do {
            let record = try call(API.checkout, .init(activity: field("activity"), volunteer: me))
            return done("/web/me", Part.notice(w("签退成功：服务 \(hours(record.minutes)) 小时，等待组织者审核。", "Checked out: \(hours(record.minutes)) hours, waiting for the organizer's approval."), kind: .ok, w: w))
        } catch {
            return done("/web/checkin?activity=" + HTML.query(field("activity")), refusal(error))
        }
    }
}

extension Date {
    var timeIntervalSince1970Millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
