import ArgumentParser
import Foundation
import JifenApp
import JifenCore

struct WebhookTest: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a `ping` event to a subscription now and print the outcome (admin). 发送测试消息。",
        discussion:
            "Nothing is queued or recorded. Exit status 65 when the receiver refused it.\nExample: jifen webhook test 3"
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String

    func execute(_ context: Context) throws {
        let id = try parseWebhookID(id)
        let app = try context.app(), principal = context.principal
        let sent = try runBlocking { try await app.testWebhook(principal, id) }
        let endpoint = sent.webhook, code = sent.status, millis = sent.millis
        if context.options.json { return context.printJSON(["ok": "true", "status": "\(code)", "ms": "\(millis)"]) }
        context.print(
            context.t(
                "成功：\(context.describe(endpoint)) 回应 HTTP \(code)，用时 \(millis) 毫秒。",
                "Delivered: \(context.describe(endpoint)) answered HTTP \(code) in \(millis) ms."))
    }
}
