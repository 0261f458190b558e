import Foundation
import JifenNotify
import Testing

@testable import JifenCore

/// What the group-chat robots say, for every event type the core writes, in
/// each robot's format. The events are built by the core's own payload builders, with the names
/// and titles the ledger fills in, so the text is tested against the payload the ledger writes.
@Suite struct EventTextTests {
    /// 2026-12-20 01:00 UTC, 09:00 in Asia/Shanghai.
    static let at: Int64 = 1_797_728_400_000
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    struct Sample: Sendable {
        var event: OutboxEvent
        /// Phrases the message must carry (names, titles, local times).
        var says: [String]
        /// What must not appear (ids where a name is known, raw references).
        var never: [String] = []
    }

    static func transfer(
        _ kind: TransferKind, _ from: String, _ to: String, _ points: Int64, reference: String = "", memo: String = "",
        reverses: Int64? = nil, fromName: String? = nil, toName: String? = nil,
        details: TransferDetails = TransferDetails()
    ) -> OutboxEvent {
        Events.transfer(
            Transfer(
                id: 9, kind: kind, debit: from, credit: to, amount: points, key: "k", reference: reference,
                actor: "李主任",
                memo: memo, reverses: reverses, atMillis: at),
            fromName: fromName, toName: toName, details: details)
    }

    static func hold(status: HoldStatus, type: String) -> OutboxEvent {
        Events.hold(
            Hold(
                id: 4, kind: .redeem, debit: "V0001", credit: "M001", amount: 30, key: "k", reference: "R002",
                actor: "M001",
                memo: "理发", status: status, createdAtMillis: at, expiresAtMillis: at + 3 * 86_400_000),
            type: type, actor: "M001", atMillis: at, fromName: "张桂兰", toName: "老街理发店",
            details: TransferDetails(offerID: "O001", offerTitle: "理发"))
    }

    static let activity = Activity(
        id: "A0001", community: "C01", team: "T01", title: "夜间巡逻", place: "小区东门", content: "巡查楼道和车棚",
        category: "patrol", startMillis: at, endMillis: at + 2 * 3_600_000, capacity: 8, rate: 12)

