import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct WebhookRemove: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Delete a subscription with its queue and secret (admin). 删除推送地址。",
        discussion: "Example: jifen webhook remove 3")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Webhook id, from jifen webhook list.") var id: String

    func execute(_ context: Context) throws {
        let id = try parseWebhookID(id)
        let removed = try context.perform(API.removeWebhook, Ref.Webhook(webhook: id))
        if context.options.json { return context.printJSON(["removed": removed.id]) }
        context.print(context.t("已删除 Webhook ", "Removed webhook ") + context.describe(removed))
    }
}
