public import Foundation

/// A community's month closed and sealed (月度封账): where its hash chain stood at the month's
/// end, every balance of its accounts as of that place, the counts, and a hash over all of it and
/// the previous checkpoint's hash, so checkpoints form a chain of their own. `verify` starts from
/// the last one (its hash, then only the transfers after it); `verify --full` from the start.
///
/// A migrated database has a genesis checkpoint per community (`month` "genesis", place 0, no
/// balances) whose `previous` is the head hash of the one global chain it had before, which
/// links the old proof to the new chains.
public struct Checkpoint: Codable, Sendable, Equatable {
    public var community: String
    /// "yyyy-MM", or "genesis".
    public var month: String
    /// The last place in the community's chain the checkpoint covers (0: none).
    public var seq: Int64
    /// The hash of the transfer at `seq` (the chain's genesis hash at place 0).
    public var head: String
    /// Transfers in the chain up to `seq`.
    public var transfers: Int64
    /// Accounts of the community with a balance in `balances`.
    public var accounts: Int64
    /// Every account's balance as of `seq` (accounts that never moved are left out: 0).
    public var balances: [String: Int64]
    /// The previous checkpoint's hash (genesis: the old global chain's head, or zeros).
    public var previous: String
    public var hash: String
    public var sealedAtMillis: Int64

    public init(
        community: String, month: String, seq: Int64, head: String, transfers: Int64, balances: [String: Int64],
        previous: String, sealedAtMillis: Int64
    ) {
        self.community = community
        self.month = month
        self.seq = seq
        self.head = head
        self.transfers = transfers
        self.balances = balances.filter { $0.value != 0 }
        self.accounts = Int64(self.balances.count)
        self.previous = previous
        self.sealedAtMillis = sealedAtMillis
        self.hash = ""
        self.hash = computeHash()
    }

    public static let genesisMonth = "genesis"

    /// A community's genesis checkpoint after the move from the one global chain.
    public static func genesis(community: String, legacyHead: ChainLink, atMillis: Int64) -> Checkpoint {
        Checkpoint(
            community: community, month: genesisMonth, seq: 0, head: TransferHash.genesis, transfers: 0,
            balances: [:], previous: legacyHead.hash, sealedAtMillis: atMillis)
    }

    /// The balances as stored: one `account=balance` line per account, by account id.
    public var balancesText: String {
        balances.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
    }

    /// Parses `balancesText`.
    public static func balances(fromText text: String) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.lastIndex(of: "="), let value = Int64(line[line.index(after: eq)...]) else { continue }
            out[String(line[..<eq])] = value
        }
        return out
    }

    /// The canonical text hashed (`jifen-checkpoint-v1`), fields separated as a transfer's.
    public var canonical: String {
        TransferHash.join([
            "jifen-checkpoint-v1", community, month, String(seq), head, String(transfers), String(accounts),
            balancesText, previous,
        ])
    }

    public func computeHash() -> String { TransferHash.digest(canonical) }

    /// The first 12 hex digits, printed on the public notice for residents to compare.
    public var shortHash: String { String(hash.prefix(12)) }

    /// Rebuilds a stored checkpoint (its hash as stored, so `verify` can compare).
    public static func stored(
        community: String, month: String, seq: Int64, head: String, transfers: Int64, accounts: Int64,
        balancesText: String, previous: String, hash: String, sealedAtMillis: Int64
    ) -> Checkpoint {
        // Built field by field: the initialiser would hash it again, which `verify` does only when asked.
        Checkpoint(
            community: community, month: month, seq: seq, head: head, transfers: transfers, accounts: accounts,
            balances: balances(fromText: balancesText).filter { $0.value != 0 }, previous: previous, hash: hash,
            sealedAtMillis: sealedAtMillis)
    }

    private init(
        community: String, month: String, seq: Int64, head: String, transfers: Int64, accounts: Int64,
        balances: [String: Int64], previous: String, hash: String, sealedAtMillis: Int64
    ) {
        self.community = community
        self.month = month
        self.seq = seq
        self.head = head
        self.transfers = transfers
        self.accounts = accounts
        self.balances = balances
        self.previous = previous
        self.hash = hash
        self.sealedAtMillis = sealedAtMillis
    }
}
