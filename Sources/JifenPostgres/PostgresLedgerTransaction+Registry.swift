import Foundation
import JifenCore
import PostgresNIO

/// The rows behind the registry, offers, settings, certificates and statements, as SQL. What
/// they mean (who may, what is valid, what is numbered how) is in the core's `Store` extensions.
/// Ids are taken from the highest so far: two writers taking the same one collide on the
/// primary key, and the loser's transaction is rerun by `PostgresStore.transaction`.
extension PostgresLedgerTransaction {
    // MARK: Reading

    func highestNumber(in table: RegistryTable) throws -> Int {
        Int(
            try session.scalar(
                Int64.self, "SELECT COALESCE(MAX(CAST(substr(id, 2) AS BIGINT)), 0)::BIGINT FROM \(table.rawValue)")
                ?? 0)
    }

    func idsByName(in table: RegistryTable, community: String) throws -> [String: String] {
        var byName: [String: String] = [:]
        for row in try session.rows(
            "SELECT name, id FROM \(table.rawValue) WHERE community = $1 ORDER BY id COLLATE \"C\"", [community])
        {
            let (name, id) = try row.decode((String, String).self)
            if byName[name] == nil { byName[name] = id }
        }
        return byName
    }

    func teamExists(named name: String, community: String) throws -> Bool {
        try !session.rows("SELECT 1 FROM team WHERE community = $1 AND name = $2", [community, name]).isEmpty
    }

    func volunteers(named name: String, community: String) throws -> [Volunteer] {
        try session.rows(
            """
            SELECT \(PostgresStore.volunteerColumns) FROM volunteer WHERE community = $1 AND TRIM(name) = $2 ORDER BY id
            """, [community, name]
        ).map(PostgresStore.volunteer)
    }

    func offers(merchant: String?) throws -> [Offer] {
        try session.rows(
            """
            SELECT \(Self.offerColumns) FROM offer WHERE ($1::TEXT IS NULL OR merchant = $1)
            ORDER BY merchant COLLATE "C", id COLLATE "C"
            """, [merchant]
        ).map(Self.offer)
    }

    func storedSettings() throws -> [SettingView] {
        try session.rows("SELECT key, value, updated_at, updated_by FROM setting").map { row in
            let (key, value, at, by) = try row.decode((String, String, Int64, String).self)
            return SettingView(key: key, value: value, isDefault: false, updatedBy: by, updatedAtMillis: at)
        }
    }

    func recordViews(
        activity: String?, volunteer: String?, pendingOnly: Bool, from: String?, to: String?
    ) throws -> [RecordView] {
        try PostgresStore.recordViews(
            session, activity: activity, volunteer: volunteer, pendingOnly: pendingOnly, from: from, to: to)
    }

    func certificateCount(numberPrefix: String) throws -> Int {
        Int(
            try session.scalar(
                Int64.self, "SELECT COUNT(*)::BIGINT FROM certificate WHERE number LIKE $1", [numberPrefix + "%"]) ?? 0)
    }

    func certificate(code: String) throws -> Certificate? {
        try session.rows(
            """
            SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = $1
            """, [code]
        ).first.map { row in
            let (number, volunteer, from, to, minutes, records, digest, stored, at, by) =
                try row.decode((String, String, String, String, Int64, Int64, String, String, Int64, String).self)
            return Certificate(
                number: number, volunteer: volunteer, fromDay: from, toDay: to, minutes: minutes,
                records: Int(records), digest: digest, code: stored, issuedAtMillis: at, issuedBy: by)
        }
    }

    func latestCertificate(volunteer: String) throws -> Certificate? {
        try session.rows(
            """
            SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate
            WHERE volunteer = $1 ORDER BY issued_at DESC, number DESC LIMIT 1
            """, [volunteer]
        ).first.map { row in
            let (number, volunteer, from, to, minutes, records, digest, stored, at, by) =
                try row.decode((String, String, String, String, Int64, Int64, String, String, Int64, String).self)
            return Certificate(
                number: number, volunteer: volunteer, fromDay: from, toDay: to, minutes: minutes,
                records: Int(records), digest: digest, code: stored, issuedAtMillis: at, issuedBy: by)
        }
    }

