import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct WebhookPause: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop sending to a subscription; events keep queueing (admin). 暂停推送。",
        discussion: "Example: jifen webhook pause 3")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String

    func execute(_ context: Context) throws {
        let endpoint = try context.perform(API.pauseWebhook, Ref.Webhook(webhook: try parseWebhookID(id)))
        if context.options.json { return context.printJSON(endpoint) }
        context.print(
            context.t("已暂停：", "Paused: ") + context.describe(endpoint)
                + context.t(
                    "。新事件照常排队，jifen webhook resume 后发送。",
                    ". New events still queue and go out after jifen webhook resume."))
    }
}
