import Foundation

/// What `verify` proves about service requests, from the transfers and holds themselves:
/// - points only after confirmation, and once: the transfers of a request (its records'
///   earnings, its paid transfer, their reversals) net to what a confirmed request earned
///   (its record's points, or the points offered), and to nothing otherwise;
/// - every held point is released or posted: a pending hold of a request is the one it holds
///   while taken (claimed, in service, done), and only a points-paid request holds.
struct RequestAudit {
    let requests: [ServiceRequest]
    /// The request each reference belongs to (its id, and the ids of its records).
    let owner: [String: String]
    var net: [String: Int64] = [:]

    init(reader: any ReadTransaction) throws {
        requests = try reader.serviceRequests(states: nil)
        var owner: [String: String] = [:]
        for r in requests {
            owner[r.id] = r.id
            for record in r.records { owner[record] = r.id }
        }
        self.owner = owner
    }

    mutating func add(_ t: Transfer) {
        guard !owner.isEmpty, let request = owner[t.reference] else { return }
        switch t.kind {
        case .earn, .transfer: net[request, default: 0] += t.amount
        case .reverse: net[request, default: 0] -= t.amount
        default: break
        }
    }

    /// Adds what another pass over other transfers (another community's chain) counted.
    mutating func merge(_ other: [String: Int64]) {
        for (request, amount) in other { net[request, default: 0] += amount }
    }

    func faults(reader: any ReadTransaction & LedgerAuditing, nowMillis: Int64) throws -> [VerifyFault] {
        guard !requests.isEmpty else { return [] }
        var faults: [VerifyFault] = []
        var pending: [String: [Int64]] = [:]
        for hold in try reader.pendingHolds(nowMillis: nowMillis) where owner[hold.reference] == hold.reference {
            pending[hold.reference, default: []].append(hold.id)
        }
        for r in requests {
            let confirmed = r.state == .confirmed || r.state == .rated
            var expected: Int64 = 0
            if confirmed {
                if r.pointsPaid {
                    expected = r.offeredPoints
                } else if let record = try r.record.flatMap({ try reader.record($0) }) {
                    expected = record.points
                }
            }
            let found = net[r.id] ?? 0
            if found != expected {
                faults.append(
                    VerifyFault(check: "request-points", account: r.id, expected: "\(expected)", found: "\(found)"))
            }
            let holding = r.pointsPaid && [.claimed, .inService, .done].contains(r.state)
            let expectedHolds = holding ? r.hold.map { [$0] } ?? [] : []
            let foundHolds = pending[r.id] ?? []
            if foundHolds != expectedHolds || (holding && r.hold == nil) {
                faults.append(
                    VerifyFault(
                        check: "request-hold", account: r.id, expected: "\(expectedHolds)", found: "\(foundHolds)"))
            }
        }
        return faults
    }
}
