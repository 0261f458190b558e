import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct WebhookDeliveries: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "List deliveries, newest first, with status, last code and time. 查看投递记录。",
        discussion: "Example: jifen webhook deliveries --endpoint 3 --dead")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this webhook's deliveries.") var endpoint: String?
    @Flag(help: "Only dead deliveries (out of attempts); replay them with jifen webhook replay --dead.") var dead =
        false
    @Option(help: "At most this many rows.") var limit: Int = JifenApp.Defaults.deliveriesShown

    func execute(_ context: Context) throws {
        let endpointID = try endpoint.map(parseWebhookID)
        let rows = try context.perform(
            API.webhookDeliveries, JifenApp.DeliveryQuery(endpoint: endpointID, deadOnly: dead, limit: limit))
        if context.options.json { return context.printJSON(rows) }
        if rows.isEmpty { return context.print(context.t("没有投递记录。", "No deliveries.")) }
        let status = [
            "pending": context.t("待发", "pending"), "delivered": context.t("已送达", "delivered"),
            "dead": context.t("死信", "dead"),
        ]
        context.printTable(
            [
                "#", context.t("事件", "event"), context.t("类型", "type"), "webhook", context.t("状态", "status"),
                context.t("次数", "tries"),
                context.t("代码", "code"), context.t("最近尝试", "last try"), context.t("下次", "next"),
                context.t("错误", "error"),
            ],
            rows.map { d in
                [
                    "\(d.id)", "\(d.event)", d.eventType, "\(d.endpoint)",
                    status[d.status.rawValue] ?? d.status.rawValue, "\(d.attempts)",
                    d.lastStatusCode.map { "\($0)" } ?? "-", d.lastAttemptAtMillis.map(context.time) ?? "-",
                    d.status == .pending ? context.time(d.nextAttemptAtMillis) : "-", String(d.lastError.prefix(60)),
                ]
            }, right: [0, 1, 3, 5])
    }
}
