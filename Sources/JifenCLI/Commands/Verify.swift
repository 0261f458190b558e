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
            abstract:
                "Prove the ledger: each community's hash chain, every balance from its transfers, zero sum, every lot, holds.",
            discussion: """
                By default each community's chain is checked from its last month checkpoint on (jifen checkpoint): \
                the checkpoint's own hash, then the transfers after it. --full checks every transfer and checkpoint.
                Example: jifen verify --full   # exit 0 when all holds, 1 with each fault named
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Check the whole history: every transfer, every checkpoint, the service requests' points.")
        var full = false

        func execute(_ context: Context) throws {
            let report = try context.perform(API.verify, .init(full: full))
            if context.options.json {
                struct Out: Encodable {
                    var ok: Bool; var transfers: Int; var accounts: Int; var lots: Int; var unsealed: Int;
                    var chains: Int; var checkpoints: Int; var full: Bool; var checked: Int
                    var faults: [VerifyFault]
                }
                context.printJSON(
                    Out(
                        ok: report.ok, transfers: report.transfers, accounts: report.accounts, lots: report.lots,
                        unsealed: report.unsealed, chains: report.chains, checkpoints: report.checkpoints,
                        full: report.full, checked: report.checked, faults: report.faults))
            } else if report.ok {
                context.print(
                    context.t(
                        "账本无误：\(report.transfers) 笔转账、\(report.accounts) 个账户、\(report.lots) 个积分批次全部核对一致，余额总和为零。",
                        """
                        Ledger verified: \(report.transfers) transfers, \(report.accounts) accounts, \(report.lots) lots all agree; \
                        balances sum to zero.
                        """
                    ))
                context.print(
                    report.full
                        ? context.t(
                            "已逐笔核对 \(report.chains) 条社区哈希链与 \(report.checkpoints) 个月度封账。",
                            "Checked all \(report.chains) community hash chains and \(report.checkpoints) checkpoints "
                                + "transfer by transfer.")
                        : context.t(
                            "已从各社区最近的月度封账起核对（重新计算 \(report.checked) 笔）；逐笔核对全部历史请用 --full。",
                            "Checked from each community's last checkpoint (\(report.checked) transfers hashed again); "
                                + "--full checks the whole history."
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

    struct CheckpointCommand: JifenCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Seal each closed month (月度封账): per community, the chain's head, every balance and the counts.",
            discussion: """
                Seals every month that has ended (by the clock, JIFEN_NOW in tests) and has no checkpoint yet; \
                running it again seals nothing twice. Run it monthly, e.g. from cron on the 1st.
                Example: jifen checkpoint
                """)
        @OptionGroup var global: GlobalOptions

        func execute(_ context: Context) throws {
            let outcome = try context.perform(API.sealCheckpoints, .init())
            if context.options.json {
                struct Row: Encodable {
                    var community: String; var month: String; var seq: Int64; var head: String; var transfers: Int64
                    var accounts: Int64; var hash: String; var short_hash: String
                }
                struct Out: Encodable { var sealed: [Row] }
                return context.printJSON(
                    Out(
                        sealed: outcome.sealed.map {
                            Row(
                                community: $0.community, month: $0.month, seq: $0.seq, head: $0.head,
                                transfers: $0.transfers, accounts: $0.accounts, hash: $0.hash, short_hash: $0.shortHash)
                        }))
            }
            if outcome.sealed.isEmpty {
                context.print(
                    context.t("没有需要封账的月份：已结束的月份都已封账。", "Nothing to seal: every closed month has its checkpoint."))
                return
            }
            for c in outcome.sealed {
                context.print(
                    context.t(
                        "\(c.community) \(c.month) 已封账：哈希链第 \(c.seq) 笔，\(c.transfers) 笔转账，"
                            + "\(c.accounts) 个账户，封账哈希 \(c.shortHash)",
                        "\(c.community) \(c.month) sealed: chain place \(c.seq), \(c.transfers) transfers, "
                            + "\(c.accounts) accounts, checkpoint \(c.shortHash)"
                    ))
            }
        }
    }
}
