import Foundation

/// The hash chain's sealing step, for stores that chain after commit (`Chaining.afterCommit`).
///
/// A transfer is posted with seq 0 and no hash; once committed, the store runs `seal` in a
/// transaction where it is the only sealer (PostgreSQL: an advisory lock). Sealing gives every
/// committed, unsealed transfer the next place in the chain, lowest id first, with the previous
/// transfer's hash. Transfers committed in the meantime are sealed by the next run, so one run
/// seals many transfers and writers never wait on one another for the chain.
public enum Chain {
    /// Seals every committed transfer that awaits its place, `batch` at a time.
    /// - Returns: how many were sealed.
    @discardableResult
    public static func seal(in tx: any ChainSealing, batch: Int = 1000) throws -> Int {
        var head = try tx.chainHead() ?? ChainLink(seq: 0, hash: TransferHash.genesis)
        var sealed = 0
        while true {
            let waiting = try tx.unsealedTransfers(limit: batch)
            for var transfer in waiting {
                transfer.seq = head.seq + 1
                transfer.prevHash = head.hash
                transfer.hash = TransferHash.compute(transfer)
                try tx.seal(transfer)
                head = ChainLink(seq: transfer.seq, hash: transfer.hash)
            }
            sealed += waiting.count
            if waiting.count < batch { return sealed }
        }
    }
}
