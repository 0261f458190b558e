import Foundation

/// The offices' rows read inside a transaction: offices, where each community is placed, and who
/// administers which office. What they mean is in `Offices` and `Permissions`.
public protocol OfficeRowReading {
    func office(_ id: String) throws -> Office?
    /// Every office, by id.
    func offices() throws -> [Office]
    /// A community with the office it is placed under; nil when there is no such community.
    func placedCommunity(_ id: String) throws -> PlacedCommunity?
    /// Every community with its office, by id.
    func placedCommunities() throws -> [PlacedCommunity]
    /// The offices `actor` holds the office-admin role of (exact id), by id.
    func administeredOffices(_ actor: String) throws -> [String]
}

/// The offices' rows written inside a write transaction.
public protocol OfficeRowWriting: OfficeRowReading {
    func insert(office: Office, actor: String, nowMillis: Int64) throws
    /// Places a community under an office (nil: under none).
    func place(community: String, under office: String?) throws
}
