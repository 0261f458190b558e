import Foundation

/// What a transaction reads: every area's rows (each area's protocol sits in its folder, as
/// `Ledger/LedgerRows.swift`, `Merchants/MerchantRows.swift`). A store answers each with plain
/// queries; every rule about what the rows mean lives in the area's core code, written once.
public protocol ReadTransaction:
    LedgerRowReading, MerchantRowReading, ServiceRowReading, RegistryRowReading, CredentialRowReading,
    SettingRowReading, WebhookRowReading, RequestRowReading, WishRowReading, OfficeRowReading,
    PersonRowReading, ConsentRowReading
{}

/// What a write transaction reads and writes: every area's rows.
public protocol WriteTransaction:
    ReadTransaction, LedgerRowWriting, MerchantRowWriting, ServiceRowWriting, RegistryRowWriting,
    CredentialRowWriting, SettingRowWriting, WebhookRowWriting, RequestRowWriting, WishRowWriting,
    OfficeRowWriting,
    PersonRowWriting, ConsentRowWriting
{}
