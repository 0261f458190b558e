import Foundation
public import JifenCore

/// Communities a merchant accepts points from besides its home (通存通兑).
extension JifenApp {
    public struct PartnerInput: Codable, Sendable {
        public var merchant: String
        /// The community whose volunteers may spend at the merchant.
        public var community: String
        public init(merchant: String, community: String) { self.merchant = merchant; self.community = community }
    }

    /// Lets a community's volunteers spend their points at a merchant of another community: only
    /// an admin over the community added (never the merchant itself, nor its staff).
    public func addPartner(_ principal: Principal, _ input: PartnerInput) throws -> PartnerList {
        try Self.requireNotStaff(principal, Bilingual(zh: "添加合作社区", en: "add a partner community"))
        return try merchants.addPartner(merchant: input.merchant, community: input.community, actor: principal.id)
    }

    /// Stops a community's volunteers spending at a merchant; what they spent still settles.
    public func removePartner(_ principal: Principal, _ input: PartnerInput) throws -> PartnerList {
        try Self.requireNotStaff(principal, Bilingual(zh: "移除合作社区", en: "remove a partner community"))
        return try merchants.removePartner(merchant: input.merchant, community: input.community, actor: principal.id)
    }

    /// A merchant's home community and partner communities (as public as the merchant list).
    public func partners(_ principal: Principal, _ merchant: String) throws -> PartnerList {
        try merchants.partners(merchant: merchant)
    }
}
