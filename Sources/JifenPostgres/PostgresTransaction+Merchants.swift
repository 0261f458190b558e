import Foundation
import JifenCore
import PostgresNIO

/// Offers, redemption codes, wrong codes, redemptions and settlements as SQL, the same plain rows
/// as the SQLite store; the rules are in the core's redeem, pickup, refund and settle.
extension PostgresTransaction {
    static let offerColumns = "id, merchant, title, points, stock, valid_from, valid_to, retired_at, created_at"

    static let redemptionColumns =
        "id, merchant, volunteer, offer, points, key, code_hash, status, transfer, hold, settlement, actor, created_at"

    static let codeColumns = "id, volunteer, hash, created_at, expires_at, used_at, redemption, secret_hash, max_points"

    static func code(_ row: PostgresRow) throws -> RedemptionCode {
        let (id, volunteer, hash, created, expires, used, redemption, secret, max) =
            try row.decode((Int64, String, String, Int64, Int64, Int64?, Int64?, String?, Int64?).self)
        return RedemptionCode(
            id: id, volunteer: volunteer, hash: hash, createdAtMillis: created, expiresAtMillis: expires,
            usedAtMillis: used, redemption: redemption, secretHash: secret, maxPoints: max)
    }

    /// The first key of the two-key advisory locks that serialize one volunteer's pay codes.
    static let codeLockSpace: Int32 = 0x4A43

    static func offer(_ row: PostgresRow) throws -> Offer {
        let (id, merchant, title, points, stock, from, to, retired, created) =
            try row.decode((String, String, String, Int64, Int64?, String?, String?, Int64?, Int64).self)
        return Offer(
            id: id, merchant: merchant, title: title, points: points, stock: stock, validFrom: from, validTo: to,
            retiredAtMillis: retired, createdAtMillis: created)
    }

    static func redemption(_ row: PostgresRow) throws -> Redemption {
        let (
            id, merchant, volunteer, offer, points, key, codeHash, status, transfer, hold, settlement, actor, created
        ) =
            try row.decode(
                (Int64, String, String, String?, Int64, String, String, String, Int64?, Int64?, Int64?, String, Int64)
                    .self)
        return Redemption(
            id: id, merchant: merchant, volunteer: volunteer, offer: offer, points: points, key: key,
            codeHash: codeHash,
            status: RedemptionStatus(rawValue: status) ?? .redeemed, transfer: transfer, hold: hold,
            settlement: settlement,
            actor: actor, createdAtMillis: created)
    }

    func offer(id: String) throws -> Offer? {
        // Locked in a write: taking and returning stock are read-then-write.
        try session.rows("SELECT \(Self.offerColumns) FROM offer WHERE id = $1\(writing ? " FOR UPDATE" : "")", [id])
            .first.map(Self.offer)
    }

    func offers(merchant: String?) throws -> [Offer] {
        try session.rows(
            """
            SELECT \(Self.offerColumns) FROM offer WHERE ($1::TEXT IS NULL OR merchant = $1)
            ORDER BY merchant COLLATE "C", id COLLATE "C"
            """, [merchant]
        ).map(Self.offer)
    }

    func codes(hash: String) throws -> [RedemptionCode] {
        try session.rows("SELECT \(Self.codeColumns) FROM redemption_code WHERE hash = $1 ORDER BY id DESC", [hash])
            .map(Self.code)
    }

    func code(secretHash: String) throws -> RedemptionCode? {
        try session.rows("SELECT \(Self.codeColumns) FROM redemption_code WHERE secret_hash = $1", [secretHash]).first
            .map(Self.code)
    }

