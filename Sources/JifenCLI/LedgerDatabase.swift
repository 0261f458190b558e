import Foundation
import JifenCore
import JifenPostgres
import JifenSQLite

/// What the ledger commands (init aside) need from a database. Both stores' facades provide
/// it with the same meaning, so these commands run unchanged on SQLite and on PostgreSQL; the
/// ledger's rules themselves come from `Ledger`, through `LedgerStore`.
protocol LedgerDatabase: LedgerStore, RulesSource, VolunteerDirectory {
    func balance(_ id: String, nowMillis: Int64) throws -> BalanceView
    func statement(_ id: String, fromMillis: Int64?, toMillis: Int64?, limit: Int) throws -> (opening: Int64, lines: [StatementLine])
    func addVolunteer(_ input: Volunteer, actor: String, nowMillis: Int64, allowDuplicate: Bool) throws -> Volunteer
    func volunteers(community: String?, team: String?) throws -> [Volunteer]
    func volunteer(_ id: String) throws -> Volunteer
    func addMerchant(_ input: Merchant, actor: String, nowMillis: Int64) throws -> Merchant
    func merchants(community: String?) throws -> [Merchant]
    func merchant(_ id: String) throws -> Merchant
    func account(_ id: String) throws -> Account
    func serviceTotals(volunteer: String) throws -> ServiceTotals
    func resolveCommunity(_ id: String?) throws -> Community
    /// Seals transfers committed but not yet chained (PostgreSQL; SQLite chains as it posts).
    func sealPending() throws -> Int
}

extension JifenDatabase: LedgerDatabase {
    func sealPending() throws -> Int { 0 }
}
extension PostgresStore: LedgerDatabase {}

/// What every command that runs on both stores needs: the ledger, and the facades of
/// `JifenCore/StoreFacades.swift` (offers, rules, teams, activities and records, certificates)
/// the month's sums (`MonthReporting`) and the seed loader (`SeedLoading`).
typealias StoreDatabase = LedgerDatabase & OfferCatalog & RuleBook & TeamRoster & ServiceQueries & CertificateBook & MonthReporting
    & SeedLoading

extension Context {
    /// True when `--db` (or JIFEN_DB) names a PostgreSQL server rather than a SQLite file.
    var usesPostgres: Bool { PostgresTarget.isURL(dbPath) }

    /// The database of a command that runs on both stores, SQLite or PostgreSQL as `--db` says.
    func openLedgerDatabase() throws -> any StoreDatabase {
        usesPostgres ? try PostgresStore.open(url: dbPath) : try openDatabase()
    }

    /// The database of `webhook …` and `notify`, SQLite or PostgreSQL as `--db` says.
    func openWebhookDatabase() throws -> any WebhookDatabase {
        usesPostgres ? try PostgresStore.open(url: dbPath) : try openDatabase()
    }

    /// The refusal of a command that has no PostgreSQL side yet.
    func sqliteOnly() -> JifenError {
        .usage("sqlite-only", zh: "这个命令只支持 SQLite 数据库文件，不支持 PostgreSQL。",
               en: "This command works only on a SQLite database file, not on PostgreSQL.")
    }
}
