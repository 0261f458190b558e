import Foundation
import JifenCore
import PostgresNIO

/// What sealing the hash chain reads and writes (`Chain.seal`), inside the transaction that holds
/// the sealer's lock: the transfers still without a place, and their places.
extension PostgresTransaction: ChainSealing {
    func unsealedTransfers(limit: Int) throws -> [Transfer] {
        try session.rows("SELECT \(Self.transferColumns) FROM transfer WHERE seq IS NULL ORDER BY id LIMIT $1", [limit])
            .map(Self.transfer)
    }

    func seal(_ t: Transfer) throws {
        session.batch(
            "UPDATE transfer SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4 AND seq IS NULL",
            [t.seq, t.prevHash, t.hash, t.id], row: "transfer:\(t.id)")
        session.batch("UPDATE chain_head SET last_seq = $1, last_hash = $2", [t.seq, t.hash], replaces: "chain_head")
    }
}
