import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Refund: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give points of a redemption back (the redeeming merchant or an admin); partial refunds allowed.",
            discussion: "Example: jifen --as M001 refund R001 --points 20 --reason \"服务未完成\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Redemption id, e.g. R001.") var redemption: String
        @Option(help: "Points to give back (default: all not yet refunded).") var points: String?
        @Option(help: "Why (kept for auditors).") var reason: String

        func execute(_ context: Context) throws {
            let id = try Redemption.parseID(redemption)
            let amount = try points.map(parsePoints)
            let result = try context.perform(
                API.refund, .init(redemption: id, points: amount, reason: reason, key: context.options.key))
            if context.options.json {
                struct Out: Encodable {
                    var redemption: String; var refunded: Int64; var refunded_total: Int64; var refundable_left: Int64;
                    var transfer: TransferJSON
                }
                return context.printJSON(
                    Out(
                        redemption: result.redemption.label, refunded: result.transfer.amount,
                        refunded_total: result.refundedTotal,
                        refundable_left: result.refundableLeft,
                        transfer: TransferJSON(result.transfer, replayed: result.replayed)))
            }
            let t = result.transfer
            let again =
                result.replayed ? context.t("（此前已完成，本次未重复记账）", " (already done earlier; nothing new was written)") : ""
            context.print(
                context.t(
                    """
                    已退还 \(t.amount) 积分给 \(t.credit)（\(result.redemption.label)，转账 #\(t.id)）。累计退还 \(result.refundedTotal)，\
                    还可退 \(result.refundableLeft)。\(t.credit) 余额 \(result.balance)。\(again)
                    """,
                    """
                    Refunded \(t.amount) points to \(t.credit) (\(result.redemption.label), transfer #\(t.id)). Refunded in \
                    all \(result.refundedTotal); \(result.refundableLeft) left refundable. \(t.credit) balance \(result.balance).\(again)
                    """
                ))
        }
    }
}
