import ArgumentParser
import Foundation
import JifenApp
import JifenCore

extension Jifen {
    struct Migrate: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole ledger from a SQLite file to an empty PostgreSQL database. 迁移到 PostgreSQL。",
            discussion: """
                Copies registry, settings, accounts, transfers (hashes unchanged), lots, holds, events, activities and
                service records in one transaction, and keeps it only when verify passes on the copy and every balance
                matches. Refuses a target that already holds a ledger. Webhook endpoints are set up again on the target.
                Example: jifen migrate --from rose.sqlite --to postgres://jifen@db.example:5432/rose
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The SQLite ledger to copy.") var from: String
        @Option(help: "The empty PostgreSQL database: postgres://user@host:port/db.") var to: String

        func execute(_ context: Context) throws {
            let report = try JifenApp.migrate(from: from, to: to, busyTimeout: context.busyTimeout, clock: context.now)
            if context.options.json { return context.printJSON(report) }
            let rows = report.rows.values.reduce(0, +)
            context.print(
                context.t(
                    "已迁移 \(report.from) → \(report.to)：\(rows) 行，\(report.transfers) 笔转账，\(report.accounts) 个账户；两边 verify 均通过，余额逐一相符。",
                    """
                    Migrated \(report.from) → \(report.to): \(rows) rows, \(report.transfers) transfers, \(report.accounts) accounts; \
                    verify passes on both and every balance matches.
                    """
                ))
        }
    }
}
