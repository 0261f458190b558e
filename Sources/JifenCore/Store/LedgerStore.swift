import Foundation

/// What the ledger reads inside a transaction. A store (SQLite, PostgreSQL) answers these with
/// plain queries; every rule about what they mean lives in `Ledger`, written once.
public protocol LedgerReading {
    func offer(id: String) throws -> Offer?
    func merchantExists(_ id: String) throws -> Bool
    /// Codes with this hash, newest first.
    func codes(hash: String) throws -> [RedemptionCode]
    /// The code whose QR secret has this hash, nil when there is none.
    func code(secretHash: String) throws -> RedemptionCode?
    /// When the merchant's wrong codes were typed since `sinceMillis`, oldest first. In a write,
    /// one merchant's wrong codes are counted one transaction at a time.
    func wrongCodes(merchant: String, sinceMillis: Int64) throws -> [Int64]
    func redemption(id: Int64) throws -> Redemption?
    func redemption(key: String) throws -> Redemption?
    func redemption(hold: Int64) throws -> Redemption?
    /// Posted redemptions of a merchant at or before `beforeMillis` not yet settled, oldest first.
    func unsettledRedemptions(merchant: String, beforeMillis: Int64) throws -> [Redemption]
    /// A merchant's redemptions in these states, created in `[createdFromMillis, createdBeforeMillis)`
    /// (either end open when nil), newest first, at most `limit` (the counter's lists).
    func redemptions(
        merchant: String, statuses: [RedemptionStatus], createdFromMillis: Int64?, createdBeforeMillis: Int64?,
        limit: Int
    ) throws -> [Redemption]
    /// Lots with points left expiring after `afterDay` and on or before `throughDay` that have had no notice yet.
    func lotsNeedingNotice(afterDay: String, throughDay: String) throws -> [Lot]

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
    /// Place and hash of the last sealed transfer (the end of the hash chain), or nil when there is none.
    func chainHead() throws -> ChainLink?
    /// Open lots of an account, oldest expiry first, then oldest lot.
    func openLots(account: String, limit: Int) throws -> [Lot]
    func lot(account: String, expiresOn: String) throws -> Lot?
    func lot(id: Int64) throws -> Lot?
    func lotEntries(transfer: Int64) throws -> [LotEntry]
    func hold(id: Int64) throws -> Hold?
    func hold(key: String) throws -> Hold?
    /// Accounts that hold lots expiring on or before `day`, with something left.
    func accountsWithLapsedLots(onOrBefore day: String) throws -> [String]
    /// Pending holds whose timeout has passed.
    func lapsedHolds(nowMillis: Int64) throws -> [Hold]
    func settings() throws -> [String: String]
    /// True when the actor holds the admin role.
    func isAdmin(_ actor: String) throws -> Bool

    // MARK: Rows the application's rules read (`Store+Registry`, `Store+Rules`)

    /// The highest number among a registry table's ids (`V0042`: 42); 0 when it is empty.
    func highestNumber(in table: RegistryTable) throws -> Int
    /// Ids by name of a community's teams or merchants; the lowest id for a name that recurs.
    func idsByName(in table: RegistryTable, community: String) throws -> [String: String]
    func teamExists(named name: String, community: String) throws -> Bool
    /// Volunteers of a community whose name, trimmed, is `name`, by id.
    func volunteers(named name: String, community: String) throws -> [Volunteer]
    /// A merchant's offers (every merchant's when nil), by merchant then id.
    func offers(merchant: String?) throws -> [Offer]
    /// The stored settings with who set them and when, in no particular order.
    func storedSettings() throws -> [SettingView]
    /// Records with their activity's, team's and volunteer's fields, by service day then id.
    func recordViews(
        activity: String?, volunteer: String?, pendingOnly: Bool, from: String?, to: String?
    ) throws -> [RecordView]
    /// How many certificates have a number that starts with `numberPrefix`.
    func certificateCount(numberPrefix: String) throws -> Int
    func certificate(code: String) throws -> Certificate?
    /// A volunteer's most recently issued certificate, nil when none was.
    func latestCertificate(volunteer: String) throws -> Certificate?
    /// Credits less debits of an account's transfers at or after `sinceMillis`.
    func movedSince(account: String, sinceMillis: Int64) throws -> Int64
    /// Transfers debiting or crediting an account in `[fromMillis, toMillis)`, by id, at most `limit`.
    func transfers(touching account: String, fromMillis: Int64, toMillis: Int64, limit: Int) throws -> [Transfer]
    /// A webhook subscription. - Parameter forUpdate: lock the row until the transaction ends
    /// (a read-modify-write), where the store runs writers at once.
    func webhookEndpoint(_ id: Int64, forUpdate: Bool) throws -> WebhookEndpoint?
    /// The type of an outbox event, nil when there is no such event.
    func eventType(_ id: Int64) throws -> String?
    func volunteer(_ id: String) throws -> Volunteer?
    func merchant(_ id: String) throws -> Merchant?
    func activity(_ id: String) throws -> Activity?
    /// A credential or enrolment code by its secret's hash, nil when there is none.
    func credential(hash: String) throws -> Credential?
    func credential(id: String) throws -> Credential?
    /// Credentials (of one person, or all), newest first.
    func credentials(person: String?) throws -> [Credential]
    /// The stored first answer of a write under its idempotency key, nil when there is none.
    func storedReply(actor: String, operation: String, key: String) throws -> StoredReply?
    func participants(activity: String) throws -> [Participation]
    /// The volunteer's participations checked in and not checked out (nor left), oldest check-in first.
    func openParticipations(volunteer: String) throws -> [Participation]
    func record(_ id: String) throws -> ServiceRecord?
    /// The stored versions of a service record, oldest first.
    func recordVersions(record id: String) throws -> [RecordVersion]