    static func sample(_ type: String) -> Sample {
        switch type {
        case "points.granted":
            return Sample(
                event: transfer(.grant, "C01.issuance", "V0001", 120, memo: "纸质台账结转", toName: "张桂兰"),
                says: ["积分发放", "张桂兰 获得 120 积分", "原因：纸质台账结转", "时间：2026年12月20日 09:00"], never: ["V0001", "C01"])
        case "points.earned":
            return Sample(
                event: transfer(
                    .earn, "C01.issuance", "V0001", 20, reference: "H0000001", memo: "夜间巡逻", toName: "张桂兰",
                    details: TransferDetails(activityID: "A0001", activityTitle: "夜间巡逻", minutes: 120)),
                says: ["服务积分", "张桂兰 参加「夜间巡逻」服务 2小时，获得 20 积分", "时间：2026年12月20日 09:00"],
                never: ["H0000001", "V0001", "活动：H"])
        case "points.transferred":
            return Sample(
                event: transfer(.transfer, "V0001", "V0002", 20, memo: "给女儿", fromName: "张桂兰", toName: "王秀英"),
                says: ["积分转赠", "张桂兰 赠给 王秀英 20 积分", "留言：给女儿"], never: ["V0001", "V0002"])
        case "points.redeemed":
            return Sample(
                event: transfer(
                    .redeem, "V0001", "M001", 30, reference: "R001", memo: "理发", fromName: "张桂兰", toName: "老街理发店",
                    details: TransferDetails(offerID: "O001", offerTitle: "理发")),
                says: ["积分兑换", "张桂兰 在 老街理发店 用 30 积分兑换「理发」", "时间：2026年12月20日 09:00"],
                never: ["R001", "兑换项目：", "M001", "V0001"])
        case "points.refunded":
            return Sample(
                event: transfer(
                    .refund, "M001", "V0001", 10, reference: "R001", memo: "理发未完成", reverses: 7, fromName: "老街理发店",
                    toName: "张桂兰", details: TransferDetails(offerID: "O001", offerTitle: "理发")),
                says: ["积分退还", "老街理发店 退还 张桂兰 10 积分（兑换「理发」）", "原因：理发未完成"], never: ["R001", "M001"])
        case "points.reversed":
            return Sample(
                event: transfer(
                    .reverse, "V0001", "C01.issuance", 20, reference: "H0000001", memo: "重复录入", reverses: 6,
                    fromName: "张桂兰", details: TransferDetails(activityID: "A0001", activityTitle: "夜间巡逻")),
                says: ["积分更正", "张桂兰 的 20 积分退回社区", "夜间巡逻", "原因：重复录入"], never: ["H0000001", "C01.issuance"])
        case "points.expired":
            return Sample(
                event: transfer(
                    .expire, "V0001", "C01.expired", 15, memo: "lapsed on or before 2026-12-20", fromName: "张桂兰"),
                says: ["积分过期", "张桂兰 有 15 积分已过有效期"], never: ["lapsed", "V0001"])
        case "points.adjusted":
            return Sample(
                event: transfer(.adjust, "V0001", "V0002", 5, memo: "录错账户", fromName: "张桂兰", toName: "王秀英"),
                says: ["积分调整", "从 张桂兰 调给 王秀英 5 积分", "原因：录错账户"], never: ["V0001"])
        case "merchant.settled":
            return Sample(
                event: transfer(
                    .settle, "M001", "C01.settled", 300, reference: "S001", memo: "10 redemptions through 2026-12-19",
                    fromName: "老街理发店"),
                says: ["商户结算", "爱心商户 老街理发店 已结算 300 积分"], never: ["M001", "redemptions"])
        case "points.held":
            return Sample(
                event: hold(status: .pending, type: "points.held"),
                says: ["积分预留", "张桂兰 在 老街理发店 预留 30 积分兑换「理发」", "请在 2026年12月23日 09:00 前领取"], never: ["R002", "M001"])
        case "points.released":
            return Sample(
                event: hold(status: .voided, type: "points.released"),
                says: ["预留解除", "张桂兰 在 老街理发店 预留兑换「理发」的 30 积分已撤销"], never: ["voided", "R002"])
        case "points.expiring":
            return Sample(
                event: Events.expiring(
                    Lot(id: 3, account: "V0001", expiresOn: "2027-01-01", remaining: 40), accountName: "张桂兰",
                    asOf: "2026-12-20", atMillis: at),
                says: ["积分即将过期", "张桂兰 有 40 积分将于 2027年1月1日 起失效"], never: ["V0001", "2027-01-01"])
        case "merchant.code_locked":
            return Sample(
                event: Events.codeLocked(
                    merchant: "M001", merchantName: "老街理发店", tries: 10, windowHours: 24,
                    untilMillis: at + 15 * 60_000, actor: "M001", atMillis: at),
                says: ["兑换已暂停", "爱心商户 老街理发店 24 小时内输错付款码 10 次", "2026年12月20日 09:15", "请组织者联系该商户核实"],
                never: ["M001"])
        case "activity.published":
            return Sample(
                event: Events.activityPublished(
                    activity, team: Team(id: "T01", community: "C01", name: "平安使者巡逻队", leader: "杨建军"),
                    rules: Rules(), atMillis: at),
                says: [
                    "新活动：夜间巡逻", "时间：2026年12月20日 09:00–11:00", "地点：小区东门", "每小时积分：12",
                    "剩余名额：8（共 8 个）", "组织：平安使者巡逻队",
                ],
                never: ["T01", "A0001"])
        case "activity.cancelled":
            return Sample(
                event: Events.activityCancelled(activity, teamName: "平安使者巡逻队", reason: "下雨", atMillis: at),
                says: ["活动取消：夜间巡逻", "原定时间：2026年12月20日 09:00–11:00", "地点：小区东门", "取消原因：下雨", "组织：平安使者巡逻队"],
                never: ["start", "A0001", "T01"])
        case "activity.closed":
            return Sample(
                event: Events.activityClosed(activity, teamName: "平安使者巡逻队", records: 3, minutes: 330, atMillis: at),
                says: ["活动结束：夜间巡逻", "时间：2026年12月20日 09:00–11:00", "共 3 条服务记录，服务时长合计 5小时30分钟"],
                never: ["records", "minutes", "A0001"])
        case "points.donated":
            return Sample(
                event: transfer(
                    .donate, "V0001", "C01.donations", 30, reference: "W001", memo: "一个新书包", fromName: "张桂兰"),
                says: ["微心愿捐赠", "张桂兰 为微心愿「一个新书包」捐赠 30 积分"], never: ["V0001"])
        case "wish.paid":
            return Sample(
                event: transfer(
                    .fulfil, "C01.donations", "M001", 30, reference: "W001", memo: "一个新书包", toName: "老街理发店"),
                says: ["微心愿积分支付", "老街理发店 实现微心愿「一个新书包」，获得捐赠的 30 积分"], never: ["M001"])
        case let type where type.hasPrefix("wish."):
            var wish = Wish(
                id: 1, community: "C01", team: "T01", title: "一个新书包", beneficiaryKind: .child, beneficiaryName: "王小明",
                beneficiaryDetails: "三年级", points: 60, donated: 30, postedBy: "杨建军", createdAtMillis: at,
                updatedAtMillis: at)
            wish.claimant = type == "wish.posted" ? nil : "M001"
            return Sample(
                event: Wishes.wishEvent(
                    type, wish, actor: "杨建军", note: type == "wish.realized" ? "书包已送到" : "", atMillis: at),
                says: ["一个新书包", "一名儿童的心愿", "需要 60 积分，已捐 30 积分", "时间：2026年12月20日 09:00"],
                never: ["王小明", "三年级"])
        case let type where type.hasPrefix("request."):
            // What `Requests` writes: the area only, never the resident's name, address or phone.
            let note = ["request.finished": "90", "request.rated": "5", "request.overdue": "response"][type] ?? "临时有事"
            let payload =
                #"{"actor":"杨建军","area":"幸福里3号楼","at":"2026-12-20T01:00:00.000Z","category":"repair","content":"换水龙头","#
                + #""deadline":"2026-12-23T01:00:00.000Z","note":"\#(note)","offered_points":0,"request_id":"Q0001","#
                + #""response_due":"2026-12-21T01:00:00.000Z","server":"V0004","state":"pooled","team":"T01","team_name":"红管家","#
                + #""wanted_at":"2026-12-21T02:00:00.000Z"}"#
            return Sample(
                event: OutboxEvent(type: type, payload: payload, atMillis: at), says: ["换水龙头"],
                never: ["王秀英", "501", "138"])
        default:
            return Sample(event: OutboxEvent(type: type, payload: "{}", atMillis: at), says: ["no sample for \(type)"])
        }
    }

