import Foundation

/// Micro-wishes and their history, read inside a transaction. The rules are in `Wishes` and
/// `Ledger+Wishes`.
public protocol WishRowReading {
    /// A wish. In a write, locked until the transaction ends (its changes are read-modify-write).
    func wish(id: Int64) throws -> Wish?
    /// Every wish, by id (in a write, locked: settlement marks the ones it pays).
    func wishes() throws -> [Wish]
    /// A wish's history, oldest first.
    func wishHistory(wish: Int64) throws -> [WishHistory]
}

/// Micro-wishes and their history, written inside a write transaction.
public protocol WishRowWriting: WishRowReading {
    /// Stores a new wish. - Returns: its id.
    func insert(wish: Wish) throws -> Int64
    /// Stores a wish's changed fields (all but id, community and posting).
    func update(wish: Wish) throws
    func insert(wishHistory: WishHistory) throws
}
