public import Foundation
public import JifenCore

/// Renders an event in plain Chinese for a group chat (WeCom, DingTalk, Feishu): a title and a
/// few lines, with people's and merchants' names, activities' and offers' titles, and times in
/// the community's time zone, e.g. "新活动：重阳节敬老院陪伴 / 时间：2026年10月11日 09:00–11:30 /
/// 地点：… / 每小时积分：10 / 剩余名额：6（共 12 个）". Elders read these: no ids where a name is
/// known, no English keys, no UTC. Every type in `Events.allTypes` has its own text (tested).
public enum EventText {
    public struct Message: Sendable, Equatable {
        public var title: String
        public var lines: [String]

        /// Markdown for WeCom and DingTalk: the title in bold, then one line each.
        public var markdown: String { (["**\(title)**"] + lines).joined(separator: "\n\n") }
        /// Plain text for Feishu.
        public var text: String { ([title] + lines).joined(separator: "\n") }
    }

    /// The title of an event type that has no text of its own (none of the core's; see `Events.allTypes`).
    public static let genericTitle = "积分系统通知"

    public static func render(_ event: StoredEvent, timeZone: TimeZone) -> Message {
        let fields = (try? JSONSerialization.jsonObject(with: Data(event.payload.utf8))) as? [String: Any] ?? [:]
        let f = Fields(fields: fields, timeZone: timeZone)
        let points = "\(f["points"]) 积分"
        switch event.type {
        case "activity.published":
            var lines: [String] = []
            if let time = f.span(start: ["start", "starts_at", "start_at"], end: ["end", "ends_at", "end_at"]) {
                lines.append("时间：" + time)
            }
            if let place = f.first(["place", "location", "address"]) { lines.append("地点：" + place) }
            if let content = f.first(["content"]) { lines.append("服务内容：" + content) }
            if let rate = f.first(["rate", "points_per_hour"]) { lines.append("每小时积分：" + rate) }
            if let left = f.first(["places_left", "slots_left", "remaining"]) {
                lines.append("剩余名额：" + left + (f.first(["capacity", "places"]).map { "（共 \($0) 个）" } ?? ""))
            }
            if let team = f.first(["team_name"]) { lines.append("组织：" + team) }
            return Message(title: "新活动：" + (f.first(["title", "name"]) ?? "（未命名）"), lines: lines)
        case "activity.cancelled":
            return Message(
                title: "活动取消：" + (f.first(["title"]) ?? "（未命名）"),
                lines: [
                    f.span(start: ["start"], end: ["end"]).map { "原定时间：" + $0 },
                    f.line("地点", "place"),
                    f.line("取消原因", "reason"),
                    f.line("组织", "team_name"),
                    "已报名的志愿者不必前往。",
                ].compactMap { $0 })
        case "activity.closed":
            let records = Int(f["records"]) ?? 0
            return Message(
                title: "活动结束：" + (f.first(["title"]) ?? "（未命名）"),
                lines: [
                    f.span(start: ["start"], end: ["end"]).map { "时间：" + $0 },
                    records > 0 ? "共 \(records) 条服务记录，服务时长合计 \(duration(f["minutes"]))" : "没有服务记录",
                    f.line("组织", "team_name"),
                    "感谢各位志愿者的付出！",
                ].compactMap { $0 })
        case "points.granted":
            return Message(
                title: "积分发放",
                lines: ["\(f.who("to")) 获得 \(points)", f.line("原因", "memo"), f.line("操作人", "actor"), f.timeLine()]
                    .compactMap { $0 })
        case "points.earned":
            let served = f.first(["minutes"]).map { "服务 " + duration($0) + "，" } ?? ""
            let line =
                f.first(["activity_title"]).map { "\(f.who("to")) 参加「\($0)」\(served)获得 \(points)" }
                ?? "\(f.who("to")) 参加志愿服务\(served)获得 \(points)"
            return Message(title: "服务积分", lines: [line, f.timeLine()].compactMap { $0 })
        case "points.transferred":
            return Message(
                title: "积分转赠",
                lines: ["\(f.who("from")) 赠给 \(f.who("to")) \(points)", f.line("留言", "memo"), f.timeLine()].compactMap {
                    $0
                })
        case "points.redeemed":
            let line =
                f.first(["offer_title"]).map { "\(f.who("from")) 在 \(f.who("to")) 用 \(points)兑换「\($0)」" }
                ?? "\(f.who("from")) 在 \(f.who("to")) 使用 \(points)"
            return Message(title: "积分兑换", lines: [line, f.timeLine()].compactMap { $0 })
        case "points.refunded":
            return Message(
                title: "积分退还",
                lines: [
                    "\(f.who("from")) 退还 \(f.who("to")) \(points)"
                        + (f.first(["offer_title"]).map { "（兑换「\($0)」）" } ?? ""),
                    f.line("原因", "memo"), f.timeLine(),
                ].compactMap { $0 })
        case "points.reversed":
            return Message(
                title: "积分更正",
                lines: [
                    "\(f.who("from")) 的 \(points)退回\(f.who("to"))，更正此前的一笔记录"
                        + (f.first(["activity_title"]).map { "（活动「\($0)」）" } ?? ""),
                    f.line("原因", "memo"), f.timeLine(),
                ].compactMap { $0 })
        case "points.expired":
            return Message(
                title: "积分过期", lines: ["\(f.who("from")) 有 \(points)已过有效期，自动失效", f.timeLine()].compactMap { $0 })
        case "points.adjusted":
            return Message(
                title: "积分调整",
                lines: ["从 \(f.who("from")) 调给 \(f.who("to")) \(points)", f.line("原因", "memo"), f.timeLine()].compactMap
                { $0 })
        case "merchant.settled":
            return Message(
                title: "商户结算", lines: ["爱心商户 \(f.who("from")) 已结算 \(points)", f.timeLine()].compactMap { $0 })
        case "points.held":
            let line =
                f.first(["offer_title"]).map { "\(f.who("from")) 在 \(f.who("to")) 预留 \(points)兑换「\($0)」" }
                ?? "\(f.who("from")) 在 \(f.who("to")) 预留 \(points)"
            return Message(
                title: "积分预留",
                lines: [line, f.first(["expires_at"]).map { "请在 \(f.time(raw: $0)) 前领取，过期自动退回" }].compactMap { $0 })
        case "points.released":
            let how = ["voided": "已撤销", "lapsed": "超时未领取", "posted": "已领取"][f["status"]] ?? "已解除"
            let offer = f.first(["offer_title"]).map { "兑换「\($0)」" } ?? ""
            return Message(
                title: "预留解除", lines: ["\(f.who("from")) 在 \(f.who("to")) 预留\(offer)的 \(points)\(how)，积分已退回"])
        case "points.expiring":
            let day = f.first(["expires_on"]).map(Self.day) ?? "近日"
            return Message(title: "积分即将过期", lines: ["\(f.who("account")) 有 \(points)将于 \(day) 起失效，请尽快使用"])
        case "merchant.code_locked":
            let window = f.first(["window_hours"]).map { "\($0) 小时内" } ?? ""
            return Message(
                title: "商户输错付款码过多，兑换已暂停",
                lines: [
                    "爱心商户 \(f.who("merchant")) \(window)输错付款码 \(f["wrong_tries"]) 次，已暂停兑换"
                        + (f.first(["locked_until"]).map { "到 \(f.time(raw: $0))" } ?? ""),
                    "可能有人在猜志愿者的付款码，请组织者联系该商户核实。",
                ])
        case let type where type.hasPrefix("request."):
            return requestMessage(type, f)
        case "ping":
            return Message(title: "积分系统测试消息", lines: ["这是一条由 jifen webhook test 发出的测试消息，收到即表示配置正确。"])
        case "points.donated":
            return Message(
                title: "微心愿捐赠",
                lines: ["\(f.who("from")) 为微心愿「\(f["memo"])」捐赠 \(points)", f.line("心愿编号", "reference"), f.timeLine()]
                    .compactMap { $0 })
        case "wish.paid":
            return Message(
                title: "微心愿积分支付",
                lines: [
                    "\(f.who("to")) 实现微心愿「\(f["memo"])」，获得捐赠的 \(points)", f.line("心愿编号", "reference"), f.timeLine(),
                ].compactMap { $0 })
        case "wish.posted", "wish.claimed", "wish.claim_cancelled", "wish.revoked", "wish.realized", "wish.taken_down",
            "wish.withdrawn":
            let titles = [
                "wish.posted": "新的微心愿", "wish.claimed": "微心愿已被认领", "wish.claim_cancelled": "微心愿认领已取消",
                "wish.revoked": "微心愿认领被撤销", "wish.realized": "微心愿已实现", "wish.taken_down": "微心愿已撤下",
                "wish.withdrawn": "微心愿捐赠已收回",
            ]
            let who = f["beneficiary_kind"] == "elder" ? "一位老人" : "一名儿童"
            let asked = (Int(f["points"]) ?? 0) > 0 ? "需要 \(f["points"]) 积分，已捐 \(f["donated"]) 积分" : nil
            return Message(
                title: (titles[event.type] ?? "微心愿") + "：" + (f.first(["title"]) ?? "（未命名）"),
                lines: [
                    "\(who)的心愿（编号 \(f["wish_id"])）", asked, f.line("认领人", "claimant"), f.line("说明", "note"),
                    event.type == "wish.posted" ? "欢迎志愿者和爱心商户认领。" : nil, f.timeLine(),
                ].compactMap { $0 })
        default:
            // No raw keys or UTC times: an event type this version does not know gets a plain note.
            return Message(
                title: genericTitle, lines: ["积分系统有一条新的通知（\(event.type)），详情请在系统中查看。", f.timeLine()].compactMap { $0 })
        }
    }

