import Foundation

/// Something a merchant gives for points: a discount, a good or a service (兑换项目).
public struct Offer: Codable, Sendable, Equatable {
    public var id: String
    public var merchant: String
    public var title: String
    public var points: Int64
    /// Units left; nil when unlimited.
    public var stock: Int64?
    /// First and last day (inclusive, community time zone) the offer can be redeemed; nil = open.
    public var validFrom: String?
    public var validTo: String?
    public var retiredAtMillis: Int64?
    public var createdAtMillis: Int64

    public init(
        id: String = "", merchant: String, title: String, points: Int64, stock: Int64? = nil,
        validFrom: String? = nil, validTo: String? = nil, retiredAtMillis: Int64? = nil, createdAtMillis: Int64 = 0
    ) {
        self.id = id; self.merchant = merchant; self.title = title; self.points = points; self.stock = stock
        self.validFrom = validFrom; self.validTo = validTo; self.retiredAtMillis = retiredAtMillis;
        self.createdAtMillis = createdAtMillis
    }

    public var isRetired: Bool { retiredAtMillis != nil }
}

/// A one-time code a volunteer shows a merchant to consent to one redemption of at most
/// `maxPoints`. Only the hashes of its digits and of its QR's secret are stored.
public struct RedemptionCode: Sendable, Equatable {
    public var id: Int64
    public var volunteer: String
    public var hash: String
    public var createdAtMillis: Int64
    /// When it stops working: its time to live, or the moment a newer code voided it.
    public var expiresAtMillis: Int64
    public var usedAtMillis: Int64?
    public var redemption: Int64?
    /// The hash of the QR's secret; nil for codes issued before the QR carried one.
    public var secretHash: String?
    /// The ceiling the volunteer consented to; nil for codes issued before ceilings (`codes.max_points` then).
    public var maxPoints: Int64?

    public init(
        id: Int64 = 0, volunteer: String, hash: String, createdAtMillis: Int64, expiresAtMillis: Int64,
        usedAtMillis: Int64? = nil, redemption: Int64? = nil, secretHash: String? = nil, maxPoints: Int64? = nil
    ) {
        self.id = id; self.volunteer = volunteer; self.hash = hash; self.createdAtMillis = createdAtMillis
        self.expiresAtMillis = expiresAtMillis; self.usedAtMillis = usedAtMillis; self.redemption = redemption
        self.secretHash = secretHash; self.maxPoints = maxPoints
    }

    /// Unused, and neither expired nor voided.
    public func isLive(atMillis: Int64) -> Bool { usedAtMillis == nil && expiresAtMillis > atMillis }
}

public enum RedemptionStatus: String, Codable, Sendable {
    /// Points moved to the merchant at the counter.
    case redeemed
    /// Points (and stock) reserved for pickup later.
    case held
    /// A held redemption picked up: its hold is posted.
    case pickedUp = "picked_up"
    /// A held redemption given back before pickup.
    case released
    /// A held redemption not picked up before its timeout.
    case lapsed

    /// True when the points went to the merchant.
    public var isPosted: Bool { self == .redeemed || self == .pickedUp }
}

/// One redemption at a merchant, with the transfer (or hold) that carries its points.
public struct Redemption: Codable, Sendable, Equatable {
    public var id: Int64
    public var merchant: String
    public var volunteer: String
    public var offer: String?
    public var points: Int64
    public var key: String
    public var codeHash: String
    public var status: RedemptionStatus
    public var transfer: Int64?
    public var hold: Int64?
    public var settlement: Int64?
    public var actor: String
    public var createdAtMillis: Int64

    public init(
        id: Int64 = 0, merchant: String, volunteer: String, offer: String?, points: Int64, key: String,
        codeHash: String,
        status: RedemptionStatus, transfer: Int64? = nil, hold: Int64? = nil, settlement: Int64? = nil,
        actor: String, createdAtMillis: Int64
    ) {
        self.id = id; self.merchant = merchant; self.volunteer = volunteer; self.offer = offer; self.points = points
        self.key = key; self.codeHash = codeHash; self.status = status; self.transfer = transfer; self.hold = hold
        self.settlement = settlement; self.actor = actor; self.createdAtMillis = createdAtMillis
    }

    /// `R001`: how people type and read a redemption.
    public var label: String { Registry.id(prefix: "R", number: Int(id)) }

    /// Reads `R001`, `r1` or `1`.
    public static func parseID(_ text: String) throws -> Int64 {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.first == "R" || t.first == "r" { t.removeFirst() }
        guard let id = Int64(t), id > 0 else {
            throw JifenError.usage(
                .badRedemptionID, zh: "兑换编号「\(text)」无效，应为 R001 这样的编号。",
                en: "Redemption id \"\(text)\" is not valid; give one like R001.")
        }
        return id
    }
}

/// A merchant's takings moved to the community's settlement account, covering some redemptions.
public struct Settlement: Codable, Sendable, Equatable {
    public var id: Int64
    public var merchant: String
    public var throughDay: String
    public var points: Int64
    public var transfer: Int64
    public var actor: String
    public var atMillis: Int64

    public init(
        id: Int64 = 0, merchant: String, throughDay: String, points: Int64, transfer: Int64 = 0, actor: String,
        atMillis: Int64
    ) {
        self.id = id; self.merchant = merchant; self.throughDay = throughDay; self.points = points
        self.transfer = transfer; self.actor = actor; self.atMillis = atMillis
    }

    public var label: String { Registry.id(prefix: "S", number: Int(id)) }
}
