import Foundation
import JifenCore
import JifenPostgres
import JifenSQLite

/// What `jifen migrate` did.
public struct MigrationReport: Codable, Sendable {
    public var from: String
    public var to: String
    public var rows: [String: Int]
    public var transfers: Int
    public var accounts: Int
    public var lastHash: String
}

/// Moves a whole ledger from a SQLite file to an empty PostgreSQL database, rows and hashes
/// unchanged. The copy is one PostgreSQL transaction; before it commits, `verify` must pass on
/// the copy and every account and balance must equal the source's, else nothing is kept.
enum LedgerMigration {
    static func run(from source: SQLiteStore, to url: String, nowMillis: Int64) throws -> MigrationReport {
        let before = try Verifier.verify(source, nowMillis: nowMillis)
        guard before.ok else {
            throw JifenError.refused(
                .sourceNotVerified,
                zh: "源数据库 \(source.path) 未通过 verify（\(before.faults.count) 处问题），不迁移。请先运行 jifen verify 查明原因。",
                en:
                    "The source \(source.path) fails verify (\(before.faults.count) faults); nothing was migrated. Run jifen verify to see why."
            )
        }
        let sourceAccounts = try source.read { try $0.allAccounts() }
        let sourceLast = try source.read { try $0.chainHead() }
        let target: PostgresStore
        do {
            target = try PostgresStore.create(url: url)
        } catch let error as JifenError where error.code == .alreadyInitialised {
            // Empty Jifen tables (an earlier migrate that was rolled back) may be filled; a ledger may not.
            target = try PostgresStore.open(url: url)
        }
        let rows = try target.importLedger(
            { sink in
                try source.exportRows(of: LedgerTables.ordered) { try sink.add(table: $0, columns: $1, values: $2) }
            },
            check: { copy in
                let report = try Verifier.verify(reader: copy, nowMillis: nowMillis)
                let copied = try copy.allAccounts()
                let last = try copy.chainHead()
                guard report.ok, report.unsealed == 0, copied == sourceAccounts, last == sourceLast else {
                    let detail = report.faults.first?.message(.en) ?? "accounts or balances differ"
                    throw JifenError.fault(
                        .migrateMismatch,
                        zh: "迁移后的副本与源数据不符（\(detail)），已全部回滚，目标未做任何更改。",
                        en:
                            "The copy does not match the source (\(detail)); it was rolled back and the target is unchanged."
                    )
                }
            })
        let after = try Verifier.verify(target, nowMillis: nowMillis)
        guard after.ok, try target.read({ try $0.allAccounts() }) == sourceAccounts else {
            throw JifenError.fault(
                .migrateMismatch, zh: "迁移已提交，但复查 \(target.target.display) 未通过。请运行 jifen verify 查看。",
                en: "The copy committed but a second check of \(target.target.display) failed. Run jifen verify on it.")
        }
        return MigrationReport(
            from: source.path, to: target.target.display, rows: rows, transfers: after.transfers,
            accounts: after.accounts, lastHash: sourceLast?.hash ?? TransferHash.genesis)
    }
}
