import JifenCore

/// What a write transaction has locked and read: the account rows it holds FOR UPDATE, with
/// their pending holds and their lots, kept up to date as the transaction changes them.
///
/// Only the holder of an account's row lock changes its balance, its holds (as debit) and its
/// lots (the ledger locks an account before each of these writes), so this copy stays exactly
/// what the database holds until the transaction ends, and the ledger's reads of these rows need
/// no round trip to the server. Rows of accounts not locked are always read from the database.
final class LockedRows {
    private(set) var accounts: [String: Account] = [:]
    /// The volunteer's or merchant's name of each locked account ("" for system accounts).
    private(set) var names: [String: String] = [:]
    private var holds: [String: [PendingHold]] = [:]
    /// Lots of locked accounts known to this transaction, in the ledger's spending order
    /// (expiry day, then id); it includes lots spent to zero while the transaction ran.
    private var lots: [String: [Lot]] = [:]
    /// The stored settings, read with a posting's account locks (one statement fewer); nil until
    /// then, and again once the transaction changes a setting.
    var settings: [String: String]?
    /// Each chain's head (nil: no sealed transfer yet) as read with the transfers awaiting their
    /// seal (`unsealedTransfers`), moved on as each is sealed: `Chain.seal` asks for no head again.
    var chainHeads: [String: ChainLink?] = [:]

    /// What it holds, to go back to when a savepoint of a group commit is rolled back.
    struct Snapshot {
        var accounts: [String: Account]
        var names: [String: String]
        var holds: [String: [PendingHold]]
        var lots: [String: [Lot]]
        var settings: [String: String]?
        var chainHeads: [String: ChainLink?]
    }

    func snapshot() -> Snapshot {
        Snapshot(
            accounts: accounts, names: names, holds: holds, lots: lots, settings: settings, chainHeads: chainHeads)
    }

    func restore(_ snapshot: Snapshot) {
        accounts = snapshot.accounts
        names = snapshot.names
        holds = snapshot.holds
        lots = snapshot.lots
        settings = snapshot.settings
        chainHeads = snapshot.chainHeads
    }

    func reset() {
        accounts.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
        holds.removeAll(keepingCapacity: true)
        lots.removeAll(keepingCapacity: true)
        settings = nil
        chainHeads.removeAll(keepingCapacity: true)
    }

    /// Records an account just locked, with its pending holds and open lots as read after the lock.
    func locked(_ account: Account, holds: [PendingHold], openLots: [Lot], name: String = "") {
        accounts[account.id] = account
        names[account.id] = name
        self.holds[account.id] = holds
        lots[account.id] = openLots
    }

    func isLocked(_ account: String) -> Bool { accounts[account] != nil }

    func addToBalance(_ account: String, _ delta: Int64) { accounts[account]?.balance += delta }

    /// Points reserved by pending holds not lapsed at `nowMillis`, or nil when not locked here.
    func held(_ account: String, nowMillis: Int64) -> Int64? {
        holds[account].map { $0.reduce(0) { $1.expiresAtMillis > nowMillis ? $0 + $1.amount : $0 } }
    }

    /// Pending holds not lapsed at `nowMillis`, oldest first, or nil when not locked here.
    func pendingHolds(_ account: String, nowMillis: Int64) -> [PendingHold]? {
        holds[account].map { $0.filter { $0.expiresAtMillis > nowMillis }.sorted { $0.id < $1.id } }
    }

    func holdAdded(_ hold: Hold) {
        guard hold.status == .pending else { return }
        holds[hold.debit]?.append(
            PendingHold(
                id: hold.id, amount: hold.amount, createdAtMillis: hold.createdAtMillis,
                expiresAtMillis: hold.expiresAtMillis))
    }

    func holdResolved(_ id: Int64) {
        for account in holds.keys { holds[account]?.removeAll { $0.id == id } }
    }

    /// Open lots in spending order, or nil when not locked here.
    func openLots(_ account: String, limit: Int) -> [Lot]? {
        lots[account].map { Array($0.lazy.filter { $0.remaining > 0 }.prefix(limit)) }
    }

    /// The lot of `account` for `day` when this transaction knows it; nil when it must be read.
    func lot(_ account: String, expiresOn day: String) -> Lot? {
        lots[account]?.first { $0.expiresOn == day }
    }

    func lot(id: Int64) -> Lot? {
        for list in lots.values { if let lot = list.first(where: { $0.id == id }) { return lot } }
        return nil
    }

    /// Remembers a lot of a locked account read or created in this transaction.
    func remember(_ lot: Lot) {
        guard var list = lots[lot.account] else { return }
        list.removeAll { $0.id == lot.id }
        let index = list.firstIndex { ($0.expiresOn, $0.id) > (lot.expiresOn, lot.id) } ?? list.endIndex
        list.insert(lot, at: index)
        lots[lot.account] = list
    }

    func addToLot(id: Int64, _ delta: Int64) {
        for (account, list) in lots {
            if let index = list.firstIndex(where: { $0.id == id }) {
                lots[account]?[index].remaining += delta
                return
            }
        }
    }
}
