import ArgumentParser
import Foundation
import JifenCore
import JifenNotify

struct WebhookRotateSecret: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secret",
        abstract: "Replace a subscription's signing secret; the old one keeps signing alongside for a while (admin). 更换密钥。",
        discussion: """
            During the overlap every standard message carries both signatures, so the receiver can switch at its own pace.
            Example: jifen webhook rotate-secret 3 --overlap-hours 24
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String
    @Option(help: "The new secret (generated for standard when left out; the robot's new secret for dingtalk/feishu).") var secret: String?
    @Option(help: "Hours both secrets sign (0–168).") var overlapHours: Int = 24

    func execute(_ context: Context) throws {
        let id = try parseWebhookID(id)
        guard (0...168).contains(overlapHours) else {
            throw JifenError.usage("bad-overlap", zh: "--overlap-hours 应在 0 到 168 之间。", en: "--overlap-hours must be from 0 to 168.")
        }
        let db = try context.openWebhookDatabase()
        let format = try db.webhook(id).format
        if format.isRobot && (secret ?? "").isEmpty {
            throw JifenError.usage("secret-required", zh: "机器人的密钥由钉钉/飞书生成：请在机器人设置里重置后用 --secret 给出新密钥。",
                                   en: "A robot's secret is issued by DingTalk/Feishu: reset it in the robot's settings and pass the new one with --secret.")
        }
        let newSecret = try WebhookSigning.secret(secret, for: format)
        let now = context.now().millis
        let endpoint = try db.rotateWebhookSecret(id, newSecret: newSecret, graceMillis: Int64(overlapHours) * 3_600_000,
                                                  actor: context.actor, nowMillis: now)
        if context.options.json {
            struct Rotated: Encodable { var webhook: WebhookJSON; var secret: String? }
            return context.printJSON(Rotated(webhook: WebhookJSON(endpoint, nowMillis: now), secret: secret == nil ? newSecret : nil))
        }
        context.print(context.t("已更换密钥：", "Secret rotated: ") + context.describe(endpoint))
        if secret == nil {
            context.print(context.t("新密钥（只显示这一次）：", "New secret (shown only this once): ") + newSecret)
        }
        if overlapHours > 0 && !format.isRobot {
            context.print(context.t("此后 \(overlapHours) 小时内新旧两个签名同时发送。", "Both signatures are sent for the next \(overlapHours) hours."))
        }
    }
}
