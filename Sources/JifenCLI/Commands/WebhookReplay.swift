import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct WebhookReplay: JifenCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Queue an event again, or every dead delivery (admin). 重新投递。",
        discussion: """
            A replay keeps the delivery's webhook-id, so a receiver that already processed it ignores it.
            Example: jifen webhook replay 12
            Example: jifen webhook replay --dead --endpoint 3
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Event id, from jifen webhook deliveries.") var event: String?
    @Flag(help: "Replay every dead delivery instead.") var dead = false
    @Option(help: "With --dead: only this webhook's.") var endpoint: String?

    func execute(_ context: Context) throws {
        let input: Ref.Replay
        switch (event, dead) {
        case (let event?, false):
            guard endpoint == nil else {
                throw JifenError.usage(
                    .badReplay, zh: "--endpoint 只能和 --dead 一起用。", en: "--endpoint goes only with --dead.")
            }
            guard let id = Int64(event.trimmingCharacters(in: CharacterSet(charactersIn: "# "))), id > 0 else {
                throw JifenError.usage(
                    .badEventID, zh: "事件编号「\(event)」无效，应为正整数。",
                    en: "Event id \"\(event)\" is not valid; give a whole number.")
            }
            input = Ref.Replay(event: id)
        case (nil, true):
            input = Ref.Replay(endpoint: try endpoint.map(parseWebhookID))
        default:
            throw JifenError.usage(
                .badReplay, zh: "请给出一个事件编号，或用 --dead 重发全部死信（二者选一）。",
                en: "Give one event id, or --dead to replay every dead delivery (one or the other).")
        }
        let requeued = try context.perform(API.replayWebhooks, input)
        if context.options.json { return context.printJSON(requeued) }
        let count = requeued.queued
        context.print(
            context.t(
                "已重新排队 \(count) 个投递；jifen notify 会发送。", "Queued \(count) deliveries again; jifen notify will send them."
            ))
    }
}
