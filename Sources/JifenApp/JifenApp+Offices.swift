import Foundation
public import JifenCore

/// Districts, street offices, the communities under them, and their admins.
extension JifenApp {
    var offices: Offices { get throws { Offices(store: try store) } }

    /// Who a listing is for: nil for the database's owner (everything).
    func lister(_ principal: Principal) -> String? { principal.isOwner ? nil : principal.id }

    public struct OfficeInput: Codable, Sendable {
        /// The office's id as it will be typed (`D01`, `wuqing`).
        public var id: String
        public var name: String
        /// The district a street office belongs to; nil: the office is a district.
        public var district: String?
        public init(id: String, name: String, district: String? = nil) {
            self.id = id; self.name = name; self.district = district
        }
    }

    /// Adds a district (an installation admin), or a street office under `district` (an admin of
    /// the installation or of that district).
    public func addOffice(_ principal: Principal, _ input: OfficeInput) throws -> Office {
        try offices.addOffice(
            id: input.id, kind: input.district == nil ? .district : .street, parent: input.district,
            name: input.name, actor: principal.id, nowMillis: nowMillis)
    }

    /// Offices: an office admin sees its own and those below, anyone else every one.
    public func listOffices(_ principal: Principal) throws -> [Office] {
        try offices.offices(actor: lister(principal))
    }

    public struct CommunityInput: Codable, Sendable {
        public var name: String
        /// The street office or district it sits under; nil: none (an installation admin's act).
        public var office: String?
        /// The district `office` must lie in, when given: a check on what was typed.
        public var district: String?
        public init(name: String, office: String? = nil, district: String? = nil) {
            self.name = name; self.office = office; self.district = district
        }
    }

    /// Adds a community under an office (an admin of that office or above it), with its accounts.
    public func addCommunity(_ principal: Principal, _ input: CommunityInput) throws -> PlacedCommunity {
        try offices.addCommunity(
            name: input.name, office: input.office, district: input.district, actor: principal.id,
            nowMillis: nowMillis)
    }

    public struct CommunitiesQuery: Codable, Sendable {
        /// Only the communities below this office.
        public var office: String?
        public init(office: String? = nil) { self.office = office }
    }

    /// Communities with their office: an office admin sees those below its offices, anyone else all.
    public func communities(_ principal: Principal, _ query: CommunitiesQuery) throws -> [PlacedCommunity] {
        try offices.communities(actor: lister(principal), office: query.office)
    }

    public struct PlaceInput: Codable, Sendable {
        public var community: String
        /// The office it moves under; nil: under none.
        public var office: String?
        public init(community: String, office: String? = nil) { self.community = community; self.office = office }
    }

    /// Moves an existing community under an office, or from under any (an installation admin).
    public func placeCommunity(_ principal: Principal, _ input: PlaceInput) throws -> PlacedCommunity {
        try offices.place(community: input.community, under: input.office, actor: principal.id)
    }

    public struct OfficeAdminInput: Codable, Sendable {
        public var office: String
        /// The admin's name, as they will act (`--as`, or the person a credential is issued for).
        public var person: String
        public init(office: String, person: String) { self.office = office; self.person = person }
    }

    public struct OfficeAdminResult: Codable, Sendable, Equatable {
        public var office: String
        public var person: String
    }

    /// Lets someone administer an office and everything below it (an admin of that office or above).
    public func addOfficeAdmin(_ principal: Principal, _ input: OfficeAdminInput) throws -> OfficeAdminResult {
        try offices.addAdmin(input.person, office: input.office, actor: principal.id, nowMillis: nowMillis)
        return OfficeAdminResult(office: input.office, person: input.person)
    }
}