    static let robots: [WebhookFormat] = [.wecom, .dingtalk, .feishu]

    /// The text a robot receives: WeCom's and DingTalk's markdown, Feishu's text.
    static func delivered(_ event: OutboxEvent, _ format: WebhookFormat) throws -> String {
        let endpoint = WebhookEndpoint(
            id: 1, url: "https://robot.example/send?key=k", format: format, events: ["*"], secret: "",
            ratePerMinute: 20, allowPrivate: false, createdAtMillis: 0, createdBy: "admin")
        let delivery = ClaimedDelivery(
            id: 1, webhookID: "msg_1", attempt: 1,
            event: StoredEvent(id: 1, type: event.type, payload: event.payload, createdAtMillis: event.atMillis),
            endpoint: endpoint)
        let request = try WebhookMessage.request(for: delivery, nowMillis: at, timeout: 5, timeZone: zone)
        let object = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        switch format {
        case .feishu: return try #require((object["content"] as? [String: Any])?["text"] as? String)
        case .dingtalk:
            let markdown = try #require(object["markdown"] as? [String: Any])
            return (markdown["title"] as? String ?? "") + "\n" + (markdown["text"] as? String ?? "")
        default: return try #require((object["markdown"] as? [String: Any])?["content"] as? String)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var type: String
        var format: WebhookFormat
        var testDescription: String { "\(type) → \(format.rawValue)" }
    }

    static let cases = Events.allTypes.flatMap { type in robots.map { Case(type: type, format: $0) } }

    @Test(arguments: EventTextTests.cases)
    func everyEventTypeReadsAsPlainChineseInEveryRobot(_ c: Case) throws {
        let sample = Self.sample(c.type)
        let text = try Self.delivered(sample.event, c.format)
        #expect(!text.contains(EventText.genericTitle), "\(c.type) fell to the generic text")
        for phrase in sample.says {
            #expect(text.contains(phrase), "\(c.type) in \(c.format.rawValue) lacks \(phrase): \(text)")
        }
        for phrase in sample.never {
            #expect(!text.contains(phrase), "\(c.type) in \(c.format.rawValue) shows \(phrase): \(text)")
        }
        // No UTC ISO times, no English payload keys shown as labels, no unknown parties.
        #expect(text.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}"#, options: .regularExpression) == nil, "UTC time in \(text)")
        #expect(text.range(of: #"[a-z_]+："#, options: .regularExpression) == nil, "raw key in \(text)")
        #expect(!text.contains("（未知）") && !text.contains("（未命名）"))
    }

    /// Every type the core writes is one `Events.allTypes` lists (so the test above covers it):
    /// the transfer kinds, the hold events, the notices and the activity events.
    @Test func theListOfEventTypesIsComplete() {
        let types = Set(Events.allTypes)
        for kind in TransferKind.allCases { #expect(types.contains(Events.type(for: kind))) }
        #expect(
            types.isSuperset(of: [
                "points.held", "points.released", "points.expiring", "merchant.code_locked",
                "activity.published", "activity.cancelled", "activity.closed",
            ]))
        #expect(types.count == Events.allTypes.count)
    }

    /// What people typed (a memo, a name, a title, a reason) reaches a group
    /// chat as text: no link, no Markdown, no `<@all>` (WeCom), `@all` (DingTalk) or
    /// `<at user_id="all">` (Feishu), no line of its own; and it still reads as typed.
    @Test(arguments: EventTextTests.robots)
    func typedTextCannotLinkMarkUpOrMentionEveryone(_ format: WebhookFormat) throws {
        let typed =
            "点我[领奖](http://evil.example/x) <@all> @all <at user_id=\"all\">所有人</at> **急** www.evil.example\n# 大标题"
        var wish = Wish(
            id: 1, community: "C01", team: "T01", title: typed, beneficiaryKind: .child, beneficiaryName: "王小明",
            beneficiaryDetails: "", points: 0, donated: 0, postedBy: "杨建军", createdAtMillis: Self.at,
            updatedAtMillis: Self.at)
        wish.claimant = "M001"
        let events = [
            Self.transfer(.grant, "C01.issuance", "V0001", 10, memo: typed, toName: "张桂兰"),
            Self.transfer(.transfer, "V0001", "V0002", 5, memo: typed, fromName: typed, toName: "王秀英"),
            Events.activityCancelled(Self.activity, teamName: typed, reason: typed, atMillis: Self.at),
            Wishes.wishEvent("wish.claimed", wish, actor: "杨建军", note: typed, atMillis: Self.at),
        ]
        for event in events {
            let text = try Self.delivered(event, format)
            for markup in [
                "[领奖]", "](", "http://", "www.evil", "evil.example", "<@all>", "@all", "<at ", "</at>", "**急", "\n# ",
            ] {
                #expect(!text.contains(markup), "\(event.type) in \(format.rawValue) carries \(markup): \(text)")
            }
            #expect(
                text.contains("点我［领奖］（http：//evil．example/x）") && text.contains("＜＠all＞") && text.contains("＃ 大标题"),
                "\(event.type) in \(format.rawValue) no longer reads as typed: \(text)")
        }
        // Times, ids and numbers the ledger wrote are untouched.
        #expect(EventText.inert("2026-12-20T01:00:00.000Z 3.5 V0001") == "2026-12-20T01:00:00.000Z 3.5 V0001")
    }

    /// An unknown type (from a newer version) gets a plain note, never a dump of raw keys and UTC times.
    @Test func anUnknownTypeShowsNoRawKeys() {
        let message = EventText.render(
            StoredEvent(
                id: 1, type: "volunteer.added", payload: #"{"start":"2026-12-20T01:00:00.000Z","name":"x"}"#,
                createdAtMillis: 0), timeZone: Self.zone)
        #expect(message.title == EventText.genericTitle)
        #expect(!message.text.contains("start") && !message.text.contains("2026-12-20T01"))
    }
}
