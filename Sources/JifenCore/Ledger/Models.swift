public import Foundation

/// What an account is for. Only the issuance account may go below zero: its negative balance
/// is the number of points in circulation.
public enum AccountKind: String, Codable, Sendable, CaseIterable {
    case issuance, volunteer, merchant, expiry, settlement
    /// A community's micro-wish donations (微心愿): points volunteers gave to wishes, held until a
    /// wish's merchant is paid or the donor takes them back.
    case donation

    public var mayGoNegative: Bool { self == .issuance }
    /// Volunteers' points expire, so only their accounts keep lots.
    public var keepsLots: Bool { self == .volunteer }
}

public struct Account: Codable, Sendable, Equatable {
    public var id: String
    public var kind: AccountKind
    public var community: String
    public var balance: Int64

    public init(id: String, kind: AccountKind, community: String, balance: Int64 = 0) {
        self.id = id
        self.kind = kind
        self.community = community
        self.balance = balance
    }

    /// The community's system accounts are named after the community.
    public static func issuance(_ community: String) -> String { "\(community).issuance" }
    public static func expiry(_ community: String) -> String { "\(community).expired" }
    public static func settlement(_ community: String) -> String { "\(community).settled" }
    public static func donation(_ community: String) -> String { "\(community).donations" }

    /// True for a community's system accounts (issuance, expiry, settlement): the names above.
    public static func isSystem(_ id: String) -> Bool {
        id.hasSuffix(".issuance") || id.hasSuffix(".expired") || id.hasSuffix(".settled") || id.hasSuffix(".donations")
    }
}

public enum TransferKind: String, Codable, Sendable, CaseIterable {
    /// Points for approved service hours.
    case earn
    /// Points spent at a merchant.
    case redeem
    /// A merchant giving back points of a redemption.
    case refund
    /// The correction of an earlier transfer, linked to it.
    case reverse
    /// Lapsed points moved to the expiry sink.
    case expire
    /// A merchant's takings moved to the settlement sink.
    case settle
    /// An admin's credit, e.g. balances carried over from paper.
    case grant
    /// An admin's correction between accounts.
    case adjust
    /// A volunteer giving points to another (a family member), as time banks allow.
    case transfer
    /// A volunteer giving points to a micro-wish (into the community's donation account).
    case donate
    /// A realized micro-wish's donations paid to the merchant who fulfilled it.
    case fulfil
}

/// One movement of points: immutable once written.
public struct Transfer: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: TransferKind
    public var debit: String
    public var credit: String
    public var amount: Int64
    public var key: String
    public var reference: String
    public var actor: String
    public var memo: String
    /// The transfer this one corrects or refunds.
    public var reverses: Int64?
    public var hold: Int64?
    /// Milliseconds since 1970 UTC: integral, so the hash of a transfer never depends on float formatting.
    public var atMillis: Int64
    public var prevHash: String
    public var hash: String
    /// The transfer's place in its community's hash chain, from 1 without gaps; 0 while it awaits
    /// its seal (see `Chain`).
    public var seq: Int64
    /// The community whose chain holds the transfer: its accounts' community.
    public var community: String
    /// Hex SHA-256 of `memoSalt` followed by the memo, or "" for no memo: the hash covers this
    /// digest, not the memo's text, so the text can be erased without breaking the chain.
    public var memoDigest: String
    /// The random salt of the memo's digest (so a short memo cannot be guessed from it); nil
    /// once the memo was erased. Never shown.
    public var memoSalt: String?

    /// True once the transfer has its place in the hash chain.
    public var isSealed: Bool { seq > 0 }

    public init(
        id: Int64 = 0, kind: TransferKind, debit: String, credit: String, amount: Int64, key: String,
        reference: String = "", actor: String, memo: String = "", reverses: Int64? = nil, hold: Int64? = nil,
        atMillis: Int64, prevHash: String = "", hash: String = "", seq: Int64 = 0, community: String = "",
        memoDigest: String = "", memoSalt: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.debit = debit
        self.credit = credit
        self.amount = amount
        self.key = key
        self.reference = reference
        self.actor = actor
        self.memo = memo
        self.reverses = reverses
        self.hold = hold
        self.atMillis = atMillis
        self.prevHash = prevHash
        self.hash = hash
        self.seq = seq
        self.community = community
        self.memoDigest = memoDigest
        self.memoSalt = memoSalt
    }

    public var at: Date { Date(timeIntervalSince1970: Double(atMillis) / 1000) }
}

extension Transfer {
    enum CodingKeys: String, CodingKey {
        case id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, atMillis, prevHash, hash,
            seq, community, memoDigest
    }

