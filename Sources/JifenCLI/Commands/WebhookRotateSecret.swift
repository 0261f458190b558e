import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore
import JifenNotify

struct WebhookRotateSecret: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secret",
        abstract:
            "Replace a subscription's signing secret; the old one keeps signing alongside for a while (admin). 更换密钥。",
        discussion: """
            During the overlap every standard message carries both signatures, so the receiver can switch at its own pace.
            Example: jifen webhook rotate-secret 3 --overlap-hours 24
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String
    @Option(help: "The new secret (generated for standard when left out; the robot's new secret for dingtalk/feishu).")
    var secret: String?
    @Option(help: "Hours both secrets sign (0–168).") var overlapHours: Int = JifenApp.Defaults.secretOverlapHours

    func execute(_ context: Context) throws {
        let id = try parseWebhookID(id)
        let rotated = try context.perform(
            API.rotateWebhookSecret,
            Ref.Rotate(webhook: id, secret: secret, overlapHours: overlapHours))
        if context.options.json { return context.printJSON(rotated) }
        let endpoint = rotated.webhook
        context.print(context.t("已更换密钥：", "Secret rotated: ") + context.describe(endpoint))
        if let newSecret = rotated.secret {
            context.print(context.t("新密钥（只显示这一次）：", "New secret (shown only this once): ") + newSecret)
        }
        if overlapHours > 0 && !endpoint.format.isRobot {
            context.print(
                context.t(
                    "此后 \(overlapHours) 小时内新旧两个签名同时发送。", "Both signatures are sent for the next \(overlapHours) hours.")
            )
        }
    }
}