    /// A service request: what, when, the area only (never the resident's name, address or
    /// phone), and how to take it.
    static func requestMessage(_ type: String, _ f: Fields) -> Message {
        let id = f["request_id"]
        let what = f.first(["content"]) ?? "（未填写）"
        let area = f.line("地区", "area")
        let wanted = f.line("期望时间", "wanted_at")
        let claim = "接单：回复或在系统中执行 jifen request claim \(id)"
        let team = f.line("服务队", "team_name")
        switch type {
        case "request.posted":
            return Message(title: "居民点单：" + what, lines: [area, wanted, "社区将尽快受理。"].compactMap { $0 })
        case "request.accepted":
            return Message(title: "已受理：" + what, lines: [area, wanted].compactMap { $0 })
        case "request.rejected":
            return Message(title: "不予受理：" + what, lines: [area, f.line("原因", "note")].compactMap { $0 })
        case "request.dispatched":
            return Message(
                title: "派单：" + what,
                lines: [
                    area, wanted, team, f.line("指派给", "volunteer"),
                    f.first(["response_due"]).map { "请在 \(f.time(raw: $0)) 前接单" },
                    claim,
                ].compactMap { $0 })
        case "request.pooled":
            return Message(
                title: "待接单：" + what,
                lines: [area, wanted, team, f.first(["response_due"]).map { "请在 \(f.time(raw: $0)) 前接单" }, claim]
                    .compactMap { $0 })
        case "request.claimed":
            return Message(title: "已接单：" + what, lines: [area, f.line("接单志愿者", "server")].compactMap { $0 })
        case "request.returned":
            return Message(title: "退单，重新派单中：" + what, lines: [area, f.line("原因", "note")].compactMap { $0 })
        case "request.started":
            return Message(title: "服务中：" + what, lines: [area, f.line("志愿者", "server")].compactMap { $0 })
        case "request.finished":
            return Message(
                title: "服务完成，待居民确认：" + what,
                lines: [area, f.first(["note"]).map { "服务时长：" + duration($0) }].compactMap { $0 })
        case "request.confirmed":
            return Message(
                title: "居民已确认：" + what, lines: [area, f.line("志愿者", "server"), "感谢志愿者的付出！"].compactMap { $0 })
        case "request.rated":
            return Message(title: "居民评价：" + what, lines: [f.first(["note"]).map { "评分：\($0) 星" }].compactMap { $0 })
        case "request.reopened":
            return Message(title: "重办：" + what, lines: [area, f.line("原因", "note")].compactMap { $0 })
        case "request.cancelled":
            return Message(title: "居民已取消：" + what, lines: [area].compactMap { $0 })
        case "request.expired":
            return Message(title: "无人接单，已过期：" + what, lines: [area, team].compactMap { $0 })
        case "request.overdue":
            let late = f["note"] == "completion" ? "已超过完成时限，请尽快完成" : "已超过接单时限，仍无人接单"
            return Message(
                title: "超时提醒：" + what,
                lines: [late, area, wanted, team, f["note"] == "completion" ? nil : claim].compactMap { $0 })
        default:
            return Message(title: "服务请求：" + what, lines: [area, f.timeLine()].compactMap { $0 })
        }
    }

