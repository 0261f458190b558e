import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct WebhookResume: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Send again to a paused subscription, or one disabled by a 410 answer (admin). 恢复推送。",
        discussion: "Example: jifen webhook resume 3")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String

    func execute(_ context: Context) throws {
        let endpoint = try context.perform(API.resumeWebhook, Ref.Webhook(webhook: try parseWebhookID(id)))
        if context.options.json { return context.printJSON(endpoint) }
        context.print(context.t("已恢复：", "Resumed: ") + context.describe(endpoint))
    }
}
