import Foundation
import GRDB
import JifenCore

/// Micro-wishes as SQL: plain rows; the rules are in `JifenCore.Ledger+Wishes`.
extension SQLiteTransaction {
    static let wishColumns = """
        id, community, team, title, beneficiary_kind, beneficiary_name, beneficiary_details, points, donated, status, claimant, \
        note, reason, posted_by, created_at, updated_at, realized_at, payment, settlement
        """

    static func wish(_ row: Row) -> Wish {
        Wish(
            id: row[0], community: row[1], team: row[2], title: row[3],
            beneficiaryKind: BeneficiaryKind(rawValue: row[4]) ?? .child,
            beneficiaryName: row[5], beneficiaryDetails: row[6], points: row[7], donated: row[8],
            status: WishStatus(rawValue: row[9]) ?? .open, claimant: row[10], note: row[11], reason: row[12],
            postedBy: row[13],
            createdAtMillis: row[14], updatedAtMillis: row[15], realizedAtMillis: row[16], payment: row[17],
            settlement: row[18])
    }

    func wish(id: Int64) throws -> Wish? {
        try one("SELECT \(Self.wishColumns) FROM wish WHERE id = ?", [id]).map(Self.wish)
    }

    func wishes() throws -> [Wish] {
        try all("SELECT \(Self.wishColumns) FROM wish ORDER BY id").map(Self.wish)
    }

    func wishHistory(wish: Int64) throws -> [WishHistory] {
        try all(
            "SELECT wish, action, from_status, to_status, actor, note, points, created_at FROM wish_history WHERE wish = ? ORDER BY id",
            [wish]
        ).map {
            WishHistory(
                wish: $0[0], action: $0[1], fromStatus: $0[2], toStatus: $0[3], actor: $0[4], note: $0[5],
                points: $0[6], atMillis: $0[7])
        }
    }

    func insert(wish w: Wish) throws -> Int64 {
        try run(
            """
            INSERT INTO wish (community, team, title, beneficiary_kind, beneficiary_name, beneficiary_details, points, donated, status,
                              claimant, note, reason, posted_by, created_at, updated_at, realized_at, payment, settlement)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                w.community, w.team, w.title, w.beneficiaryKind.rawValue, w.beneficiaryName, w.beneficiaryDetails,
                w.points, w.donated,
                w.status.rawValue, w.claimant, w.note, w.reason, w.postedBy, w.createdAtMillis, w.updatedAtMillis,
                w.realizedAtMillis,
                w.payment, w.settlement,
            ])
        return db.lastInsertedRowID
    }

    func update(wish w: Wish) throws {
        try run(
            """
            UPDATE wish SET team = ?, title = ?, beneficiary_kind = ?, beneficiary_name = ?, beneficiary_details = ?, points = ?, donated = ?,
                            status = ?, claimant = ?, note = ?, reason = ?, updated_at = ?, realized_at = ?, payment = ?, settlement = ?
            WHERE id = ?
            """,
            [
                w.team, w.title, w.beneficiaryKind.rawValue, w.beneficiaryName, w.beneficiaryDetails, w.points,
                w.donated, w.status.rawValue,
                w.claimant, w.note, w.reason, w.updatedAtMillis, w.realizedAtMillis, w.payment, w.settlement, w.id,
            ])
    }

    func insert(wishHistory h: WishHistory) throws {
        try run(
            """
            INSERT INTO wish_history (wish, action, from_status, to_status, actor, note, points, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [h.wish, h.action, h.fromStatus, h.toStatus, h.actor, h.note, h.points, h.atMillis])
    }
}
