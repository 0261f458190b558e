import Foundation

/// The hash chain's sealing step, for stores that chain after commit (`Chaining.afterCommit`).
///
/// A transfer is posted with seq 0 and no hash; once committed, the store runs `seal` in a
/// transaction where it is the only sealer (PostgreSQL: an advisory lock). Sealing gives every
/// committed, unsealed transfer the next place in its community's chain, lowest id first, with
/// the previous hash of that chain. Transfers committed in the meantime are sealed by the next run, so one run
/// seals many transfers and writers never wait on one another for the chain.
public enum Chain {
    /// Seals every committed transfer that awaits its place, `batch` at a time.
    /// - Returns: how many were sealed.
    @discardableResult
    public static func seal(in tx: any ChainSealing, batch: Int = 1000) throws -> Int {
        var heads: [String: ChainLink] = [:]
        var sealed = 0
        while true {
            let waiting = try tx.unsealedTransfers(limit: batch)
            for var transfer in waiting {
                let head =
                    try heads[transfer.community] ?? tx.chainHead(community: transfer.community)
                    ?? ChainLink(seq: 0, hash: TransferHash.genesis)
                transfer.seq = head.seq + 1
                transfer.prevHash = head.hash
                TransferHash.saltMemo(&transfer)
                transfer.hash = TransferHash.compute(transfer)
                try tx.seal(transfer)
                heads[transfer.community] = ChainLink(seq: transfer.seq, hash: transfer.hash)
            }
            sealed += waiting.count
            if waiting.count < batch { return sealed }
        }
    }
}

/// Moves a database from the one global chain (`jifen-transfer-v1`) to one chain per community
/// (`jifen-transfer-v2`), for the stores' migration. First every old link and hash is checked
/// (`LegacyCheck`): a broken old chain is refused, so a migration never launders tampering.
/// Then `Rechain` gives each transfer, in the old chain's order, its community's next place.
public enum ChainUpgrade {
    /// Checks the old global chain, one transfer at a time in its order.
    public struct LegacyCheck {
        public private(set) var head = ChainLink(seq: 0, hash: TransferHash.genesis)
        public private(set) var count = 0
        public init() {}

        /// - Throws: `JifenError` (refused, `legacyChainBroken`) naming the first broken transfer.
        public mutating func check(_ t: Transfer) throws {
            count += 1
            let hash = TransferHash.computeV1(t)
            guard t.prevHash == head.hash, hash == t.hash, t.seq == head.seq + 1 else {
                throw JifenError.refused(
                    .legacyChainBroken,
                    zh: "旧哈希链在转账 #\(t.id) 处断开或内容被改动，不迁移到按社区的哈希链，数据库未做任何更改。"
                        + "请用旧版本的 jifen verify 查明原因，从备份恢复后再升级。",
                    en: "The old hash chain is broken or changed at transfer #\(t.id); it was not migrated to "
                        + "per-community chains and the database is unchanged. Find why with the old version's "
                        + "jifen verify, restore from a backup, then upgrade."
                )
            }
            head = ChainLink(seq: t.seq, hash: t.hash)
        }
    }

    /// Re-chains transfers per community, in the old chain's order.
    public struct Rechain {
        public private(set) var heads: [String: ChainLink] = [:]
        public init() {}

        /// The transfer with its community's next place, its memo's salt and digest and its v2 hash.
        /// An unsealed transfer (seq 0) only gets its memo's digest: sealing places it later.
        public mutating func next(_ transfer: Transfer) -> Transfer {
            var t = transfer
            t.memoDigest = ""
            t.memoSalt = nil
            TransferHash.saltMemo(&t)
            guard transfer.seq > 0 else { return t }
            let head = heads[t.community] ?? ChainLink(seq: 0, hash: TransferHash.genesis)
            t.seq = head.seq + 1
            t.prevHash = head.hash
            t.hash = TransferHash.compute(t)
            heads[t.community] = ChainLink(seq: t.seq, hash: t.hash)
            return t
        }
    }
}
