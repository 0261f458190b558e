import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct OfferListing: Encodable {
    var id: String
    var merchant: String
    var title: String
    var points: Int64
    /// nil when unlimited.
    var stock: Int64?
    var valid_from: String?
    var valid_to: String?
    var retired: Bool

    init(_ o: Offer) {
        id = o.id; merchant = o.merchant; title = o.title; points = o.points; stock = o.stock
        valid_from = o.validFrom; valid_to = o.validTo; retired = o.isRetired
    }
}

extension Jifen {
    struct OfferCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "offer", abstract: "Offers 兑换项目: what merchants give for points.",
            subcommands: [Add.self, List.self, Retire.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a new offer (the merchant itself or an admin). Prints its id, e.g. O001.",
                discussion:
                    "Example: jifen --as M001 offer add M001 --title 理发一次 --points 50 --stock 20 --from 2026-11-01 --to 2026-12-31"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Merchant id, e.g. M001.") var merchant: String
            @Option(help: "What the volunteer gets, e.g. 理发一次.") var title: String
            @Option(help: "Points it costs, a whole number.") var points: String
            @Option(help: "Units available (default unlimited).") var stock: String?
            @Option(help: "First day it can be redeemed.") var from: String?
            @Option(help: "Last day it can be redeemed.") var to: String?

            func execute(_ context: Context) throws {
                let amount = try parsePoints(points)
                let units = try stock.map { text -> Int64 in
                    guard let n = Int64(text.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                        throw JifenError.usage(
                            .badStock, zh: "库存「\(text)」无效，应为 0 或正整数。",
                            en: "Stock \"\(text)\" is not valid; give 0 or a whole number.")
                    }
                    return n
                }
                let offer = try context.perform(
                    API.addOffer,
                    .init(
                        merchant: merchant, title: title, points: amount, stock: units,
                        validFrom: from, validTo: to))
                if context.options.json { return context.printJSON(OfferListing(offer)) }
                context.print(
                    context.t(
                        "已上架 \(offer.id)「\(offer.title)」\(offer.points) 积分（\(merchant)）",
                        "Listed \(offer.id) \"\(offer.title)\" for \(offer.points) points at \(merchant)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List offers, or those a volunteer can afford today.",
                discussion: "Example: jifen offer list --merchant M001\nExample: jifen offer list --affordable-by V0001"
            )
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this merchant's offers.") var merchant: String?
            @Option(help: "Only offers this volunteer can redeem now with the points available.") var affordableBy:
                String?

            func execute(_ context: Context) throws {
                let offers = try context.perform(API.offers, .init(merchant: merchant, affordableBy: affordableBy))
                let list = offers.map(OfferListing.init)
                if context.options.json { return context.printJSON(list) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("商户", "merchant"), context.t("项目", "title"),
                        context.t("积分", "points"),
                        context.t("库存", "stock"), context.t("有效期", "valid"), context.t("状态", "status"),
                    ],
                    list.map { o in
                        let valid =
                            o.valid_from == nil && o.valid_to == nil
                            ? "" : "\(o.valid_from ?? "…")–\(o.valid_to ?? "…")"
                        return [
                            o.id, o.merchant, o.title, String(o.points),
                            o.stock.map(String.init) ?? context.t("不限", "unlimited"), valid,
                            o.retired ? context.t("已下架", "retired") : context.t("可兑换", "open"),
                        ]
                    }, right: [3, 4])
            }
        }

        struct Retire: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Take an offer off the list (the merchant itself or an admin).",
                discussion: "Example: jifen --as M001 offer retire O001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Offer id, e.g. O001.") var id: String

            func execute(_ context: Context) throws {
                let offer = try context.perform(API.retireOffer, .init(offer: id))
                if context.options.json { return context.printJSON(OfferListing(offer)) }
                context.print(context.t("已下架 \(offer.id)「\(offer.title)」", "Retired \(offer.id) \"\(offer.title)\""))
            }
        }
    }
}