    func wrongCodes(merchant: String, sinceMillis: Int64) throws -> [Int64] {
        if writing {
            // One merchant's wrong codes are counted one transaction at a time: its code_guard row
            // is the lock (taken before any account lock, as before).
            try session.execute(
                "INSERT INTO code_guard (merchant, failures) VALUES ($1, 0) ON CONFLICT (merchant) DO NOTHING",
                [merchant])
            _ = try session.rows("SELECT 1 FROM code_guard WHERE merchant = $1 FOR UPDATE", [merchant])
        }
        return try session.rows(
            "SELECT at FROM code_wrong WHERE merchant = $1 AND at > $2 ORDER BY at, id", [merchant, sinceMillis]
        )
        .map { try $0.decode(Int64.self) }
    }

    func redemption(id: Int64) throws -> Redemption? {
        try session.rows(
            "SELECT \(Self.redemptionColumns) FROM redemption WHERE id = $1\(writing ? " FOR UPDATE" : "")", [id]
        )
        .first.map(Self.redemption)
    }

    func redemption(key: String) throws -> Redemption? {
        try session.rows("SELECT \(Self.redemptionColumns) FROM redemption WHERE key = $1", [key]).first.map(
            Self.redemption)
    }

    func redemption(hold: Int64) throws -> Redemption? {
        try session.rows(
            "SELECT \(Self.redemptionColumns) FROM redemption WHERE hold = $1\(writing ? " FOR UPDATE" : "")", [hold]
        )
        .first.map(Self.redemption)
    }

    func unsettledRedemptions(merchant: String, beforeMillis: Int64) throws -> [Redemption] {
        let columns = Self.redemptionColumns.split(separator: ",").map {
            "r." + $0.trimmingCharacters(in: .whitespaces)
        }.joined(separator: ", ")
        return try session.rows(
            """
            SELECT \(columns) FROM redemption r JOIN transfer t ON t.id = r.transfer
            WHERE r.merchant = $1 AND r.settlement IS NULL AND r.status IN ('redeemed', 'picked_up') AND t.at < $2
            ORDER BY r.id\(writing ? " FOR UPDATE OF r" : "")
            """, [merchant, beforeMillis]
        ).map(Self.redemption)
    }

    func redemptions(
        merchant: String, statuses: [RedemptionStatus], createdFromMillis: Int64?, createdBeforeMillis: Int64?,
        limit: Int
    ) throws -> [Redemption] {
        guard !statuses.isEmpty, limit > 0 else { return [] }
        return try session.rows(
            """
            SELECT \(Self.redemptionColumns) FROM redemption
            WHERE merchant = $1 AND status = ANY($2) AND ($3::BIGINT IS NULL OR created_at >= $3) AND ($4::BIGINT IS NULL OR created_at < $4)
            ORDER BY created_at DESC, id DESC LIMIT $5
            """, [merchant, statuses.map(\.rawValue), createdFromMillis, createdBeforeMillis, Int64(limit)]
        ).map(Self.redemption)
    }

