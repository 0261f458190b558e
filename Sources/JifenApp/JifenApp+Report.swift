import Foundation
public import JifenCore

/// The month's public notice (积分公示).
extension JifenApp {
    public struct ReportInput: Codable, Sendable {
        /// `YYYY-MM`; nil: this month in the community's time zone (its rules').
        public var month: String?
        /// Rows by team, volunteer, merchant or category; nil for totals only.
        public var grouping: ReportGrouping?
        /// Only this community.
        public var community: String?
        /// Every community below this street office or district: their sum, and one section each.
        public var office: String?
        public init(
            month: String? = nil, grouping: ReportGrouping? = nil, community: String? = nil, office: String? = nil
        ) {
            self.month = month; self.grouping = grouping; self.community = community; self.office = office
        }
    }

    /// One community's part of an office's report.
    public struct CommunitySection: Codable, Sendable, Equatable {
        public var community: String
        public var name: String
        public var report: MonthReport
    }

    public struct ReportResult: Codable, Sendable, Equatable {
        /// The month reported, as asked or defaulted.
        public var month: String
        public var report: MonthReport
        /// What the printed notice says around the figures: whose, when posted, until when, where to object.
        public var publication: Publication
        /// The communities covered, one section each, when the report is an office's (or an office
        /// admin's); `report` is then their sum. Nil for the whole database or one community.
        public var sections: [CommunitySection]? = nil
    }

    /// The printed notice's heading and footer (the 公示期 and where objections go, from the rules).
    public struct Publication: Codable, Sendable, Equatable {
        /// The community's name; "" when the database holds several and the report covers them all.
        public var community: String
        /// The day it is printed (today in the community's zone) and the last day of its publicity period.
        public var publishedOn: String
        public var publicityThrough: String
        public var publicityDays: Int
        /// Where objections go, in each language (as the admin typed it, or the community office).
        public var objectionContact: String
        public var objectionContactEn: String
    }

    /// Builds a month's public notice. Anyone may read it: names appear only with consent. An
    /// office's covers the communities below it (their sum and one section each); an office admin
    /// reads those below its offices only (without `community` or `office`: all of them).
    public func report(_ principal: Principal, _ input: ReportInput) throws -> ReportResult {
        let rules = try settings.rules()
        let zone = rules.timeZone
        let chosen = input.month ?? String(DayFormat.string(clock(), in: zone).prefix(7))
        let scope = try offices.reportScope(
            actor: principal.isOwner ? nil : principal.id, community: input.community, office: input.office)
        var report = try MonthReport.make(
            month: chosen, grouping: input.grouping, nowMillis: nowMillis, communities: scope?.communities.map(\.id),
            from: store)
        var sections: [CommunitySection]?
        if let scope, scope.sections {
            // Every community's section from one grouped read, not one report per community.
            let each = try MonthReport.makeSections(
                month: chosen, grouping: input.grouping, nowMillis: nowMillis, communities: scope.communities.map(\.id),
                from: store)
            sections = scope.communities.map {
                CommunitySection(community: $0.id, name: $0.name, report: each[$0.id]!)
            }
        }
        // The service requests' rates are the whole database's: shown only on its report.
        if scope == nil {
            report.requests = try requests.notice(startMillis: report.startMillis, endMillis: report.endMillis)
        }
        let today = DayFormat.string(clock(), in: zone)
        let contact = rules.notice.objectionContactText
        let publication = Publication(
            community: scope?.name ?? (try? store.resolveCommunity(nil).name) ?? "", publishedOn: today,
            publicityThrough: try rules.notice.publicityThrough(publishedOn: today, in: zone),
            publicityDays: rules.notice.publicityDays, objectionContact: contact.zh, objectionContactEn: contact.en)
        return ReportResult(month: chosen, report: report, publication: publication, sections: sections)
    }
}