    // MARK: Micro-wishes (`Ledger+Wishes`)

    /// A wish. In a write, locked until the transaction ends (its changes are read-modify-write).
    func wish(id: Int64) throws -> Wish?
    /// Every wish, by id (in a write, locked: settlement marks the ones it pays).
    func wishes() throws -> [Wish]
    /// A wish's history, oldest first.
    func wishHistory(wish: Int64) throws -> [WishHistory]

    // MARK: Residents and service requests (`Requests`)

    func resident(_ id: String) throws -> Resident?
    /// Residents (of one community, or all), by id.
    func residents(community: String?) throws -> [Resident]
    /// True when the actor organizes any team (the community desk).
    func organizesAnyTeam(_ actor: String) throws -> Bool
    /// A request. - Parameter forUpdate: lock its row until the transaction ends (a
    /// read-modify-write), where the store runs writers at once.
    func serviceRequest(_ id: String, forUpdate: Bool) throws -> ServiceRequest?
    /// Requests in these states (all when nil), by id.
    func serviceRequests(states: [RequestState]?) throws -> [ServiceRequest]
    /// A request's history, oldest first.
    func requestSteps(request id: String) throws -> [RequestStep]
}

/// What the ledger writes inside a transaction.
public protocol LedgerWriting: LedgerReading {
    func insert(code: RedemptionCode) throws -> Int64
    func insert(credential: Credential) throws
    /// Marks a live enrolment code used; false when it was already used.
    func markCredentialUsed(id: String, atMillis: Int64) throws -> Bool
    /// Marks a credential revoked; false when it already was.
    func revokeCredential(id: String, atMillis: Int64) throws -> Bool
    /// Marks a device credential confirmed by its person; false when it already was.
    func confirmCredential(id: String, atMillis: Int64) throws -> Bool
    /// Keeps a write's first answer under its idempotency key.
    func insert(reply: StoredReply) throws
    /// Marks a live code used; false when it was already used.
    func useCode(id: Int64, atMillis: Int64, redemption: Int64) throws -> Bool
    /// Records one wrong code typed or scanned at the merchant's counter.
    func insert(wrongCode merchant: String, actor: String, atMillis: Int64) throws
    /// Ends every live code of the volunteer at `atMillis`. In a write, one volunteer's codes are
    /// issued one transaction at a time.
    func voidCodes(volunteer: String, atMillis: Int64) throws
    func insert(redemption: Redemption) throws -> Int64
    func update(redemption id: Int64, status: RedemptionStatus, transfer: Int64?, hold: Int64?) throws
    /// Takes one unit of an offer's stock (no-op for unlimited offers); false when none is left.
    func takeStock(offer: String) throws -> Bool
    func returnStock(offer: String) throws
    func insert(settlement: Settlement) throws -> Int64
    func setSettlementTransfer(id: Int64, transfer: Int64) throws
    func markSettled(redemptions: [Int64], settlement: Int64) throws
    func recordExpiryNotice(lot: Lot, atMillis: Int64) throws

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
    func insert(hold: Hold) throws -> Int64
    /// Moves a hold out of `pending`; returns false when it was no longer pending.
    func resolve(hold id: Int64, to status: HoldStatus, transfer: Int64?) throws -> Bool
    func insert(event: OutboxEvent) throws
    /// Stores a new wish. - Returns: its id.
    func insert(wish: Wish) throws -> Int64
    /// Stores a wish's changed fields (all but id, community and posting).
    func update(wish: Wish) throws
    func insert(wishHistory: WishHistory) throws
}

extension LedgerWriting {
    /// Locks accounts for an operation that posts no transfer of its own.
    public func lock(accounts: [String]) throws { try lock(accounts: accounts, posting: false) }

    public func moveBalance(amount: Int64, from debit: String, to credit: String) throws {
        try addToBalance(account: debit, delta: -amount)
        try addToBalance(account: credit, delta: amount)
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
    func chainHead() throws -> ChainLink?
    /// Committed transfers that have no place in the chain yet, lowest id first.
    func unsealedTransfers(limit: Int) throws -> [Transfer]
    /// Records a transfer's place, previous hash and hash, and moves the chain's head to it.
    func seal(_ transfer: Transfer) throws
}

/// Everything `verify` needs to read, in bulk.
public protocol LedgerAuditing {
    /// Calls `body` for every sealed transfer in chain order, then every unsealed one in id order;
    /// stops early when it returns false.
    func forEachTransfer(_ body: (Transfer) throws -> Bool) throws
    func allAccounts() throws -> [Account]
    func allLots() throws -> [Lot]
    /// Sum of entries per lot id.
    func lotEntrySums() throws -> [Int64: Int64]
    /// Pending holds not past their timeout at `nowMillis`.
    func pendingHolds(nowMillis: Int64) throws -> [Hold]
}
