import Foundation
import GRDB
import JifenCore

/// Migrations are append-only: once a migration has landed it is never edited; a change to the
/// schema is a new migration with a new name. Table and column names are written literally.
enum Schema {
    /// `PRAGMA application_id` of a Jifen database: "JIFN". Lets `open` tell our file from any other.
    static let applicationID: Int32 = 0x4A49_464E

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(
                sql: """
                    PRAGMA application_id = \(applicationID);

                    CREATE TABLE community (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE team (
                        id TEXT PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        name TEXT NOT NULL,
                        leader TEXT NOT NULL DEFAULT '',
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        UNIQUE (community, name)
                    );
                    CREATE TABLE volunteer (
                        id TEXT PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        team TEXT REFERENCES team(id),
                        name TEXT NOT NULL,
                        gender TEXT NOT NULL,
                        birth_date TEXT,
                        id_number TEXT,
                        phone TEXT NOT NULL,
                        area TEXT NOT NULL DEFAULT '',
                        skills TEXT NOT NULL DEFAULT '',
                        categories TEXT NOT NULL DEFAULT '',
                        consent INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL
                    );
                    CREATE INDEX volunteer_phone ON volunteer(phone);
                    CREATE TABLE merchant (
                        id TEXT PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        name TEXT NOT NULL,
                        contact TEXT NOT NULL DEFAULT '',
                        phone TEXT NOT NULL DEFAULT '',
                        address TEXT NOT NULL DEFAULT '',
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL
                    );
                    CREATE TABLE actor_role (
                        actor TEXT NOT NULL,
                        role TEXT NOT NULL,
                        team TEXT NOT NULL DEFAULT '',
                        granted_at INTEGER NOT NULL,
                        granted_by TEXT NOT NULL,
                        PRIMARY KEY (actor, role, team)
                    );

                    CREATE TABLE account (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL,
                        community TEXT NOT NULL REFERENCES community(id),
                        balance INTEGER NOT NULL DEFAULT 0,
                        CHECK (kind = 'issuance' OR balance >= 0)
                    );
                    CREATE TABLE transfer (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        debit TEXT NOT NULL REFERENCES account(id),
                        credit TEXT NOT NULL REFERENCES account(id),
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        key TEXT NOT NULL UNIQUE,
                        reference TEXT NOT NULL DEFAULT '',
                        actor TEXT NOT NULL,
                        memo TEXT NOT NULL DEFAULT '',
                        reverses INTEGER REFERENCES transfer(id),
                        hold INTEGER,
                        at INTEGER NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL,
                        CHECK (debit <> credit)
                    );
                    CREATE INDEX transfer_debit ON transfer(debit, id);
                    CREATE INDEX transfer_credit ON transfer(credit, id);
                    CREATE INDEX transfer_reverses ON transfer(reverses) WHERE reverses IS NOT NULL;
                    CREATE TRIGGER transfer_immutable_update BEFORE UPDATE ON transfer
                        BEGIN SELECT RAISE(ABORT, 'transfers are immutable: correct with jifen reverse'); END;
                    CREATE TRIGGER transfer_immutable_delete BEFORE DELETE ON transfer
                        BEGIN SELECT RAISE(ABORT, 'transfers are immutable: correct with jifen reverse'); END;

                    CREATE TABLE lot (
                        id INTEGER PRIMARY KEY,
                        account TEXT NOT NULL REFERENCES account(id),
                        expires_on TEXT NOT NULL,
                        remaining INTEGER NOT NULL CHECK (remaining >= 0),
                        UNIQUE (account, expires_on)
                    );
                    CREATE INDEX lot_open ON lot(account, expires_on, id) WHERE remaining > 0;
                    CREATE INDEX lot_lapsing ON lot(expires_on) WHERE remaining > 0;
                    CREATE TABLE lot_entry (
                        id INTEGER PRIMARY KEY,
                        lot INTEGER NOT NULL REFERENCES lot(id),
                        account TEXT NOT NULL,
                        transfer INTEGER NOT NULL REFERENCES transfer(id),
                        delta INTEGER NOT NULL,
                        expires_on TEXT NOT NULL
                    );
                    CREATE INDEX lot_entry_transfer ON lot_entry(transfer);
                    CREATE TRIGGER lot_entry_immutable_update BEFORE UPDATE ON lot_entry
                        BEGIN SELECT RAISE(ABORT, 'lot entries are immutable'); END;
                    CREATE TRIGGER lot_entry_immutable_delete BEFORE DELETE ON lot_entry
                        BEGIN SELECT RAISE(ABORT, 'lot entries are immutable'); END;

                    CREATE TABLE hold (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        debit TEXT NOT NULL REFERENCES account(id),
                        credit TEXT NOT NULL REFERENCES account(id),
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        key TEXT NOT NULL UNIQUE,
                        reference TEXT NOT NULL DEFAULT '',
                        actor TEXT NOT NULL,
                        memo TEXT NOT NULL DEFAULT '',
                        status TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        transfer INTEGER REFERENCES transfer(id)
                    );
                    CREATE INDEX hold_pending ON hold(debit, expires_at) WHERE status = 'pending';

                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        type TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );

                    CREATE TABLE setting (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL,
                        updated_at INTEGER NOT NULL,
                        updated_by TEXT NOT NULL
                    );
                    CREATE TABLE setting_change (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL,
                        old_value TEXT,
                        new_value TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE TRIGGER setting_change_immutable BEFORE UPDATE ON setting_change
                        BEGIN SELECT RAISE(ABORT, 'the settings history is immutable'); END;
                    """)
        }
        migrator.registerMigration("v2-activities") { db in
            try db.execute(
                sql: """
                    CREATE TABLE activity (
                        id TEXT PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        team TEXT NOT NULL REFERENCES team(id),
                        title TEXT NOT NULL,
                        place TEXT NOT NULL DEFAULT '',
                        content TEXT NOT NULL DEFAULT '',
                        category TEXT NOT NULL DEFAULT '',
                        start_at INTEGER NOT NULL,
                        end_at INTEGER NOT NULL,
                        capacity INTEGER,
                        rate INTEGER,
                        status TEXT NOT NULL,
                        checkin_code TEXT NOT NULL,
                        status_reason TEXT NOT NULL DEFAULT '',
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL,
                        status_at INTEGER,
                        status_by TEXT,
                        CHECK (end_at > start_at)
                    );
                    CREATE INDEX activity_start ON activity(start_at);
                    CREATE TABLE participation (
                        activity TEXT NOT NULL REFERENCES activity(id),
                        volunteer TEXT NOT NULL REFERENCES volunteer(id),
                        joined_at INTEGER NOT NULL,
                        left INTEGER NOT NULL DEFAULT 0,
                        checkin_at INTEGER,
                        checkout_at INTEGER,
                        PRIMARY KEY (activity, volunteer)
                    );
                    CREATE TABLE service_record (
                        id TEXT PRIMARY KEY,
                        activity TEXT NOT NULL REFERENCES activity(id),
                        volunteer TEXT NOT NULL REFERENCES volunteer(id),
                        minutes INTEGER NOT NULL CHECK (minutes > 0),
                        service_day TEXT NOT NULL,
                        source TEXT NOT NULL,
                        status TEXT NOT NULL,
                        reason TEXT NOT NULL DEFAULT '',
                        note TEXT NOT NULL DEFAULT '',
                        recorder TEXT NOT NULL,
                        entered_at INTEGER NOT NULL,
                        late INTEGER NOT NULL DEFAULT 0,
                        points INTEGER NOT NULL DEFAULT 0,
                        transfer INTEGER REFERENCES transfer(id),
                        disputed INTEGER NOT NULL DEFAULT 0,
                        version INTEGER NOT NULL DEFAULT 1,
                        import_key TEXT UNIQUE
                    );
                    CREATE INDEX service_record_activity ON service_record(activity);
                    CREATE INDEX service_record_volunteer_day ON service_record(volunteer, service_day);
                    CREATE TABLE service_record_version (
                        id INTEGER PRIMARY KEY,
                        record TEXT NOT NULL REFERENCES service_record(id),
                        version INTEGER NOT NULL,
                        minutes INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        points INTEGER NOT NULL,
                        action TEXT NOT NULL,
                        reason TEXT NOT NULL DEFAULT '',
                        actor TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX service_record_version_record ON service_record_version(record);
                    CREATE TRIGGER service_record_version_immutable BEFORE UPDATE ON service_record_version
                        BEGIN SELECT RAISE(ABORT, 'record history is immutable'); END;
                    CREATE TABLE certificate (
                        number TEXT PRIMARY KEY,
                        volunteer TEXT NOT NULL REFERENCES volunteer(id),
                        from_day TEXT NOT NULL,
                        to_day TEXT NOT NULL,
                        minutes INTEGER NOT NULL,
                        records INTEGER NOT NULL,
                        digest TEXT NOT NULL,
                        code TEXT NOT NULL UNIQUE,
                        issued_at INTEGER NOT NULL,
                        issued_by TEXT NOT NULL
                    );
                    """)
        }
        // Webhook subscriptions and their deliveries. The `event` table is not changed:
        // a trigger turns each new event into one delivery row per matching endpoint, in the same
        // transaction as the change, so a rolled-back change queues nothing.
        migrator.registerMigration("v3-webhooks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_endpoint (
                        id INTEGER PRIMARY KEY,
                        url TEXT NOT NULL,
                        format TEXT NOT NULL,
                        events TEXT NOT NULL,
                        secret TEXT NOT NULL DEFAULT '',
                        previous_secret TEXT,
                        previous_secret_until INTEGER,
                        rate_per_minute INTEGER NOT NULL DEFAULT 0 CHECK (rate_per_minute >= 0),
                        next_send_at INTEGER NOT NULL DEFAULT 0,
                        allow_private INTEGER NOT NULL DEFAULT 0,
                        status TEXT NOT NULL DEFAULT 'active',
                        status_reason TEXT NOT NULL DEFAULT '',
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL
                    );
                    CREATE TABLE webhook_filter (
                        endpoint INTEGER NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
                        pattern TEXT NOT NULL,
                        PRIMARY KEY (endpoint, pattern)
                    );
                    CREATE TABLE webhook_delivery (
                        id INTEGER PRIMARY KEY,
                        event INTEGER NOT NULL REFERENCES event(id),
                        endpoint INTEGER NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
                        webhook_id TEXT NOT NULL UNIQUE,
                        status TEXT NOT NULL DEFAULT 'pending',
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_until INTEGER,
                        last_status_code INTEGER,
                        last_error TEXT NOT NULL DEFAULT '',
                        last_attempt_at INTEGER,
                        delivered_at INTEGER,
                        UNIQUE (event, endpoint)
                    );
                    CREATE INDEX webhook_delivery_due ON webhook_delivery(next_attempt_at, id) WHERE status = 'pending';
                    CREATE INDEX webhook_delivery_endpoint ON webhook_delivery(endpoint, status);
                    CREATE TABLE webhook_attempt (
                        id INTEGER PRIMARY KEY,
                        delivery INTEGER NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
                        attempt INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        duration_ms INTEGER NOT NULL,
                        status_code INTEGER,
                        error TEXT NOT NULL DEFAULT '',
                        outcome TEXT NOT NULL
                    );
                    CREATE INDEX webhook_attempt_delivery ON webhook_attempt(delivery, id);
                    CREATE TRIGGER webhook_fanout AFTER INSERT ON event BEGIN
                        INSERT INTO webhook_delivery (event, endpoint, webhook_id, next_attempt_at)
                        SELECT NEW.id, e.id, 'msg_' || lower(hex(randomblob(16))), NEW.created_at
                        FROM webhook_endpoint e
                        WHERE e.status <> 'disabled'
                          AND EXISTS (SELECT 1 FROM webhook_filter f WHERE f.endpoint = e.id AND NEW.type GLOB f.pattern);
                    END;
                    """)
        }
        migrator.registerMigration("v4-merchants") { db in
            try db.execute(
                sql: """
                    CREATE TABLE offer (
                        id TEXT PRIMARY KEY,
                        merchant TEXT NOT NULL REFERENCES merchant(id),
                        title TEXT NOT NULL,
                        points INTEGER NOT NULL CHECK (points > 0),
                        stock INTEGER CHECK (stock IS NULL OR stock >= 0),
                        valid_from TEXT,
                        valid_to TEXT,
                        retired_at INTEGER,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL
                    );
                    CREATE INDEX offer_merchant ON offer(merchant);

                    CREATE TABLE redemption_code (
                        id INTEGER PRIMARY KEY,
                        volunteer TEXT NOT NULL REFERENCES account(id),
                        hash TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        used_at INTEGER,
                        redemption INTEGER
                    );
                    CREATE INDEX redemption_code_hash ON redemption_code(hash, id);

                    CREATE TABLE code_guard (
                        merchant TEXT PRIMARY KEY REFERENCES account(id),
                        failures INTEGER NOT NULL,
                        locked_until INTEGER
                    );

                    CREATE TABLE redemption (
                        id INTEGER PRIMARY KEY,
                        merchant TEXT NOT NULL REFERENCES account(id),
                        volunteer TEXT NOT NULL REFERENCES account(id),
                        offer TEXT REFERENCES offer(id),
                        points INTEGER NOT NULL CHECK (points > 0),
                        key TEXT NOT NULL UNIQUE,
                        code_hash TEXT NOT NULL,
                        status TEXT NOT NULL,
                        transfer INTEGER REFERENCES transfer(id),
                        hold INTEGER REFERENCES hold(id),
                        settlement INTEGER,
                        actor TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX redemption_unsettled ON redemption(merchant, id) WHERE settlement IS NULL;
                    CREATE INDEX redemption_hold ON redemption(hold) WHERE hold IS NOT NULL;

                    CREATE TABLE settlement (
                        id INTEGER PRIMARY KEY,
                        merchant TEXT NOT NULL REFERENCES account(id),
                        through_day TEXT NOT NULL,
                        points INTEGER NOT NULL CHECK (points > 0),
                        transfer INTEGER REFERENCES transfer(id),
                        actor TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );

                    CREATE TABLE expiry_notice (
                        lot INTEGER PRIMARY KEY REFERENCES lot(id),
                        account TEXT NOT NULL,
                        expires_on TEXT NOT NULL,
                        points INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );

                    -- Reports read transfers by time.
                    CREATE INDEX transfer_at ON transfer(at);
                    """)
        }
        // Credentials for `jifen serve`: device tokens and enrolment codes, stored as hashes only.
        migrator.registerMigration("v5-credentials") { db in
            try db.execute(
                sql: """
                    CREATE TABLE credential (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (kind IN ('device', 'enrolment')),
                        person TEXT NOT NULL,
                        role TEXT NOT NULL,
                        label TEXT NOT NULL DEFAULT '',
                        issued_by TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        revoked_at INTEGER,
                        used_at INTEGER,
                        enrolled_from TEXT,
                        secret_hash TEXT NOT NULL UNIQUE
                    );
                    CREATE INDEX credential_person ON credential(person);
                    """)
        }
        // Residents and their service requests (点单 · 派单 · 接单 · 评单), with each request's history.
        migrator.registerMigration("v6-requests") { db in
            try db.execute(
                sql: """
                    CREATE TABLE resident (
                        id TEXT PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        name TEXT NOT NULL,
                        phone TEXT NOT NULL,
                        id_number TEXT,
                        address TEXT NOT NULL DEFAULT '',
                        area TEXT NOT NULL DEFAULT '',
                        volunteer TEXT REFERENCES volunteer(id),
                        consent INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL
                    );
                    CREATE TABLE service_request (
                        id TEXT PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        resident TEXT NOT NULL REFERENCES resident(id),
                        state TEXT NOT NULL,
                        team TEXT REFERENCES team(id),
                        server TEXT,
                        posted_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        body TEXT NOT NULL
                    );
                    CREATE INDEX service_request_state ON service_request(state);
                    CREATE TABLE service_request_step (
                        request TEXT NOT NULL REFERENCES service_request(id),
                        seq INTEGER NOT NULL,
                        action TEXT NOT NULL,
                        from_state TEXT NOT NULL,
                        to_state TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        note TEXT NOT NULL DEFAULT '',
                        PRIMARY KEY (request, seq)
                    );
                    CREATE TRIGGER service_request_step_immutable BEFORE UPDATE ON service_request_step
                        BEGIN SELECT RAISE(ABORT, 'request history is immutable'); END;
                    """)
        }
        // Micro-wishes (微心愿): wishes, their history, and each community's donation account.
        migrator.registerMigration("v7-wishes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE wish (
                        id INTEGER PRIMARY KEY,
                        community TEXT NOT NULL REFERENCES community(id),
                        team TEXT NOT NULL,
                        title TEXT NOT NULL,
                        beneficiary_kind TEXT NOT NULL,
                        beneficiary_name TEXT NOT NULL,
                        beneficiary_details TEXT NOT NULL DEFAULT '',
                        points INTEGER NOT NULL CHECK (points >= 0),
                        donated INTEGER NOT NULL DEFAULT 0 CHECK (donated >= 0),
                        status TEXT NOT NULL,
                        claimant TEXT,
                        note TEXT NOT NULL DEFAULT '',
                        reason TEXT NOT NULL DEFAULT '',
                        posted_by TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        realized_at INTEGER,
                        payment INTEGER REFERENCES transfer(id),
                        settlement INTEGER
                    );
                    CREATE TABLE wish_history (
                        id INTEGER PRIMARY KEY,
                        wish INTEGER NOT NULL REFERENCES wish(id),
                        action TEXT NOT NULL,
                        from_status TEXT NOT NULL,
                        to_status TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        note TEXT NOT NULL DEFAULT '',
                        points INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX wish_history_wish ON wish_history(wish, id);
                    INSERT INTO account (id, kind, community, balance)
                        SELECT id || '.donations', 'donation', id, 0 FROM community
                        WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.id = community.id || '.donations');
                    """)
        }
        // The one-at-a-time path: a commit appends every page it changed to the WAL,
        // and the two partial lot indexes (`WHERE remaining > 0`) were rewritten by every change
        // of a lot's `remaining`, so each transfer wrote up to four index pages for them. Open
        // lots are found through `UNIQUE (account, expires_on)` (an account's lots, in expiry
        // order); lapsing lots through a plain index on the day, which a spend never touches.
        migrator.registerMigration("v8-fastpath") { db in
            try db.execute(
                sql: """
                    DROP INDEX lot_open;
                    DROP INDEX lot_lapsing;
                    CREATE INDEX lot_expiry ON lot(expires_on);
                    """)
        }
        // Pay codes that cannot be guessed or stretched: each code carries the hash of its
        // QR's 128-bit secret and the ceiling the volunteer consented to; every wrong code is one
        // row, so a merchant's budget counts over a sliding window and never resets on a success
        // (`code_guard` is no longer read). The two settings of the old in-a-row lockout are gone.
        migrator.registerMigration("v7-paycodes-budget") { db in
            try db.execute(
                sql: """
                    ALTER TABLE redemption_code ADD COLUMN secret_hash TEXT;
                    ALTER TABLE redemption_code ADD COLUMN max_points INTEGER CHECK (max_points > 0);
                    CREATE UNIQUE INDEX redemption_code_secret ON redemption_code(secret_hash);
                    CREATE INDEX redemption_code_volunteer ON redemption_code(volunteer, expires_at);
                    CREATE TABLE code_wrong (
                        id INTEGER PRIMARY KEY,
                        merchant TEXT NOT NULL REFERENCES account(id),
                        actor TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX code_wrong_merchant ON code_wrong(merchant, at);
                    DELETE FROM setting WHERE key IN ('codes.max_wrong_tries', 'codes.lockout_minutes');
                    """)
        }
        // Check-ins: a time an organizer gave is kept as a correction (who gave it);
        // wrong check-in codes are counted per volunteer and per activity's code (its generation,
        // which a rotation bumps).
        migrator.registerMigration("v7-service-checkin") { db in
            try db.execute(
                sql: """
                    ALTER TABLE participation ADD COLUMN checkin_corrected_by TEXT;
                    ALTER TABLE participation ADD COLUMN checkout_corrected_by TEXT;
                    ALTER TABLE activity ADD COLUMN code_generation INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE activity ADD COLUMN code_set_at INTEGER;
                    ALTER TABLE activity ADD COLUMN code_set_by TEXT;
                    CREATE TABLE checkin_failure (
                        id INTEGER PRIMARY KEY,
                        activity TEXT NOT NULL REFERENCES activity(id),
                        volunteer TEXT NOT NULL,
                        generation INTEGER NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX checkin_failure_activity ON checkin_failure(activity, volunteer);
                    """)
        }
        // When a person confirmed a device credential someone else issued for her, so that it may
        // spend her points.
        migrator.registerMigration("v7-creds-consent") { db in
            try db.execute(sql: "ALTER TABLE credential ADD COLUMN confirmed_at INTEGER")
        }
        // The first answer of each write under its idempotency key, kept with the write in its
        // transaction, so a retry (concurrent, or after a restart) answers it again.
        migrator.registerMigration("v7-creds-replies") { db in
            try db.execute(
                sql: """
                    CREATE TABLE idempotent_reply (
                        actor TEXT NOT NULL,
                        operation TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        answer TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (actor, operation, key)
                    );
                    """)
        }
        // The counter lists a merchant's redemptions of the day and its open holds.
        migrator.registerMigration("v7-counter-redemption-lists") { db in
            try db.execute(sql: "CREATE INDEX redemption_merchant_created ON redemption(merchant, created_at)")
        }
        // Districts and street offices above communities: a street office's parent is a district; a
        // community sits under a street office, a district, or nothing (as every community did before).
        migrator.registerMigration("v9-tree-offices") { db in
            try db.execute(
                sql: """
                    CREATE TABLE office (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (kind IN ('district', 'street')),
                        parent TEXT REFERENCES office(id),
                        name TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        created_by TEXT NOT NULL
                    );
                    CREATE INDEX office_parent ON office(parent);
                    ALTER TABLE community ADD COLUMN office TEXT REFERENCES office(id);
                    CREATE INDEX community_office ON community(office);
                    """)
        }
        // Communities a merchant accepts points from besides its home (通存通兑); a removed
        // partnership keeps its row, so what was spent before still settles.
        migrator.registerMigration("v9-across-partners") { db in
            try db.execute(
                sql: """
                    CREATE TABLE merchant_partner (
                        merchant TEXT NOT NULL REFERENCES merchant(id),
                        community TEXT NOT NULL REFERENCES community(id),
                        added_at INTEGER NOT NULL,
                        added_by TEXT NOT NULL,
                        removed_at INTEGER,
                        removed_by TEXT,
                        PRIMARY KEY (merchant, community)
                    );
                    CREATE INDEX merchant_partner_community ON merchant_partner(community);
                    """)
        }
        // Erasure (注销): who erased whom, when and why (no personal data: the reason is checked).
        // A request step's note may be erased (the person's words); the rest of the step stays immutable.
        migrator.registerMigration("v9-privacy-erasure") { db in
            try db.execute(
                sql: """
                    CREATE TABLE person_erasure (
                        person TEXT PRIMARY KEY,
                        community TEXT NOT NULL,
                        erased_at INTEGER NOT NULL,
                        erased_by TEXT NOT NULL,
                        reason TEXT NOT NULL
                    );
                    DROP TRIGGER service_request_step_immutable;
                    CREATE TRIGGER service_request_step_immutable
                        BEFORE UPDATE OF request, seq, action, from_state, to_state, actor, at ON service_request_step
                        BEGIN SELECT RAISE(ABORT, 'request history is immutable'); END;
                    """)
        }
        // ID numbers sealed with the key file's key (AES-GCM; the column keeps its name and holds
        // the sealed text), a keyed digest beside each to find the same number twice, and the
        // key's fingerprint so another key is refused before it writes.
        migrator.registerMigration("v9-consent-id-numbers") { db in
            try db.execute(
                sql: """
                    ALTER TABLE volunteer ADD COLUMN id_number_digest TEXT;
                    ALTER TABLE resident ADD COLUMN id_number_digest TEXT;
                    CREATE INDEX volunteer_id_number_digest ON volunteer(id_number_digest);
                    CREATE INDEX resident_id_number_digest ON resident(id_number_digest);
                    CREATE TABLE id_key (
                        fingerprint TEXT NOT NULL PRIMARY KEY,
                        created_at INTEGER NOT NULL
                    );
                    """)
        }
        // Consent given or withdrawn, each kind on its own, with the text's version: history is
        // kept (a withdrawal is a new row).
        migrator.registerMigration("v9-consent-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE consent (
                        id INTEGER PRIMARY KEY,
                        person TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('keep', 'publish', 'share')),
                        version TEXT NOT NULL,
                        granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
                        at INTEGER NOT NULL,
                        recorded_by TEXT NOT NULL
                    );
                    CREATE INDEX consent_person ON consent(person, id);
                    """)
        }
        // One hash chain per community instead of one across the database, and memos out of the
        // hash: each transfer gets its community, its place `seq` in that community's chain and
        // its memo's salted digest (`jifen-transfer-v2` covers the digest, not the text, so the
        // text can be erased). The old chain is checked first and a broken one is refused (the
        // migration rolls back), then every transfer is re-chained in the old order. Each
        // community's genesis checkpoint keeps the old chain's head, so the old proof stays linked.
        migrator.registerMigration("v9-chain-community") { db in
            try migrateToCommunityChains(db)
        }
        // The month report's reads by community and month: its checkpoint stamps by month (the
        // index holds the hash, so no checkpoint's balances, every account's at every month's
        // close, are read for the notice), and one community's accounts and volunteers by its id
        // instead of a scan of every community's.
        migrator.registerMigration("v10-report-indexes") { db in
            try db.execute(
                sql: """
                    CREATE INDEX checkpoint_month ON checkpoint(month, community, hash);
                    CREATE INDEX account_community ON account(community);
                    CREATE INDEX volunteer_community ON volunteer(community);
                    """)
        }
        return migrator
    }

    /// The work of `v9-chain-community` (see there).
    static func migrateToCommunityChains(_ db: Database) throws {
        let oldColumns =
            "id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prev_hash, hash"
        func transfer(_ row: Row, community: String = "") -> Transfer {
            Transfer(
                id: row[0], kind: TransferKind(rawValue: row[1]) ?? .adjust, debit: row[2], credit: row[3],
                amount: row[4], key: row[5], reference: row[6], actor: row[7], memo: row[8],
                reverses: row[9], hold: row[10], atMillis: row[11], prevHash: row[12], hash: row[13], seq: row[0],
                community: community)
        }
        var legacy = ChainUpgrade.LegacyCheck()
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(oldColumns) FROM transfer ORDER BY id")
        while let row = try cursor.next() { try legacy.check(transfer(row)) }
        try db.execute(
            sql: """
                DROP TRIGGER transfer_immutable_update;
                ALTER TABLE transfer ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE transfer ADD COLUMN community TEXT NOT NULL DEFAULT '';
                ALTER TABLE transfer ADD COLUMN memo_digest TEXT NOT NULL DEFAULT '';
                ALTER TABLE transfer ADD COLUMN memo_salt TEXT;
                UPDATE transfer SET community = COALESCE((SELECT community FROM account a WHERE a.id = transfer.debit), '');
                CREATE TABLE checkpoint (
                    community TEXT NOT NULL,
                    month TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    head TEXT NOT NULL,
                    transfers INTEGER NOT NULL,
                    accounts INTEGER NOT NULL,
                    balances TEXT NOT NULL,
                    previous TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    sealed_at INTEGER NOT NULL,
                    PRIMARY KEY (community, month)
                );
                CREATE TRIGGER checkpoint_immutable_update BEFORE UPDATE ON checkpoint
                    BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
                CREATE TRIGGER checkpoint_immutable_delete BEFORE DELETE ON checkpoint
                    BEGIN SELECT RAISE(ABORT, 'checkpoints are immutable'); END;
                """)
        var rechain = ChainUpgrade.Rechain()
        var after: Int64 = 0
        while true {
            let page = try Row.fetchAll(
                db, sql: "SELECT \(oldColumns), community FROM transfer WHERE id > ? ORDER BY id LIMIT 5000",
                arguments: [after])
            for row in page {
                let t = rechain.next(transfer(row, community: row[14]))
                try db.execute(
                    sql:
                        "UPDATE transfer SET seq = ?, prev_hash = ?, hash = ?, memo_digest = ?, memo_salt = ? WHERE id = ?",
                    arguments: [t.seq, t.prevHash, t.hash, t.memoDigest, t.memoSalt, t.id])
                after = t.id
            }
            if page.count < 5000 { break }
        }
        let at = Int64(Date().timeIntervalSince1970 * 1000)
        for community in rechain.heads.keys.sorted() {
            let genesis = Checkpoint.genesis(community: community, legacyHead: legacy.head, atMillis: at)
            try db.execute(
                sql: """
                    INSERT INTO checkpoint (community, month, seq, head, transfers, accounts, balances, previous, hash, sealed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    genesis.community, genesis.month, genesis.seq, genesis.head, genesis.transfers, genesis.accounts,
                    genesis.balancesText, genesis.previous, genesis.hash, genesis.sealedAtMillis,
                ])
        }
        // Transfers stay immutable; the one change allowed is erasing a memo's text: the text
        // replaced and the salt dropped, everything the hash covers untouched.
        try db.execute(
            sql: """
                CREATE UNIQUE INDEX transfer_chain ON transfer(community, seq);
                CREATE TRIGGER transfer_immutable_update BEFORE UPDATE ON transfer
                    WHEN NOT (NEW.memo_salt IS NULL AND OLD.memo_salt IS NOT NULL
                        AND NEW.id IS OLD.id AND NEW.kind IS OLD.kind AND NEW.debit IS OLD.debit
                        AND NEW.credit IS OLD.credit AND NEW.amount IS OLD.amount AND NEW.key IS OLD.key
                        AND NEW.reference IS OLD.reference AND NEW.actor IS OLD.actor AND NEW.reverses IS OLD.reverses
                        AND NEW.hold IS OLD.hold AND NEW.at IS OLD.at AND NEW.prev_hash IS OLD.prev_hash
                        AND NEW.hash IS OLD.hash AND NEW.seq IS OLD.seq AND NEW.community IS OLD.community
                        AND NEW.memo_digest IS OLD.memo_digest)
                    BEGIN SELECT RAISE(ABORT, 'transfers are immutable: correct with jifen reverse'); END;
                """)
    }
}
