import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// Service requests (居民点单) on the pages, for both sides: the words a person reads for a
/// request's state and time, the phone as a link to call, and the volunteer's moves on what she
/// took (开始 / 完成 / 退单). Every move is the endpoint's operation; the page only says it.
extension Session {
    /// "维修（水电、门窗）", or the category as typed when the list does not know it.
    func categoryName(_ category: String) -> Markup {
        let name = RequestForm.name(category)
        return w(name.zh, name.en)
    }

    /// When she would like it: "12月2日 09:00", or "尽快".
    func wantedWords(_ r: ServiceRequest) -> Markup {
        guard let at = r.wantedAtMillis else { return w("尽快", "as soon as possible") }
        return "\(shortDay(at) + " " + time(at))"
    }

    /// A phone to tap and call: `tel:` with its digits, shown in groups ("138 0000 1234").
    func phoneLink(_ phone: String) -> Markup {
        let dial = phone.filter { $0.isNumber || $0 == "+" }
        guard !dial.isEmpty else { return "\(phone)" }
        var shown = phone
        if dial.count == 11, dial.allSatisfy(\.isNumber) {
            let d = Array(dial)
            shown = String(d[0..<3]) + " " + String(d[3..<7]) + " " + String(d[7..<11])
        }
        return "<a class=\"button tel\" href=\"tel:\(dial)\">\(w("打电话", "Call")) \(shown)</a>"
    }

    /// The state as the volunteer reads it.
    func serverWords(_ r: ServiceRequest) -> Markup {
        switch r.state {
        case .claimed: w("已接单，还没开始", "taken, not started yet")
        case .inService: w("正在服务", "serving now")
        case .done: w("已完成，等居民确认", "done, waiting for the resident to confirm")
        case .confirmed, .rated: w("居民已确认", "confirmed by the resident")
        case .dispatched: w("派给您的，等您接单", "sent to you, waiting for you to take it")
        case .pooled: w("等人接单", "waiting for someone to take it")
        default: w(r.state.chinese, r.state.rawValue.replacingOccurrences(of: "_", with: " "))
        }
    }

    /// A refusal about one request, naming it by what it is (「换水龙头」) rather than its number.
    func requestRefusal(_ error: Error, _ id: String) -> Markup {
        var text = message(error)
        if !id.isEmpty, text.contains(id), let content = (try? call(API.request, .init(request: id)))?.request.content {
            text = text.replacingOccurrences(of: id, with: "「\(content)」")
        }
        return Part.notice("\(text)", kind: .refused, w: w)
    }

    /// The request id of a form, kept to the shape of an id (it goes into an anchor).
    var requestField: String {
        let id = field("request")
        return id.allSatisfy { $0.isLetter || $0.isNumber } && id.count <= 12 ? id : ""
    }

    // MARK: The volunteer's moves on what she took

    /// 开始: she is at the door.
    func startServing() -> WebResponse {
        let id = requestField
        do {
            let r = try call(API.startRequest, .init(request: id))
            return done(
                "/web/me#req-\(r.id)",
                Part.notice(
                    w("已开始：\(r.content)。做完后请点“完成”。", "Started: \(r.content). Press “Done” when you finish."), kind: .ok,
                    w: w))
        } catch {
            return done("/web/me#req-\(id)", requestRefusal(error, id))
        }
    }

    /// 完成, with the minutes served (a button per usual length, or typed).
    func finishServing() -> WebResponse {
        let id = requestField
        let typed = field("other_minutes").isEmpty ? field("minutes") : field("other_minutes")
        do {
            guard let minutes = Int64(typed), minutes > 0 else {
                throw JifenError.usage(
                    .badValue, zh: "请选择或填写服务了多少分钟。", en: "Choose or type how many minutes you served.")
            }
            let r = try call(API.finishRequest, .init(request: id, minutes: minutes))
            return done(
                "/web/me#req-\(r.id)",
                Part.notice(
                    w(
                        "已完成：\(r.content)，服务 \(hours(minutes)) 小时。等居民确认后计入服务记录。",
                        "Done: \(r.content), \(hours(minutes)) hours. It is recorded once the resident confirms."),
                    kind: .ok, w: w))
        } catch {
            return done("/web/me#req-\(id)", requestRefusal(error, id))
        }
    }