    /// What a person typed, made inert for a group chat: it reads the same to an elder, but no
    /// robot takes it as markup. Markdown's link, image, emphasis, heading and code marks, `<…>`
    /// tags (WeCom's `<@all>` and `<font>`, Feishu's `<at user_id="all">`), `@` mentions
    /// (DingTalk's `@all`, `@phone`) and anything a chat would turn into a link (`http://`, `www.`,
    /// `example.com`) become their full-width look-alikes; a line break becomes a space, so a
    /// value cannot start a line of its own.
    public static func inert(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            switch scalar {
            case "\n", "\r", "\t", "\u{2028}", "\u{2029}": out.append(" ")
            // `http://x` → `http：//x`; `a.com` → `a．com` (a dot before a letter, never in `3.5`).
            case ":" where next == "/": out.append("：")
            case "." where next.map { $0.isASCII && CharacterSet.letters.contains($0) } ?? false: out.append("．")
            default:
                if let wide = wideLookAlikes[scalar] {
                    out.unicodeScalars.append(wide)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// ASCII marks a robot's Markdown or mention syntax gives a meaning, and their full-width forms.
    static let wideLookAlikes: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for mark in "[]()<>@*_`#~|!\\{}".unicodeScalars { map[mark] = Unicode.Scalar(mark.value + 0xFEE0)! }
        return map
    }()

    /// Minutes as an elder says them: `2小时`, `1小时30分钟`, `45分钟`.
    static func duration(_ text: String) -> String {
        guard let minutes = Int(text) else { return text }
        let (h, m) = (minutes / 60, minutes % 60)
        return h == 0 ? "\(m)分钟" : m == 0 ? "\(h)小时" : "\(h)小时\(m)分钟"
    }

    /// `2026-12-20` as `2026年12月20日`.
    static func day(_ text: String) -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    struct Fields {
        var fields: [String: Any]
        var timeZone: TimeZone

        /// A field's text made inert for a group chat (`EventText.inert`): every value of a
        /// payload may carry what a person typed (a memo, a title, a name, a reason).
        subscript(key: String) -> String { value(fields[key]).map(EventText.inert) ?? "" }

        func first(_ keys: [String]) -> String? {
            keys.lazy.compactMap { value(fields[$0]).map(EventText.inert) }.first { !$0.isEmpty }
        }

        func line(_ label: String, _ key: String) -> String? {
            first([key]).map { "\(label)：" + (key.hasSuffix("_at") ? time(raw: $0) : $0) }
        }

        /// Who an account is: the name of the person or merchant (`<key>_name`), else a plain
        /// word for a community's system account, else the id.
        func who(_ key: String) -> String {
            if let name = first([key + "_name"]) { return name }
            let id = value(fields[key]) ?? ""
            if id.hasSuffix(".issuance") { return "社区" }
            if id.hasSuffix(".expired") { return "社区过期积分" }
            if id.hasSuffix(".settled") { return "社区结算账户" }
            return id.isEmpty ? "（未知）" : EventText.inert(id)
        }

        func timeLine() -> String? { first(["at"]).map { "时间：" + time(raw: $0) } }

        /// `2026年10月11日 09:00–11:30`, or both dates when the span crosses a day.
        func span(start: [String], end: [String]) -> String? {
            guard let from = first(start).flatMap(date) else { return first(start) }
            guard let to = first(end).flatMap(date) else { return show(from) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return show(from) + "–" + (calendar.isDate(from, inSameDayAs: to) ? show(to, format: "HH:mm") : show(to))
        }

        /// ISO 8601 shown as `2026年10月11日 09:00` in the community's time zone; anything else as it is.
        func time(raw: String) -> String { date(raw).map { show($0) } ?? raw }

        func date(_ raw: String) -> Date? {
            let parser = ISO8601DateFormatter()
            parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return parser.date(from: raw) ?? ISO8601DateFormatter().date(from: raw)
        }

        func show(_ date: Date, format: String = "yyyy年M月d日 HH:mm") -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = format
            return formatter.string(from: date)
        }

        private func value(_ any: Any?) -> String? {
            switch any {
            case let string as String: string
            case let number as NSNumber: number.stringValue
            case nil, is NSNull: nil
            case let other?: "\(other)"
            }
        }
    }
}
