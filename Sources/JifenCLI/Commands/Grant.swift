import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// A transfer as `--json` prints it.
struct TransferJSON: Encodable {
    var id: Int64
    var kind: String
    var from: String
    var to: String
    var points: Int64
    var key: String
    var reference: String
    var memo: String
    var actor: String
    var at: String
    var reverses: Int64?
    var hash: String
    var replayed: Bool

    init(_ t: Transfer, replayed: Bool = false) {
        id = t.id; kind = t.kind.rawValue; from = t.debit; to = t.credit; points = t.amount; key = t.key
        reference = t.reference; memo = t.memo; actor = t.actor; at = DayFormat.iso(t.at); reverses = t.reverses
        hash = t.hash; self.replayed = replayed
    }
}

/// Prints the result of a write: the transfer (sealed by the app), whether it was already there,
/// and the balance of the person's side after it.
func report(_ posted: JifenApp.PostedResult, _ context: Context) {
    let t = posted.transfer, account = posted.account
    if context.options.json { return context.printJSON(TransferJSON(t, replayed: posted.replayed)) }
    let again = posted.replayed ? context.t("（此前已完成，本次未重复记账）", " (already done earlier; nothing new was written)") : ""
    context.print(
        context.t(
            "完成：转账 #\(t.id) \(t.debit) → \(t.credit) \(t.amount) 积分。\(account) 余额 \(posted.balance)。\(again)",
            "Done: transfer #\(t.id) \(t.debit) → \(t.credit), \(t.amount) points. \(account) balance \(posted.balance).\(again)"
        ))
}

extension Jifen {
    struct Grant: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Credit points from the community's issuance account (admin), e.g. balances carried over from paper.",
            discussion:
                "Example: jifen grant V0002 120 --reason 纸质台账结转 --key carry-V0002   # the same key again writes nothing"
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Account to credit, e.g. V0001.") var account: String
        @Argument(help: "Whole points, at least 1.") var points: String
        @Option(help: "Why (kept for auditors).") var reason: String

        func execute(_ context: Context) throws {
            let amount = try parsePoints(points)
            report(
                try context.perform(
                    API.grant, .init(account: account, points: amount, reason: reason, key: context.options.key)),
                context)
        }
    }

    struct TransferCommand: JifenCommand {
        static let configuration = CommandConfiguration(
            commandName: "transfer",
            abstract: "Move points: a volunteer gives to family (as themselves), or an admin moves between accounts.",
            discussion: "Example: jifen --as V0001 transfer V0001 V0002 30 --memo 给女儿 --key gift-2026-12-01")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Paying account.") var from: String
        @Argument(help: "Receiving account.") var to: String
        @Argument(help: "Whole points, at least 1.") var points: String
        @Option(help: "A note kept with the transfer.") var memo: String = ""

        func execute(_ context: Context) throws {
            let amount = try parsePoints(points)
            report(
                try context.perform(
                    API.transfer, .init(from: from, to: to, points: amount, memo: memo, key: context.options.key)),
                context)
        }
    }

    struct Reverse: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a transfer by a linked transfer in the other direction (admin).",
            discussion: "Example: jifen reverse 20 --reason 重复录入   # transfer #20; see jifen statement")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Transfer number, e.g. 17.") var transfer: String
        @Option(help: "Why (kept for auditors).") var reason: String

        func execute(_ context: Context) throws {
            guard let id = Int64(transfer.trimmingCharacters(in: CharacterSet(charactersIn: "# "))), id > 0 else {
                throw JifenError.usage(
                    .badTransferID, zh: "转账编号「\(transfer)」无效，应为正整数，如 17。",
                    en: "Transfer number \"\(transfer)\" is not valid; give a whole number such as 17.")
            }
            report(try context.perform(API.reverse, .init(transfer: id, reason: reason)), context)
        }
    }
}
