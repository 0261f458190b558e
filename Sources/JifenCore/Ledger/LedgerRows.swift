import Foundation

/// The ledger's rows read inside a transaction: accounts, transfers, lots and holds. A store
/// (SQLite, PostgreSQL) answers these with plain queries; every rule about what they mean lives
/// in `Ledger`, written once.
public protocol LedgerRowReading: CheckpointReading {
    func account(_ id: String) throws -> Account?
    /// The name of the volunteer or merchant an account belongs to (for the outbox's events,
    /// which group chats read); nil for a community's system accounts.
    func accountName(_ id: String) throws -> String?
    /// Points reserved by pending holds on an account that have not lapsed at `nowMillis`.
    func heldAmount(account: String, nowMillis: Int64) throws -> Int64
    /// Pending holds on an account (as debit) that have not lapsed at `nowMillis`, oldest first.
    func pendingHolds(account: String, nowMillis: Int64) throws -> [PendingHold]
    func transfer(id: Int64) throws -> Transfer?
    func transfer(key: String) throws -> Transfer?
    /// The reversals of a transfer (at most one by the ledger's rules).
    func reversals(of id: Int64) throws -> [Transfer]
    /// Place and hash of the transfer sealed last of all (highest id on SQLite), or nil when there is none.
    func chainHead() throws -> ChainLink?
    /// Place and hash of the end of a community's hash chain, or nil when it has no sealed transfer.
    func chainHead(community: String) throws -> ChainLink?
    /// Open lots of an account, oldest expiry first, then oldest lot.
    func openLots(account: String, limit: Int) throws -> [Lot]
    func lot(account: String, expiresOn: String) throws -> Lot?
    func lot(id: Int64) throws -> Lot?
    func lotEntries(transfer: Int64) throws -> [LotEntry]
    /// Lots with points left expiring after `afterDay` and on or before `throughDay` that have had no notice yet.
    func lotsNeedingNotice(afterDay: String, throughDay: String) throws -> [Lot]
    func hold(id: Int64) throws -> Hold?
    func hold(key: String) throws -> Hold?
    /// Accounts that hold lots expiring on or before `day`, with something left.
    func accountsWithLapsedLots(onOrBefore day: String) throws -> [String]
    /// Pending holds whose timeout has passed.
    func lapsedHolds(nowMillis: Int64) throws -> [Hold]
    /// Credits less debits of an account's transfers at or after `sinceMillis`.
    func movedSince(account: String, sinceMillis: Int64) throws -> Int64
    /// Transfers debiting or crediting an account in `[fromMillis, toMillis)`, by id, at most `limit`.
    func transfers(touching account: String, fromMillis: Int64, toMillis: Int64, limit: Int) throws -> [Transfer]
}

/// The ledger's rows written inside a write transaction: accounts, balances, transfers, lots,
/// holds, expiry notices and the outbox's events.
public protocol LedgerRowWriting: LedgerRowReading {
    /// Locks the accounts an operation is about to read and change, until the transaction ends.
    /// The ledger passes them sorted, so every store that locks rows takes them in one order.
    /// A store that serialises whole write transactions (SQLite) has nothing to do here.
    /// - Parameter posting: true when a transfer is about to be posted (unless refused), so a
    ///   store may reserve its id with the same round trip (`newTransferID` then returns it).
    func lock(accounts: [String], posting: Bool) throws
    /// How this store orders the hash chain (see `Chain`).
    var chaining: Chaining { get }
    /// A new transfer id, for a store that chains after commit (its ids need not follow the chain).
    func newTransferID() throws -> Int64
    func createAccount(_ account: Account) throws
    /// Stores a transfer and returns its id.
    func insert(transfer: Transfer) throws -> Int64
    func addToBalance(account: String, delta: Int64) throws
    /// Moves `amount` from `debit`'s balance to `credit`'s: the two `addToBalance` calls, which a
    /// store may run as one statement.
    func moveBalance(amount: Int64, from debit: String, to credit: String) throws
    func insert(lot: Lot) throws -> Int64
    func addToLot(id: Int64, delta: Int64) throws
    /// Adds `amount` to an account's lot of a day, making the lot when there is none; returns its id.
    func addToLot(account: String, expiresOn: String, amount: Int64) throws -> Int64
    func insert(lotEntry: LotEntry) throws
    func recordExpiryNotice(lot: Lot, atMillis: Int64) throws
    func insert(hold: Hold) throws -> Int64
    /// Moves a hold out of `pending`; returns false when it was no longer pending.
    func resolve(hold id: Int64, to status: HoldStatus, transfer: Int64?) throws -> Bool
    func insert(event: OutboxEvent) throws
    /// Replaces the memo of every transfer debiting or crediting `account` that still has its
    /// text (a salt) with `replacement`, and drops the salt; the digest stays, so the chain still
    /// proves the transfer. Returns how many transfers changed.
    func eraseTransferMemos(account: String, replacement: String) throws -> Int
    /// Stores a sealed month's checkpoint; one that is already there (same community and month) is left as it is.
    func insert(checkpoint: Checkpoint) throws
    /// Tells the store what posting a transfer is about to read (the key's transfer, both
    /// accounts, the settings, the debit's pending holds and open lots, the chain's head, and
    /// whether `reads.admin` is an admin), so it may read them all in one round trip. The reads
    /// that follow, before the next write, return what it read. A store that gains nothing by it
    /// does nothing.
    func prefetchPosting(_ reads: PostingReads) throws
    /// Applies lot changes in order and returns the id of each changed lot: a store may run
    /// them as one statement.
    func apply(lotChanges: [LotChange]) throws -> [Int64]
    /// Stores lot entries in order: a store may run them as one statement.
    func insert(lotEntries: [LotEntry]) throws
}

