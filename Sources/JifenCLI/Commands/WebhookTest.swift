import ArgumentParser
import Foundation
import JifenCore
import JifenNotify
import Logging

struct WebhookTest: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Send a `ping` event to a subscription now and print the outcome (admin). 发送测试消息。",
        discussion: "Nothing is queued or recorded. Exit status 65 when the receiver refused it.\nExample: jifen webhook test 3")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String

    func execute(_ context: Context) throws {
        let id = try parseWebhookID(id)
        let db = try context.openWebhookDatabase()
        try db.requireAdmin(context.actor, action: Bilingual(zh: "发送测试消息", en: "send a test message"))
        let endpoint = try db.webhook(id)
        let settings = try db.webhookSettings()
        let now = Date().millis
        let payload = Events.json(["message": "ping", "endpoint": "\(id)", "sent_by": context.actor])
        let delivery = ClaimedDelivery(id: 0, webhookID: "msg_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
                                       attempt: 1, event: StoredEvent(id: 0, type: "ping", payload: payload, createdAtMillis: now),
                                       endpoint: endpoint)
        let notifier = Notifier(store: db, transport: URLSessionTransport(), policy: RetryPolicy(settings),
                                options: NotifierOptions(owner: "test", settings: settings, once: true, timeZone: context.timeZone),
                                logger: Logger(label: "jifen.webhook.test"))
        let started = Date()
        let (result, status) = try runBlocking { await notifier.send(delivery, nowMillis: now) }
        let millis = Int(Date().timeIntervalSince(started) * 1000)
        switch result {
        case .success(let code):
            if context.options.json { return context.printJSON(["ok": "true", "status": "\(code)", "ms": "\(millis)"]) }
            context.print(context.t("成功：\(context.describe(endpoint)) 回应 HTTP \(code)，用时 \(millis) 毫秒。",
                                    "Delivered: \(context.describe(endpoint)) answered HTTP \(code) in \(millis) ms."))
        case .gone:
            throw JifenError.refused("test-failed", zh: "接收端回应 410 Gone：该地址已不存在。请检查地址，或删除此 Webhook。",
                                     en: "The receiver answered 410 Gone: this address no longer exists. Check the URL, or remove the webhook.")
        case .failure(_, let reason, _):
            let status = reason.hasPrefix("HTTP") ? nil : status  // the reason already names the status
            throw JifenError.refused("test-failed", zh: "测试消息未送达（\(status.map { "HTTP \($0)，" } ?? "")\(reason)）。请检查地址、密钥和接收端日志。",
                                     en: "The test message was not delivered (\(status.map { "HTTP \($0), " } ?? "")\(reason)). Check the URL, the secret and the receiver's log.")
        }
    }
}
