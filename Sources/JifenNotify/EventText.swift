import Foundation
import JifenCore

/// Renders an event in Chinese for a group chat: a title and a few lines, e.g.
/// "新活动：重阳节敬老院陪伴 / 时间：10月11日 09:00–11:30 / 地点：… / 每小时积分：10 / 剩余名额：6".
public enum EventText {
    public struct Message: Sendable, Equatable {
        public var title: String
        public var lines: [String]

        /// Markdown for WeCom and DingTalk: the title in bold, then one line each.
        public var markdown: String { (["**\(title)**"] + lines).joined(separator: "\n\n") }
        /// Plain text for Feishu.
        public var text: String { ([title] + lines).joined(separator: "\n") }
    }

    public static func render(_ event: StoredEvent, timeZone: TimeZone) -> Message {
        let fields = (try? JSONSerialization.jsonObject(with: Data(event.payload.utf8))) as? [String: Any] ?? [:]
        let f = Fields(fields: fields, timeZone: timeZone)
        let points = f["points"]
        switch event.type {
        case "activity.published":
            var lines: [String] = []
            if let time = f.time(["starts_at", "start", "start_at"]) {
                lines.append("时间：" + time + (f.time(["ends_at", "end", "end_at"]).map { " – " + $0 } ?? ""))
            }
            if let place = f.first(["place", "location", "address"]) { lines.append("地点：" + place) }
            if let rate = f.first(["points_per_hour"]) { lines.append("每小时积分：" + rate) }
            if let left = f.first(["places_left", "slots_left", "remaining"]) {
                lines.append("剩余名额：" + left + (f.first(["capacity", "places"]).map { " / " + $0 } ?? ""))
            }
            if let team = f.first(["team_name", "team", "organizer"]) { lines.append("组织：" + team) }
            return Message(title: "新活动：" + (f.first(["title", "name"]) ?? "（未命名）"), lines: lines)
        case "points.granted":
            return Message(title: "积分发放", lines: ["\(f["to"]) 获得 \(points) 积分", f.line("原因", "memo"), f.line("操作人", "actor"), f.timeLine()].compactMap { $0 })
        case "points.earned":
            return Message(title: "服务积分", lines: ["\(f["to"]) 获得 \(points) 积分", f.line("活动", "reference"), f.timeLine()].compactMap { $0 })
        case "points.transferred":
            return Message(title: "积分转赠", lines: ["\(f["from"]) → \(f["to"])：\(points) 积分", f.line("留言", "memo"), f.timeLine()].compactMap { $0 })
        case "points.redeemed":
            return Message(title: "积分兑换", lines: ["\(f["from"]) 在 \(f["to"]) 使用 \(points) 积分", f.line("兑换项目", "reference"), f.timeLine()].compactMap { $0 })
        case "points.refunded":
            return Message(title: "积分退还", lines: ["\(f["from"]) 退还 \(f["to"]) \(points) 积分", f.line("说明", "memo"), f.timeLine()].compactMap { $0 })
        case "points.reversed":
            return Message(title: "积分冲正", lines: ["冲正转账 #\(f["reverses"])：\(f["from"]) → \(f["to"]) \(points) 积分", f.line("原因", "memo"), f.timeLine()].compactMap { $0 })
        case "points.expired":
            return Message(title: "积分过期", lines: ["\(f["from"]) 有 \(points) 积分到期失效", f.timeLine()].compactMap { $0 })
        case "points.adjusted":
            return Message(title: "积分调整", lines: ["\(f["from"]) → \(f["to"])：\(points) 积分", f.line("原因", "memo"), f.timeLine()].compactMap { $0 })
        case "merchant.settled":
            return Message(title: "商户结算", lines: ["\(f["from"]) 结算 \(points) 积分", f.line("说明", "memo"), f.timeLine()].compactMap { $0 })
        case "points.held":
            return Message(title: "积分冻结", lines: ["\(f["from"]) 冻结 \(points) 积分（给 \(f["to"])）", f.line("有效至", "expires_at")].compactMap { $0 })
        case "points.released":
            return Message(title: "冻结解除", lines: ["\(f["from"]) 的 \(points) 积分冻结已解除（\(f["status"])）"])
        case "ping":
            return Message(title: "积分系统测试消息", lines: ["这是一条由 jifen webhook test 发出的测试消息，收到即表示配置正确。"])
        default:
            let lines = fields.keys.sorted().map { "\($0)：\(f[$0])" }
            return Message(title: "事件 \(event.type)", lines: lines)
        }
    }

    struct Fields {
        var fields: [String: Any]
        var timeZone: TimeZone

        subscript(key: String) -> String { value(fields[key]) ?? "" }

        func first(_ keys: [String]) -> String? {
            keys.lazy.compactMap { value(fields[$0]) }.first { !$0.isEmpty }
        }

        func line(_ label: String, _ key: String) -> String? {
            first([key]).map { "\(label)：" + (key.hasSuffix("_at") ? time(raw: $0) : $0) }
        }

        func timeLine() -> String? { first(["at"]).map { "时间：" + time(raw: $0) } }

        func time(_ keys: [String]) -> String? { first(keys).map { time(raw: $0) } }

        /// ISO 8601 shown as `yyyy-MM-dd HH:mm` in the community's time zone; anything else as it is.
        func time(raw: String) -> String {
            let parser = ISO8601DateFormatter()
            parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let plain = ISO8601DateFormatter()
            guard let date = parser.date(from: raw) ?? plain.date(from: raw) else { return raw }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
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
