import Foundation

/// The merchants' rows read inside a transaction: offers, redemption codes, wrong codes typed at
/// a counter, and redemptions. The rules are in `Ledger`'s redeem, pickup, refund and settle.
public protocol MerchantRowReading {
    func offer(id: String) throws -> Offer?
    /// A merchant's offers (every merchant's when nil), by merchant then id.
    func offers(merchant: String?) throws -> [Offer]
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
    /// Partnerships, removed ones included, of a merchant and/or a community (either nil: any), by merchant then community.
    func partnerships(merchant: String?, community: String?) throws -> [Partnership]
}

/// The merchants' rows written inside a write transaction: offers and their stock, codes,
/// redemptions and settlements.
public protocol MerchantRowWriting: MerchantRowReading {
    func insert(offer: Offer, actor: String, nowMillis: Int64) throws
    func retire(offer id: String, atMillis: Int64) throws
    /// Takes one unit of an offer's stock (no-op for unlimited offers); false when none is left.
    func takeStock(offer: String) throws -> Bool
    func returnStock(offer: String) throws
    func insert(code: RedemptionCode) throws -> Int64
    /// Marks a live code used; false when it was already used.
    func useCode(id: Int64, atMillis: Int64, redemption: Int64) throws -> Bool
    /// Records one wrong code typed or scanned at the merchant's counter.
    func insert(wrongCode merchant: String, actor: String, atMillis: Int64) throws
    /// Ends every live code of the volunteer at `atMillis`. In a write, one volunteer's codes are
    /// issued one transaction at a time.
    func voidCodes(volunteer: String, atMillis: Int64) throws
    func insert(redemption: Redemption) throws -> Int64
    func update(redemption id: Int64, status: RedemptionStatus, transfer: Int64?, hold: Int64?) throws
    func insert(settlement: Settlement) throws -> Int64
    func setSettlementTransfer(id: Int64, transfer: Int64) throws
    func markSettled(redemptions: [Int64], settlement: Int64) throws
    /// Inserts a partnership, or updates the one of its merchant and community.
    func save(partnership: Partnership) throws
}
