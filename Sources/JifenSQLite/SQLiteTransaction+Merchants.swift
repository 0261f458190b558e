import Foundation
import GRDB
import JifenCore

/// Offers, redemption codes, wrong codes, redemptions and settlements as SQL; the rules are in the
/// core's redeem, pickup, refund and settle.
extension SQLiteTransaction {
    static let offerColumns = "id, merchant, title, points, stock, valid_from, valid_to, retired_at, created_at"

    static let redemptionColumns =
        "id, merchant, volunteer, offer, points, key, code_hash, status, transfer, hold, settlement, actor, created_at"

    static let codeColumns = "id, volunteer, hash, created_at, expires_at, used_at, redemption, secret_hash, max_points"

    static func code(_ row: Row) -> RedemptionCode {
        RedemptionCode(
            id: row["id"], volunteer: row["volunteer"], hash: row["hash"], createdAtMillis: row["created_at"],
            expiresAtMillis: row["expires_at"], usedAtMillis: row["used_at"], redemption: row["redemption"],
            secretHash: row["secret_hash"], maxPoints: row["max_points"])
    }

    static func offer(_ row: Row) -> Offer {
        Offer(
            id: row["id"], merchant: row["merchant"], title: row["title"], points: row["points"], stock: row["stock"],
            validFrom: row["valid_from"], validTo: row["valid_to"], retiredAtMillis: row["retired_at"],
            createdAtMillis: row["created_at"])
    }

    static func redemption(_ row: Row) -> Redemption {
        Redemption(
            id: row["id"], merchant: row["merchant"], volunteer: row["volunteer"], offer: row["offer"],
            points: row["points"], key: row["key"], codeHash: row["code_hash"],
            status: RedemptionStatus(rawValue: row["status"]) ?? .redeemed, transfer: row["transfer"],
            hold: row["hold"], settlement: row["settlement"], actor: row["actor"], createdAtMillis: row["created_at"])
    }

    func offer(id: String) throws -> Offer? {
        try one("SELECT \(Self.offerColumns) FROM offer WHERE id = ?", [id]).map(Self.offer)
    }

