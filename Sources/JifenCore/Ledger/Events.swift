import Foundation

/// What an event about a transfer says beyond the transfer itself, for the people reading it:
/// the activity of an earning, the offer of a redemption. Not part of the transfer's content
/// (neither its hash nor its idempotency).
public struct TransferDetails: Sendable, Equatable {
    public var activityID: String?
    public var activityTitle: String?
    public var minutes: Int64?
    public var offerID: String?
    public var offerTitle: String?

    public init(
        activityID: String? = nil, activityTitle: String? = nil, minutes: Int64? = nil,
        offerID: String? = nil, offerTitle: String? = nil
    ) {
        self.activityID = activityID; self.activityTitle = activityTitle; self.minutes = minutes
        self.offerID = offerID; self.offerTitle = offerTitle
    }
}

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
        case .donate: "points.donated"
        case .fulfil: "wish.paid"
        }
    }

    /// Every event type the core writes into the outbox (`ping` is `webhook test`'s, never stored).
    /// Robots render each in Chinese (`JifenNotify.EventText`); a test holds the two together.
    public static let allTypes: [String] =
        TransferKind.allCases.map { Events.type(for: $0) } + [
            "points.held", "points.released", "points.expiring", "merchant.code_locked",
            "activity.published", "activity.cancelled", "activity.closed",
        ] + WishMachine.eventTypes + Requests.eventTypes

    /// `{activity_id?, activity_title?, actor, at, from, from_name?, hold_id?, kind, memo, minutes?,
    /// offer_id?, offer_title?, points, reference, reverses?, to, to_name?, transfer_id}`, keys sorted.
    /// The names are those of the volunteer or merchant behind `from`/`to` (none for a community's
    /// system accounts); the activity's for an earning, the offer's for a redemption.
    static func transfer(
        _ t: Transfer, fromName: String? = nil, toName: String? = nil, details: TransferDetails = TransferDetails()
    ) -> OutboxEvent {
        var json = JSONText()
        json.add("activity_id", details.activityID)
        json.add("activity_title", details.activityTitle)
        json.add("actor", t.actor)
        json.add("at", DayFormat.iso(millis: t.atMillis))
        json.add("from", t.debit)
        json.add("from_name", fromName)
        json.add("hold_id", t.hold)
        json.add("kind", t.kind.rawValue)
        json.add("memo", t.memo)
        json.add("minutes", details.minutes)
        json.add("offer_id", details.offerID)
        json.add("offer_title", details.offerTitle)
        json.add("points", t.amount)
        json.add("reference", t.reference)
        json.add("reverses", t.reverses)
        json.add("to", t.credit)
        json.add("to_name", toName)
        json.add("transfer_id", t.id)
        return OutboxEvent(type: type(for: t.kind), payload: json.string, atMillis: t.atMillis)
    }

    /// The name behind an account when it is a person's or a merchant's.
    static func name(_ account: Account, in tx: any ReadTransaction) throws -> String? {
        guard account.kind == .volunteer || account.kind == .merchant else { return nil }
        return try tx.accountName(account.id)
    }

    static func name(_ account: String, in tx: any ReadTransaction) throws -> String? {
        guard let found = try tx.account(account) else { return nil }
        return try name(found, in: tx)
    }

    /// The offer behind a hold, when the hold is a redemption's.
    static func offerDetails(hold: Int64, in tx: any ReadTransaction) throws -> TransferDetails {
        guard let offerID = try tx.redemption(hold: hold)?.offer else { return TransferDetails() }
        let title = try tx.offer(id: offerID)?.title
        return TransferDetails(offerID: offerID, offerTitle: title)
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
        var from_name: String?
        var to_name: String?
        var offer_id: String?
        var offer_title: String?
    }

    /// `points.held` / `points.released`: `{actor, expires_at, from, from_name?, hold_id, offer_id?,
    /// offer_title?, points, reference, status, to, to_name?}`.
    static func hold(
        _ h: Hold, type: String, actor: String, atMillis: Int64, fromName: String? = nil, toName: String? = nil,
        details: TransferDetails = TransferDetails()
    ) -> OutboxEvent {
        let payload = HoldPayload(
            hold_id: h.id, status: h.status.rawValue, from: h.debit, to: h.credit, points: h.amount,
            reference: h.reference, expires_at: DayFormat.iso(Date(millis: h.expiresAtMillis)), actor: actor,
            from_name: fromName, to_name: toName, offer_id: details.offerID, offer_title: details.offerTitle)
        return OutboxEvent(type: type, payload: json(payload), atMillis: atMillis)
    }

    /// A hold's event with the names and the offer looked up (`details` when the caller knows them).
    static func hold(
        _ h: Hold, type: String, actor: String, atMillis: Int64, details: TransferDetails? = nil,
        in tx: any ReadTransaction
    ) throws -> OutboxEvent {
        let fromName = try name(h.debit, in: tx)
        let toName = try name(h.credit, in: tx)
        let details = try details ?? offerDetails(hold: h.id, in: tx)
        return hold(
            h, type: type, actor: actor, atMillis: atMillis, fromName: fromName, toName: toName, details: details)
    }

    // MARK: Activities

    /// `activity.published`: `{activity_id, capacity?, category, content, end, place, places_left?,
    /// rate, start, team, team_name, title}`; `rate` is the points per hour in force when posted.
    static func activityPublished(_ a: Activity, team: Team, rules: Rules, atMillis: Int64) -> OutboxEvent {
        var json = JSONText()
        json.add("activity_id", a.id)
        json.add("capacity", a.capacity.map(Int64.init))
        json.add("category", a.category)
        json.add("content", a.content)
        json.add("end", DayFormat.iso(millis: a.endMillis))
        json.add("place", a.place)
        json.add("places_left", a.capacity.map(Int64.init))
        json.add("rate", a.rate ?? rules.pointsPerHourByCategory[a.category] ?? rules.pointsPerHour)
        json.add("start", DayFormat.iso(millis: a.startMillis))
        json.add("team", team.id)
        json.add("team_name", team.name)
        json.add("title", a.title)
        return OutboxEvent(type: "activity.published", payload: json.string, atMillis: atMillis)
    }

    /// `activity.cancelled`: `{activity_id, end, place, reason, start, team, team_name?, title}`.
    static func activityCancelled(_ a: Activity, teamName: String?, reason: String, atMillis: Int64) -> OutboxEvent {
        var json = JSONText()
        json.add("activity_id", a.id)
        json.add("end", DayFormat.iso(millis: a.endMillis))
        json.add("place", a.place)
        json.add("reason", reason)
        json.add("start", DayFormat.iso(millis: a.startMillis))
        json.add("team", a.team)
        json.add("team_name", teamName)
        json.add("title", a.title)
        return OutboxEvent(type: "activity.cancelled", payload: json.string, atMillis: atMillis)
    }

    /// `activity.closed`: `{activity_id, end, minutes, place, records, start, team, team_name?, title}`;
    /// `minutes` and `records` count the service records not rejected.
    static func activityClosed(
        _ a: Activity, teamName: String?, records: Int64, minutes: Int64, atMillis: Int64
    ) -> OutboxEvent {
        var json = JSONText()
        json.add("activity_id", a.id)
        json.add("end", DayFormat.iso(millis: a.endMillis))
        json.add("minutes", minutes)
        json.add("place", a.place)
        json.add("records", records)
        json.add("start", DayFormat.iso(millis: a.startMillis))
        json.add("team", a.team)
        json.add("team_name", teamName)
        json.add("title", a.title)
        return OutboxEvent(type: "activity.closed", payload: json.string, atMillis: atMillis)
    }

    /// Sorted-key JSON of an encodable payload.
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
