import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The resident's page (居民, signed in with her own paper code): ask for help with a few taps
/// (what, when; where is her registered address), and see each of her requests in plain words:
/// who is coming, with their phone to call once taken; confirm, rate, ask again, or cancel. Every
/// move is the endpoint's operation for her credential; the page says it and offers the next one.
extension Session {
    static let residentPath = "/web/resident"

    func residentPage() -> WebResponse {
        var body: Markup = ""
        do {
            let form = try call(API.requestForm, .init())
            let list = try call(API.requests, .init())
            body += "<p class=\"big\">\(form.name)</p>"
            // While someone is on the way (or she has to confirm), that comes first; else asking does.
            let waiting = list.contains { !$0.request.state.isFinal }
            body += waiting ? myRequests(list) + askForHelp(form) : askForHelp(form) + myRequests(list)
        } catch {
            return errorPage(w.text("请人帮忙", "Ask for help"), error)
        }
        return page(w.text("请人帮忙", "Ask for help"), body)
    }

    /// The form: a category, a time (as soon as possible is chosen), a few words if she likes.
    func askForHelp(_ form: JifenApp.RequestFormView) -> Markup {
        let chosenCategory = kept("category"), chosenTime = kept("wanted")
        var fields: Markup = "<fieldset><legend>\(w("要帮什么忙？", "What do you need?"))</legend>"
        for choice in form.categories {
            fields +=
                "<label class=\"choice\"><input type=\"radio\" name=\"category\" value=\"\(choice.value)\" required"
                + (choice.value == chosenCategory ? " checked" : "") + ">\(w(choice.zh, choice.en))</label>"
        }
        fields += "</fieldset><fieldset><legend>\(w("什么时候？", "When?"))</legend>"
        let times = form.times.contains { $0.value == chosenTime } ? chosenTime : ""
        for choice in form.times {
            fields +=
                "<label class=\"choice\"><input type=\"radio\" name=\"wanted\" value=\"\(choice.value)\""
                + (choice.value == times ? " checked" : "") + ">\(w(choice.zh, choice.en))</label>"
        }
        fields += "</fieldset>"
        fields += Part.field(
            "content", label: w("想多说几句？（可以不填）", "Anything to add? (you may leave it empty)"), value: kept("content"),
            extra: "maxlength=\"200\" autocomplete=\"off\"")
        var where_: Markup =
            "<p id=\"where\">\(w("地点", "Where"))：<strong>\(form.address.isEmpty ? form.area : form.address)</strong>"
        where_ +=
            "<br><small class=\"muted\">"
            + w(
                "这是您登记的地址。地址不对请找社区改。",
                "This is the address you registered. If it is wrong, ask the community office.") + "</small></p>"
        return "<section aria-labelledby=\"h-ask\"><h2 id=\"h-ask\">\(w("请志愿者帮忙", "Ask a volunteer for help"))</h2>"
            + Part.form(
                "/web/resident/post", csrf: csrf, fields: fields + where_, button: w("提交，请人来帮忙", "Send: ask for help"),
                id: "ask")
            + "</section>"
    }

