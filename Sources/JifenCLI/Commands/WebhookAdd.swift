import ArgumentParser
import Foundation
import JifenCore
import JifenNotify

struct WebhookAdd: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Subscribe a URL to events (admin). The secret is shown once. 添加推送地址。",
        discussion: """
            Example: jifen webhook add https://example.org/hooks/jifen --events 'points.*,activity.published'
            Example: jifen webhook add 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx' --format wecom --events activity.published
            Example: jifen webhook add http://127.0.0.1:8080/hook --allow-private
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The receiver's URL (http or https).") var url: String
    @Option(help: "Event types, comma-separated; a prefix with .* selects a family, * selects all.") var events: String = "*"
    @Option(help: "standard, wecom, dingtalk or feishu.") var format: WebhookFormat = .standard
    @Option(help: "Signing secret: whsec_… for standard (generated when left out); the robot's own secret for dingtalk/feishu.")
    var secret: String?
    @Option(help: "Most messages a minute, e.g. 20/min; 0 for no limit (default: none for standard, webhook.robot_rate_per_minute for robots).")
    var rate: String?
    @Flag(help: "Allow loopback and private addresses (local receivers, tests).") var allowPrivate = false

    func execute(_ context: Context) throws {
        // Everything is checked before the database is opened: bad input changes nothing.
        let checked = try WebhookURLPolicy.check(url, allowPrivate: allowPrivate)
        let patterns = try WebhookEventFilter.parse(events)
        let secret = try WebhookSigning.secret(secret, for: format)
        let givenRate = try rate.map(Self.parseRate)
        let db = try context.openWebhookDatabase()
        let ratePerMinute = try givenRate ?? (format.isRobot ? db.webhookSettings().robotRatePerMinute : 0)
        let endpoint = try db.addWebhook(NewWebhook(url: checked.absoluteString, format: format, events: patterns, secret: secret,
                                                    ratePerMinute: ratePerMinute, allowPrivate: allowPrivate),
                                         actor: context.actor, nowMillis: context.now().millis)
        if context.options.json {
            struct Added: Encodable { var webhook: WebhookJSON; var secret: String? }
            return context.printJSON(Added(webhook: WebhookJSON(endpoint, nowMillis: context.now().millis),
                                           secret: secret.isEmpty || self.secret != nil ? nil : secret))
        }
        context.print(context.t("已添加 Webhook ", "Added webhook ") + context.describe(endpoint))
        if self.secret == nil && !secret.isEmpty {
            context.print(context.t("签名密钥（只显示这一次，请立即保存到接收端）：", "Signing secret (shown only this once; store it at the receiver now): ") + secret)
        }
        context.print(context.t("运行 jifen notify 开始投递；jifen webhook test \(endpoint.id) 可发送测试消息。",
                                "Run jifen notify to deliver; jifen webhook test \(endpoint.id) sends a test message."))
    }

    /// `20/min`, `20` or `0`.
    static func parseRate(_ text: String) throws -> Int {
        var text = text.lowercased().replacingOccurrences(of: " ", with: "")
        for suffix in ["/min", "/m", "/minute"] where text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        guard let rate = Int(text), (0...600).contains(rate) else {
            throw JifenError.usage("bad-rate", zh: "--rate「\(text)」无效，应为每分钟条数，如 20/min（0 表示不限，最多 600）。",
                                   en: "--rate \"\(text)\" is not valid; give messages a minute such as 20/min (0 for no limit, at most 600).")
        }
        return rate
    }
}
