import Foundation

/// Which rows of a table belong to a person: a description the stores turn into a query. The
/// person is given by her ids (`PersonIDs.all`: her volunteer id, which is also her account's id,
/// and her resident id).
public indirect enum PersonMatch: Sendable, Equatable {
    /// The column holds one of her ids.
    case column(String)
    /// The column holds the key of a row of `table` (its column `key`) that matches.
    case within(column: String, table: String, key: String, PersonMatch)
    /// The column's text names one of her ids in quotes (`"V0001"`): JSON payloads.
    case mentions(String)
    /// The column's text names in quotes the key of a row of `table` (its column `key`) that
    /// matches: an event about one of her requests (`"Q0001"`).
    case mentionsRow(column: String, table: String, key: String, PersonMatch)
}

/// One kind of data Jifen holds about a person: a table, the rows that are hers, the columns an
/// export shows (never a secret or a hash), the columns that name someone else (shown as an id,
/// or masked when they hold a name), and what erasure does to it.
public struct PersonSource: Sendable, Equatable {
    /// The export's name for it (`transfers`), also the CSV file's name.
    public var kind: String
    public var table: String
    /// Any of these makes a row hers.
    public var matches: [PersonMatch]
    /// The columns exported, in order.
    public var columns: [String]
    /// The column the rows are ordered by.
    public var order: String
    /// Columns that may name another person: kept when they hold her id or an id, masked when
    /// they hold a name (organizers act under their names).
    public var others: [String] = []
    /// Free-text columns that erasure replaces with `Persons.erased` (the text she wrote or that
    /// describes her).
    public var erasedText: [String] = []
    /// Columns that erasure empties (set to NULL): numbers with no text form.
    public var erasedNull: [String] = []
    /// Columns whose text may quote her name or phone: erasure replaces those inside the text.
    public var scrubbed: [String] = []
    /// Columns holding times (milliseconds) that count as her being active.
    public var activity: [String] = []

    public init(
        kind: String, table: String, matches: [PersonMatch], columns: [String], order: String,
        others: [String] = [], erasedText: [String] = [], erasedNull: [String] = [], scrubbed: [String] = [],
        activity: [String] = []
    ) {
        self.kind = kind; self.table = table; self.matches = matches; self.columns = columns; self.order = order
        self.others = others; self.erasedText = erasedText; self.erasedNull = erasedNull; self.scrubbed = scrubbed
        self.activity = activity
    }
}

/// The ids a person is known by: a volunteer (whose account has her id), a resident, or both
/// (a resident who is a volunteer).
public struct PersonIDs: Sendable, Equatable, Codable {
    public var volunteer: String?
    public var resident: String?
    public var all: [String] { [volunteer, resident].compactMap { $0 } }
    public init(volunteer: String?, resident: String?) { self.volunteer = volunteer; self.resident = resident }
}

/// Everything Jifen holds about a person, table by table: the one rule that says what is hers.
/// Export reads these; erasure rewrites their free text; the retention sweep reads their times.
/// The person's own rows (`volunteer`, `resident`) are read whole by the registry, not here.
public enum PersonInventory {
    static let hers = PersonMatch.column
    static let ownRequests = PersonMatch.within(
        column: "request", table: "service_request", key: "id", .column("resident"))
    static let ownRecords = PersonMatch.within(
        column: "record", table: "service_record", key: "id", .column("volunteer"))

