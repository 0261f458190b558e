import Foundation
public import JifenCore

/// Partner merchants and their offers.
extension JifenApp {
    // MARK: Offers

    public struct OfferInput: Codable, Sendable {
        public var merchant: String
        public var title: String
        public var points: Int64
        /// Units available; nil: unlimited.
        public var stock: Int64?
        /// First and last day it can be redeemed.
        public var validFrom: String?
        public var validTo: String?
        public init(
            merchant: String, title: String, points: Int64, stock: Int64? = nil, validFrom: String? = nil,
            validTo: String? = nil
        ) {
            self.merchant = merchant; self.title = title; self.points = points; self.stock = stock
            self.validFrom = validFrom; self.validTo = validTo
        }
    }

    /// Lists a new offer (the merchant itself or an admin).
    public func addOffer(_ principal: Principal, _ input: OfferInput) throws -> Offer {
        try Self.requireNotStaff(principal, Bilingual(zh: "新增兑换项目", en: "add an offer"))
        return try merchants.addOffer(
            merchant: input.merchant, title: input.title, points: input.points, stock: input.stock,
            validFrom: input.validFrom, validTo: input.validTo, actor: principal.id, nowMillis: nowMillis)
    }

    public struct OffersQuery: Codable, Sendable {
        /// Only this merchant's offers.
        public var merchant: String?
        /// Only offers this volunteer can redeem now with the points available.
        public var affordableBy: String?
        public init(merchant: String? = nil, affordableBy: String? = nil) {
            self.merchant = merchant; self.affordableBy = affordableBy
        }
    }

    /// Offers, retired ones included, by merchant then id.
    public func offers(_ principal: Principal, _ query: OffersQuery) throws -> [Offer] {
        try merchants.offers(
            merchant: query.merchant, affordableBy: query.affordableBy, includeRetired: true, nowMillis: nowMillis)
    }

    /// Takes an offer off the list (the merchant itself or an admin); retiring twice is harmless.
    public func retireOffer(_ principal: Principal, _ id: String) throws -> Offer {
        try Self.requireNotStaff(principal, Bilingual(zh: "下架兑换项目", en: "retire an offer"))
        return try merchants.retireOffer(id, actor: principal.id, nowMillis: nowMillis)
    }

    // MARK: Merchants

    public struct MerchantInput: Codable, Sendable {
        public var name: String
        public var contact: String
        public var phone: String
        public var address: String
        /// Community id, when there are several.
        public var community: String?
        public init(
            name: String, contact: String = "", phone: String = "", address: String = "", community: String? = nil
        ) {
            self.name = name; self.contact = contact; self.phone = phone; self.address = address;
            self.community = community
        }
    }

    /// Registers a partner merchant (admin).
    public func addMerchant(_ principal: Principal, _ input: MerchantInput) throws -> Merchant {
        try registry.addMerchant(
            Merchant(
                community: input.community ?? "", name: input.name, contact: input.contact, phone: input.phone,
                address: input.address),
            actor: principal.id, nowMillis: nowMillis
        ).masked
    }

    /// Every merchant of every community.
    public func merchants(_ principal: Principal) throws -> [Merchant] {
        try store.merchants(community: nil).map(\.masked)
    }

    public struct MerchantStanding: Codable, Sendable, Equatable {
        public var merchant: Merchant
        /// Points taken in and not yet settled (from every community it accepts).
        public var balance: Int64
        /// The balance per community, when the merchant took in points of partner communities; nil otherwise.
        public var byCommunity: [String: Int64]?
    }

    /// One merchant and what it holds.
    public func merchant(_ principal: Principal, _ id: String) throws -> MerchantStanding {
        if !principal.isOwner { try Permissions.requireAccountReader(actor: principal.id, account: id, in: store) }
        let merchant = try registry.merchant(id).masked
        let accounts = try merchants.accounts(merchant: id)
        return MerchantStanding(
            merchant: merchant, balance: accounts.reduce(0) { $0 + $1.balance },
            byCommunity: accounts.count > 1
                ? Dictionary(accounts.map { ($0.community, $0.balance) }, uniquingKeysWith: +) : nil)
    }

    /// Counter staff act for their merchant at the counter only (redeem, hand over, release,
    /// refund, and what the counter reads), not in what the merchant decides.
    static func requireNotStaff(_ principal: Principal, _ action: Bilingual) throws {
        if principal.role == .staff { throw JifenError.forbidden(actor: principal.id, action: action) }
    }
}