    /// 退单, with a reason: the community sends it to someone else.
    func giveBackRequest() -> WebResponse {
        let id = requestField
        do {
            let r = try call(API.returnRequest, .init(request: id, reason: field("reason")))
            return done(
                "/web/me#requests",
                Part.notice(
                    w("已退单：\(r.content)。社区会另找志愿者。", "Given back: \(r.content). The community will find someone else."),
                    kind: .ok, w: w))
        } catch {
            return done("/web/me#req-\(id)", requestRefusal(error, id))
        }
    }

    /// What she took and still serves (已接单, 服务中, 待确认), with the resident's address and phone
    /// and the next move.
    func takenRequests(_ list: [RequestView]) -> Markup {
        let taken = list.filter { $0.request.server == me && [.claimed, .inService, .done].contains($0.request.state) }
        guard !taken.isEmpty else { return "" }
        var html: Markup =
            "<section aria-labelledby=\"h-taken\"><h2 id=\"h-taken\">\(w("我接的单", "Requests I took"))</h2><ul class=\"list\" id=\"taken\">"
        for view in taken {
            let r = view.request
            html += "<li id=\"req-\(r.id)\"><strong>\(r.content)</strong>"
            html += " <span class=\"status\">\(serverWords(r))</span>"
            html +=
                "<br>\(w("居民", "Resident"))：\(view.residentName) · \(w("时间", "When"))：\(wantedWords(r))"
            if !view.address.isEmpty { html += "<br>\(w("地址", "Address"))：\(view.address)" }
            if !view.phone.isEmpty && !view.phone.contains("*") { html += "<br>" + phoneLink(view.phone) }
            switch r.state {
            case .claimed:
                html += Part.form(
                    "/web/me/start", csrf: csrf, fields: Part.hidden("request", r.id),
                    button: w("开始服务：\(r.content)", "Start: \(r.content)"))
                html += "<details><summary>\(w("去不了？退单", "Cannot go? Give it back"))</summary>"
                html += Part.form(
                    "/web/me/return", csrf: csrf,
                    fields: Part.hidden("request", r.id)
                        + Part.field(
                            "reason", label: w("为什么去不了？", "Why can you not go?"), extra: "required",
                            id: "return-\(r.id)"),
                    button: w("退单", "Give it back"), buttonClass: "danger")
                html += "</details>"
            case .inService:
                var buttons: Markup = ""
                for (minutes, zh, en) in [
                    (30, "半小时", "Half an hour"), (60, "1 小时", "1 hour"), (90, "1.5 小时", "1.5 hours"),
                    (120, "2 小时", "2 hours"),
                ] {
                    buttons +=
                        "<button type=\"submit\" name=\"minutes\" value=\"\(minutes)\" class=\"primary\">"
                        + w(
                            "完成，服务了\(zh)",
                            "Done, served \(en.lowercased())") + "</button> "
                }
                html +=
                    "<form method=\"post\" action=\"/web/me/finish\" aria-label=\"\(w("完成：\(r.content)", "Done: \(r.content)"))\">"
                    + Part.hidden("csrf", csrf) + Part.hidden("request", r.id) + buttons
                    + "<details><summary>\(w("别的时长", "Another length"))</summary>"
                    + Part.field(
                        "other_minutes", label: w("服务了多少分钟", "Minutes served"), type: "number",
                        extra: "inputmode=\"numeric\" min=\"1\" max=\"1440\"", id: "minutes-\(r.id)")
                    + "<button type=\"submit\">\(w("完成", "Done"))</button></details></form>"
            default:
                html +=
                    "<p class=\"muted\">\(w("居民确认后，这次服务会记入您的服务记录。", "Once the resident confirms, it goes into your service records."))</p>"
            }
            html += "</li>"
        }
        return html + "</ul></section>"
    }
}
