import Foundation
import GRDB
import JifenCore

/// The rows behind the registry, offers, settings, certificates and statements, as SQL. What
/// they mean (who may, what is valid, what is numbered how) is in the core's `Store` extensions.
extension SQLiteLedgerTransaction {
    // MARK: Reading

    func highestNumber(in table: RegistryTable) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT MAX(CAST(SUBSTR(id, 2) AS INTEGER)) FROM \(table.rawValue)") ?? 0
    }

    func idsByName(in table: RegistryTable, community: String) throws -> [String: String] {
        Dictionary(
            try Row.fetchAll(
                db, sql: "SELECT name, id FROM \(table.rawValue) WHERE community = ? ORDER BY id",
                arguments: [community]
            )
            .map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
    }

    func teamExists(named name: String, community: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM team WHERE community = ? AND name = ?", arguments: [community, name])
            == true
    }

    func volunteers(named name: String, community: String) throws -> [Volunteer] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM volunteer WHERE community = ? AND TRIM(name) = ? ORDER BY id",
            arguments: [community, name]
        ).map(SQLiteStore.volunteer)
    }

    func offers(merchant: String?) throws -> [Offer] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.offerColumns) FROM offer WHERE (?1 IS NULL OR merchant = ?1) ORDER BY merchant, id
                """, arguments: [merchant]
        ).map(Self.offer)
    }

    func storedSettings() throws -> [SettingView] {
        try Row.fetchAll(db, sql: "SELECT key, value, updated_at, updated_by FROM setting").map {
            SettingView(
                key: $0["key"], value: $0["value"], isDefault: false, updatedBy: $0["updated_by"],
                updatedAtMillis: $0["updated_at"])
        }
    }

    func recordViews(
        activity: String?, volunteer: String?, pendingOnly: Bool, from: String?, to: String?
    ) throws -> [RecordView] {
        let cols = Self.recordColumns.split(separator: ",").map {
            "r." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT \(cols.joined(separator: ", ")), v.name, a.title, a.place, a.content, t.id, t.name, t.leader
                FROM service_record r JOIN activity a ON a.id = r.activity JOIN team t ON t.id = a.team JOIN volunteer v ON v.id = r.volunteer
                WHERE (?1 IS NULL OR r.activity = ?1) AND (?2 IS NULL OR r.volunteer = ?2)
                  AND (?3 = 0 OR r.status IN ('pending', 'review'))
                  AND (?4 IS NULL OR r.service_day >= ?4) AND (?5 IS NULL OR r.service_day <= ?5)
                ORDER BY r.service_day, r.id
                """, arguments: [activity, volunteer, pendingOnly, from, to]
        ).map { row in
            RecordView(
                record: Self.record(row), volunteerName: row[17], activityTitle: row[18], place: row[19],
                content: row[20], team: row[21], teamName: row[22], personInCharge: row[23])
        }
    }

    func certificateCount(numberPrefix: String) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM certificate WHERE number LIKE ?", arguments: [numberPrefix + "%"]) ?? 0
    }

    func certificate(code: String) throws -> Certificate? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = ?
                """, arguments: [code]
        ).map { row in
            Certificate(
                number: row[0], volunteer: row[1], fromDay: row[2], toDay: row[3], minutes: row[4], records: row[5],
                digest: row[6], code: row[7], issuedAtMillis: row[8], issuedBy: row[9])
        }
    }

    func latestCertificate(volunteer: String) throws -> Certificate? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate
                WHERE volunteer = ? ORDER BY issued_at DESC, number DESC LIMIT 1
                """, arguments: [volunteer]
        ).map { row in
            Certificate(
                number: row[0], volunteer: row[1], fromDay: row[2], toDay: row[3], minutes: row[4], records: row[5],
                digest: row[6], code: row[7], issuedAtMillis: row[8], issuedBy: row[9])
        }
    }

    func movedSince(account id: String, sinceMillis: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(CASE WHEN credit = ?1 THEN amount ELSE -amount END), 0) FROM (
                    SELECT credit, amount FROM transfer WHERE debit = ?1 AND at >= ?2
                    UNION ALL SELECT credit, amount FROM transfer WHERE credit = ?1 AND at >= ?2)
                """, arguments: [id, sinceMillis]) ?? 0
    }

    func transfers(touching id: String, fromMillis: Int64, toMillis: Int64, limit: Int) throws -> [Transfer] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.transferColumns) FROM (
                    SELECT * FROM transfer WHERE debit = ?1 AND at >= ?2 AND at < ?3
                    UNION ALL SELECT * FROM transfer WHERE credit = ?1 AND at >= ?2 AND at < ?3)
                ORDER BY id LIMIT ?4
                """, arguments: [id, fromMillis, toMillis, limit]
        ).map(Self.transfer)
    }

    // MARK: Writing

    /// Nothing to do: every write transaction is `BEGIN IMMEDIATE`, so it runs alone.
    func serialise(_ what: Serialised) throws {}

    func insert(community: Community, nowMillis: Int64) throws {
        try db.execute(
            sql: "INSERT INTO community (id, name, created_at) VALUES (?, ?, ?)",
            arguments: [community.id, community.name, nowMillis])
    }

    func grant(
        role: String, to actor: String, team: String, by grantor: String, nowMillis: Int64, ignoringExisting: Bool
    ) throws {
        try db.execute(
            sql: """
                INSERT \(ignoringExisting ? "OR IGNORE " : "")INTO actor_role (actor, role, team, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)
                """, arguments: [actor, role, team, nowMillis, grantor])
    }

    func insert(team: Team, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [team.id, team.community, team.name, team.leader, nowMillis, actor])
    }

    func insert(volunteer v: Volunteer, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO volunteer (id, community, team, name, gender, birth_date, id_number, phone, area, skills, categories,
                                       consent, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                v.id, v.community, v.team, v.name, v.gender.rawValue, v.birthDate, v.idNumber, v.phone, v.area,
                v.skills, v.categories, v.consent, nowMillis, actor,
            ])
    }

    func insert(merchant m: Merchant, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [m.id, m.community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
    }

    func insert(offer: Offer, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO offer (id, merchant, title, points, stock, valid_from, valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                offer.id, offer.merchant, offer.title, offer.points, offer.stock, offer.validFrom, offer.validTo,
                nowMillis, actor,
            ])
    }

    func retire(offer id: String, atMillis: Int64) throws {
        try db.execute(sql: "UPDATE offer SET retired_at = ? WHERE id = ?", arguments: [atMillis, id])
    }

    func put(setting key: String, value: String, actor: String, nowMillis: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, arguments: [key, value, nowMillis, actor])
    }

    func insert(settingChange c: SettingChange) throws {
        try db.execute(
            sql: "INSERT INTO setting_change (key, old_value, new_value, actor, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [c.key, c.oldValue, c.newValue, c.actor, c.atMillis])
    }

    func insert(certificate c: Certificate) throws {
        try db.execute(
            sql: """
                INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                c.number, c.volunteer, c.fromDay, c.toDay, c.minutes, c.records, c.digest, c.code, c.issuedAtMillis,
                c.issuedBy,
            ])
    }
}

/// Webhook subscriptions and their queue, as SQL; the admin's rules are in the core (`Store+Webhooks`).
extension SQLiteLedgerTransaction {
    func webhookEndpoint(_ id: Int64, forUpdate: Bool) throws -> WebhookEndpoint? {
        try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoint WHERE id = ?", arguments: [id]).map(
            SQLiteStore.endpoint)
    }

    func eventType(_ id: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT type FROM event WHERE id = ?", arguments: [id])
    }

    func insert(webhook new: NewWebhook, actor: String, nowMillis: Int64) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO webhook_endpoint (url, format, events, secret, rate_per_minute, allow_private, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                new.url, new.format.rawValue, new.events.joined(separator: ","), new.secret, new.ratePerMinute,
                new.allowPrivate, nowMillis, actor,
            ])
        let id = db.lastInsertedRowID
        for pattern in new.events {
            try db.execute(
                sql: "INSERT INTO webhook_filter (endpoint, pattern) VALUES (?, ?)", arguments: [id, pattern])
        }
        return id
    }

    func deleteWebhook(_ id: Int64) throws {
        try db.execute(sql: "DELETE FROM webhook_endpoint WHERE id = ?", arguments: [id])
    }

    func setWebhookStatus(_ id: Int64, _ status: WebhookEndpointStatus, reason: String) throws {
        try db.execute(
            sql: "UPDATE webhook_endpoint SET status = ?, status_reason = ? WHERE id = ?",
            arguments: [status.rawValue, reason, id])
    }

    func setWebhookSecret(_ id: Int64, secret: String, previous: String?, previousUntilMillis: Int64?) throws {
        try db.execute(
            sql: "UPDATE webhook_endpoint SET secret = ?, previous_secret = ?, previous_secret_until = ? WHERE id = ?",
            arguments: [secret, previous, previousUntilMillis, id])
    }

    func queueDeliveries(event: Int64, type: String, nowMillis: Int64) throws -> Int {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO webhook_delivery (event, endpoint, webhook_id, next_attempt_at)
                SELECT ?, e.id, 'msg_' || lower(hex(randomblob(16))), ? FROM webhook_endpoint e
                WHERE e.status <> 'disabled' AND EXISTS (SELECT 1 FROM webhook_filter f WHERE f.endpoint = e.id AND ? GLOB f.pattern)
                """, arguments: [event, nowMillis, type])
        try db.execute(
            sql: """
                UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL
                WHERE event = ?
                """, arguments: [nowMillis, event])
        return db.changesCount
    }

    func requeueDead(endpoint: Int64?, nowMillis: Int64) throws -> Int {
        try db.execute(
            sql: """
                UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ?
                WHERE status = 'dead' AND (? IS NULL OR endpoint = ?)
                """, arguments: [nowMillis, endpoint, endpoint])
        return db.changesCount
    }
}

extension SQLiteLedgerTransaction {
    func merchant(_ id: String) throws -> Merchant? {
        try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE id = ?", arguments: [id]).map(SQLiteStore.merchant)
    }

    func recordVersions(record id: String) throws -> [RecordVersion] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT record, version, minutes, status, points, actor, at, action, reason FROM service_record_version WHERE record = ? ORDER BY id
                """, arguments: [id]
        ).map {
            RecordVersion(
                record: $0[0], version: $0[1], minutes: $0[2], status: RecordStatus(rawValue: $0[3]) ?? .pending,
                points: $0[4], actor: $0[5], atMillis: $0[6], action: $0[7], reason: $0[8])
        }
    }
}
