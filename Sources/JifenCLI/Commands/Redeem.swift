import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// A receipt as `--json` prints it (redeem, pickup, release).
struct ReceiptJSON: Encodable {
    var redemption: String
    var status: String
    var merchant: String
    var volunteer: String
    var offer: String?
    var points: Int64
    var transfer_id: Int64?
    var hold_id: Int64?
    var hold_expires_at: String?
    var balance_left: Int64
    var replayed: Bool

    init(_ r: JifenApp.ReceiptResult) {
        redemption = r.redemption.label; status = r.redemption.status.rawValue; merchant = r.redemption.merchant
        volunteer = r.redemption.volunteer; offer = r.redemption.offer; points = r.redemption.points
        transfer_id = r.transfer?.id; hold_id = r.hold?.id;
        hold_expires_at = r.hold.map { DayFormat.iso(millis: $0.expiresAtMillis) }
        balance_left = r.balanceLeft; replayed = r.replayed
    }
}

func printReceipt(_ receipt: JifenApp.ReceiptResult, _ context: Context) {
    if context.options.json { return context.printJSON(ReceiptJSON(receipt)) }
    let r = receipt.redemption
    let again = receipt.replayed ? context.t("（此前已完成，本次未重复记账）", " (already done earlier; nothing new was written)") : ""
    let what: String
    switch r.status {
    case .held:
        let until = receipt.hold.map { context.time($0.expiresAtMillis) } ?? ""
        what = context.t("已冻结 \(r.points) 积分待领取（\(until) 前有效）", "held \(r.points) points for pickup (until \(until))")
    case .released: what = context.t("已撤销，\(r.points) 积分退回", "released; \(r.points) points back")
    case .lapsed: what = context.t("超时未领取，积分已退回", "lapsed; points back")
    case .pickedUp: what = context.t("已领取，\(r.points) 积分入账", "picked up; \(r.points) points paid")
    case .redeemed: what = context.t("已兑换 \(r.points) 积分", "redeemed \(r.points) points")
    }
    context.print(
        context.t(
            """
            兑换单 \(r.label)：\(r.volunteer) 在 \(r.merchant) \(what)\(r.offer.map { "（\($0)）" } ?? "")。\(r.volunteer) \
            可用余额 \(receipt.balanceLeft)。\(again)
            """,
            """
            Receipt \(r.label): \(r.volunteer) at \(r.merchant), \(what)\(r.offer.map { " (\($0))" } ?? ""). \(r.volunteer) \
            has \(receipt.balanceLeft) points left.\(again)
            """
        ))
}

extension Jifen {
    struct Redeem: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redeem a volunteer's one-time code at a merchant: an offer, or a number of points.",
            discussion: """
                Prints a receipt: redemption id, points, the volunteer's balance left. With --hold the points
                (and the offer's stock) are reserved until `jifen pickup` or `jifen release`, or they lapse.
                Example: jifen --as M001 redeem M001 --code 493021 --offer O001 --key till-0042
                Example: jifen --as M001 redeem M001 --code 493021 --offer O001 --hold
                Example: jifen --as M001 redeem M001 --code 493021 --points 30 --hold
                493021: the code the volunteer reads out from `jifen code` (or the secret her QR carries); each
                works once, for at most the points she allowed. Wrong codes count against the merchant, owner and
                staff together: codes.wrong_budget (10) in codes.wrong_window_hours (24), and a success resets nothing.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Merchant id, e.g. M001.") var merchant: String
        @Option(help: "The volunteer's six-digit code, or the text her pay code's QR carries.") var code: String
        @Option(help: "Offer id, e.g. O001.") var offer: String?
        @Option(help: "Points to take (instead of an offer).") var points: String?
        @Flag(help: "Reserve for pickup later instead of paying now.") var hold = false

        func execute(_ context: Context) throws {
            let amount = try points.map(parsePoints)
            let receipt = try context.perform(
                API.redeem,
                .init(
                    merchant: merchant, code: code, offer: offer, points: amount,
                    key: context.options.key, hold: hold))
            printReceipt(receipt, context)
        }
    }
}
