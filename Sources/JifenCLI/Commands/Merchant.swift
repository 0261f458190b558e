import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

struct MerchantListing: Encodable {
    var id: String
    var name: String
    var contact: String
    var phone: String
    var address: String
    var community: String

    init(_ m: Merchant) {
        id = m.id; name = m.name; contact = m.contact; phone = m.phone; address = m.address; community = m.community
    }
}

extension Jifen {
    struct MerchantCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merchant", abstract: "Partner merchants 爱心商户.",
            subcommands: [Add.self, List.self, Show.self, Partner.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register a partner merchant (admin). Prints the new id, e.g. M001.",
                discussion:
                    "Example: jifen merchant add --name 玫瑰园便民超市 --contact 刘师傅 --phone 13900002222 --address 玫瑰园3号门")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Shop name.") var name: String
            @Option(help: "Contact person.") var contact: String = ""
            @Option(help: "Phone (shown masked).") var phone: String = ""
            @Option(help: "Address.") var address: String = ""
            @Option(help: "Community id, when there are several.") var community: String?

            func execute(_ context: Context) throws {
                let m = try context.perform(
                    API.addMerchant,
                    .init(
                        name: name, contact: contact, phone: phone, address: address,
                        community: community))
                if context.options.json { return context.printJSON(MerchantListing(m)) }
                context.print(context.t("已登记商户 \(m.id) \(m.name)", "Registered merchant \(m.id) \(m.name)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List merchants (phones masked).", discussion: "Example: jifen merchant list")
            @OptionGroup var global: GlobalOptions

            func execute(_ context: Context) throws {
                let list = try context.perform(API.merchants, .init()).map(MerchantListing.init)
                if context.options.json { return context.printJSON(list) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("名称", "name"), context.t("联系人", "contact"),
                        context.t("电话", "phone"), context.t("地址", "address"),
                    ],
                    list.map { [$0.id, $0.name, $0.contact, $0.phone, $0.address] })
            }
        }

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one merchant and what it holds.", discussion: "Example: jifen merchant show M001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Merchant id, e.g. M001.") var id: String

            func execute(_ context: Context) throws {
                let shown = try context.perform(API.merchant, .init(merchant: id))
                let listing = MerchantListing(shown.merchant)
                if context.options.json {
                    struct Shown: Encodable {
                        var merchant: MerchantListing; var balance: Int64; var by_community: [String: Int64]?
                    }
                    return context.printJSON(
                        Shown(merchant: listing, balance: shown.balance, by_community: shown.byCommunity))
                }
                let perCommunity = (shown.byCommunity ?? [:]).sorted { $0.key < $1.key }.map {
                    [context.t("其中社区 \($0.key)", "of which \($0.key)"), String($0.value)]
                }
                context.printTable(
                    [context.t("项目", "field"), context.t("内容", "value")],
                    [
                        [context.t("编号", "id"), listing.id], [context.t("名称", "name"), listing.name],
                        [context.t("联系人", "contact"), listing.contact], [context.t("电话", "phone"), listing.phone],
                        [context.t("地址", "address"), listing.address],
                        [context.t("待结算积分", "points to settle"), String(shown.balance)],
                    ] + perCommunity)
            }
        }
    }
}
