import ArgumentParser
import Foundation
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
                Example: jifen webhook add 'https://oapi.dingtalk.com/robot/send?access_token=9f2c61d0e8' --format dingtalk --secret SEC5d1f0a77c2 --events activity.published
                """,
            subcommands: [
                WebhookAdd.self, WebhookList.self, WebhookRemove.self, WebhookPause.self, WebhookResume.self,
                WebhookRotateSecret.self, WebhookTest.self, WebhookDeliveries.self, WebhookReplay.self,
            ])
    }
}

extension WebhookFormat: ExpressibleByArgument {}

/// A subscription as `--json` prints it: never its secret.
struct WebhookJSON: Encodable {
    var id: Int64
    var url: String
    var format: String
    var events: [String]
    var signed: Bool
    var rotating_until: String?
    var rate_per_minute: Int
    var allow_private: Bool
    var status: String
    var status_reason: String
    var created_at: String
    var created_by: String

    init(_ e: WebhookEndpoint, nowMillis: Int64) {
        id = e.id; url = WebhookURLPolicy.redacted(e.url); format = e.format.rawValue; events = e.events; signed = !e.secret.isEmpty
        rotating_until = e.signingSecrets(nowMillis: nowMillis).count > 1 ? e.previousSecretUntilMillis.map { DayFormat.iso(Date(millis: $0)) } : nil
        rate_per_minute = e.ratePerMinute; allow_private = e.allowPrivate; status = e.status.rawValue
        status_reason = e.statusReason; created_at = DayFormat.iso(Date(millis: e.createdAtMillis)); created_by = e.createdBy
    }
}

/// Parses a subscription id argument (`3` or `#3`).
func parseWebhookID(_ text: String) throws -> Int64 {
    guard let id = Int64(text.trimmingCharacters(in: CharacterSet(charactersIn: "# "))), id > 0 else {
        throw JifenError.usage("bad-webhook-id", zh: "Webhook 编号「\(text)」无效，应为正整数，如 3。用 jifen webhook list 查看。",
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

    func describe(_ e: WebhookEndpoint) -> String {
        let status = statusText(e.status)
        return "#\(e.id) \(e.format.rawValue) \(WebhookURLPolicy.redacted(e.url)) [\(e.events.joined(separator: ","))] \(status)"
    }
}