    func insert(offer: Offer, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO offer (id, merchant, title, points, stock, valid_from, valid_to, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                offer.id, offer.merchant, offer.title, offer.points, offer.stock, offer.validFrom, offer.validTo,
                nowMillis, actor,
            ])
    }

    func retire(offer id: String, atMillis: Int64) throws {
        try session.execute("UPDATE offer SET retired_at = $1 WHERE id = $2", [atMillis, id])
    }

    func takeStock(offer: String) throws -> Bool {
        try session.execute(
            "UPDATE offer SET stock = stock - 1 WHERE id = $1 AND (stock IS NULL OR stock > 0)", [offer]) == 1
    }

    func returnStock(offer: String) throws {
        try session.execute("UPDATE offer SET stock = stock + 1 WHERE id = $1 AND stock IS NOT NULL", [offer])
    }

    func insert(code c: RedemptionCode) throws -> Int64 {
        try session.scalar(
            Int64.self,
            """
            INSERT INTO redemption_code (volunteer, hash, created_at, expires_at, secret_hash, max_points)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, [c.volunteer, c.hash, c.createdAtMillis, c.expiresAtMillis, c.secretHash, c.maxPoints]) ?? 0
    }

    func useCode(id: Int64, atMillis: Int64, redemption: Int64) throws -> Bool {
        try session.execute(
            "UPDATE redemption_code SET used_at = $1, redemption = $2 WHERE id = $3 AND used_at IS NULL",
            [atMillis, redemption, id]) == 1
    }

    func insert(wrongCode merchant: String, actor: String, atMillis: Int64) throws {
        try session.execute(
            "INSERT INTO code_wrong (merchant, actor, at) VALUES ($1, $2, $3)", [merchant, actor, atMillis])
    }

    func voidCodes(volunteer: String, atMillis: Int64) throws {
        // One volunteer's codes are issued one transaction at a time (so she never holds two live
        // ones): a transaction-scoped advisory lock on her id, in its own two-key space.
        try session.execute("SELECT pg_advisory_xact_lock(\(Self.codeLockSpace), hashtext($1))", [volunteer])
        try session.execute(
            "UPDATE redemption_code SET expires_at = $1 WHERE volunteer = $2 AND used_at IS NULL AND expires_at > $1",
            [atMillis, volunteer])
    }

    func insert(redemption r: Redemption) throws -> Int64 {
        try session.scalar(
            Int64.self,
            """
            INSERT INTO redemption (merchant, volunteer, offer, points, key, code_hash, status, transfer, hold, settlement, actor, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
            """,
            [
                r.merchant, r.volunteer, r.offer, r.points, r.key, r.codeHash, r.status.rawValue, r.transfer, r.hold,
                r.settlement,
                r.actor, r.createdAtMillis,
            ]) ?? 0
    }

    func update(redemption id: Int64, status: RedemptionStatus, transfer: Int64?, hold: Int64?) throws {
        try session.execute(
            "UPDATE redemption SET status = $1, transfer = $2, hold = $3 WHERE id = $4",
            [status.rawValue, transfer, hold, id])
    }

    func insert(settlement s: Settlement) throws -> Int64 {
        try session.scalar(
            Int64.self,
            "INSERT INTO settlement (merchant, through_day, points, actor, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            [s.merchant, s.throughDay, s.points, s.actor, s.atMillis]) ?? 0
    }

    func setSettlementTransfer(id: Int64, transfer: Int64) throws {
        try session.execute("UPDATE settlement SET transfer = $1 WHERE id = $2", [transfer, id])
    }

    func markSettled(redemptions: [Int64], settlement: Int64) throws {
        for id in redemptions {
            try session.execute("UPDATE redemption SET settlement = $1 WHERE id = $2", [settlement, id])
        }
    }

    // MARK: Partner communities

    func partnerships(merchant: String?, community: String?) throws -> [Partnership] {
        try session.rows(
            """
            SELECT merchant, community, added_at, added_by, removed_at, removed_by FROM merchant_partner
            WHERE ($1::TEXT IS NULL OR merchant = $1) AND ($2::TEXT IS NULL OR community = $2)
            ORDER BY merchant COLLATE "C", community COLLATE "C"
            """, [merchant, community]
        ).map { row in
            let (merchant, community, added, by, removed, removedBy) =
                try row.decode((String, String, Int64, String, Int64?, String?).self)
            return Partnership(
                merchant: merchant, community: community, addedAtMillis: added, addedBy: by,
                removedAtMillis: removed, removedBy: removedBy)
        }
    }

    func save(partnership p: Partnership) throws {
        try session.execute(
            """
            INSERT INTO merchant_partner (merchant, community, added_at, added_by, removed_at, removed_by)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (merchant, community) DO UPDATE SET added_at = excluded.added_at, added_by = excluded.added_by,
                removed_at = excluded.removed_at, removed_by = excluded.removed_by
            """, [p.merchant, p.community, p.addedAtMillis, p.addedBy, p.removedAtMillis, p.removedBy])
    }
}
