import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen.MerchantCommand {
    /// `jifen merchant partner add|remove|list`: communities whose volunteers spend at a merchant (通存通兑).
    struct Partner: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Communities whose volunteers may spend their points at a merchant (通存通兑).",
            discussion: """
                A merchant accepts the points of its home community and of each partner community. Their
                points go to the merchant's account inside their own community, and settlement says what
                each community owes.
                """,
            subcommands: [Add.self, Remove.self, List.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Let a community's volunteers spend at the merchant (an admin over that community).",
                discussion: "Example: jifen merchant partner add M001 C02")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Merchant id, e.g. M001.") var merchant: String
            @Argument(help: "Community id, e.g. C02.") var community: String

            func execute(_ context: Context) throws {
                let list = try context.perform(API.addPartner, .init(merchant: merchant, community: community))
                if context.options.json { return context.printJSON(PartnerListing(list)) }
                context.print(
                    context.t(
                        "\(list.merchant) 现在接受社区 \(community) 的积分。",
                        "\(list.merchant) now accepts the points of \(community)."))
            }
        }

        struct Remove: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Stop a community's volunteers spending at the merchant; what they spent still settles.",
                discussion: "Example: jifen merchant partner remove M001 C02")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Merchant id, e.g. M001.") var merchant: String
            @Argument(help: "Community id, e.g. C02.") var community: String

            func execute(_ context: Context) throws {
                let list = try context.perform(API.removePartner, .init(merchant: merchant, community: community))
                if context.options.json { return context.printJSON(PartnerListing(list)) }
                context.print(
                    context.t(
                        "\(list.merchant) 不再接受社区 \(community) 的积分；已兑换的照常结算。",
                        "\(list.merchant) no longer accepts the points of \(community); what was spent still settles."
                    ))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "A merchant's home community and partner communities.",
                discussion: "Example: jifen merchant partner list M001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Merchant id, e.g. M001.") var merchant: String

            func execute(_ context: Context) throws {
                let list = try context.perform(API.partners, .init(merchant: merchant))
                if context.options.json { return context.printJSON(PartnerListing(list)) }
                let rows =
                    [[list.home, context.t("本社区", "home"), "", ""]]
                    + list.partners.map {
                        [
                            $0.community, $0.isActive ? context.t("合作", "partner") : context.t("已移除", "removed"),
                            context.time($0.addedAtMillis), $0.removedAtMillis.map(context.time) ?? "",
                        ]
                    }
                context.printTable(
                    [
                        context.t("社区", "community"), context.t("状态", "status"), context.t("加入", "added"),
                        context.t("移除", "removed"),
                    ], rows)
            }
        }
    }
}

/// A merchant's partner communities under `--json`.
struct PartnerListing: Encodable {
    struct Line: Encodable {
        var community: String; var active: Bool; var added_at: String; var added_by: String
        var removed_at: String?; var removed_by: String?
    }
    var merchant: String
    var home: String
    var partners: [Line]

    init(_ list: PartnerList) {
        merchant = list.merchant; home = list.home
        partners = list.partners.map {
            Line(
                community: $0.community, active: $0.isActive, added_at: DayFormat.iso(millis: $0.addedAtMillis),
                added_by: $0.addedBy, removed_at: $0.removedAtMillis.map { DayFormat.iso(millis: $0) },
                removed_by: $0.removedBy)
        }
    }
}
