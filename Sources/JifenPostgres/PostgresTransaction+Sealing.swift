import Foundation
import JifenCore
import PostgresNIO

/// What sealing the hash chain reads and writes (`Chain.seal`), inside the transaction that holds
/// the sealer's lock: the transfers still without a place, and their places.
extension PostgresTransaction: ChainSealing {
    /// The transfers awaiting their seal (at most `limit`), each with its chain's head as it
    /// stands, in one statement. With `onlySealer`, none unless this connection's seal look has just
    /// taken the sealer's lock (`PostgresStore.sealLook`), so it can be sent right behind the look.
    static func unsealedQuery(limit: Int, onlySealer: Bool = false) -> (sql: String, values: [any PostgresBindable]) {
        (
            """
            WITH waiting AS (
                SELECT \(transferColumns) FROM transfer WHERE seq IS NULL
                \(onlySealer ? "AND current_setting('jifen.sealer', true) = 'true'" : "") ORDER BY id LIMIT $1),
            heads AS (
                SELECT c.community, h.seq, h.hash FROM (SELECT DISTINCT community FROM waiting) c
                CROSS JOIN LATERAL (
                    SELECT seq, hash FROM transfer WHERE community = c.community AND seq IS NOT NULL
                    ORDER BY seq DESC LIMIT 1) h)
            SELECT waiting.*, heads.seq, heads.hash FROM waiting LEFT JOIN heads ON heads.community = waiting.community
            ORDER BY waiting.id
            """, [limit]
        )
    }

    /// The transfers awaiting their seal; `chainHead(community:)` then answers from
    /// `session.locked.chainHeads` for theirs. The first call may be answered by rows read right
    /// behind the seal look (`session.waitingToSeal`).
    func unsealedTransfers(limit: Int) throws -> [Transfer] {
        let rows: [PostgresRow]
        if let waiting = session.waitingToSeal, waiting.limit == limit {
            session.waitingToSeal = nil
            rows = waiting.rows
        } else {
            session.waitingToSeal = nil
            let query = Self.unsealedQuery(limit: limit)
            rows = try session.rows(query.sql, query.values)
        }
        var heads: [String: ChainLink?] = [:]
        let transfers = try rows.map { row in
            let transfer = try Self.transfer(row)
            let cells = row.makeRandomAccess()
            if let seq = try cells[18].decode(Int64?.self), let hash = try cells[19].decode(String?.self) {
                heads[transfer.community] = ChainLink(seq: seq, hash: hash)
            } else if heads[transfer.community] == nil {
                heads[transfer.community] = .some(nil)
            }
            return transfer
        }
        session.locked.chainHeads = heads
        return transfers
    }

    func seal(_ t: Transfer) throws {
        session.batch(
            "UPDATE transfer SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4 AND seq IS NULL",
            [t.seq, t.prevHash, t.hash, t.id], row: "transfer:\(t.id)")
        session.batch("UPDATE chain_head SET last_seq = $1, last_hash = $2", [t.seq, t.hash], replaces: "chain_head")
        session.locked.chainHeads[t.community] = ChainLink(seq: t.seq, hash: t.hash)
    }
}