    // The salt is never encoded; fields added later decode as empty when absent (older answers).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(Int64.self, forKey: .id), kind: try c.decode(TransferKind.self, forKey: .kind),
            debit: try c.decode(String.self, forKey: .debit), credit: try c.decode(String.self, forKey: .credit),
            amount: try c.decode(Int64.self, forKey: .amount), key: try c.decode(String.self, forKey: .key),
            reference: try c.decode(String.self, forKey: .reference), actor: try c.decode(String.self, forKey: .actor),
            memo: try c.decode(String.self, forKey: .memo),
            reverses: try c.decodeIfPresent(Int64.self, forKey: .reverses),
            hold: try c.decodeIfPresent(Int64.self, forKey: .hold),
            atMillis: try c.decode(Int64.self, forKey: .atMillis),
            prevHash: try c.decode(String.self, forKey: .prevHash), hash: try c.decode(String.self, forKey: .hash),
            seq: try c.decode(Int64.self, forKey: .seq),
            community: try c.decodeIfPresent(String.self, forKey: .community) ?? "",
            memoDigest: try c.decodeIfPresent(String.self, forKey: .memoDigest) ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(debit, forKey: .debit)
        try c.encode(credit, forKey: .credit)
        try c.encode(amount, forKey: .amount)
        try c.encode(key, forKey: .key)
        try c.encode(reference, forKey: .reference)
        try c.encode(actor, forKey: .actor)
        try c.encode(memo, forKey: .memo)
        try c.encodeIfPresent(reverses, forKey: .reverses)
        try c.encodeIfPresent(hold, forKey: .hold)
        try c.encode(atMillis, forKey: .atMillis)
        try c.encode(prevHash, forKey: .prevHash)
        try c.encode(hash, forKey: .hash)
        try c.encode(seq, forKey: .seq)
        try c.encode(community, forKey: .community)
        try c.encode(memoDigest, forKey: .memoDigest)
    }
}

/// The points of one volunteer that expire on the same day. Earnings of one day share a lot;
/// a lot's history is its entries, so `verify` can prove every lot.
public struct Lot: Codable, Sendable, Equatable {
    public var id: Int64
    public var account: String
    /// The first day (in the community's time zone) on which these points are no longer valid.
    public var expiresOn: String
    public var remaining: Int64

    public init(id: Int64 = 0, account: String, expiresOn: String, remaining: Int64) {
        self.id = id
        self.account = account
        self.expiresOn = expiresOn
        self.remaining = remaining
    }

    /// The last day these points can be used: the day before `expiresOn` (the one date shown to people).
    public var usableThrough: String {
        (try? DayFormat.adding(days: -1, to: expiresOn, in: TimeZone(identifier: "UTC") ?? .current)) ?? expiresOn
    }
}

/// One change to a lot, made by one transfer.
public struct LotEntry: Codable, Sendable, Equatable {
    public var lot: Int64
    public var account: String
    public var transfer: Int64
    public var delta: Int64
    public var expiresOn: String

    public init(lot: Int64, account: String, transfer: Int64, delta: Int64, expiresOn: String) {
        self.lot = lot
        self.account = account
        self.transfer = transfer
        self.delta = delta
        self.expiresOn = expiresOn
    }
}

public enum HoldStatus: String, Codable, Sendable {
    case pending, posted, voided, lapsed
}

/// Points reserved for a transfer that happens later (an offer picked up in the afternoon).
/// It resolves at most once: posted, voided, or lapsed after its timeout.
public struct Hold: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: TransferKind
    public var debit: String
    public var credit: String
    public var amount: Int64
    public var key: String
    public var reference: String
    public var actor: String
    public var memo: String
    public var status: HoldStatus
    public var createdAtMillis: Int64
    public var expiresAtMillis: Int64
    public var transfer: Int64?

    public init(
        id: Int64 = 0, kind: TransferKind, debit: String, credit: String, amount: Int64, key: String,
        reference: String, actor: String, memo: String, status: HoldStatus = .pending,
        createdAtMillis: Int64, expiresAtMillis: Int64, transfer: Int64? = nil
    ) {
        self.id = id
        self.kind = kind
        self.debit = debit
        self.credit = credit
        self.amount = amount
        self.key = key
        self.reference = reference
        self.actor = actor
        self.memo = memo
        self.status = status
        self.createdAtMillis = createdAtMillis
        self.expiresAtMillis = expiresAtMillis
        self.transfer = transfer
    }
}

/// A change a webhook may announce, written in the same transaction as the change.
public struct OutboxEvent: Sendable, Equatable {
    public var type: String
    public var payload: String
    public var atMillis: Int64

    public init(type: String, payload: String, atMillis: Int64) {
        self.type = type
        self.payload = payload
        self.atMillis = atMillis
    }
}

public extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
