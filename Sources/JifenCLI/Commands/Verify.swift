import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Expire: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move lapsed points to the expiry account, and release holds past their timeout.",
            discussion: "Example: jifen expire --as-of 2026-11-30   # run it daily from cron, without --as-of")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Expire lots lapsed on or before this day (default today; never later).") var asOf: String?

        func execute(_ context: Context) throws {
            let report = try context.perform(API.expire, .init(asOf: asOf))
            if context.options.json {
                let transfers = report.transfers
                struct Notice: Encodable { var account: String; var expires_on: String; var points: Int64 }
                struct Out: Encodable {
                    var as_of: String; var points: Int64; var transfers: [TransferJSON]; var lapsed_holds: [Int64];
                    var expiring_notices: [Notice]
                }
                return context.printJSON(
                    Out(
                        as_of: report.asOf, points: report.points, transfers: transfers.map { TransferJSON($0) },
                        lapsed_holds: report.lapsedHolds.map(\.id),
                        expiring_notices: report.expiringNotices.map {
                            Notice(account: $0.account, expires_on: $0.expiresOn, points: $0.remaining)
                        }))
            }
            context.print(
                context.t(
                    "截至 \(report.asOf)：\(report.transfers.count) 位志愿者共 \(report.points) 积分过期；\(report.lapsedHolds.count) 笔冻结超时退回。",
                    """
                    As of \(report.asOf): \(report.points) points expired from \(report.transfers.count) \
                    volunteers; \(report.lapsedHolds.count) holds lapsed.
                    """
                ))
            if !report.expiringNotices.isEmpty {
                let points = report.expiringNotices.reduce(0) { $0 + $1.remaining }
                context.print(
                    context.t(
                        "已提醒 \(Set(report.expiringNotices.map(\.account)).count) 位志愿者：\(points) 积分即将过期。",
                        "Announced \(points) points expiring soon for \(Set(report.expiringNotices.map(\.account)).count) volunteers."
                    ))
            }
        }
    }

    struct Verify: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove the ledger: hash chain, every balance from its transfers, zero sum, every lot, holds.",
            discussion: "Example: jifen verify   # exit 0 when all holds, 1 with each fault named")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: Context) throws {
            let report = try context.perform(API.verify, .init())
            if context.options.json {
                struct Out: Encodable {
                    var ok: Bool; var transfers: Int; var accounts: Int; var lots: Int; var unsealed: Int;
                    var faults: [VerifyFault]
                }
                context.printJSON(
                    Out(
                        ok: report.ok, transfers: report.transfers, accounts: report.accounts, lots: report.lots,
                        unsealed: report.unsealed, faults: report.faults))
            } else if report.ok {
                context.print(
                    context.t(
                        "账本无误：\(report.transfers) 笔转账、\(report.accounts) 个账户、\(report.lots) 个积分批次全部核对一致，余额总和为零。",
                        """
                        Ledger verified: \(report.transfers) transfers, \(report.accounts) accounts, \(report.lots) lots all agree; \
                        balances sum to zero.
                        """
                    ))
            } else {
                context.print(context.t("发现 \(report.faults.count) 处问题：", "Found \(report.faults.count) faults:"))
                for fault in report.faults { context.print("  - " + fault.message(context.language)) }
            }
            if report.unsealed > 0 {
                context.print(
                    context.t(
                        "另有 \(report.unsealed) 笔刚提交的转账正在封入哈希链，已计入余额核对。",
                        "\(report.unsealed) transfers committed a moment ago are still being sealed into the hash chain; their balances were checked."
                    ))
            }
            if !report.ok { throw ExitCode(ExitStatus.verifyFailed) }
        }
    }
}
