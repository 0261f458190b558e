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

    /// `{actor, at, from, hold_id?, kind, memo, points, reference, reverses?, to, transfer_id}`, keys sorted.
    static func transfer(_ t: Transfer) -> OutboxEvent {
        var json = JSONText()
        json.add("actor", t.actor)
        json.add("at", DayFormat.iso(millis: t.atMillis))
        json.add("from", t.debit)
        json.add("hold_id", t.hold)
        json.add("kind", t.kind.rawValue)
        json.add("memo", t.memo)
        json.add("points", t.amount)
        json.add("reference", t.reference)
        json.add("reverses", t.reverses)
        json.add("to", t.credit)
        json.add("transfer_id", t.id)
        return OutboxEvent(type: type(for: t.kind), payload: json.string, atMillis: t.atMillis)
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