    func movedSince(account id: String, sinceMillis: Int64) throws -> Int64 {
        try session.scalar(
            Int64.self,
            """
            SELECT COALESCE(SUM(CASE WHEN credit = $1 THEN amount ELSE -amount END), 0)::BIGINT FROM (
                SELECT credit, amount FROM transfer WHERE debit = $1 AND at >= $2
                UNION ALL SELECT credit, amount FROM transfer WHERE credit = $1 AND at >= $2) moved
            """, [id, sinceMillis]) ?? 0
    }

    func transfers(touching id: String, fromMillis: Int64, toMillis: Int64, limit: Int) throws -> [Transfer] {
        try session.rows(
            """
            SELECT \(Self.transferColumns) FROM (
                SELECT * FROM transfer WHERE debit = $1 AND at >= $2 AND at < $3
                UNION ALL SELECT * FROM transfer WHERE credit = $1 AND at >= $2 AND at < $3) touching
            ORDER BY id LIMIT $4
            """, [id, fromMillis, toMillis, limit]
        ).map(Self.transfer)
    }

    // MARK: Writing

    func serialise(_ what: Serialised) throws {
        switch what {
        case .settings:
            // Ledger transactions only read `setting`, which this lock does not block.
            try session.execute("LOCK TABLE setting IN SHARE ROW EXCLUSIVE MODE")
        case .volunteerRegistration:
            _ = try session.rows("SELECT pg_advisory_xact_lock(hashtext('jifen.volunteer.add'))")
        }
    }

    func insert(community: Community, nowMillis: Int64) throws {
        try session.execute(
            "INSERT INTO community (id, name, created_at) VALUES ($1, $2, $3)",
            [community.id, community.name, nowMillis])
    }

    func grant(
        role: String, to actor: String, team: String, by grantor: String, nowMillis: Int64, ignoringExisting: Bool
    ) throws {
        try session.execute(
            """
            INSERT INTO actor_role (actor, role, team, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)\(ignoringExisting ? " ON CONFLICT DO NOTHING" : "")
            """, [actor, role, team, nowMillis, grantor])
    }

    func insert(team: Team, actor: String, nowMillis: Int64) throws {
        try session.execute(
            "INSERT INTO team (id, community, name, leader, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            [team.id, team.community, team.name, team.leader, nowMillis, actor])
    }

    func insert(volunteer v: Volunteer, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO volunteer (\(PostgresStore.volunteerColumns), created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            [
                v.id, v.community, v.team, v.name, v.gender.rawValue, v.birthDate, v.idNumber, v.phone, v.area,
                v.skills, v.categories, v.consent ? 1 : 0, nowMillis, actor,
            ])
    }

    func insert(merchant m: Merchant, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO merchant (id, community, name, contact, phone, address, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [m.id, m.community, m.name, m.contact, m.phone, m.address, nowMillis, actor])
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

    func put(setting key: String, value: String, actor: String, nowMillis: Int64) throws {
        try session.execute(
            """
            INSERT INTO setting (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, [key, value, nowMillis, actor])
    }

    func insert(settingChange c: SettingChange) throws {
        try session.execute(
            "INSERT INTO setting_change (key, old_value, new_value, actor, at) VALUES ($1, $2, $3, $4, $5)",
            [c.key, c.oldValue, c.newValue, c.actor, c.atMillis])
    }

    func insert(certificate c: Certificate) throws {
        try session.execute(
            """
            INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                c.number, c.volunteer, c.fromDay, c.toDay, c.minutes, c.records, c.digest, c.code, c.issuedAtMillis,
                c.issuedBy,
            ])
    }
}

/// Webhook subscriptions and their queue, as SQL; the admin's rules are in the core (`Store+Webhooks`).
extension PostgresLedgerTransaction {
    func webhookEndpoint(_ id: Int64, forUpdate: Bool) throws -> WebhookEndpoint? {
        try session.rows(
            "SELECT \(PostgresStore.endpointColumns) FROM webhook_endpoint WHERE id = $1\(forUpdate ? " FOR NO KEY UPDATE" : "")",
            [id]
        ).first.map(PostgresStore.endpoint)
    }

