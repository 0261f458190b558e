import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Settle: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle a merchant (admin): what it took in moves to the community's settlement account.",
            discussion: """
                Covers every redemption through --through (default today) not yet settled, less its refunds,
                and lists them; settling the same period again settles nothing.
                Example: jifen settle M001 --through 2026-11-30 --csv M001-2026-11.csv
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Merchant id, e.g. M001.") var merchant: String
        @Option(help: "Last day covered (inclusive); default today.") var through: String?
        @Option(help: "Also write the redemptions covered to this CSV file.") var csv: String?

        func execute(_ context: Context) throws {
            if let csv { try checkWritable(csv) }
            let result = try context.perform(API.settle, .init(merchant: merchant, through: through))
            // Every community's lines: the home settlement's, then each partner community's.
            let rows = ([result] + (result.partners ?? [])).flatMap(\.redemptions).map { line in
                [
                    line.redemption.label, context.time(line.atMillis), line.redemption.volunteer,
                    line.redemption.offer ?? "",
                    String(line.redeemed), String(line.refunded), String(line.settled),
                ]
            }
            if let csv {
                let header = ["redemption", "time", "volunteer", "offer", "redeemed", "refunded", "settled"]
                try CSV.write([header] + rows, to: csv)
            }
            let s = result.settlement
            if context.options.json {
                struct Line: Encodable {
                    var redemption: String; var at: String; var volunteer: String; var offer: String?;
                    var redeemed: Int64; var refunded: Int64; var settled: Int64
                }
                struct Out: Encodable {
                    var settlement: String; var merchant: String; var through: String; var points: Int64;
                    var transfer: TransferJSON; var redemptions: [Line]
                    /// The community that owes it, when not the merchant's home; the partner communities' settlements.
                    var community: String?; var partners: [Out]?
                }
                func out(_ r: JifenApp.SettleOutcome) -> Out {
                    let s = r.settlement
                    return Out(
                        settlement: s.label, merchant: s.merchant, through: s.throughDay, points: s.points,
                        transfer: TransferJSON(r.transfer),
                        redemptions: r.redemptions.map {
                            Line(
                                redemption: $0.redemption.label, at: DayFormat.iso(millis: $0.atMillis),
                                volunteer: $0.redemption.volunteer,
                                offer: $0.redemption.offer, redeemed: $0.redeemed, refunded: $0.refunded,
                                settled: $0.settled)
                        }, community: r.community, partners: r.partners?.map(out))
                }
                return context.printJSON(out(result))
            }
            context.print(
                context.t(
                    "结算单 \(s.label)：\(s.merchant) 截至 \(s.throughDay) 共 \(result.redemptions.count) 笔兑换，结算 \(s.points) 积分（转账 #\(s.transfer)）。",
                    """
                    Settlement \(s.label): \(s.merchant) through \(s.throughDay), \(result.redemptions.count) \
                    redemption\(result.redemptions.count == 1 ? "" : "s"), \(s.points) points settled (transfer #\(s.transfer)).
                    """
                ))
            context.printTable(
                [
                    context.t("兑换单", "redemption"), context.t("时间", "time"), context.t("志愿者", "volunteer"),
                    context.t("项目", "offer"),
                    context.t("兑换", "redeemed"), context.t("已退", "refunded"), context.t("结算", "settled"),
                ], rows, right: [4, 5, 6])
            for p in result.partners ?? [] {
                let ps = p.settlement
                context.print(
                    context.t(
                        "结算单 \(ps.label)：社区 \(p.community ?? "") 的志愿者在 \(ps.merchant) 兑换 \(p.redemptions.count) 笔，"
                            + "由该社区结算 \(ps.points) 积分（转账 #\(ps.transfer)）。",
                        """
                        Settlement \(ps.label): \(p.community ?? "") owes \(ps.merchant) \(ps.points) points for \
                        \(p.redemptions.count) redemption\(p.redemptions.count == 1 ? "" : "s") by its volunteers \
                        (transfer #\(ps.transfer)).
                        """
                    ))
            }
        }
    }
}
