import Foundation
import GRDB
import JifenCore

/// Posting a transfer reads the key's transfer, both accounts (with their names), the settings,
/// the debit's pending holds and open lots, the community's chain head and the next id, and for
/// an admin's move the actor's role: here all in one statement, each part tagged in its last
/// column. The reads that follow take their answer from it once, until the next write.
extension SQLiteTransaction {
    /// What `prefetchPosting` read, each part taken (set to nil) by the read that uses it.
    final class Prefetched {
        let reads: PostingReads
        /// The connection's count of changed rows when read: any write since makes it stale.
        let changes: Int
        var keyTransfer: Transfer??
        /// Both sides, nil for an account that does not exist.
        var accounts: [String: Account?] = [:]
        var settings: [String: String]?
        var holds: [PendingHold]?
        var lots: [Lot]?
        var community: String?
        var head: ChainLink??
        var nextID: Int64?
        var isAdmin: Bool?

        init(reads: PostingReads, changes: Int) {
            self.reads = reads
            self.changes = changes
        }
    }

    /// Padded to the widest part (a transfer row): 18 columns, then the part's tag.
    static let prefetchSQL: String = {
        func part(_ tag: Int, _ columns: [String], _ rest: String) -> String {
            let padded = columns + Array(repeating: "NULL", count: 18 - columns.count)
            return "SELECT \((padded + ["\(tag)"]).joined(separator: ", ")) \(rest)"
        }
        return [
            part(
                0, transferColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                "FROM transfer WHERE key = ?1"),
            part(
                1, ["a.id", "a.kind", "a.community", "a.balance", "COALESCE(v.name, m.name)"],
                "FROM account a LEFT JOIN volunteer v ON v.id = a.id LEFT JOIN merchant m ON m.id = a.id WHERE a.id IN (?2, ?3)"
            ),
            part(2, ["key", "value"], "FROM setting"),
            part(
                3, ["id", "amount", "created_at", "expires_at"],
                "FROM hold WHERE debit = ?2 AND status = 'pending' AND expires_at > ?4"),
            part(4, ["id", "account", "expires_on", "remaining"], "FROM lot WHERE account = ?2 AND remaining > 0"),
            part(
                5,
                [
                    "(SELECT MAX(id) FROM transfer)", "c.community",
                    "(SELECT seq FROM transfer WHERE community = c.community ORDER BY seq DESC LIMIT 1)",
                    "(SELECT hash FROM transfer WHERE community = c.community ORDER BY seq DESC LIMIT 1)",
                ], "FROM account c WHERE c.id = ?2"),
            part(6, ["EXISTS (SELECT 1 FROM actor_role WHERE actor = ?5 AND role = 'admin')"], "WHERE ?5 IS NOT NULL"),
        ].joined(separator: "\nUNION ALL ")
    }()

    func prefetchPosting(_ reads: PostingReads) throws {
        if let p = prefetch, p.reads.key == reads.key, p.reads.debit == reads.debit,
            p.reads.credit == reads.credit, p.reads.nowMillis == reads.nowMillis
        {
            return
        }
        memo.prefetched = nil
        let p = Prefetched(reads: reads, changes: db.totalChangesCount)
        var key: Transfer?
        var settings: [String: String] = [:]
        var holds: [PendingHold] = []
        var lots: [Lot] = []
        var found: [String: Account] = [:]
        for row in try all(Self.prefetchSQL, [reads.key, reads.debit, reads.credit, reads.nowMillis, reads.admin]) {
            switch row[18] as Int {
            case 0: key = Self.transfer(row)
            case 1:
                let account = Self.account(row)
                found[account.id] = account
                memo.names[account.id] = .some(row[4] as String?)
            case 2: settings[row[0]] = row[1] as String
            case 3:
                holds.append(PendingHold(id: row[0], amount: row[1], createdAtMillis: row[2], expiresAtMillis: row[3]))
            case 4: lots.append(Self.lot(row))
            case 5:
                p.nextID = ((row[0] as Int64?) ?? 0) + 1
                p.community = row[1]
                if let seq: Int64 = row[2], let hash: String = row[3] {
                    p.head = .some(ChainLink(seq: seq, hash: hash))
                } else {
                    p.head = .some(nil)
                }
            default: p.isAdmin = row[0] as Bool
            }
        }
        p.keyTransfer = .some(key)
        p.accounts[reads.debit] = .some(found[reads.debit])
        p.accounts[reads.credit] = .some(found[reads.credit])
        p.settings = settings
        p.holds = holds.sorted { $0.id < $1.id }
        p.lots = lots.sorted { ($0.expiresOn, $0.id) < ($1.expiresOn, $1.id) }
        memo.prefetched = p
    }

    /// What `prefetchPosting` read, while nothing was written since.
    var prefetch: Prefetched? {
        guard let p = memo.prefetched else { return nil }
        guard p.changes == db.totalChangesCount else {
            memo.prefetched = nil
            return nil
        }
        return p
    }
}
