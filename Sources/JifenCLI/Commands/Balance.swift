import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Balance: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "A volunteer's (or merchant's) points: balance, held, available, and when they expire.",
            discussion: "Example: jifen balance V0001")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Volunteer or merchant id.") var account: String

        func execute(_ context: Context) throws {
            let result = try context.perform(API.balance, .init(account: account))
            let view = result.view, service = result.service
            if context.options.json {
                struct LotJSON: Encodable { var expires_on: String; var usable_through: String; var points: Int64 }
                struct BalanceJSON: Encodable {
                    var account: String; var balance: Int64; var held: Int64; var available: Int64; var lapsed: Int64;
                    var lots: [LotJSON]
                    var service_minutes: Int64?; var service_hours: String?; var star: Int?;
                    var hours_to_next_star: String?
                    var expiring_soon: Int64; var expiring_by: String?
                }
                return context.printJSON(
                    BalanceJSON(
                        account: view.account, balance: view.balance, held: view.held, available: view.available,
                        lapsed: view.lapsed,
                        lots: view.lots.map {
                            LotJSON(expires_on: $0.expiresOn, usable_through: $0.usableThrough, points: $0.remaining)
                        },
                        service_minutes: service?.minutes,
                        service_hours: service.map { hoursText($0.minutes) },
                        star: service?.star,
                        hours_to_next_star: service?.hoursToNextStar.map { String(format: "%.2f", $0) },
                        expiring_soon: view.expiringSoon, expiring_by: view.expiringBy.isEmpty ? nil : view.expiringBy))
            }
            var rows = [
                [context.t("积分余额", "balance"), String(view.balance)],
                [context.t("冻结中", "held"), String(view.held)],
                [context.t("可用积分", "available"), String(view.available)],
            ]
            if view.lapsed > 0 {
                rows.append([context.t("已过期（不能再用）", "lapsed (no longer usable)"), String(view.lapsed)])
            }
            if view.expiringSoon > 0, let soonest = view.lots.first {
                // One date for the same points: the last day the soonest of them can be used.
                rows.append([
                    context.t(
                        "即将过期（\(soonest.usableThrough) 后不能再用）",
                        "expiring soon (unusable after \(soonest.usableThrough))"),
                    String(view.expiringSoon),
                ])
            }
            if let service {
                rows.append([context.t("累计服务小时", "hours served"), hoursText(service.minutes)])
                let stars = service.star == 0 ? "—" : String(repeating: "★", count: service.star)
                rows.append([context.t("星级", "star level"), stars])
                if let next = service.hoursToNextStar {
                    rows.append([context.t("距下一星还需小时", "hours to next star"), String(format: "%.2f", next)])
                }
            }
            for lot in view.lots.prefix(5) {
                rows.append([
                    context.t("可用至 \(lot.usableThrough)", "usable through \(lot.usableThrough)"), String(lot.remaining),
                ])
            }
            context.print(view.account)
            context.printTable([context.t("项目", "item"), context.t("积分", "points")], rows, right: [1])
        }
    }

    struct Statement: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every movement of an account's points, with the balance after each.",
            discussion: "Example: jifen statement V0001 --from 2026-11-01 --to 2026-11-30")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Volunteer or merchant id.") var account: String
        @Option(help: "First day (inclusive), e.g. 2026-11-01.") var from: String?
        @Option(help: "Last day (inclusive), e.g. 2026-11-30.") var to: String?

        func execute(_ context: Context) throws {
            let result = try context.perform(API.statement, .init(account: account, from: from, to: to))
            let opening = result.openingBalance, lines = result.lines
            if context.options.json {
                struct Line: Encodable {
                    var transfer: TransferJSON; var change: Int64; var balance_after: Int64; var counterparty: String
                }
                struct Out: Encodable { var account: String; var opening_balance: Int64; var lines: [Line] }
                return context.printJSON(
                    Out(
                        account: account, opening_balance: opening,
                        lines: lines.map {
                            Line(
                                transfer: TransferJSON($0.transfer), change: $0.change, balance_after: $0.balanceAfter,
                                counterparty: $0.counterparty)
                        }))
            }
            context.print(context.t("\(account) 期初余额 \(opening)", "\(account) opening balance \(opening)"))
            context.printTable(
                [
                    context.t("编号", "no."), context.t("时间", "time"), context.t("类型", "kind"),
                    context.t("对方", "counterparty"),
                    context.t("变动", "change"), context.t("余额", "balance"), context.t("备注", "memo"),
                ],
                lines.map {
                    [
                        "#\($0.transfer.id)", context.time($0.transfer.atMillis), kindLabel($0.transfer.kind, context),
                        $0.counterparty, $0.change > 0 ? "+\($0.change)" : "\($0.change)", String($0.balanceAfter),
                        TransferMemo.render($0.transfer).text(context.language),
                    ]
                },
                right: [4, 5])
        }
    }
}

func kindLabel(_ kind: TransferKind, _ context: Context) -> String {
    let zh: [TransferKind: String] = [
        .earn: "服务获得", .redeem: "兑换", .refund: "退还", .reverse: "冲正", .expire: "过期",
        .settle: "结算", .grant: "发放", .adjust: "调整", .transfer: "转赠",
    ]
    return context.language == .zh ? zh[kind] ?? kind.rawValue : kind.rawValue
}
