import Foundation

/// The micro-wishes part of a month's public notice: what volunteers gave, what went back, what
/// merchants were paid, what the donation account holds, and the roll of honour of wishes
/// realized in the month (realized, not merely claimed).
public struct WishNotice: Sendable, Equatable, Codable {
    public struct Realized: Sendable, Equatable, Codable {
        /// `W001`.
        public var id: String
        public var title: String
        public var team: String
        public var claimant: String
        /// A merchant's name, or a volunteer's name when they consented to public notice; else empty.
        public var claimantName: String
        /// The day it was realized, in the community's zone.
        public var realizedOn: String
        /// Donated points paid to the claimant.
        public var points: Int64
    }

    public var realized: [Realized] = []
    /// Points donated in the month.
    public var donated: Int64 = 0
    /// Points returned to donors in the month (withdrawals, wishes taken down).
    public var returned: Int64 = 0
    /// Points paid to merchants for realized wishes in the month.
    public var paid: Int64 = 0
    /// Points the donation accounts held at the month's end.
    public var held: Int64 = 0

    public init() {}
}

extension MonthReport {
    /// The notice's wishes part, nil when no wish moved or came true in the month and nothing is held.
    static func wishNotice(
        sums: ReportSums, wishes: [Wish], startMillis: Int64, endMillis: Int64, zone: TimeZone
    ) throws -> WishNotice? {
        var notice = WishNotice()
        for sum in sums.byKind {
            if sum.kind == TransferKind.donate.rawValue { notice.donated += sum.points }
            if sum.kind == TransferKind.fulfil.rawValue { notice.paid += sum.points }
        }
        func isDonation(_ id: String) -> Bool { sums.accounts[id]?.kind == .donation }
        for sum in sums.byAccount
        where isDonation(sum.account) && sum.kind == TransferKind.reverse.rawValue && !sum.credited {
            notice.returned += sum.points
        }
        for (id, account) in sums.accounts where account.kind == .donation {
            notice.held += account.balance - (sums.movedSince[id] ?? 0)
        }
        for wish in wishes where wish.status == .realized {
            guard let at = wish.realizedAtMillis, at >= startMillis, at < endMillis, let claimant = wish.claimant else {
                continue
            }
            let name =
                sums.merchantNames[claimant] ?? sums.volunteers[claimant].map {
                    ReportNames.inNotice($0.name, published: $0.consent)
                } ?? ""
            notice.realized.append(
                WishNotice.Realized(
                    id: wish.label, title: wish.title, team: wish.team, claimant: claimant, claimantName: name,
                    realizedOn: DayFormat.string(Date(millis: at), in: zone), points: 0))
            if let payment = wish.payment { notice.realized[notice.realized.count - 1].points = payment }
        }
        let moved = notice.donated + notice.returned + notice.paid + notice.held
        return moved == 0 && notice.realized.isEmpty ? nil : notice
    }
}
