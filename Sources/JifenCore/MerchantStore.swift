/// The store seam for merchants: plain row access, as in `LedgerStore.swift`; what the rows
/// mean is decided in `Ledger+Redeem.swift`, `Ledger+Refund.swift` and `Ledger+Settle.swift`.
public protocol MerchantReading {
    func offer(id: String) throws -> Offer?
    func merchantExists(_ id: String) throws -> Bool
    /// Codes with this hash, newest first.
    func codes(hash: String) throws -> [RedemptionCode]
    func codeGuard(merchant: String) throws -> CodeGuard
    func redemption(id: Int64) throws -> Redemption?
    func redemption(key: String) throws -> Redemption?
    func redemption(hold: Int64) throws -> Redemption?
    /// Posted redemptions of a merchant at or before `beforeMillis` not yet settled, oldest first.
    func unsettledRedemptions(merchant: String, beforeMillis: Int64) throws -> [Redemption]
    /// Lots with points left expiring after `afterDay` and on or before `throughDay` that have had no notice yet.
    func lotsNeedingNotice(afterDay: String, throughDay: String) throws -> [Lot]
}

public protocol MerchantWriting: MerchantReading {
    func insert(code: RedemptionCode) throws -> Int64
    /// Marks a live code used; false when it was already used.
    func useCode(id: Int64, atMillis: Int64, redemption: Int64) throws -> Bool
    func setCodeGuard(merchant: String, _ guard: CodeGuard) throws
    func insert(redemption: Redemption) throws -> Int64
    func update(redemption id: Int64, status: RedemptionStatus, transfer: Int64?, hold: Int64?) throws
    /// Takes one unit of an offer's stock (no-op for unlimited offers); false when none is left.
    func takeStock(offer: String) throws -> Bool
    func returnStock(offer: String) throws
    func insert(settlement: Settlement) throws -> Int64
    func setSettlementTransfer(id: Int64, transfer: Int64) throws
    func markSettled(redemptions: [Int64], settlement: Int64) throws
    func recordExpiryNotice(lot: Lot, atMillis: Int64) throws
}
