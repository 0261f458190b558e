import Foundation
import JifenCore
import PostgresNIO

/// The PostgreSQL schema. Migrations are append-only: once one has landed it is never edited;
/// a change is a new migration with a new name, applied in order and recorded in
/// `jifen_migration`. Table and column names match the SQLite store, so `migrate` copies rows
/// column for column.
enum PostgresSchema {
    struct Migration {
        var name: String
        var statements: [String]
        /// Work that SQL alone cannot do (e.g. hashing), run after the statements in the same transaction.
        var then: (@Sendable (PostgresSession) throws -> Void)? = nil
    }

    /// A key for `pg_advisory_xact_lock`: two processes opening a new database migrate it once.
    static let migrationLock: Int64 = 0x4A49_464E

    static let migrations: [Migration] = [
        Migration(
            name: "v1-ledger",
            statements: [
                """
                CREATE TABLE community (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE team (
                    id TEXT PRIMARY KEY,
                    community TEXT NOT NULL REFERENCES community(id),
                    name TEXT NOT NULL,
                    leader TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL,
                    UNIQUE (community, name)
                )
                """,
                """
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
                    consent BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                "CREATE INDEX volunteer_phone ON volunteer(phone)",
                """
                CREATE TABLE merchant (
                    id TEXT PRIMARY KEY,
                    community TEXT NOT NULL REFERENCES community(id),
                    name TEXT NOT NULL,
                    contact TEXT NOT NULL DEFAULT '',
                    phone TEXT NOT NULL DEFAULT '',
                    address TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE actor_role (
                    actor TEXT NOT NULL,
                    role TEXT NOT NULL,
                    team TEXT NOT NULL DEFAULT '',
                    granted_at BIGINT NOT NULL,
                    granted_by TEXT NOT NULL,
                    PRIMARY KEY (actor, role, team)
                )
                """,
                """
                CREATE TABLE account (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    community TEXT NOT NULL REFERENCES community(id),
                    balance BIGINT NOT NULL DEFAULT 0,
                    CHECK (kind = 'issuance' OR balance >= 0)
                )
                """,
                """
                CREATE TABLE transfer (
                    id BIGINT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    debit TEXT NOT NULL REFERENCES account(id),
                    credit TEXT NOT NULL REFERENCES account(id),
                    amount BIGINT NOT NULL CHECK (amount > 0),
                    key TEXT NOT NULL UNIQUE,
                    reference TEXT NOT NULL DEFAULT '',
                    actor TEXT NOT NULL,
                    memo TEXT NOT NULL DEFAULT '',
                    reverses BIGINT REFERENCES transfer(id),
                    hold BIGINT,
                    at BIGINT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    CHECK (debit <> credit)
                )
                """,
                "CREATE INDEX transfer_debit ON transfer(debit, id)",
                "CREATE INDEX transfer_credit ON transfer(credit, id)",
                "CREATE INDEX transfer_reverses ON transfer(reverses) WHERE reverses IS NOT NULL",
                // The last transfer's id and hash, one row. A write locks it (FOR UPDATE) just before
                // inserting its transfer, which orders the hash chain without locking the whole table.
                """
                CREATE TABLE chain_head (
                    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
                    last_id BIGINT NOT NULL,
                    last_hash TEXT NOT NULL
                )
                """,
                "INSERT INTO chain_head (one, last_id, last_hash) VALUES (TRUE, 0, '')",
                """
                CREATE FUNCTION jifen_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% rows are immutable: correct with jifen reverse', TG_TABLE_NAME;
                END $$
                """,
                "CREATE TRIGGER transfer_immutable BEFORE UPDATE OR DELETE ON transfer FOR EACH ROW EXECUTE FUNCTION jifen_immutable()",
                """
                CREATE TABLE lot (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    account TEXT NOT NULL REFERENCES account(id),
                    expires_on TEXT NOT NULL,
                    remaining BIGINT NOT NULL CHECK (remaining >= 0),
                    UNIQUE (account, expires_on)
                )
                """,
                "CREATE INDEX lot_open ON lot(account, expires_on, id) WHERE remaining > 0",
                "CREATE INDEX lot_lapsing ON lot(expires_on) WHERE remaining > 0",
                """
                CREATE TABLE lot_entry (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    lot BIGINT NOT NULL REFERENCES lot(id),
                    account TEXT NOT NULL,
                    transfer BIGINT NOT NULL REFERENCES transfer(id),
                    delta BIGINT NOT NULL,
                    expires_on TEXT NOT NULL
                )
                """,
                "CREATE INDEX lot_entry_transfer ON lot_entry(transfer)",
                "CREATE TRIGGER lot_entry_immutable BEFORE UPDATE OR DELETE ON lot_entry FOR EACH ROW EXECUTE FUNCTION jifen_immutable()",
                """
                CREATE TABLE hold (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    kind TEXT NOT NULL,
                    debit TEXT NOT NULL REFERENCES account(id),
                    credit TEXT NOT NULL REFERENCES account(id),
                    amount BIGINT NOT NULL CHECK (amount > 0),
                    key TEXT NOT NULL UNIQUE,
                    reference TEXT NOT NULL DEFAULT '',
                    actor TEXT NOT NULL,
                    memo TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    transfer BIGINT REFERENCES transfer(id)
                )
                """,
                "CREATE INDEX hold_pending ON hold(debit, expires_at) WHERE status = 'pending'",
                """
                CREATE TABLE event (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    type TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    updated_by TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE setting_change (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    key TEXT NOT NULL,
                    old_value TEXT,
                    new_value TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE TRIGGER setting_change_immutable BEFORE UPDATE ON setting_change FOR EACH ROW EXECUTE FUNCTION jifen_immutable()",
            ]),
        // Activities, participations, service records and certificates: the rows `migrate` carries
        // over from SQLite and `balance` reads hours from. Commands that write them run on SQLite
        // until the service seam has its PostgreSQL side.
        Migration(
            name: "v2-activities",
            statements: [
                """
                CREATE TABLE activity (
                    id TEXT PRIMARY KEY,
                    community TEXT NOT NULL REFERENCES community(id),
                    team TEXT NOT NULL REFERENCES team(id),
                    title TEXT NOT NULL,
                    place TEXT NOT NULL DEFAULT '',
                    content TEXT NOT NULL DEFAULT '',
                    category TEXT NOT NULL DEFAULT '',
                    start_at BIGINT NOT NULL,
                    end_at BIGINT NOT NULL,
                    capacity BIGINT,
                    rate BIGINT,
                    status TEXT NOT NULL,
                    checkin_code TEXT NOT NULL,
                    status_reason TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL,
                    status_at BIGINT,
                    status_by TEXT,
                    CHECK (end_at > start_at)
                )
                """,
                "CREATE INDEX activity_start ON activity(start_at)",
                """
                CREATE TABLE participation (
                    activity TEXT NOT NULL REFERENCES activity(id),
                    volunteer TEXT NOT NULL REFERENCES volunteer(id),
                    joined_at BIGINT NOT NULL,
                    "left" BIGINT NOT NULL DEFAULT 0,
                    checkin_at BIGINT,
                    checkout_at BIGINT,
                    PRIMARY KEY (activity, volunteer)
                )
                """,
                """
                CREATE TABLE service_record (
                    id TEXT PRIMARY KEY,
                    activity TEXT NOT NULL REFERENCES activity(id),
                    volunteer TEXT NOT NULL REFERENCES volunteer(id),
                    minutes BIGINT NOT NULL CHECK (minutes > 0),
                    service_day TEXT NOT NULL,
                    source TEXT NOT NULL,
                    status TEXT NOT NULL,
                    reason TEXT NOT NULL DEFAULT '',
                    note TEXT NOT NULL DEFAULT '',
                    recorder TEXT NOT NULL,
                    entered_at BIGINT NOT NULL,
                    late BIGINT NOT NULL DEFAULT 0,
                    points BIGINT NOT NULL DEFAULT 0,
                    transfer BIGINT REFERENCES transfer(id),
                    disputed BIGINT NOT NULL DEFAULT 0,
                    version BIGINT NOT NULL DEFAULT 1,
                    import_key TEXT UNIQUE
                )
                """,
                "CREATE INDEX service_record_activity ON service_record(activity)",
                "CREATE INDEX service_record_volunteer_day ON service_record(volunteer, service_day)",
                """
                CREATE TABLE service_record_version (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    record TEXT NOT NULL REFERENCES service_record(id),
                    version BIGINT NOT NULL,
                    minutes BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    points BIGINT NOT NULL,
                    action TEXT NOT NULL,
                    reason TEXT NOT NULL DEFAULT '',
                    actor TEXT NOT NULL,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX service_record_version_record ON service_record_version(record)",
                """
                CREATE TRIGGER service_record_version_immutable BEFORE UPDATE ON service_record_version
                    FOR EACH ROW EXECUTE FUNCTION jifen_immutable()
                """,
                """
                CREATE TABLE certificate (
                    number TEXT PRIMARY KEY,
                    volunteer TEXT NOT NULL REFERENCES volunteer(id),
                    from_day TEXT NOT NULL,
                    to_day TEXT NOT NULL,
                    minutes BIGINT NOT NULL,
                    records BIGINT NOT NULL,
                    digest TEXT NOT NULL,
                    code TEXT NOT NULL UNIQUE,
                    issued_at BIGINT NOT NULL,
                    issued_by TEXT NOT NULL
                )
                """,
            ]),
        Migration(
            name: "v3-merchants",
            statements: [
                """
                CREATE TABLE offer (
                    id TEXT PRIMARY KEY,
                    merchant TEXT NOT NULL REFERENCES merchant(id),
                    title TEXT NOT NULL,
                    points BIGINT NOT NULL CHECK (points > 0),
                    stock BIGINT CHECK (stock IS NULL OR stock >= 0),
                    valid_from TEXT,
                    valid_to TEXT,
                    retired_at BIGINT,
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                "CREATE INDEX offer_merchant ON offer(merchant)",
                """
                CREATE TABLE redemption_code (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    volunteer TEXT NOT NULL REFERENCES account(id),
                    hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    used_at BIGINT,
                    redemption BIGINT
                )
                """,
                "CREATE INDEX redemption_code_hash ON redemption_code(hash, id)",
                """
                CREATE TABLE code_guard (
                    merchant TEXT PRIMARY KEY REFERENCES account(id),
                    failures BIGINT NOT NULL,
                    locked_until BIGINT
                )
                """,
                """
                CREATE TABLE redemption (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    merchant TEXT NOT NULL REFERENCES account(id),
                    volunteer TEXT NOT NULL REFERENCES account(id),
                    offer TEXT REFERENCES offer(id),
                    points BIGINT NOT NULL CHECK (points > 0),
                    key TEXT NOT NULL UNIQUE,
                    code_hash TEXT NOT NULL,
                    status TEXT NOT NULL,
                    transfer BIGINT REFERENCES transfer(id),
                    hold BIGINT REFERENCES hold(id),
                    settlement BIGINT,
                    actor TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX redemption_unsettled ON redemption(merchant, id) WHERE settlement IS NULL",
                "CREATE INDEX redemption_hold ON redemption(hold) WHERE hold IS NOT NULL",
                """
                CREATE TABLE settlement (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    merchant TEXT NOT NULL REFERENCES account(id),
                    through_day TEXT NOT NULL,
                    points BIGINT NOT NULL CHECK (points > 0),
                    transfer BIGINT REFERENCES transfer(id),
                    actor TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE expiry_notice (
                    lot BIGINT PRIMARY KEY REFERENCES lot(id),
                    account TEXT NOT NULL,
                    expires_on TEXT NOT NULL,
                    points BIGINT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX transfer_at ON transfer(at)",
            ]),
        // The hash chain moves out of the write transaction (see JifenCore.Chain): a transfer is
        // committed with a new id from a sequence and no place in the chain; right after, one
        // sealer at a time (advisory lock) gives every committed transfer its place `seq`, its
        // previous hash and its hash. Writers of different accounts then never wait on one row.
        // Existing transfers were chained in id order, so their place is their id.
        Migration(
            name: "v4-chain-after-commit",
            statements: [
                "ALTER TABLE transfer ADD COLUMN seq BIGINT",
                "DROP TRIGGER transfer_immutable ON transfer",
                "UPDATE transfer SET seq = id",
                "CREATE UNIQUE INDEX transfer_seq ON transfer(seq)",
                "CREATE INDEX transfer_unsealed ON transfer(id) WHERE seq IS NULL",
                "CREATE SEQUENCE transfer_id_seq",
                "SELECT setval('transfer_id_seq', COALESCE((SELECT max(id) FROM transfer), 0) + 1, false)",
                "ALTER TABLE chain_head RENAME COLUMN last_id TO last_seq",
                // A transfer may change once: from unsealed to sealed, its content untouched.
                """
                CREATE FUNCTION jifen_transfer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
                       AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'transfer rows are immutable once sealed: correct with jifen reverse';
                END $$
                """,
                "CREATE TRIGGER transfer_immutable BEFORE UPDATE OR DELETE ON transfer FOR EACH ROW EXECUTE FUNCTION jifen_transfer_guard()",
            ]),
        // The webhook delivery queue, as on SQLite (v3-webhooks there): subscriptions, their event
        // patterns, one delivery per (event, subscription) queued by a trigger in the event's own
        // transaction, and the attempt history. Notifiers on several machines claim deliveries
        // with FOR UPDATE SKIP LOCKED and lease them (lease_owner, lease_until).
        Migration(
            name: "v4-webhooks",
            statements: [
                """
                CREATE TABLE webhook_endpoint (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    url TEXT NOT NULL,
                    format TEXT NOT NULL,
                    events TEXT NOT NULL,
                    secret TEXT NOT NULL DEFAULT '',
                    previous_secret TEXT,
                    previous_secret_until BIGINT,
                    rate_per_minute BIGINT NOT NULL DEFAULT 0 CHECK (rate_per_minute >= 0),
                    next_send_at BIGINT NOT NULL DEFAULT 0,
                    allow_private BIGINT NOT NULL DEFAULT 0,
                    status TEXT NOT NULL DEFAULT 'active',
                    status_reason TEXT NOT NULL DEFAULT '',
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE webhook_filter (
                    endpoint BIGINT NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
                    pattern TEXT NOT NULL,
                    PRIMARY KEY (endpoint, pattern)
                )
                """,
                """
                CREATE TABLE webhook_delivery (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    event BIGINT NOT NULL REFERENCES event(id),
                    endpoint BIGINT NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
                    webhook_id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL DEFAULT 'pending',
                    attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    lease_owner TEXT,
                    lease_until BIGINT,
                    last_status_code BIGINT,
                    last_error TEXT NOT NULL DEFAULT '',
                    last_attempt_at BIGINT,
                    delivered_at BIGINT,
                    UNIQUE (event, endpoint)
                )
                """,
                "CREATE INDEX webhook_delivery_due ON webhook_delivery(next_attempt_at, id) WHERE status = 'pending'",
                "CREATE INDEX webhook_delivery_endpoint ON webhook_delivery(endpoint, status)",
                """
                CREATE TABLE webhook_attempt (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    delivery BIGINT NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
                    attempt BIGINT NOT NULL,
                    at BIGINT NOT NULL,
                    duration_ms BIGINT NOT NULL,
                    status_code BIGINT,
                    error TEXT NOT NULL DEFAULT '',
                    outcome TEXT NOT NULL
                )
                """,
                "CREATE INDEX webhook_attempt_delivery ON webhook_attempt(delivery, id)",
                // SQLite's `subject GLOB pattern`, for the patterns `webhook add` accepts (lower-case
                // letters, digits, `_`, `.`, and `*`): LIKE with `\`, `%` and `_` escaped first, then `*`
                // as `%` and `?` as `_`. GLOB's `[...]` has no LIKE form; no accepted pattern has one.
                #"""
                CREATE FUNCTION jifen_glob(pattern TEXT, subject TEXT) RETURNS BOOLEAN
                    LANGUAGE sql IMMUTABLE STRICT AS $$
                    SELECT subject LIKE replace(replace(replace(replace(replace(pattern, '\', '\\'), '%', '\%'),\#
                 '_', '\_'), '*', '%'), '?', '_') ESCAPE '\'
                $$
                """#,
                """
                CREATE FUNCTION webhook_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO webhook_delivery (event, endpoint, webhook_id, next_attempt_at)
                    SELECT NEW.id, e.id, 'msg_' || replace(gen_random_uuid()::TEXT, '-', ''), NEW.created_at
                    FROM webhook_endpoint e
                    WHERE e.status <> 'disabled'
                      AND EXISTS (SELECT 1 FROM webhook_filter f WHERE f.endpoint = e.id AND jifen_glob(f.pattern, NEW.type));
                    RETURN NULL;
                END $$
                """,
                "CREATE TRIGGER webhook_fanout AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION webhook_fanout()",
            ]),
        // Credentials for `jifen serve`, as on SQLite (v5-credentials there).
        Migration(
            name: "v5-credentials",
            statements: [
                """
                CREATE TABLE credential (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('device', 'enrolment')),
                    person TEXT NOT NULL,
                    role TEXT NOT NULL,
                    label TEXT NOT NULL DEFAULT '',
                    issued_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    revoked_at BIGINT,
                    used_at BIGINT,
                    enrolled_from TEXT,
                    secret_hash TEXT NOT NULL UNIQUE
                )
                """,
                "CREATE INDEX credential_person ON credential(person)",
            ]),
        // Residents and their service requests, as on SQLite (v6-requests there).
        Migration(
            name: "v6-requests",
            statements: [
                """
                CREATE TABLE resident (
                    id TEXT PRIMARY KEY,
                    community TEXT NOT NULL REFERENCES community(id),
                    name TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    id_number TEXT,
                    address TEXT NOT NULL DEFAULT '',
                    area TEXT NOT NULL DEFAULT '',
                    volunteer TEXT REFERENCES volunteer(id),
                    consent BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE service_request (
                    id TEXT PRIMARY KEY,
                    community TEXT NOT NULL REFERENCES community(id),
                    resident TEXT NOT NULL REFERENCES resident(id),
                    state TEXT NOT NULL,
                    team TEXT REFERENCES team(id),
                    server TEXT,
                    posted_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    body TEXT NOT NULL
                )
                """,
                "CREATE INDEX service_request_state ON service_request(state)",
                """
                CREATE TABLE service_request_step (
                    request TEXT NOT NULL REFERENCES service_request(id),
                    seq BIGINT NOT NULL,
                    action TEXT NOT NULL,
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    note TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (request, seq)
                )
                """,
            ]),
        // Micro-wishes, as on SQLite (v7-wishes there).
        Migration(
            name: "v7-wishes",
            statements: [
                """
                CREATE TABLE wish (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    community TEXT NOT NULL REFERENCES community(id),
                    team TEXT NOT NULL,
                    title TEXT NOT NULL,
                    beneficiary_kind TEXT NOT NULL,
                    beneficiary_name TEXT NOT NULL,
                    beneficiary_details TEXT NOT NULL DEFAULT '',
                    points BIGINT NOT NULL CHECK (points >= 0),
                    donated BIGINT NOT NULL DEFAULT 0 CHECK (donated >= 0),
                    status TEXT NOT NULL,
                    claimant TEXT,
                    note TEXT NOT NULL DEFAULT '',
                    reason TEXT NOT NULL DEFAULT '',
                    posted_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    realized_at BIGINT,
                    payment BIGINT REFERENCES transfer(id),
                    settlement BIGINT
                )
                """,
                """
                CREATE TABLE wish_history (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    wish BIGINT NOT NULL REFERENCES wish(id),
                    action TEXT NOT NULL,
                    from_status TEXT NOT NULL,
                    to_status TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT '',
                    points BIGINT NOT NULL DEFAULT 0,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX wish_history_wish ON wish_history(wish, id)",
                """
                INSERT INTO account (id, kind, community, balance)
                SELECT id || '.donations', 'donation', id, 0 FROM community
                WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.id = community.id || '.donations')
                """,
            ]),
        // As on SQLite (v8-fastpath there): the partial lot indexes named `remaining`, so every
        // spend rewrote them (and kept the lot's update from being a HOT update). Open lots are
        // found through UNIQUE (account, expires_on); lapsing lots through a plain index on the day.
        Migration(
            name: "v8-fastpath",
            statements: [
                "DROP INDEX lot_open",
                "DROP INDEX lot_lapsing",
                "CREATE INDEX lot_expiry ON lot(expires_on)",
            ]),
        // As on SQLite (v7-paycodes-budget there): the QR secret's hash and the consented ceiling
        // on each code; one row per wrong code, counted over a sliding window.
        Migration(
            name: "v7-paycodes-budget",
            statements: [
                "ALTER TABLE redemption_code ADD COLUMN secret_hash TEXT",
                "ALTER TABLE redemption_code ADD COLUMN max_points BIGINT CHECK (max_points > 0)",
                "CREATE UNIQUE INDEX redemption_code_secret ON redemption_code(secret_hash)",
                "CREATE INDEX redemption_code_volunteer ON redemption_code(volunteer, expires_at)",
                """
                CREATE TABLE code_wrong (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    merchant TEXT NOT NULL REFERENCES account(id),
                    actor TEXT NOT NULL,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX code_wrong_merchant ON code_wrong(merchant, at)",
                "DELETE FROM setting WHERE key IN ('codes.max_wrong_tries', 'codes.lockout_minutes')",
            ]),
        // As on SQLite (v7-service-checkin there): corrected check-in/out times keep who gave them;
        // wrong check-in codes are counted per volunteer and per activity's code generation.
        Migration(
            name: "v7-service-checkin",
            statements: [
                "ALTER TABLE participation ADD COLUMN checkin_corrected_by TEXT",
                "ALTER TABLE participation ADD COLUMN checkout_corrected_by TEXT",
                "ALTER TABLE activity ADD COLUMN code_generation BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE activity ADD COLUMN code_set_at BIGINT",
                "ALTER TABLE activity ADD COLUMN code_set_by TEXT",
                """
                CREATE TABLE checkin_failure (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    activity TEXT NOT NULL REFERENCES activity(id),
                    volunteer TEXT NOT NULL,
                    generation BIGINT NOT NULL,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX checkin_failure_activity ON checkin_failure(activity, volunteer)",
            ]),
        // As on SQLite (v7-creds-consent there): when a person confirmed a device credential
        // someone else issued for her, so that it may spend her points.
        Migration(
            name: "v7-creds-consent",
            statements: [
                "ALTER TABLE credential ADD COLUMN confirmed_at BIGINT"
            ]),
        // As on SQLite (v7-creds-replies there): the first answer of each write under its
        // idempotency key, kept with the write in its transaction, so a retry (concurrent, or
        // after a restart) answers it again instead of writing again.
        Migration(
            name: "v7-creds-replies",
            statements: [
                """
                CREATE TABLE idempotent_reply (
                    actor TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (actor, operation, key)
                )
                """
            ]),
        // As on SQLite (v7-counter-redemption-lists there): the counter lists a merchant's
        // redemptions of the day and its open holds.
        Migration(
            name: "v7-counter-redemption-lists",
            statements: [
                "CREATE INDEX redemption_merchant_created ON redemption(merchant, created_at)"
            ]),
        // As on SQLite (v9-tree-offices there): districts and street offices above communities.
        Migration(
            name: "v9-tree-offices",
            statements: [
                """
                CREATE TABLE office (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('district', 'street')),
                    parent TEXT REFERENCES office(id),
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                "CREATE INDEX office_parent ON office(parent)",
                "ALTER TABLE community ADD COLUMN office TEXT REFERENCES office(id)",
                "CREATE INDEX community_office ON community(office)",
            ]),
        // As on SQLite (v9-across-partners there): communities a merchant accepts points from
        // besides its home; a removed partnership keeps its row.
        Migration(
            name: "v9-across-partners",
            statements: [
                """
                CREATE TABLE merchant_partner (
                    merchant TEXT NOT NULL REFERENCES merchant(id),
                    community TEXT NOT NULL REFERENCES community(id),
                    added_at BIGINT NOT NULL,
                    added_by TEXT NOT NULL,
                    removed_at BIGINT,
                    removed_by TEXT,
                    PRIMARY KEY (merchant, community)
                )
                """,
                "CREATE INDEX merchant_partner_community ON merchant_partner(community)",
            ]),
        // As on SQLite (v9-privacy-erasure there): who erased whom, when and why.
        Migration(
            name: "v9-privacy-erasure",
            statements: [
                """
                CREATE TABLE person_erasure (
                    person TEXT PRIMARY KEY,
                    community TEXT NOT NULL,
                    erased_at BIGINT NOT NULL,
                    erased_by TEXT NOT NULL,
                    reason TEXT NOT NULL
                )
                """
            ]),
        // As on SQLite (v9-consent-id-numbers there): ID numbers sealed, their keyed digests, the
        // key's fingerprint.
        Migration(
            name: "v9-consent-id-numbers",
            statements: [
                "ALTER TABLE volunteer ADD COLUMN id_number_digest TEXT",
                "ALTER TABLE resident ADD COLUMN id_number_digest TEXT",
                "CREATE INDEX volunteer_id_number_digest ON volunteer(id_number_digest)",
                "CREATE INDEX resident_id_number_digest ON resident(id_number_digest)",
                """
                CREATE TABLE id_key (
                    fingerprint TEXT NOT NULL PRIMARY KEY,
                    created_at BIGINT NOT NULL
                )
                """,
            ]),
        // As on SQLite (v9-consent-records there): consent given or withdrawn, with its version.
        Migration(
            name: "v9-consent-records",
            statements: [
                """
                CREATE TABLE consent (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    person TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('keep', 'publish', 'share')),
                    version TEXT NOT NULL,
                    granted BIGINT NOT NULL CHECK (granted IN (0, 1)),
                    at BIGINT NOT NULL,
                    recorded_by TEXT NOT NULL
                )
                """,
                "CREATE INDEX consent_person ON consent(person, id)",
            ]),
        // As on SQLite (v9-chain-community there): one hash chain per community, memos out of the
        // hash (their salted digest in), checkpoints; the old chain is checked first (a broken one
        // is refused and nothing changes), then every transfer is re-chained.
        Migration(
            name: "v9-chain-community",
            statements: [
                "ALTER TABLE transfer ADD COLUMN community TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE transfer ADD COLUMN memo_digest TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE transfer ADD COLUMN memo_salt TEXT",
                """
                CREATE TABLE checkpoint (
                    community TEXT NOT NULL,
                    month TEXT NOT NULL,
                    seq BIGINT NOT NULL,
                    head TEXT NOT NULL,
                    transfers BIGINT NOT NULL,
                    accounts BIGINT NOT NULL,
                    balances TEXT NOT NULL,
                    previous TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    sealed_at BIGINT NOT NULL,
                    PRIMARY KEY (community, month)
                )
                """,
                """
                CREATE FUNCTION jifen_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'checkpoints are immutable';
                END $$
                """,
                "CREATE TRIGGER checkpoint_immutable BEFORE UPDATE OR DELETE ON checkpoint FOR EACH ROW EXECUTE FUNCTION jifen_checkpoint_guard()",
            ],
            then: { try PostgresSchema.migrateToCommunityChains($0) }),
        // As on SQLite (v10-report-indexes there): the month report's reads by community and month.
        Migration(
            name: "v10-report-indexes",
            statements: [
                "CREATE INDEX checkpoint_month ON checkpoint(month, community, hash)",
                "CREATE INDEX account_community ON account(community)",
                "CREATE INDEX volunteer_community ON volunteer(community)",
            ]),
    ]

    /// The work of `v9-chain-community` after its statements.
    static func migrateToCommunityChains(_ session: PostgresSession) throws {
        let oldColumns =
            "id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prev_hash, hash, seq"
        func transfer(_ row: PostgresRow) throws -> Transfer {
            let (
                id, kind, debit, credit, amount, key, reference, actor, memo, reverses, hold, at, prevHash, hash, seq
            ) =
                try row.decode(
                    (
                        Int64, String, String, String, Int64, String, String, String, String, Int64?, Int64?, Int64,
                        String, String, Int64?
                    ).self)
            return Transfer(
                id: id, kind: TransferKind(rawValue: kind) ?? .adjust, debit: debit, credit: credit, amount: amount,
                key: key, reference: reference, actor: actor, memo: memo, reverses: reverses, hold: hold,
                atMillis: at, prevHash: prevHash, hash: hash, seq: seq ?? 0)
        }
        // The old chain, in its order.
        var legacy = ChainUpgrade.LegacyCheck()
        var after: Int64 = 0
        while true {
            let page = try session.rows(
                "SELECT \(oldColumns) FROM transfer WHERE seq > $1 ORDER BY seq LIMIT 5000", [after])
            for row in page {
                let t = try transfer(row)
                try legacy.check(t)
                after = t.seq
            }
            if page.count < 5000 { break }
        }
        _ = try session.execute("DROP TRIGGER transfer_immutable ON transfer")
        _ = try session.execute("DROP INDEX transfer_seq")
        _ = try session.execute(
            "UPDATE transfer SET community = COALESCE((SELECT community FROM account a WHERE a.id = transfer.debit), '')"
        )
        // Re-chained in id order, 500 rows a statement; unsealed transfers only get their memo's digest.
        var rechain = ChainUpgrade.Rechain()
        after = 0
        while true {
            let page = try session.rows(
                "SELECT \(oldColumns), community FROM transfer WHERE id > $1 ORDER BY id LIMIT 500", [after])
            var tuples: [String] = []
            var values: [any PostgresBindable] = []
            for row in page {
                var t = try transfer(row)
                t.community = try row.makeRandomAccess()[15].decode(String.self)
                t = rechain.next(t)
                let n = values.count
                tuples.append(
                    "($\(n + 1)::BIGINT, $\(n + 2)::BIGINT, $\(n + 3), $\(n + 4), $\(n + 5), $\(n + 6)::TEXT)")
                values +=
                    [t.id, t.seq > 0 ? t.seq : nil, t.prevHash, t.hash, t.memoDigest, t.memoSalt]
                    as [any PostgresBindable]
                after = t.id
            }
            if !tuples.isEmpty {
                _ = try session.execute(
                    """
                    UPDATE transfer t SET seq = v.seq, prev_hash = v.prev, hash = v.hash, memo_digest = v.digest, memo_salt = v.salt
                    FROM (VALUES \(tuples.joined(separator: ", "))) AS v(id, seq, prev, hash, digest, salt) WHERE t.id = v.id
                    """, values)
            }
            if page.count < 500 { break }
        }
        _ = try session.execute("CREATE UNIQUE INDEX transfer_chain ON transfer(community, seq)")
        _ = try session.execute(
            """
            UPDATE chain_head SET last_seq = t.seq, last_hash = t.hash
            FROM (SELECT seq, hash FROM transfer WHERE seq IS NOT NULL ORDER BY id DESC LIMIT 1) t
            """)
        // A transfer may change twice: from unsealed to sealed, its content untouched; and its
        // memo erased (text replaced, salt dropped), everything the hash covers untouched.
        _ = try session.execute(
            """
            CREATE OR REPLACE FUNCTION jifen_transfer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
                   AND (to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash') = (to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash') THEN
                    RETURN NEW;
                END IF;
                IF TG_OP = 'UPDATE' AND OLD.memo_salt IS NOT NULL AND NEW.memo_salt IS NULL
                   AND (to_jsonb(NEW) - 'memo' - 'memo_salt') = (to_jsonb(OLD) - 'memo' - 'memo_salt') THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'transfer rows are immutable once sealed: correct with jifen reverse';
            END $$
            """)
        _ = try session.execute(
            "CREATE TRIGGER transfer_immutable BEFORE UPDATE OR DELETE ON transfer FOR EACH ROW EXECUTE FUNCTION jifen_transfer_guard()"
        )
        let at = Date().millis
        for community in rechain.heads.keys.sorted() {
            let g = Checkpoint.genesis(community: community, legacyHead: legacy.head, atMillis: at)
            _ = try session.execute(
                """
                INSERT INTO checkpoint (community, month, seq, head, transfers, accounts, balances, previous, hash, sealed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                [
                    g.community, g.month, g.seq, g.head, g.transfers, g.accounts, g.balancesText, g.previous, g.hash,
                    g.sealedAtMillis,
                ])
        }
    }

    /// The advisory lock key that makes one transaction at a time the chain's sealer.
    static let sealLock: Int64 = 0x4A49_4645_4E53_4C00
}
