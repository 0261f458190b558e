import ArgumentParser
import Foundation
import JifenApp
import JifenCore

extension Jifen {
    struct Backup: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the SQLite database to a new file while others keep writing, then verify the copy. 备份数据库。",
            discussion: """
                Uses SQLite's online backup API: one consistent snapshot, including what is still in the -wal file
                (a plain cp of a file in use can lose committed transfers). The copy is then verified like
                `jifen verify` and what it holds is reported. An existing file is never overwritten.
                Restore: stop the jifen processes, then copy the backup over the database (and delete its -wal and -shm files).
                On PostgreSQL use pg_dump and pg_restore (README, docs/DEPLOYMENT.md).
                Example: jifen backup jifen-backup.sqlite
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The new file to write, e.g. jifen-2026-11-30.sqlite.") var file: String

        func execute(_ context: Context) throws {
            let backup = try context.app().backup(context.principal, to: file)
            let report = backup.verify, head = backup.chainHead, bytes = backup.bytes
            if context.options.json {
                struct Head: Encodable { var seq: Int64; var hash: String }
                struct Out: Encodable {
                    var file: String; var bytes: Int; var ok: Bool; var transfers: Int; var accounts: Int; var lots: Int
                    var chain_head: Head?; var faults: [VerifyFault]
                }
                context.printJSON(
                    Out(
                        file: file, bytes: bytes, ok: report.ok, transfers: report.transfers, accounts: report.accounts,
                        lots: report.lots, chain_head: head.map { Head(seq: $0.seq, hash: $0.hash) },
                        faults: report.faults))
            } else {
                let chain = head.map { "#\($0.seq) \($0.hash)" } ?? context.t("（空）", "(empty)")
                context.print(
                    context.t(
                        "已备份到 \(file)（\(bytes) 字节）：\(report.transfers) 笔转账、\(report.accounts) 个账户、\(report.lots) 个积分批次；哈希链末端 \(chain)。",
                        """
                        Backed up to \(file) (\(bytes) bytes): \(report.transfers) transfers, \(report.accounts) accounts, \(report.lots) \
                        lots; chain head \(chain).
                        """
                    ))
                if report.ok {
                    context.print(context.t("备份已核对无误。", "The copy verifies."))
                } else {
                    context.print(
                        context.t(
                            "备份核对发现 \(report.faults.count) 处问题（原库请用 jifen verify 检查）：",
                            "The copy has \(report.faults.count) faults (check the database itself with jifen verify):")
                    )
                    for fault in report.faults { context.print("  - " + fault.message(context.language)) }
                }
            }
            if !report.ok { throw ExitCode(ExitStatus.verifyFailed) }
        }
    }
}
