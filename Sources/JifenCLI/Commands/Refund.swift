import ArgumentParser
import Foundation
import JifenCore
import JifenSQLite

extension Jifen {
    struct Refund: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give points of a redemption back (the redeeming merchant or an admin); partial refunds allowed.",
            discussion: "Example: jifen --as M001 refund R001 --points 20 --reason \"服务未完成\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Redemption id, e.g. R001.") var redemption: String
        @Option(help: "Points to give back (default: all not yet refunded).") var points: String?
        @Option(help: "Why (kept for auditors).") var reason: String
        @Option(help: "Idempotency key: retrying with it never refunds twice.") var key: String?

        func execute(_ context: Context) throws {
            let id = try Redemption.parseID(redemption)
            let amount = try points.map(parsePoints)
            let db = try context.openLedgerDatabase()
            let result = try context.ledger(db).refund(id, points: amount, reason: reason, key: key ?? freshKey("refund"), actor: context.actor)
            if context.options.json {
                struct Out: Encodable { var redemption: String; var refunded: Int64; var refunded_total: Int64; var refundable_left: Int64; var transfer: TransferJSON }
                return context.printJSON(Out(redemption: result.redemption.label, refunded: result.posted.transfer.amount, refunded_total: result.refundedTotal,
                                             refundable_left: result.left, transfer: TransferJSON(try sealed(result.posted.transfer, db: db), replayed: result.posted.replayed)))
            }
            let t = result.posted.transfer
            let balance = try db.balance(result.redemption.volunteer, nowMillis: context.now().millis)
            let again = result.posted.replayed ? context.t("（此前已完成，本次未重复记账）", " (already done earlier; nothing new was written)") : ""
            context.print(context.t("已退还 \(t.amount) 积分给 \(t.credit)（\(result.redemption.label)，转账 #\(t.id)）。累计退还 \(result.refundedTotal)，还可退 \(result.left)。\(t.credit) 余额 \(balance.balance)。\(again)",
                                    "Refunded \(t.amount) points to \(t.credit) (\(result.redemption.label), transfer #\(t.id)). Refunded in all \(result.refundedTotal); \(result.left) left refundable. \(t.credit) balance \(balance.balance).\(again)"))
        }
    }
}