    /// Her requests, newest and open first (the app's order), each with its state in words and its next move.
    func myRequests(_ list: [RequestView]) -> Markup {
        var html: Markup =
            "<section aria-labelledby=\"h-mine\"><h2 id=\"h-mine\">\(w("我的请求", "My requests"))</h2><ul class=\"list\" id=\"my-requests\">"
        if list.isEmpty { html += "<li>\(w("还没有请过人帮忙。", "You have not asked for help yet."))</li>" }
        for view in list.prefix(12) {
            let r = view.request
            html += "<li id=\"req-\(r.id)\"><strong>\(r.content)</strong>"
            html += " <span class=\"status\">\(w(r.state.chinese, stateEnglish(r.state)))</span>"
            html += "<br>\(w("时间", "When"))：\(wantedWords(r))"
            html += "<p class=\"state-words\">\(residentWords(view))</p>"
            if [.claimed, .inService, .done].contains(r.state), !view.serverPhone.isEmpty,
                !view.serverPhone.contains("*")
            {
                html += "<p>" + phoneLink(view.serverPhone) + "</p>"
            }
            html += residentMoves(r)
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    func stateEnglish(_ state: RequestState) -> String {
        switch state {
        case .submitted: "sent"
        case .accepted: "received"
        case .rejected: "not taken on"
        case .dispatched, .pooled: "finding a volunteer"
        case .claimed: "a volunteer is coming"
        case .returned: "finding someone else"
        case .inService: "being helped"
        case .done: "please confirm"
        case .confirmed: "confirmed"
        case .rated: "rated"
        case .cancelled: "cancelled"
        case .expired: "nobody was free"
        }
    }

    /// What is happening, in a sentence she can act on.
    func residentWords(_ view: RequestView) -> Markup {
        let r = view.request, who = "\(view.serverName)"
        switch r.state {
        case .submitted, .accepted:
            return w("社区已收到，正在安排志愿者。", "The community has it and is finding a volunteer.")
        case .dispatched, .pooled:
            return w(
                "正在等志愿者接单。有人接了，这里会写他的名字和电话。",
                "Waiting for a volunteer to take it. When one does, their name and phone show here.")
        case .returned:
            return w("原来的志愿者有事去不了，社区正在另找人。", "The volunteer could not come; the community is finding someone else.")
        case .claimed:
            return w("志愿者 ", "Volunteer ") + "<strong class=\"server\">\(who)</strong>"
                + w(" 接了您的请求，会按时来。有事可以给他打电话。", " took your request and will come. You may call them.")
        case .inService:
            return "<strong class=\"server\">\(who)</strong>" + w(" 正在为您服务。", " is helping you now.")
        case .done:
            return "<strong class=\"server\">\(who)</strong>"
                + w(
                    " 说已经办好了。办好了请点“确认办好了”；没办好可以给他打电话。",
                    " says it is done. If so, press “Yes, it is done”; if not, call them.")
        case .confirmed:
            return w("您已确认办好了，谢谢！请给这次服务打个分。", "You confirmed it is done. Thank you! Please rate the help.")
        case .rated:
            let stars = r.rating.map { String(repeating: "★", count: $0) } ?? ""
            return w("您的评价：", "Your rating: ")
                + "<span aria-label=\"\(w("\(r.rating ?? 0) 星", "\(r.rating ?? 0) stars"))\">\(stars)</span>"
                + (r.comment.isEmpty ? "" : " " + "\(r.comment)")
        case .rejected:
            return w("社区没有受理", "The community did not take it on")
                + (r.reason.isEmpty ? "" : "：" + "\(r.reason)")
                + w("。有疑问请找社区。", ". Ask the community office if unsure.")
        case .cancelled:
            return w("您已取消。", "You cancelled it.")
        case .expired:
            return w("这次没有志愿者有空，已过期。可以在上面再请一次。", "Nobody was free in time. You may ask again above.")
        }
    }

    /// The next move the state allows her (the app still decides: a late one is refused with the reason).
    func residentMoves(_ r: ServiceRequest) -> Markup {
        let id = Part.hidden("request", r.id)
        switch r.state {
        case .done:
            return Part.form(
                "/web/resident/confirm", csrf: csrf, fields: id,
                button: w("确认办好了：\(r.content)", "Yes, it is done: \(r.content)"))
        case .confirmed:
            var buttons: Markup = ""
            for (stars, zh, en) in [
                (5, "很满意", "Very good"), (4, "满意", "Good"), (3, "一般", "All right"), (2, "不太满意", "Not good"),
                (1, "很不满意", "Bad"),
            ] {
                let primary = stars == 5 ? "primary" : ""
                buttons += "<button type=\"submit\" name=\"stars\" value=\"\(stars)\" class=\"\(primary)\">"
                buttons += "<span aria-hidden=\"true\">\(String(repeating: "★", count: stars))</span> "
                buttons += "\(w("\(stars) 星 \(zh)", "\(stars) stars: \(en)"))</button> "
            }
            return
                "<form method=\"post\" action=\"/web/resident/rate\" class=\"stars\" aria-label=\"\(w("给「\(r.content)」打分", "Rate “\(r.content)”"))\">"
                + Part.hidden("csrf", csrf) + id
                + Part.field(
                    "comment", label: w("想说的话（可以不填）", "A few words (you may leave it empty)"),
                    extra: "maxlength=\"500\"", id: "comment-\(r.id)")
                + buttons + "</form>" + reopenForm(r)
        case .rated:
            return reopenForm(r)
        case _ where r.state.isUnclaimed:
            return "<details><summary>\(w("不需要了？取消", "Not needed any more? Cancel"))</summary>"
                + Part.form(
                    "/web/resident/cancel", csrf: csrf,
                    fields: id
                        + Part.field(
                            "reason", label: w("原因（可以不填）", "Why (you may leave it empty)"), id: "cancel-\(r.id)"),
                    button: w("取消这个请求", "Cancel this request"), buttonClass: "danger")
                + "</details>"
        default:
            return ""
        }
    }

    func reopenForm(_ r: ServiceRequest) -> Markup {
        "<details><summary>\(w("还没办好？请他再来", "Not right? Ask for it again"))</summary>"
            + Part.form(
                "/web/resident/reopen", csrf: csrf,
                fields: Part.hidden("request", r.id)
                    + Part.field(
                        "reason", label: w("哪里还没办好？", "What is still wrong?"), extra: "required", id: "reopen-\(r.id)"),
                button: w("请再来一次", "Ask again"))
            + "</details>"
    }

    // MARK: Her forms (each answers with a 303 to her page, at the request)

    func postOwnRequest() -> WebResponse {
        let category = field("category"), wanted = field("wanted"), content = field("content")
        do {
            let r = try call(
                API.postRequest,
                .init(resident: "", content: content, category: category, wanted: wanted.isEmpty ? nil : wanted))
            return done(
                "\(Self.residentPath)#req-\(r.id)",
                Part.notice(
                    w(
                        "已提交：\(r.content)。社区会尽快安排志愿者；有人接了，这里会写他的名字和电话。",
                        "Sent: \(r.content). The community will find a volunteer; when one takes it, their name and phone show here."
                    ), kind: .ok, w: w))
        } catch {
            return done(
                Self.residentPath + "#ask", refusal(error),
                keep: ["category": category, "wanted": wanted, "content": content])
        }
    }

    func confirmOwnRequest() -> WebResponse {
        let id = requestField
        do {
            let r = try call(API.confirmRequest, .init(request: id))
            return done(
                "\(Self.residentPath)#req-\(r.id)",
                Part.notice(
                    w(
                        "已确认：\(r.content) 办好了。谢谢！请给这次服务打个分。",
                        "Confirmed: \(r.content) is done. Thank you! Please rate the help."), kind: .ok, w: w))
        } catch {
            return done("\(Self.residentPath)#req-\(id)", requestRefusal(error, id))
        }
    }

    func rateOwnRequest() -> WebResponse {
        let id = requestField
        do {
            guard let stars = Int(field("stars")) else {
                throw JifenError.usage(
                    .badRating, zh: "请点一个星级（1 到 5 星）。", en: "Press one of the ratings (1 to 5 stars).")
            }
            let r = try call(API.rateRequest, .init(request: id, stars: stars, comment: field("comment")))
            return done(
                "\(Self.residentPath)#req-\(r.id)",
                Part.notice(
                    w("谢谢您的评价：\(r.content)，\(stars) 星。", "Thank you for rating \(r.content): \(stars) stars."),
                    kind: .ok, w: w))
        } catch {
            return done("\(Self.residentPath)#req-\(id)", requestRefusal(error, id))
        }
    }

    func reopenOwnRequest() -> WebResponse {
        let id = requestField
        do {
            let r = try call(API.reopenRequest, .init(request: id, reason: field("reason")))
            return done(
                "\(Self.residentPath)#req-\(r.id)",
                Part.notice(
                    w("已请志愿者再来：\(r.content)。", "Asked again: \(r.content). The volunteer will come back."), kind: .ok,
                    w: w))
        } catch {
            return done("\(Self.residentPath)#req-\(id)", requestRefusal(error, id))
        }
    }

    func cancelOwnRequest() -> WebResponse {
        let id = requestField
        do {
            let r = try call(API.cancelRequest, .init(request: id, reason: field("reason")))
            return done(
                "\(Self.residentPath)#req-\(r.id)",
                Part.notice(w("已取消：\(r.content)。", "Cancelled: \(r.content)."), kind: .ok, w: w))
        } catch {
            return done("\(Self.residentPath)#req-\(id)", requestRefusal(error, id))
        }
    }
}
