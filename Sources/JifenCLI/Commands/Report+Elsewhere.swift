import JifenCore

extension Jifen.Report {
    /// The notice's lines of what each community's volunteers spent at merchants of other communities.
    func printSpentElsewhere(_ lines: [SpentElsewhere], _ context: Context) {
        context.print("")
        context.print(
            context.t("在其他社区商户的兑换（由本社区结算）", "Spent at merchants of other communities (owed by this community)"))
        context.printTable(
            [
                context.t("社区", "community"), context.t("商户", "merchant"), context.t("商户所在社区", "merchant's community"),
                context.t("笔数", "count"), context.t("积分", "points"),
            ],
            lines.map {
                [
                    $0.community, $0.merchantName.isEmpty ? $0.merchant : "\($0.merchant) \($0.merchantName)",
                    $0.merchantCommunity, String($0.count), String($0.points),
                ]
            }, right: [3, 4])
    }
}