/// What posting a transfer reads before it writes (`LedgerRowWriting.prefetchPosting`).
public struct PostingReads: Sendable, Equatable {
    public var debit: String
    public var credit: String
    public var key: String
    public var nowMillis: Int64
    /// An actor whose admin role the operation asks about, if any.
    public var admin: String?

    public init(debit: String, credit: String, key: String, nowMillis: Int64, admin: String? = nil) {
        self.debit = debit
        self.credit = credit
        self.key = key
        self.nowMillis = nowMillis
        self.admin = admin
    }
}

/// One change of a lot's points (`LedgerRowWriting.apply(lotChanges:)`).
public enum LotChange: Sendable, Equatable {
    /// Takes points from (or gives back to) a lot that exists.
    case lot(id: Int64, delta: Int64)
    /// Adds points to an account's lot of a day, making the lot when there is none.
    case day(account: String, expiresOn: String, amount: Int64)
}

extension LedgerRowWriting {
    /// Locks accounts for an operation that posts no transfer of its own.
    public func lock(accounts: [String]) throws { try lock(accounts: accounts, posting: false) }

    public func moveBalance(amount: Int64, from debit: String, to credit: String) throws {
        try addToBalance(account: debit, delta: -amount)
        try addToBalance(account: credit, delta: amount)
    }

    public func prefetchPosting(_ reads: PostingReads) throws {}

    public func apply(lotChanges: [LotChange]) throws -> [Int64] {
        try lotChanges.map { change in
            switch change {
            case .lot(let id, let delta):
                try addToLot(id: id, delta: delta)
                return id
            case .day(let account, let day, let amount):
                return try addToLot(account: account, expiresOn: day, amount: amount)
            }
        }
    }

    public func insert(lotEntries: [LotEntry]) throws {
        for entry in lotEntries { try insert(lotEntry: entry) }
    }

    public func addToLot(account: String, expiresOn day: String, amount: Int64) throws -> Int64 {
        if let lot = try lot(account: account, expiresOn: day) {
            try addToLot(id: lot.id, delta: amount)
            return lot.id
        }
        return try insert(lot: Lot(account: account, expiresOn: day, remaining: amount))
    }
}

/// The end of the hash chain.
public struct ChainLink: Sendable, Equatable, Codable {
    public var seq: Int64
    public var hash: String
    public init(seq: Int64, hash: String) { self.seq = seq; self.hash = hash }
}

/// When a transfer gets its place in the hash chain.
public enum Chaining: Sendable {
    /// In the transaction that posts it: right for a store whose writers are serialised anyway
    /// (SQLite), where it costs nothing. Ids and places are then the same numbers.
    case inline
    /// Right after its transaction commits, by `Chain.seal`, in commit order: for a store whose
    /// writers run at once (PostgreSQL), so transfers between different accounts never wait on
    /// one another, and only the short sealing step is serialised, for many transfers at a time.
    case afterCommit
}

/// What sealing reads and writes, inside a transaction that the store has made the only sealer.
public protocol ChainSealing {
    func chainHead(community: String) throws -> ChainLink?
    /// Committed transfers that have no place in the chain yet, lowest id first.
    func unsealedTransfers(limit: Int) throws -> [Transfer]
    /// Records a transfer's place, previous hash and hash, and moves the chain's head to it.
    func seal(_ transfer: Transfer) throws
}

/// Everything `verify` needs to read, in bulk.
public protocol LedgerAuditing {
    /// Calls `body` for every transfer not yet sealed, in id order; stops early when it returns false.
    func forEachUnsealedTransfer(_ body: (Transfer) throws -> Bool) throws
    /// Calls `body` for every sealed transfer, chain by chain (community by community, in the
    /// order of their ids) and in each chain's order, then every unsealed one in id order;
    /// stops early when it returns false.
    func forEachTransfer(_ body: (Transfer) throws -> Bool) throws
    func allAccounts() throws -> [Account]
    func allLots() throws -> [Lot]
    /// Every lot (open or spent) of these accounts, by id: `verify` from the checkpoints checks the
    /// lots of the accounts that moved since.
    func lots(accounts: [String]) throws -> [Lot]
    /// Sum of entries per lot id.
    func lotEntrySums() throws -> [Int64: Int64]
    /// Every lot against its entries, summed by the store: how many lots there are, each account's
    /// points left in its lots, and only the lots whose entries do not add up to what they hold (or
    /// that hold less than nothing), so `verify --full`'s memory does not grow with the lots.
    func lotAudit() throws -> LotAudit
    /// Pending holds not past their timeout at `nowMillis`.
    func pendingHolds(nowMillis: Int64) throws -> [Hold]
}

/// What the store sums for `verify` about lots (`LedgerAuditing.lotAudit`).
public struct LotAudit: Sendable {
    public var count: Int
    /// Points left in each account's lots.
    public var totals: [String: Int64]
    /// Lots whose entries sum to something else than they hold (or that hold less than nothing),
    /// by id, each with its entries' sum.
    public var mismatched: [(lot: Lot, entries: Int64)]
    public init(count: Int, totals: [String: Int64], mismatched: [(lot: Lot, entries: Int64)]) {
        self.count = count
        self.totals = totals
        self.mismatched = mismatched
    }
}
