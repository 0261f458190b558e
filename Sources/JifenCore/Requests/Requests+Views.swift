import Foundation

/// Who sees which requests, and which of the resident's fields: the desk sees every request,
/// a resident their own, a volunteer what they may take (in their teams, or sent to them by
/// name) and what they took. The address, and the phone in full, only for the volunteer
/// serving the request while they serve (claimed, in service, done).
extension Requests {
    public struct ListFilter: Sendable {
        public var state: RequestState?
        public var team: String?
        public init(state: RequestState? = nil, team: String? = nil) { self.state = state; self.team = team }
    }

    /// Requests the actor may see, nearest deadline first among those still open.
    /// - Parameter everything: the local owner without `--as` (reads everything).
    public func list(actor: String, everything: Bool, filter: ListFilter = ListFilter()) throws -> [RequestView] {
        let at = now().millis
        let teams = try teamNames()
        return try store.read { tx in
            let desk = try everything || Self.isDesk(actor, in: tx)
            let states = filter.state.map { [$0] }
            let office = desk ? nil : try Permissions.officeScope(actor, in: tx)
            var shown: [RequestView] = []
            for r in try tx.serviceRequests(states: states) {
                if let team = filter.team, r.team != team { continue }
                let roles =
                    try desk || Self.readsAsOffice(r, office, in: tx) ? [.desk] : Self.roles(of: actor, for: r, in: tx)
                guard Self.mayRead(r, roles: roles) else { continue }
                shown.append(try Self.view(r, actor: actor, at: at, history: false, teams: teams, in: tx))
            }
            return shown.sorted { a, b in
                let (x, y) = (Self.sortKey(a.request), Self.sortKey(b.request))
                return x != y ? x < y : a.request.id < b.request.id
            }
        }
    }

    /// One request with its history.
    /// - Throws: refused `not-allowed` for someone who may not see it, `unknown-id` when there is none.
    public func show(_ id: String, actor: String, everything: Bool) throws -> RequestView {
        let id = try Self.parseID(id)
        let at = now().millis
        let teams = try teamNames()
        return try store.read { tx in
            guard let r = try tx.serviceRequest(id, forUpdate: false) else { throw Self.unknown(id) }
            let roles: Set<RequestRole> =
                try everything || Self.isDesk(actor, in: tx)
                || Self.readsAsOffice(r, Permissions.officeScope(actor, in: tx), in: tx)
                ? [.desk] : Self.roles(of: actor, for: r, in: tx)
            // Someone else's request answers as a missing one: ids cannot be probed.
            guard Self.mayRead(r, roles: roles) else { throw Self.unknown(id) }
            return try Self.view(r, actor: actor, at: at, history: true, teams: teams, in: tx)
        }
    }

    /// An office admin reads, as the desk does, the requests of residents below its offices
    /// (reading only: acting on a request stays with the community's desk).
    static func readsAsOffice(
        _ r: ServiceRequest, _ office: Permissions.OfficeScope?, in tx: any ReadTransaction
    )
        throws -> Bool
    {
        guard let office, let resident = try tx.resident(r.resident) else { return false }
        return office.communities.contains(resident.community)
    }

    func teamNames() throws -> [String: String] {
        Dictionary(try store.teams().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The desk, the resident and the server see a request; a volunteer sees it while they may take it.
    static func mayRead(_ r: ServiceRequest, roles: Set<RequestRole>) -> Bool {
        if !roles.isDisjoint(with: [.desk, .resident, .server]) { return true }
        return roles.contains(.eligible) && (r.state == .dispatched || r.state == .pooled)
    }

    /// Open requests first, by the deadline that matters now; the rest after, newest first.
    static func sortKey(_ r: ServiceRequest) -> Int64 {
        if r.state.isUnclaimed { return r.expiresAtMillis }
        if r.state.isTaken || r.state == .done { return r.completionDueMillis }
        return Int64.max - r.postedAtMillis
    }

    static func view(
        _ r: ServiceRequest, actor: String, at: Int64, history: Bool, teams: [String: String],
        in tx: any ReadTransaction & LedgerAuditing
    ) throws -> RequestView {
        let resident = try tx.resident(r.resident)
        let serving = r.server == actor && [.claimed, .inService, .done].contains(r.state)
        let overdue =
            (r.state.isUnclaimed && at > r.responseDueMillis) || (r.state.isTaken && at > r.completionDueMillis)
        let teamName = r.team.flatMap { teams[$0] } ?? ""
        let server = try r.server.flatMap { try tx.volunteer($0) }
        // The resident who asked sees who is coming, and may call them while they serve.
        let served = resident?.isActor(actor) == true && [.claimed, .inService, .done].contains(r.state)
        return RequestView(
            request: r, residentName: resident?.name ?? "",
            address: serving ? resident?.address ?? "" : "",
            phone: serving ? resident?.phone ?? "" : Masking.phone(resident?.phone),
            teamName: teamName, overdue: overdue,
            history: history ? try tx.requestSteps(request: r.id) : [],
            serverName: server?.name ?? "",
            serverPhone: server.map { served ? $0.phone : Masking.phone($0.phone) } ?? "")
    }
}
