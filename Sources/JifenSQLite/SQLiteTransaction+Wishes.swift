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
            id: row["id"], community: row["community"], team: row["team"], title: row["title"],
            beneficiaryKind: BeneficiaryKind(rawValue: row["beneficiary_kind"]) ?? .child,
            beneficiaryName: row["beneficiary_name"], beneficiaryDetails: row["beneficiary_details"],
            points: row["points"], donated: row["donated"], status: WishStatus(rawValue: row["status"]) ?? .open,
            claimant: row["claimant"], note: row["note"], reason: row["reason"], postedBy: row["posted_by"],
            createdAtMillis: row["created_at"], updatedAtMillis: row["updated_at"],
            realizedAtMillis: row["realized_at"], payment: row["payment"], settlement: row["settlement"])
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
                wish: $0["wish"], action: $0["action"], fromStatus: $0["from_status"], toStatus: $0["to_status"],
                actor: $0["actor"], note: $0["note"], points: $0["points"], atMillis: $0["created_at"])
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