    func offers(merchant: String?) throws -> [Offer] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.offerColumns) FROM offer WHERE (?1 IS NULL OR merchant = ?1) ORDER BY merchant, id
                """, arguments: [merchant]
        ).map(Self.offer)
    }

    func codes(hash: String) throws -> [RedemptionCode] {
        try all("SELECT \(Self.codeColumns) FROM redemption_code WHERE hash = ? ORDER BY id DESC", [hash]).map(
            Self.code)
    }

    func code(secretHash: String) throws -> RedemptionCode? {
        try one("SELECT \(Self.codeColumns) FROM redemption_code WHERE secret_hash = ?", [secretHash]).map(Self.code)
    }

    func wrongCodes(merchant: String, sinceMillis: Int64) throws -> [Int64] {
        // A write transaction holds SQLite's one write lock: one merchant's wrong codes are counted one at a time.
        try all("SELECT at FROM code_wrong WHERE merchant = ? AND at > ? ORDER BY at, id", [merchant, sinceMillis]).map
        { $0[0] }
    }

    func redemption(id: Int64) throws -> Redemption? {
        try one("SELECT \(Self.redemptionColumns) FROM redemption WHERE id = ?", [id]).map(Self.redemption)
    }

    func redemption(key: String) throws -> Redemption? {
        try one("SELECT \(Self.redemptionColumns) FROM redemption WHERE key = ?", [key]).map(Self.redemption)
    }

    func redemption(hold: Int64) throws -> Redemption? {
        try one("SELECT \(Self.redemptionColumns) FROM redemption WHERE hold = ?", [hold]).map(Self.redemption)
    }

    func unsettledRedemptions(merchant: String, beforeMillis: Int64) throws -> [Redemption] {
        try all(
            """
            SELECT \(Self.redemptionColumns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM redemption r JOIN transfer t ON t.id = r.transfer
            WHERE r.merchant = ? AND r.settlement IS NULL AND r.status IN ('redeemed', 'picked_up') AND t.at < ?
            ORDER BY r.id
            """, [merchant, beforeMillis]
        ).map(Self.redemption)
    }

    func redemptions(
        merchant: String, statuses: [RedemptionStatus], createdFromMillis: Int64?, createdBeforeMillis: Int64?,
        limit: Int
    ) throws -> [Redemption] {
        guard !statuses.isEmpty, limit > 0 else { return [] }
        var sql =
            "SELECT \(Self.redemptionColumns) FROM redemption WHERE merchant = ? AND status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))"
        var arguments: [(any DatabaseValueConvertible)?] = [merchant] + statuses.map(\.rawValue)
        if let createdFromMillis { sql += " AND created_at >= ?"; arguments.append(createdFromMillis) }
        if let createdBeforeMillis { sql += " AND created_at < ?"; arguments.append(createdBeforeMillis) }
        sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
        arguments.append(limit)
        return try all(sql, StatementArguments(arguments)).map(Self.redemption)
    }

    func insert(offer: Offer, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO offer (id, merchant, title, points, stock, valid_from, valid_to, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                offer.id, offer.merchant, offer.title, offer.points, offer.stock, offer.validFrom, offer.validTo,
                nowMillis, actor,
            ])
    }

    func retire(offer id: String, atMillis: Int64) throws {
        try db.execute(sql: "UPDATE offer SET retired_at = ? WHERE id = ?", arguments: [atMillis, id])
    }

    func takeStock(offer: String) throws -> Bool {
        try run("UPDATE offer SET stock = stock - 1 WHERE id = ? AND (stock IS NULL OR stock > 0)", [offer])
        return db.changesCount == 1
    }

    func returnStock(offer: String) throws {
        try run("UPDATE offer SET stock = stock + 1 WHERE id = ? AND stock IS NOT NULL", [offer])
    }

    func insert(code c: RedemptionCode) throws -> Int64 {
        try run(
            "INSERT INTO redemption_code (volunteer, hash, created_at, expires_at, secret_hash, max_points) VALUES (?, ?, ?, ?, ?, ?)",
            [c.volunteer, c.hash, c.createdAtMillis, c.expiresAtMillis, c.secretHash, c.maxPoints])
        return db.lastInsertedRowID
    }

    func useCode(id: Int64, atMillis: Int64, redemption: Int64) throws -> Bool {
        try run(
            "UPDATE redemption_code SET used_at = ?, redemption = ? WHERE id = ? AND used_at IS NULL",
            [atMillis, redemption, id])
        return db.changesCount == 1
    }

    func insert(wrongCode merchant: String, actor: String, atMillis: Int64) throws {
        try run("INSERT INTO code_wrong (merchant, actor, at) VALUES (?, ?, ?)", [merchant, actor, atMillis])
    }

    func voidCodes(volunteer: String, atMillis: Int64) throws {
        try run(
            "UPDATE redemption_code SET expires_at = ? WHERE volunteer = ? AND used_at IS NULL AND expires_at > ?",
            [atMillis, volunteer, atMillis])
    }

    func insert(redemption r: Redemption) throws -> Int64 {
        try run(
            """
            INSERT INTO redemption (merchant, volunteer, offer, points, key, code_hash, status, transfer, hold, settlement, actor, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                r.merchant, r.volunteer, r.offer, r.points, r.key, r.codeHash, r.status.rawValue, r.transfer, r.hold,
                r.settlement,
                r.actor, r.createdAtMillis,
            ])
        return db.lastInsertedRowID
    }

    func update(redemption id: Int64, status: RedemptionStatus, transfer: Int64?, hold: Int64?) throws {
        try run(
            "UPDATE redemption SET status = ?, transfer = ?, hold = ? WHERE id = ?",
            [status.rawValue, transfer, hold, id])
    }

    func insert(settlement s: Settlement) throws -> Int64 {
        try run(
            "INSERT INTO settlement (merchant, through_day, points, actor, created_at) VALUES (?, ?, ?, ?, ?)",
            [s.merchant, s.throughDay, s.points, s.actor, s.atMillis])
        return db.lastInsertedRowID
    }

    func setSettlementTransfer(id: Int64, transfer: Int64) throws {
        try run("UPDATE settlement SET transfer = ? WHERE id = ?", [transfer, id])
    }

    func markSettled(redemptions: [Int64], settlement: Int64) throws {
        for id in redemptions { try run("UPDATE redemption SET settlement = ? WHERE id = ?", [settlement, id]) }
    }

    // MARK: Partner communities

    func partnerships(merchant: String?, community: String?) throws -> [Partnership] {
        try all(
            """
            SELECT merchant, community, added_at, added_by, removed_at, removed_by FROM merchant_partner
            WHERE (?1 IS NULL OR merchant = ?1) AND (?2 IS NULL OR community = ?2) ORDER BY merchant, community
            """, [merchant, community]
        ).map {
            Partnership(
                merchant: $0["merchant"], community: $0["community"], addedAtMillis: $0["added_at"],
                addedBy: $0["added_by"], removedAtMillis: $0["removed_at"], removedBy: $0["removed_by"])
        }
    }

    func save(partnership p: Partnership) throws {
        try run(
            """
            INSERT INTO merchant_partner (merchant, community, added_at, added_by, removed_at, removed_by)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (merchant, community) DO UPDATE SET added_at = excluded.added_at, added_by = excluded.added_by,
                removed_at = excluded.removed_at, removed_by = excluded.removed_by
            """, [p.merchant, p.community, p.addedAtMillis, p.addedBy, p.removedAtMillis, p.removedBy])
    }
}
