public import ArgumentParser
import Foundation
import JifenApp
import JifenCore
import JifenNotify

extension Jifen {
    struct WebhookCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "webhook",
            abstract: "Send events to webhooks and group-chat robots (WeCom, DingTalk, Feishu). 事件推送。",
            discussion: """
                Subscriptions are delivered by `jifen notify`.
                Example: jifen webhook add https://example.org/hooks/jifen --events 'points.*'
                Example: jifen webhook add 'https://oapi.dingtalk.com/robot/send?access_token=9f2c61d0e8' --format dingtalk --secret \
                SEC5d1f0a77c2 --events activity.published
                """,
            subcommands: [
                WebhookAdd.self, WebhookList.self, WebhookRemove.self, WebhookPause.self, WebhookResume.self,
                WebhookRotateSecret.self, WebhookTest.self, WebhookDeliveries.self, WebhookReplay.self,
            ])
    }
}

extension WebhookFormat: ExpressibleByArgument {}

/// Parses a subscription id argument (`3` or `#3`).
func parseWebhookID(_ text: String) throws -> Int64 {
    guard let id = Int64(text.trimmingCharacters(in: CharacterSet(charactersIn: "# "))), id > 0 else {
        throw JifenError.usage(
            .badWebhookID, zh: "Webhook 编号「\(text)」无效，应为正整数，如 3。用 jifen webhook list 查看。",
            en: "Webhook id \"\(text)\" is not valid; give a whole number such as 3. See jifen webhook list.")
    }
    return id
}

extension Context {
    /// One line about a subscription after a change.
    func statusText(_ status: WebhookEndpointStatus) -> String {
        switch status {
        case .active: t("启用", "active")
        case .paused: t("已暂停", "paused")
        case .disabled: t("已停用", "disabled")
        }
    }

    /// `--json` prints `JifenApp.WebhookInfo` as it is (never a secret; the URL redacted).
    func describe(_ e: JifenApp.WebhookInfo) -> String {
        let status = statusText(e.status)
        return "#\(e.id) \(e.format.rawValue) \(e.url) [\(e.events.joined(separator: ","))] \(status)"
    }
}
