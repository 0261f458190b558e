import Foundation

extension JifenError {
    /// Every error code Jifen reports, in one list: the `code` of an error under `--json` (and of
    /// the HTTP API's errors). A script or a front end matches on these, never on message text.
    /// README "Error codes" lists them with their exit status; a test keeps the two the same.
    public enum Code: String, CaseIterable, Sendable, Codable {
        /// refused: Activity … was cancelled.
        case activityCancelled = "activity-cancelled"
        /// refused: Activity … is closed.
        case activityClosed = "activity-closed"
        /// refused: Activity … is full (… places).
        case activityFull = "activity-full"
        /// refused: Service record … is already approved (… points); it never earns twice.
        case alreadyApproved = "already-approved"
        /// refused: … already checked in at ….
        case alreadyCheckedIn = "already-checked-in"
        /// refused: … has already checked out.
        case alreadyCheckedOut = "already-checked-out"
        /// refused: … is already a Jifen database; there is nothing to initialise.
        case alreadyInitialised = "already-initialised"
        /// refused: #… was already reversed by #….
        case alreadyReversed = "already-reversed"
        /// fault: PostgreSQL refused the login of …: …. Check the user, the password and pg_hba.conf.
        case auth = "auth"
        /// refused: Only volunteers may give points to each other.
        case badAccounts = "bad-accounts"
        /// usage: The points amount must be a whole number from 1 to ….
        case badAmount = "bad-amount"
        /// usage: (argument parsing)
        case badArguments = "bad-arguments"
        /// usage: The capacity must be above zero (leave --capacity out for no limit).
        case badCapacity = "bad-capacity"
        /// refused: The check-in code does not match. Ask the organizer for the 6-digit code shown on site (--code).
        case badCheckinCode = "bad-checkin-code"
        /// usage: The pay code is malformed: it is … digits, or its QR scanned. Ask the customer to tap “Show my pay
        /// code” on her phone for a new one.
        case badCode = "bad-code"
        /// refused: The credential is not valid, has expired or was revoked. Sign in again (jifen login), or ask your
        /// organizer for a new enrolment code.
        case badCredential = "bad-credential"
        /// usage: The … "…" is not a valid date or time. Write it as 2026-11-22 or 2026-11-22 09:30.
        case badDate = "bad-date"
        /// usage: Unknown encoding "…"; use utf-8 or gbk.
        case badEncoding = "bad-encoding"
        /// refused: The enrolment code is wrong, already used or expired. Check the 8 characters on the paper (like
        /// 4F7K-9Q2M), or ask your organizer for a new one.
        case badEnrolmentCode = "bad-enrolment-code"
        /// usage: Event id "…" is not valid; give a whole number.
        case badEventID = "bad-event-id"
        /// usage: --events is empty. Give event types such as points.*,activity.published, or * for all.
        case badEvents = "bad-events"
        /// usage: The format is md or html.
        case badFormat = "bad-format"
        /// usage: Gender "…" is not valid; give male or female (or leave it out).
        case badGender = "bad-gender"
        /// usage: An ID number has 18 characters (the last may be X).
        case badIDNumber = "bad-id-number"
        /// usage: JIFEN_NOW "…" is not a readable time. Write it as 2026-11-20, 2026-11-20 10:00, 2026-11-20T10:00:00
        /// or ISO 8601 with a zone (2026-11-20T02:00:00Z), or unset it to use the system clock.
        case badJifenNow = "bad-jifen-now"
        /// usage: The request body is not the JSON this route takes: ….
        case badJSON = "bad-json"
        /// usage: --limit must be a positive whole number.
        case badLimit = "bad-limit"
        /// usage: Service time must be above 0 minutes.
        case badMinutes = "bad-minutes"
        /// usage: The month "…" is not valid; write it as 2026-11.
        case badMonth = "bad-month"
        /// usage: Cannot write …: its folder does not exist or is not writable. Choose another path.
        case badOutput = "bad-output"
        /// usage: --overlap-hours must be from 0 to 168.
        case badOverlap = "bad-overlap"
        /// usage: Phone "…" is not valid; give an 11-digit mobile or a landline with area code.
        case badPhone = "bad-phone"
        /// usage: The PostgreSQL URL … is not valid: …. Write it as postgres://user@host:port/database
        case badPostgresURL = "bad-postgres-url"
        /// usage: --to is before --from.
        case badRange = "bad-range"
        /// usage: --rate "…" is not valid; give messages a minute such as 20/min (0 for no limit, at most 600).
        case badRate = "bad-rate"
        /// usage: Redemption id "…" is not valid; give one like R001.
        case badRedemptionID = "bad-redemption-id"
        /// usage: --endpoint goes only with --dead.
        case badReplay = "bad-replay"
        /// refused: … does not hold the role …; no credential can be issued for it.
        case badRole = "bad-role"
        /// usage: The sheet has bad rows; nothing was written.
        case badRows = "bad-rows"
        /// usage: A Standard Webhooks secret is whsec_ followed by base64 (24 to 64 bytes decoded). Leave out --secret
        /// to have one generated.
        case badSecret = "bad-secret"
        /// usage: The server address "…" is not an http:// or https:// URL.
        case badServer = "bad-server"
        /// usage: webhook.lease_seconds (… s) must be at least twice webhook.timeout_seconds (… s), that is at least ….
        /// Raise the lease or lower the timeout.
        case badSetting = "bad-setting"
        /// usage: --from must be the path of a SQLite database file.
        case badSource = "bad-source"
        /// usage: Stock "…" is not valid; give 0 or a whole number.
        case badStock = "bad-stock"
        /// usage: --to must be a PostgreSQL URL: postgres://user@host:port/database.
        case badTarget = "bad-target"
        /// usage: Cannot set up TLS (sslrootcert=…): ….
        case badTLS = "bad-tls"
        /// usage: Transfer number "…" is not valid; give a whole number such as 17.
        case badTransferID = "bad-transfer-id"
        /// usage/fault: "…" is not a valid URL. Give a full address such as https://example.org/hooks/jifen.
        case badURL = "bad-url"
        /// usage: A webhook URL must use http or https, not ….
        case badURLScheme = "bad-url-scheme"
        /// fault: Column … of … holds …, which cannot be migrated.
        case badValue = "bad-value"
        /// usage: Webhook id "…" is not valid; give a whole number such as 3. See jifen webhook list.
        case badWebhookID = "bad-webhook-id"
        /// usage: The birth date … is after today (…). Check it and type it again.
        case birthDateInFuture = "birth-date-in-future"
        /// usage: The request body is larger than … bytes.
        case bodyTooLarge = "body-too-large"
        /// busy: The database … was locked by another process for more than … s. Try again shortly.
        case busy = "busy"
        /// fault: Cannot reach PostgreSQL at …: …. Check that the server is running and the URL is right.
        case cannotConnect = "cannot-connect"
        /// fault: Cannot open or access the database …: ….
        case cannotOpen = "cannot-open"
        /// fault: Cannot reach the server at …: …. Check the address and that jifen serve is running.
        case cannotReachServer = "cannot-reach-server"
        /// refused: Service record … is … and cannot be rejected; correct an approved one with hours correct.
        case cannotReject = "cannot-reject"
        /// refused: #… is itself a reversal and cannot be reversed. Make a new transfer to correct it.
        case cannotReverse = "cannot-reverse"
        /// fault: Cannot create … (…). Check the path and permissions.
        case cannotWrite = "cannot-write"
        /// refused: … has checked in and cannot leave.
        case checkedIn = "checked-in"
        /// refused: Activity … starts at …; check-in opens … minutes before, at ….
        case checkinTooEarly = "checkin-too-early"
        /// usage: The check-out is not after the check-in at ….
        case checkoutBeforeCheckin = "checkout-before-checkin"
        /// refused: This code is not valid (mistyped, used or expired). Check it, or ask the customer to tap “Show my
        /// pay code” on her phone for a new one, and preferably scan its QR. … may present … more wrong codes within …
        /// hours.
        case codeWrong = "code-wrong"
        /// busy: No fresh code is free right now; try again shortly.
        case codesExhausted = "codes-exhausted"
        /// usage: There are several communities; name one with --community.
        case communityRequired = "community-required"
        /// usage: The … contains control characters; remove them and try again.
        case controlCharacters = "control-characters"
        /// fault: … is damaged or not a database. Restore it from a backup.
        case corrupt = "corrupt"
        /// refused: The code belongs to a volunteer of another community.
        case crossCommunity = "cross-community"
        /// fault: Database error: …
        case database = "database"
        /// fault: The disk is full; nothing was written. Free some space and try again.
        case diskFull = "disk-full"
        /// refused: The team "…" exists already: was the seed loaded before?
        case duplicateName = "duplicate-name"
        /// refused: … (phone …) is already registered as …. Use …; if this is another person with the same name and
        /// phone, register again with --allow-duplicate.
        case duplicateVolunteer = "duplicate-volunteer"
        /// usage: The file is empty: no header. The first line names the columns, e.g. name,phone,date,minutes.
        case emptyFile = "empty-file"
        /// usage: The … must not be empty.
        case emptyText = "empty-text"
        /// usage: The end is not after the start; check --start and --end.
        case endBeforeStart = "end-before-start"
        /// refused: … exists and is not a Jifen database. Choose another path; Jifen will not overwrite it.
        case fileExists = "file-exists"
        /// refused: All … points of … were already refunded; nothing is left to refund.
        case fullyRefunded = "fully-refunded"
        /// usage: --through … is after today (…); the future cannot be settled.
        case futureDate = "future-date"
        /// usage: The time … is in the future; check-ins and check-outs cannot be early.
        case futureTime = "future-time"
        /// refused: Activity … already has service record …; reject or correct its records first.
        case hasRecords = "has-records"
        /// refused: … is already … (a hold is picked up or released once).
        case holdResolved = "hold-resolved"
        /// fault: Hold #… is posted but its transfer is missing.
        case holdWithoutTransfer = "hold-without-transfer"
        /// refused: Not enough points.
        case insufficientPoints = "insufficient-points"
        /// refused: The idempotency key "…" was already used for a different redemption, …. Use a new key.
        case keyReused = "key-reused"
        /// refused: Too many failed attempts; locked for now. Try again in … minute(s).
        case lockedOut = "locked-out"
        /// fault: The lots of … do not add up to its balance (short by …). Run jifen verify and call the admin.
        case lotsOutOfStep = "lots-out-of-step"
        /// refused: … presented … wrong codes within … hours and is stopped from redeeming codes until …; the community
        /// has been told. Try again then, or talk to the community.
        case merchantLocked = "merchant-locked"
        /// fault: The copy does not match the source (…); it was rolled back and the target is unchanged.
        case migrateMismatch = "migrate-mismatch"
        /// usage: The header lacks required columns: ….
        case missingColumn = "missing-column"
        /// usage: Cannot read …. Run scripts/gen-seed first.
        case missingFile = "missing-file"
        /// usage: The number … is negative. Points, minutes and other amounts must be positive (at least 1).
        case negativeNumber = "negative-number"
        /// fault: There is no database at …. Run `jifen init` to create one, or point --db at an existing file.
        case noDatabase = "no-database"
        /// usage: Cannot read the file …; check the path.
        case noFile = "no-file"
        /// usage: There is no … ….  See /openapi.json for the API.
        case noRoute = "no-route"
        /// fault (test suite): JIFEN_TEST_POSTGRES is not set, so PostgreSQL tests cannot run. Use scripts/test.
        case noTestPostgres = "no-test-postgres"
        /// refused: … is not an organizer of team … and may not …. Act as one of its organizers or an admin (--as).
        case notAllowed = "not-allowed"
        /// refused: … has not checked in, so cannot check out.
        case notCheckedIn = "not-checked-in"
        /// refused: … checked in but never checked out. Close them first with jifen checkout … ID --at TIME.
        case notCheckedOut = "not-checked-out"
        /// refused: … already holds … other tables. Use an empty database (createdb) or a ?schema=; Jifen will not
        /// touch it.
        case notEmpty = "not-empty"
        /// fault: … is not a Jifen database (it may be some other file). Check the --db path.
        case notJifen = "not-jifen"
        /// refused: … is still held: no points moved to the merchant, so there is nothing to refund. Release the hold
        /// instead, and the points go back to the customer.
        case notRedeemed = "not-redeemed"
        /// usage: jifen … runs only on the database's own machine (--db), not through a server.
        case notServed = "not-served"
        /// refused: … was redeemed at …; … may not refund it. Only that merchant or an admin may.
        case notYourRedemption = "not-your-redemption"
        /// refused: … has no unsettled redemptions through … (they may have been settled already).
        case nothingToSettle = "nothing-to-settle"
        /// refused: Offer … ended on ….
        case offerEnded = "offer-ended"
        /// refused: Offer … can be redeemed from ….
        case offerNotYet = "offer-not-yet"
        /// usage: Give exactly one: an offer, or a number of points.
        case offerOrPoints = "offer-or-points"
        /// refused: Offer … belongs to …, not to ….
        case offerOtherMerchant = "offer-other-merchant"
        /// refused: Offer … "…" is retired.
        case offerRetired = "offer-retired"
        /// refused: … is not in this activity's community.
        case otherCommunity = "other-community"
        /// refused: Offer … "…" is out of stock.
        case outOfStock = "out-of-stock"
        /// refused: … already has … min on …; … more exceeds the daily cap of … h. Check the time, or ask an admin to
        /// change hours.daily_cap.
        case overDailyCap = "over-daily-cap"
        /// usage: … points at the loopback or private address …, which is refused by default. Add --allow-private if
        /// this is your own local receiver.
        case privateAddress = "private-address"
        /// fault: The database … (or its folder) is read-only. Jifen needs to write it and to create its -wal and -shm
        /// files beside it. Check the permissions, or copy the file somewhere writable to inspect it.
        case readOnly = "read-only"
        /// usage: Give a reason with --reason; auditors read it.
        case reasonRequired = "reason-required"
        /// refused: Service record … was rejected.
        case recordRejected = "record-rejected"
        /// refused: … redeemed … points and … were refunded already: at most … can be refunded, not ….
        case refundTooMuch = "refund-too-much"
        /// usage: --as is not used with a server: the server acts as whoever signed in. Sign in as that person instead.
        case remoteActor = "remote-actor"
        /// usage: The paying and receiving account are the same, ….
        case sameAccount = "same-account"
        /// usage: A robot's secret is issued by DingTalk/Feishu: reset it in the robot's settings and pass the new one
        /// with --secret.
        case secretRequired = "secret-required"
        /// fault: PostgreSQL at … is shutting down or starting; nothing was changed. Try again shortly.
        case serverStopping = "server-stopping"
        /// refused: Sign in first: jifen login --server URL --code ENROLMENT-CODE.
        case signInRequired = "sign-in-required"
        /// refused: The source … fails verify (… faults); nothing was migrated. Run jifen verify to see why.
        case sourceNotVerified = "source-not-verified"
        /// refused: The target … already holds a ledger; nothing was written. Use an empty database.
        case targetNotEmpty = "target-not-empty"
        /// refused: The receiver answered 410 Gone: this address no longer exists. Check the URL, or remove the
        /// webhook.
        case testFailed = "test-failed"
        /// usage: The … is too long (… characters); at most ….
        case textTooLong = "text-too-long"
        /// usage: An activity lasts at most 7 days; post it as several.
        case tooLong = "too-long"
        /// fault (test suite): an operation failed with an error that is not a JifenError.
        case unexpected = "unexpected"
        /// refused: No certificate has the code …: it may be forged, or the code mistyped.
        case unknownCertificate = "unknown-certificate"
        /// usage: There is no command "…".
        case unknownCommand = "unknown-command"
        /// refused: No … with id …. Use the list command to see the existing ids.
        case unknownID = "unknown-id"
        /// usage: There is no setting named …. See them all with jifen config show.
        case unknownSetting = "unknown-setting"
        /// fault: … cannot be read; check the file's permissions.
        case unreadable = "unreadable"
        /// usage: The host name … does not resolve now, so it cannot be checked to be outside loopback and private
        /// networks; it is refused. Check the spelling and the network (DNS) and try again; add --allow-private if
        /// this is your own local receiver.
        case unresolvedHost = "unresolved-host"
        /// usage: Back up a PostgreSQL database with pg_dump and restore it with pg_restore, e.g. pg_dump
        /// --format=custom --file jifen.dump postgres://… (see docs/DEPLOYMENT.md). jifen backup is for SQLite files.
        case usePGDump = "use-pg-dump"
        /// refused: Wish … is …; it cannot be … (only a wish that is … can).
        case wishState = "wish-state"
        /// usage: Wish id "…" is not valid; give one like W001.
        case badWishID = "bad-wish-id"
        /// refused: Wish … asks for … points and has …; a donation of … is more than it needs.
        case wishFunding = "wish-funding"
        /// refused: … has no donation to wish … left to take back.
        case nothingToWithdraw = "nothing-to-withdraw"
        /// refused: Request … is …; it cannot be … now.
        case badTransition = "bad-transition"
        /// usage: A rating is 1 to 5 stars, not ….
        case badRating = "bad-rating"
        /// usage: The … is in the past; give a time to come.
        case pastDeadline = "past-deadline"
        /// refused: Request … was confirmed more than … hours ago and can no longer be reopened; post a new request.
        case windowClosed = "window-closed"
        /// refused: This pay code allows at most … points; this redemption is …. Ask the volunteer to raise the ceiling
        /// on her pay code page and show the new code.
        case codeOverLimit = "code-over-limit"
        /// refused: A volunteer's own check-in and check-out are stamped with the server's clock; no time (--at) can be
        /// given. Check in or out now without --at, or ask an organizer to correct the time (it then goes to review).
        case ownTime = "own-time"
        /// refused: Too many wrong check-in codes …. Ask an organizer of the team to check you in, or to rotate the
        /// code (jifen activity rotate-code).
        case checkinLocked = "checkin-locked"
        /// refused: This credential was issued for you by someone else (e.g. an organizer) and cannot spend your points
        /// yet. Confirm it yourself: with your enrolment code on this device (jifen credential confirm --code CODE), or
        /// from the phone you signed in on yourself (jifen credential confirm CREDENTIAL-ID).
        case unconfirmedCredential = "unconfirmed-credential"
        /// usage: Request id "…" is not valid; give one like Q0001.
        case badRequestID = "bad-request-id"
        /// refused: … (phone …) is already registered as resident …. Use …; if this is another person with the same
        /// name and phone, register again with --allow-duplicate.
        case duplicateResident = "duplicate-resident"
        /// refused: There is no such pay code. Show a new pay code.
        case payCodeUnknown = "pay-code-unknown"
        // tree
        /// usage: Office id "…" is not valid; use 1 to 32 letters, digits, - or _, such as D01.
        case badOfficeID = "bad-office-id"
        /// refused: A street office belongs to a district: name it with --district (… is a street office, not a
        /// district).
        case officeParent = "office-parent"
        /// refused: No street office or district with id …. See the existing ones with jifen office list.
        case unknownOffice = "unknown-office"
        /// refused: There is already a street office or district with id …; choose another id.
        case duplicateOffice = "duplicate-office"
        /// refused: The street office … is not in district …; check --district, or see jifen office list.
        case officeMismatch = "office-mismatch"
        // across
        /// refused: … is not a partner community of …; there is nothing to remove. See jifen merchant partner list ….
        case notPartner = "not-partner"
        /// refused: … is the home community of …; its points are accepted already.
        case partnerHome = "partner-home"
        /// refused: … and …'s home community … are not under one street office or district, so they cannot share
        /// points. See where each lies with jifen community list.
        case partnerOutside = "partner-outside"
        // privacy
        /// refused: … was already erased (at …); a person is erased once.
        case alreadyErased = "already-erased"
        /// usage: The erasure's reason must not carry personal data (a name, phone, ID number, address or long
        /// number): it is kept after the erasure. Give only the reason, e.g. "asked by the person".
        case badErasureReason = "bad-erasure-reason"
        // consent
        /// fault: The ID-number encryption key file … is missing; nothing was changed. Restore the key file from its
        /// separate backup or name it with --key-file / JIFEN_KEY_FILE; a database without a key gets one with jifen
        /// seal-ids.
        case idKeyMissing = "id-key-missing"
        /// fault: The ID-number encryption key file … is not this database's key (…); nothing was changed. Name the key
        /// file made for this database with --key-file / JIFEN_KEY_FILE.
        case idKeyWrong = "id-key-wrong"
        /// refused: This ID number is already registered as …. Use …; one ID number is one person.
        case duplicateIDNumber = "duplicate-id-number"
        /// usage: The consent text's version (--version) must be 1 to 50 characters, e.g. 2026-01.
        case badConsent = "bad-consent"
        // chain
        /// refused: The old hash chain is broken or changed at transfer #…; it was not migrated to per-community
        /// chains and the database is unchanged. Find why with the old version's jifen verify, restore from a backup,
        /// then upgrade.
        case legacyChainBroken = "legacy-chain-broken"
        // failover
        /// busy: None of the PostgreSQL servers of … accepts writes now (…): a failover may be under way. Nothing was
        /// changed; try again in a few seconds (a write with the same idempotency key).
        case noPrimary = "no-primary"
        /// busy: The connection to PostgreSQL at … broke during the commit, so whether the change was written is
        /// unknown. Retry with the same idempotency key (--key or Idempotency-Key): it takes effect at most once.
        case commitUnknown = "commit-unknown"
    }
}