    func eventType(_ id: Int64) throws -> String? {
        try session.scalar(String.self, "SELECT type FROM event WHERE id = $1", [id])
    }

    func insert(webhook new: NewWebhook, actor: String, nowMillis: Int64) throws -> Int64 {
        guard
            let id = try session.scalar(
                Int64.self,
                """
                INSERT INTO webhook_endpoint (url, format, events, secret, rate_per_minute, allow_private, created_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """,
                [
                    new.url, new.format.rawValue, new.events.joined(separator: ","), new.secret, new.ratePerMinute,
                    new.allowPrivate ? 1 : 0, nowMillis, actor,
                ])
        else {
            throw JifenError.fault(
                .database, zh: "添加 Webhook 时数据库未返回编号。", en: "The database returned no id for the new webhook.")
        }
        for pattern in new.events {
            session.send("INSERT INTO webhook_filter (endpoint, pattern) VALUES ($1, $2)", [id, pattern])
        }
        return id
    }

    func deleteWebhook(_ id: Int64) throws {
        try session.execute("DELETE FROM webhook_endpoint WHERE id = $1", [id])
    }

    func setWebhookStatus(_ id: Int64, _ status: WebhookEndpointStatus, reason: String) throws {
        try session.execute(
            "UPDATE webhook_endpoint SET status = $1, status_reason = $2 WHERE id = $3", [status.rawValue, reason, id])
    }

    func setWebhookSecret(_ id: Int64, secret: String, previous: String?, previousUntilMillis: Int64?) throws {
        try session.execute(
            "UPDATE webhook_endpoint SET secret = $1, previous_secret = $2, previous_secret_until = $3::BIGINT WHERE id = $4",
            [secret, previous, previousUntilMillis, id])
    }

    func queueDeliveries(event: Int64, type: String, nowMillis: Int64) throws -> Int {
        try session.execute(
            """
            INSERT INTO webhook_delivery (event, endpoint, webhook_id, next_attempt_at)
            SELECT $1, e.id, 'msg_' || replace(gen_random_uuid()::TEXT, '-', ''), $2 FROM webhook_endpoint e
            WHERE e.status <> 'disabled' AND EXISTS (SELECT 1 FROM webhook_filter f WHERE f.endpoint = e.id AND jifen_glob(f.pattern, $3))
            ON CONFLICT (event, endpoint) DO NOTHING
            """, [event, nowMillis, type])
        return try session.execute(
            """
            UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $1, delivered_at = NULL WHERE event = $2
            """, [nowMillis, event])
    }

    func requeueDead(endpoint: Int64?, nowMillis: Int64) throws -> Int {
        try session.execute(
            """
            UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $1
            WHERE status = 'dead' AND ($2::BIGINT IS NULL OR endpoint = $2)
            """, [nowMillis, endpoint])
    }
}

extension PostgresLedgerTransaction {
    func merchant(_ id: String) throws -> Merchant? {
        try session.rows("SELECT \(PostgresStore.merchantColumns) FROM merchant WHERE id = $1", [id]).first.map(
            PostgresStore.merchant)
    }

    func recordVersions(record id: String) throws -> [RecordVersion] {
        try session.rows(
            """
            SELECT record, version, minutes, status, points, actor, at, action, reason FROM service_record_version
            WHERE record = $1 ORDER BY id
            """, [id]
        ).map { row in
            let (record, version, minutes, status, points, actor, at, action, reason) =
                try row.decode((String, Int64, Int64, String, Int64, String, Int64, String, String).self)
            return RecordVersion(
                record: record, version: Int(version), minutes: minutes,
                status: RecordStatus(rawValue: status) ?? .pending,
                points: points, actor: actor, atMillis: at, action: action, reason: reason)
        }
    }
}
