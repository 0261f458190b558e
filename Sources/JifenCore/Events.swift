import Foundation

/// The outbox events the ledger writes in the same transaction as each change.
/// Payloads are JSON with sorted keys; the README documents each type.
public enum Events {
    public static func type(for kind: TransferKind) -> String {
        switch kind {
        case .earn: "points.earned"
        case .redeem: "points.redeemed"
        case .refund: "points.refunded"
        case .reverse: "points.reversed"
        case .expire: "points.expired"
        case .settle: "merchant.settled"
        case .grant: "points.granted"
        case .adjust: "points.adjusted"
        case .transfer: "points.transferred"
        }
    }

    struct TransferPayload: Encodable {
        var transfer_id: Int64
        var kind: String
        var from: String
        var to: String
        var points: Int64
        var reference: String
        var memo: String
        var reverses: Int64?
        var hold_id: Int64?
        var actor: String
        var at: String
    }

    static func transfer(_ t: Transfer) -> OutboxEvent {
        let payload = TransferPayload(transfer_id: t.id, kind: t.kind.rawValue, from: t.debit, to: t.credit, points: t.amount,
                                      reference: t.reference, memo: t.memo, reverses: t.reverses, hold_id: t.hold,
                                      actor: t.actor, at: DayFormat.iso(t.at))
        return OutboxEvent(type: type(for: t.kind), payload: json(payload), atMillis: t.atMillis)
    }

    struct HoldPayload: Encodable {
        var hold_id: Int64
        var status: String
        var from: String
        var to: String
        var points: Int64
        var reference: String
        var expires_at: String
        var actor: String
    }

    static func hold(_ h: Hold, type: String, actor: String, atMillis: Int64) -> OutboxEvent {
        let payload = HoldPayload(hold_id: h.id, status: h.status.rawValue, from: h.debit, to: h.credit, points: h.amount,
                                  reference: h.reference, expires_at: DayFormat.iso(Date(millis: h.expiresAtMillis)), actor: actor)
        return OutboxEvent(type: type, payload: json(payload), atMillis: atMillis)
    }

    /// Sorted-key JSON of an encodable payload.
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
