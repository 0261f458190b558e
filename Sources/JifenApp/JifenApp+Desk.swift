import Foundation
public import JifenCore

/// The organizer's desk (`TeamDesk`): her teams' activities with counts and the hours waiting.
extension JifenApp {
    /// The desk of an organizer (her teams) or an admin (every team); the database's owner sees every team.
    /// - Throws: forbidden for anyone else.
    public func teamDesk(_ principal: Principal) throws -> TeamDesk {
        let reader: Reader =
            principal.isOwner ? .admin : try Permissions.reader(principal.id, role: principal.role, in: store)
        return try TeamDesk.make(actor: principal.id, reader: reader, nowMillis: nowMillis, zone: zone, in: store)
    }
}
