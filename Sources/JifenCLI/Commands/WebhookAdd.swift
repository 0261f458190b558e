import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
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
    @Option(help: "Event types, comma-separated; a prefix with .* selects a family, * selects all.") var events:
        String = JifenApp.Defaults.webhookEvents
    @Option(help: "standard, wecom, dingtalk or feishu.") var format: WebhookFormat = .standard
    @Option(
        help:
            "Signing secret: whsec_… for standard (generated when left out); the robot's own secret for dingtalk/feishu."
    )
    var secret: String?
    @Option(
        help:
            "Most messages a minute, e.g. 20/min; 0 for no limit (default: none for standard, webhook.robot_rate_per_minute for robots)."
    )
    var rate: String?
    @Flag(help: "Allow loopback and private addresses (local receivers, tests).") var allowPrivate = false

    func execute(_ context: Context) throws {
        // The app checks everything (URL policy, events, secret, rate) before it writes: bad input changes nothing.
        let input = JifenApp.AddWebhookInput(
            url: url, events: events, format: format, secret: secret, rate: rate, allowPrivate: allowPrivate)
        let added = try context.perform(API.addWebhook, input)
        if context.options.json { return context.printJSON(added) }
        let endpoint = added.webhook
        context.print(context.t("已添加 Webhook ", "Added webhook ") + context.describe(endpoint))
        if let secret = added.secret {
            context.print(
                context.t(
                    "签名密钥（只显示这一次，请立即保存到接收端）：", "Signing secret (shown only this once; store it at the receiver now): ")
                    + secret)
        }
        context.print(
            context.t(
                "运行 jifen notify 开始投递；jifen webhook test \(endpoint.id) 可发送测试消息。",
                "Run jifen notify to deliver; jifen webhook test \(endpoint.id) sends a test message."))
    }

}
