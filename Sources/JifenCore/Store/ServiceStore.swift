import Foundation

/// The rows behind activities and service records, read and written inside one transaction.
/// As with the ledger, stores only answer these; the rules are in `Service`.
public protocol ServiceWriting: LedgerWriting {
    /// Every volunteer of the database: the importer matches rows by id, phone, or name.
    func allVolunteers() throws -> [Volunteer]
    /// The highest service record number so far.
    func lastRecordNumber() throws -> Int
    /// Whether any record was ever imported (if not, no row needs looking up by key).
    func hasImportKeys() throws -> Bool
    /// Minutes of records not rejected per volunteer and day, keyed `volunteer + "\u{1F}" + day`.
    func minutesByVolunteerDay(from: String, to: String) throws -> [String: Int64]
    func team(_ id: String) throws -> Team?
    func isOrganizer(_ actor: String, team: String) throws -> Bool
    func nextActivityID() throws -> String
    func insert(activity: Activity, nowMillis: Int64) throws
    func setActivityStatus(
        _ id: String, _ status: ActivityStatus, reason: String, actor: String, nowMillis: Int64) throws
    func participation(activity: String, volunteer: String) throws -> Participation?
    func save(participation: Participation) throws
    /// Wrong check-in codes given for an activity: by `volunteer` (for any of its codes), or, with
    /// nil, by anyone since its code was last set.
    func checkinFailures(activity: String, volunteer: String?) throws -> Int
    /// Counts one wrong check-in code against the volunteer and the activity's current code.
    func insertCheckinFailure(activity: String, volunteer: String, atMillis: Int64) throws
    /// Gives the activity a new check-in code (the activity's count of wrong codes starts again).
    func setCheckinCode(activity: String, code: String, actor: String, nowMillis: Int64) throws
    func records(activity: String) throws -> [ServiceRecord]
    func record(importKey: String) throws -> ServiceRecord?
    /// Minutes of the volunteer's records on a day that are not rejected, except `excluding`.
    func minutesOnDay(volunteer: String, day: String, excluding: String?) throws -> Int64
    func nextRecordID() throws -> String
    func insert(record: ServiceRecord) throws
    func update(record: ServiceRecord) throws
    func insert(version: RecordVersion) throws

    // MARK: Rows the application's rules write (`Store+Registry`, `Store+Rules`)

    /// Makes this transaction the only one doing `what` until it ends (a store whose writers
    /// are serialised anyway has nothing to do).
    func serialise(_ what: Serialised) throws
    func insert(community: Community, nowMillis: Int64) throws
    /// Gives `actor` a role (`admin`, or `organizer` of `team`).
    /// - Parameter ignoringExisting: a role held already is left as it is, instead of failing.
    func grant(
        role: String, to actor: String, team: String, by grantor: String, nowMillis: Int64, ignoringExisting: Bool)
        throws
    func insert(team: Team, actor: String, nowMillis: Int64) throws
    func insert(volunteer: Volunteer, actor: String, nowMillis: Int64) throws
    func insert(merchant: Merchant, actor: String, nowMillis: Int64) throws
    func insert(offer: Offer, actor: String, nowMillis: Int64) throws
    func retire(offer id: String, atMillis: Int64) throws
    /// Stores a setting's value with who set it and when (added or replaced).
    func put(setting key: String, value: String, actor: String, nowMillis: Int64) throws
    func insert(settingChange: SettingChange) throws
    func insert(certificate: Certificate) throws
    /// Stores a subscription with its event filters. - Returns: its id.
    func insert(webhook: NewWebhook, actor: String, nowMillis: Int64) throws -> Int64
    /// Deletes a subscription with its queue and history.
    func deleteWebhook(_ id: Int64) throws
    func setWebhookStatus(_ id: Int64, _ status: WebhookEndpointStatus, reason: String) throws
    func setWebhookSecret(_ id: Int64, secret: String, previous: String?, previousUntilMillis: Int64?) throws
    /// Queues an event of this type for every subscription not disabled whose filters select it
    /// (keeping the `webhook-id` of a delivery queued before), then makes every delivery of the
    /// event pending afresh. - Returns: the number of deliveries made pending.
    func queueDeliveries(event: Int64, type: String, nowMillis: Int64) throws -> Int
    /// Makes every dead delivery (of one subscription, when given) pending afresh. - Returns: how many.
    func requeueDead(endpoint: Int64?, nowMillis: Int64) throws -> Int

    // MARK: Residents and service requests (`Requests`)

    func insert(resident: Resident, actor: String, nowMillis: Int64) throws
    func insert(request: ServiceRequest) throws
    /// Stores every field of the request (its id stays).
    func update(request: ServiceRequest) throws
    func insert(requestStep: RequestStep) throws
}
