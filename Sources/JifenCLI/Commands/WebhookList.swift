import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore
import JifenNotify

struct WebhookList: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List subscriptions (secrets are never shown). 查看推送地址。",
        discussion: "Example: jifen webhook list --json")
    @OptionGroup var global: GlobalOptions

    func execute(_ context: Context) throws {
        let endpoints = try context.perform(API.webhooks, .init())
        if context.options.json { return context.printJSON(endpoints) }
        if endpoints.isEmpty {
            return context.print(
                context.t(
                    "还没有 Webhook。用 jifen webhook add URL 添加。", "No webhooks yet. Add one with jifen webhook add URL."))
        }
        context.printTable(
            [
                "#", context.t("格式", "format"), context.t("地址", "url"), context.t("事件", "events"),
                context.t("每分钟", "rate/min"),
                context.t("签名", "signed"), context.t("状态", "status"),
            ],
            endpoints.map { e in
                let signed =
                    !e.signed ? "-" : (e.rotatingUntil != nil ? context.t("轮换中", "rotating") : context.t("是", "yes"))
                let status = context.statusText(e.status) + (e.statusReason.isEmpty ? "" : " (\(e.statusReason))")
                return [
                    "\(e.id)", e.format.rawValue, e.url, e.events.joined(separator: ","),
                    e.ratePerMinute == 0 ? "-" : "\(e.ratePerMinute)", signed, status,
                ]
            }, right: [0, 4])
    }
}
