import Foundation

/// One stored value as it travels between stores (`jifen migrate`): the stores' tables hold
/// only whole numbers, text and NULL.
public enum CellValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
}

/// The tables a whole ledger consists of, parents before children, as both stores name them.
/// Webhook endpoints and deliveries are not among them: they hold secrets and per-process
/// leases, and are set up again on the new store.
public enum LedgerTables {
    public static let ordered = [
        "office", "community", "team", "volunteer", "merchant", "merchant_partner", "actor_role", "account",
        "transfer", "checkpoint", "lot", "lot_entry", "hold", "event", "setting", "setting_change",
        "activity", "participation", "service_record", "service_record_version", "certificate",
        "offer", "redemption_code", "code_guard", "redemption", "settlement", "expiry_notice", "credential",
        "wish", "wish_history",
        "resident", "service_request", "service_request_step", "checkin_failure",
        "idempotent_reply", "person_erasure",
        "id_key", "consent",
    ]
}
