import Foundation

/// One team's service requests in a month's notice: the three rates (三率).
public struct TeamRequestFigures: Codable, Sendable, Equatable {
    public var team: String
    public var teamName: String
    /// Requests of the month sent to the team (dispatched, pooled, or to one of its volunteers).
    public var assigned: Int
    /// Taken by a volunteer at least once.
    public var taken: Int
    /// Response rate: answered (the claim that holds, `ServiceRequest.respondedAtMillis`) by the
    /// response deadline, of those answered or past that deadline unanswered (README "三率").
    public var responded: Int
    public var responseDecided: Int
    /// On-time rate: finished (and confirmed) before the completion deadline, of those confirmed or past it.
    public var onTime: Int
    public var completionDecided: Int
    public var ratings: Int
    public var ratingSum: Int

    public var responseRate: Double? { responseDecided == 0 ? nil : Double(responded) / Double(responseDecided) }
    public var onTimeRate: Double? { completionDecided == 0 ? nil : Double(onTime) / Double(completionDecided) }
    public var meanRating: Double? { ratings == 0 ? nil : Double(ratingSum) / Double(ratings) }
}

/// A request of the month that missed a deadline (the notice lists them: what, where, whose team).
public struct OverdueRequest: Codable, Sendable, Equatable {
    public var request: String
    public var team: String
    public var teamName: String
    public var content: String
    public var area: String
    /// `response` (not taken in time) or `completion` (not finished in time).
    public var missed: String
    public var dueMillis: Int64
}

/// What a month's notice says about service requests.
public struct RequestNotice: Codable, Sendable, Equatable {
    public var teams: [TeamRequestFigures] = []
    public var overdue: [OverdueRequest] = []
    public init() {}

    /// The figures of the requests posted in `[startMillis, endMillis)`, as they stand at `nowMillis`.
    public static func make(
        _ requests: [ServiceRequest], teams: [String: String], startMillis: Int64, endMillis: Int64,
        nowMillis: Int64
    ) -> RequestNotice {
        var notice = RequestNotice()
        var byTeam: [String: TeamRequestFigures] = [:]
        for r in requests where r.postedAtMillis >= startMillis && r.postedAtMillis < endMillis {
            guard let team = r.team else { continue }
            var f =
                byTeam[team]
                ?? TeamRequestFigures(
                    team: team, teamName: teams[team] ?? "", assigned: 0, taken: 0, responded: 0,
                    responseDecided: 0, onTime: 0, completionDecided: 0, ratings: 0, ratingSum: 0)
            f.assigned += 1
            // Answered by the claim that holds, as `request sweep` judges it: a request returned and
            // taken again after its response deadline was answered late.
            let responded = r.respondedAtMillis ?? (r.returns == 0 ? r.firstClaimedAtMillis : nil)
            let withdrawn = [.cancelled, .rejected].contains(r.state) && responded == nil
            if r.firstClaimedAtMillis != nil { f.taken += 1 }
            if let responded {
                f.responseDecided += 1
                if responded <= r.responseDueMillis { f.responded += 1 }
            } else if !withdrawn, nowMillis > r.responseDueMillis {
                f.responseDecided += 1
            }
            let confirmed = r.state == .confirmed || r.state == .rated
            let finishedLate = (r.finishedAtMillis ?? nowMillis) > r.completionDueMillis
            if confirmed {
                f.completionDecided += 1
                if !finishedLate { f.onTime += 1 }
            } else if r.firstClaimedAtMillis != nil, !withdrawn, nowMillis > r.completionDueMillis {
                f.completionDecided += 1
            }
            if let stars = r.rating { f.ratings += 1; f.ratingSum += stars }
            byTeam[team] = f
            let respondedLate = !withdrawn && (responded ?? nowMillis) > r.responseDueMillis
            let completedLate =
                r.firstClaimedAtMillis != nil && !r.state.isUnclaimed && ![.cancelled, .rejected].contains(r.state)
                && finishedLate
            if respondedLate || completedLate {
                notice.overdue.append(
                    OverdueRequest(
                        request: r.id, team: team, teamName: teams[team] ?? "", content: r.content, area: r.area,
                        missed: respondedLate ? "response" : "completion",
                        dueMillis: respondedLate ? r.responseDueMillis : r.completionDueMillis))
            }
        }
        notice.teams = byTeam.values.sorted { $0.team < $1.team }
        return notice
    }
}

extension Requests {
    /// The notice's request figures for a month (anyone may read them: no names, the area only).
    public func notice(startMillis: Int64, endMillis: Int64) throws -> RequestNotice {
        let all = try store.read { try $0.serviceRequests(states: nil) }
        return RequestNotice.make(
            all, teams: try teamNames(), startMillis: startMillis, endMillis: endMillis, nowMillis: now().millis)
    }
}
