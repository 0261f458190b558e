import Foundation
import JifenCore
import PostgresNIO

/// Micro-wishes on PostgreSQL: the same plain rows as the SQLite store; the rules are in the core.
/// In a write a wish is read `FOR UPDATE`: every change to it is read-modify-write.
extension PostgresTransaction {
    static let wishColumns = """
        id, community, team, title, beneficiary_kind, beneficiary_name, beneficiary_details, points, donated, status, claimant, \
        note, reason, posted_by, created_at, updated_at, realized_at, payment, settlement
        """

    static func wish(_ row: PostgresRow) throws -> Wish {
        let r = row.makeRandomAccess()
        func text(_ i: Int) throws -> String { try r[i].decode(String.self) }
        func int(_ i: Int) throws -> Int64 { try r[i].decode(Int64.self) }
        func optionalInt(_ i: Int) throws -> Int64? { try r[i].decode(Int64?.self) }
        return Wish(
            id: try int(0), community: try text(1), team: try text(2), title: try text(3),
            beneficiaryKind: BeneficiaryKind(rawValue: try text(4)) ?? .child, beneficiaryName: try text(5),
            beneficiaryDetails: try text(6), points: try int(7), donated: try int(8),
            status: WishStatus(rawValue: try text(9)) ?? .open,
            claimant: try r[10].decode(String?.self), note: try text(11), reason: try text(12), postedBy: try text(13),
            createdAtMillis: try int(14), updatedAtMillis: try int(15), realizedAtMillis: try optionalInt(16),
            payment: try optionalInt(17), settlement: try optionalInt(18))
    }

    func wish(id: Int64) throws -> Wish? {
        try session.rows("SELECT \(Self.wishColumns) FROM wish WHERE id = $1\(writing ? " FOR UPDATE" : "")", [id])
            .first.map(Self.wish)
    }

    func wishes() throws -> [Wish] {
        try session.rows("SELECT \(Self.wishColumns) FROM wish ORDER BY id\(writing ? " FOR UPDATE" : "")").map(
            Self.wish)
    }

    func wishHistory(wish: Int64) throws -> [WishHistory] {
        try session.rows(
            """
            SELECT wish, action, from_status, to_status, actor, note, points, created_at FROM wish_history WHERE wish = $1 ORDER BY id
            """, [wish]
        ).map { row in
            let (wish, action, from, to, actor, note, points, at) = try row.decode(
                (Int64, String, String, String, String, String, Int64, Int64).self)
            return WishHistory(
                wish: wish, action: action, fromStatus: from, toStatus: to, actor: actor, note: note, points: points,
                atMillis: at)
        }
    }

    func insert(wish w: Wish) throws -> Int64 {
        try session.scalar(
            Int64.self,
            """
            INSERT INTO wish (community, team, title, beneficiary_kind, beneficiary_name, beneficiary_details, points, donated, status,
                              claimant, note, reason, posted_by, created_at, updated_at, realized_at, payment, settlement)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id
            """,
            [
                w.community, w.team, w.title, w.beneficiaryKind.rawValue, w.beneficiaryName, w.beneficiaryDetails,
                w.points, w.donated,
                w.status.rawValue, w.claimant, w.note, w.reason, w.postedBy, w.createdAtMillis, w.updatedAtMillis,
                w.realizedAtMillis,
                w.payment, w.settlement,
            ]) ?? 0
    }

    func update(wish w: Wish) throws {
        _ = try session.execute(
            """
            UPDATE wish SET team = $1, title = $2, beneficiary_kind = $3, beneficiary_name = $4, beneficiary_details = $5, points = $6,
                            donated = $7, status = $8, claimant = $9, note = $10, reason = $11, updated_at = $12, realized_at = $13,
                            payment = $14, settlement = $15
            WHERE id = $16
            """,
            [
                w.team, w.title, w.beneficiaryKind.rawValue, w.beneficiaryName, w.beneficiaryDetails, w.points,
                w.donated, w.status.rawValue,
                w.claimant, w.note, w.reason, w.updatedAtMillis, w.realizedAtMillis, w.payment, w.settlement, w.id,
            ])
    }

    func insert(wishHistory h: WishHistory) throws {
        _ = try session.execute(
            """
            INSERT INTO wish_history (wish, action, from_status, to_status, actor, note, points, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [h.wish, h.action, h.fromStatus, h.toStatus, h.actor, h.note, h.points, h.atMillis])
    }
}