    public static let sources: [PersonSource] = [
        // Her own rows: exported whole from the registry (`PersonExport.volunteer`, `.resident`);
        // erasure keeps the ids, community, team and gender (the counts in reports), not the rest.
        PersonSource(
            kind: "volunteer", table: "volunteer", matches: [hers("id")], columns: [], order: "id",
            erasedText: ["name", "phone", "area", "skills"],
            erasedNull: ["id_number", "id_number_digest", "birth_date"],
            activity: ["created_at"]),
        PersonSource(
            kind: "resident", table: "resident", matches: [hers("id")], columns: [], order: "id",
            erasedText: ["name", "phone", "address", "area"], erasedNull: ["id_number", "id_number_digest"],
            activity: ["created_at"]),
        PersonSource(
            kind: "roles", table: "actor_role", matches: [hers("actor")],
            columns: ["actor", "role", "team", "granted_at", "granted_by"], order: "granted_at", others: ["granted_by"]),
        PersonSource(
            kind: "accounts", table: "account", matches: [hers("id")], columns: ["id", "kind", "community", "balance"],
            order: "id"),
        // The ledger's rows stay whole: points are never erased. Their memos are the chain's to
        // erase (`Persons.erasePersonalLedgerText`).
        PersonSource(
            kind: "transfers", table: "transfer", matches: [hers("debit"), hers("credit")],
            columns: [
                "id", "kind", "debit", "credit", "amount", "reference", "actor", "memo", "reverses", "hold", "at",
            ],
            order: "id", others: ["actor"], activity: ["at"]),
        PersonSource(
            kind: "holds", table: "hold", matches: [hers("debit"), hers("credit")],
            columns: [
                "id", "kind", "debit", "credit", "amount", "reference", "actor", "memo", "status", "created_at",
                "expires_at", "transfer",
            ], order: "id", others: ["actor"], erasedText: ["memo"], activity: ["created_at"]),
        PersonSource(
            kind: "lots", table: "lot", matches: [hers("account")],
            columns: ["id", "account", "expires_on", "remaining"],
            order: "id"),
        PersonSource(
            kind: "lot_entries", table: "lot_entry", matches: [hers("account")],
            columns: ["id", "lot", "account", "transfer", "delta", "expires_on"], order: "id"),
        PersonSource(
            kind: "expiry_notices", table: "expiry_notice", matches: [hers("account")],
            columns: ["lot", "account", "expires_on", "points", "created_at"], order: "lot"),
        PersonSource(
            kind: "participations", table: "participation", matches: [hers("volunteer")],
            columns: [
                "activity", "volunteer", "joined_at", "left", "checkin_at", "checkout_at", "checkin_corrected_by",
                "checkout_corrected_by",
            ], order: "joined_at", others: ["checkin_corrected_by", "checkout_corrected_by"],
            activity: ["joined_at", "checkin_at", "checkout_at"]),
        PersonSource(
            kind: "checkin_failures", table: "checkin_failure", matches: [hers("volunteer")],
            columns: ["id", "activity", "volunteer", "generation", "at"], order: "id"),
        PersonSource(
            kind: "service_records", table: "service_record", matches: [hers("volunteer")],
            columns: [
                "id", "activity", "volunteer", "minutes", "service_day", "source", "status", "reason", "note",
                "recorder", "entered_at", "late", "points", "transfer", "disputed", "version",
            ], order: "entered_at", others: ["recorder"], erasedText: ["note"], activity: ["entered_at"]),
        PersonSource(
            kind: "service_record_versions", table: "service_record_version", matches: [ownRecords],
            columns: ["id", "record", "version", "minutes", "status", "points", "action", "reason", "actor", "at"],
            order: "id", others: ["actor"]),
        PersonSource(
            kind: "certificates", table: "certificate", matches: [hers("volunteer")],
            columns: [
                "number", "volunteer", "from_day", "to_day", "minutes", "records", "digest", "code", "issued_at",
                "issued_by",
            ], order: "issued_at", others: ["issued_by"], activity: ["issued_at"]),
        // Pay codes: never their hashes.
        PersonSource(
            kind: "pay_codes", table: "redemption_code", matches: [hers("volunteer")],
            columns: ["id", "volunteer", "created_at", "expires_at", "used_at", "redemption", "max_points"],
            order: "id", activity: ["created_at"]),
        PersonSource(
            kind: "redemptions", table: "redemption", matches: [hers("volunteer")],
            columns: [
                "id", "merchant", "volunteer", "offer", "points", "status", "transfer", "hold", "settlement", "actor",
                "created_at",
            ], order: "id", others: ["actor"], activity: ["created_at"]),
        // Credentials: never their secrets' hashes. A label may name her.
        PersonSource(
            kind: "credentials", table: "credential", matches: [hers("person")],
            columns: [
                "id", "kind", "person", "role", "label", "issued_by", "created_at", "expires_at", "revoked_at",
                "used_at",
                "confirmed_at",
            ], order: "created_at", others: ["issued_by"], erasedText: ["label"], activity: ["used_at"]),
        // Requests she asked for: whole. The text she wrote is in the body, which erasure rewrites
        // through `ServiceRequest.erased` (the body is the request's JSON).
        PersonSource(
            kind: "service_requests", table: "service_request", matches: [hers("resident")],
            columns: ["id", "community", "resident", "state", "team", "server", "posted_at", "updated_at", "body"],
            order: "posted_at", activity: ["posted_at", "updated_at"]),
        // Requests she served: not the resident's text (another person's), only what she did.
        PersonSource(
            kind: "service_requests_served", table: "service_request", matches: [hers("server")],
            columns: ["id", "community", "resident", "state", "team", "server", "posted_at", "updated_at"],
            order: "posted_at", others: ["resident"], activity: ["updated_at"]),
        PersonSource(
            kind: "request_steps", table: "service_request_step", matches: [ownRequests, hers("actor")],
            columns: ["request", "seq", "action", "from_state", "to_state", "actor", "at", "note"], order: "at",
            others: ["actor"], erasedText: ["note"], activity: ["at"]),
        // Wishes she claimed: not the beneficiary's name or details (another person's).
        PersonSource(
            kind: "wishes", table: "wish", matches: [hers("claimant")],
            columns: [
                "id", "community", "team", "title", "points", "donated", "status", "claimant", "note", "posted_by",
                "created_at", "updated_at", "realized_at",
            ], order: "id", others: ["posted_by"]),
        PersonSource(
            kind: "wish_history", table: "wish_history", matches: [hers("actor")],
            columns: ["id", "wish", "action", "from_status", "to_status", "actor", "note", "points", "created_at"],
            order: "id", erasedText: ["note"], activity: ["created_at"]),
        // The outbox's events that name her: their payloads may quote her name and phone.
        PersonSource(
            kind: "events", table: "event",
            matches: [
                .mentions("payload"),
                .mentionsRow(column: "payload", table: "service_request", key: "id", .column("resident")),
            ],
            columns: ["id", "type", "payload", "created_at"], order: "id", scrubbed: ["payload"]),
        // Stored first answers of her writes: not exported (each repeats rows above), scrubbed on erasure.
        PersonSource(
            kind: "stored_answers", table: "idempotent_reply", matches: [hers("actor"), .mentions("answer")],
            columns: [], order: "created_at", scrubbed: ["answer"]),
        PersonSource(
            kind: "erasures", table: "person_erasure", matches: [hers("person")],
            columns: ["person", "erased_at", "erased_by", "reason"], order: "erased_at", others: ["erased_by"]),
        // Her consents, given and withdrawn, with the text's version (kept after erasure: what she agreed to).
        PersonSource(
            kind: "consents", table: "consent", matches: [hers("person")],
            columns: ["id", "person", "kind", "version", "granted", "at", "recorded_by"], order: "id",
            others: ["recorded_by"], activity: ["at"]),
    ]

    /// The sources whose times count as activity (`activity` not empty), for the sweep's query.
    public static var activitySources: [PersonSource] { sources.filter { !$0.activity.isEmpty } }

    /// The kinds an export writes, in order (the profile first).
    public static var exported: [PersonSource] { sources.filter { !$0.columns.isEmpty } }

    /// Text that names someone else, as an export shows it: an id (`V0002`, `C01.issuance`,
    /// `admin`) stays, a name is masked to its first character (`杨**`).
    public static func maskOther(_ value: String) -> String {
        if value.isEmpty || looksLikeID(value) { return value }
        let chars = Array(value)
        return String(chars[0]) + String(repeating: "*", count: max(1, chars.count - 1))
    }

    static func looksLikeID(_ value: String) -> Bool {
        if value == "admin" || value == "system" { return true }
        if value.contains(".") && !value.contains(" ") { return value.allSatisfy { $0.isASCII } }
        guard let first = value.first, first.isASCII, first.isLetter else { return false }
        return value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            && value.contains(where: \.isNumber)
    }
}
