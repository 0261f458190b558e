import Foundation
import JifenApp
import JifenCore

/// Inputs of operations that take one id or nothing, as the API names them.
public enum Ref {
    public struct Account: Codable, Sendable { public var account: String; public init(account: String) { self.account = account } }
    public struct Volunteer: Codable, Sendable { public var volunteer: String; public init(volunteer: String) { self.volunteer = volunteer } }
    public struct Activity: Codable, Sendable { public var activity: String; public init(activity: String) { self.activity = activity } }
    public struct Record: Codable, Sendable { public var record: String; public init(record: String) { self.record = record } }
    public struct Redemption: Codable, Sendable { public var redemption: Int64; public init(redemption: Int64) { self.redemption = redemption } }
    public struct Credential: Codable, Sendable { public var credential: String; public init(credential: String) { self.credential = credential } }
    public struct CredentialQuery: Codable, Sendable { public var person: String?; public init(person: String? = nil) { self.person = person } }
    public struct Records: Codable, Sendable {
        public var records: [String]?, activity: String?
        public init(records: [String]? = nil, activity: String? = nil) { self.records = records; self.activity = activity }
    }
    public struct Nothing: Codable, Sendable { public init() {} }
}

/// Every endpoint of `/v1`, in the order the OpenAPI document lists them. A new operation is
/// one line here; the server routes it, the document describes it, the CLI client can call it,
/// and the authorization matrix test fails until it has a row.
public enum API {
    public typealias App = JifenApp

    // MARK: Signing in
    public static let enrol = Endpoint<App.EnrolInput, App.IssuedCredential>(
        .post, "/v1/enrolments", "enrol", "Use an enrolment code once for a device credential", anonymous: true,
        sample: .init(code: "4F7K-9Q2M", label: "phone")) { app, _, input in try app.enrol(input) }
    public static let whoami = Endpoint<Ref.Nothing, App.WhoAmI>(
        .get, "/v1/me", "whoami", "Who the credential signs in as", sample: .init()) { app, p, _ in try app.whoami(p) }
    public static let issueCredential = Endpoint<App.IssueCredentialInput, App.IssuedCredential>(
        .post, "/v1/credentials", "issueCredential", "Issue a device credential or an enrolment code",
        sample: .init(person: "V0001", role: .volunteer, enrolment: true, label: "paper", days: 7)) { app, p, input in try app.issueCredential(p, input) }
    public static let credentials = Endpoint<Ref.CredentialQuery, [App.CredentialView]>(
        .get, "/v1/credentials", "listCredentials", "Credentials the caller may see", sample: .init(person: "V0001")) { app, p, q in
        try app.credentials(p, person: q.person) }
    public static let revokeCredential = Endpoint<Ref.Credential, App.CredentialView>(
        .post, "/v1/credentials/{credential}/revocation", "revokeCredential", "Revoke a credential from the next request on",
        sample: .init(credential: "C000000000000")) { app, p, input in try app.revokeCredential(p, input.credential) }

    // MARK: Points
    public static let balance = Endpoint<Ref.Account, App.BalanceResult>(
        .get, "/v1/accounts/{account}/balance", "balance", "An account's points, and a volunteer's hours and star",
        sample: .init(account: "V0001")) { app, p, input in try app.balance(p, input.account) }
    public static let statement = Endpoint<App.StatementInput, App.StatementResult>(
        .get, "/v1/accounts/{account}/statement", "statement", "Every movement of an account's points in a range",
        sample: .init(account: "V0001", from: "2026-11-01", to: "2026-11-30")) { app, p, input in try app.statement(p, input) }
    public static let grant = Endpoint<App.GrantInput, App.PostedResult>(
        .post, "/v1/grants", "grant", "Credit points from the community's issuance account (admin)",
        sample: .init(account: "V0001", points: 10, reason: "carry-over", key: "k1")) { app, p, input in try app.grant(p, input) }
    public static let transfer = Endpoint<App.TransferInput, App.PostedResult>(
        .post, "/v1/transfers", "transfer", "Give points to another volunteer",
        sample: .init(from: "V0001", to: "V0002", points: 5, memo: "thanks", key: "k1")) { app, p, input in try app.transfer(p, input) }
    public static let issueCode = Endpoint<Ref.Account, App.IssuedCode>(
        .post, "/v1/accounts/{account}/codes", "issueCode", "A one-time code the volunteer shows at a merchant",
        sample: .init(account: "V0001")) { app, p, input in try app.issueCode(p, input.account) }

    // MARK: Merchants
    public static let offers = Endpoint<App.OffersQuery, [Offer]>(
        .get, "/v1/offers", "offers", "What merchants offer for points",
        sample: .init(merchant: "M001", affordableBy: "V0001")) { app, p, q in try app.offers(p, q) }
    public static let redeem = Endpoint<App.RedeemInput, App.ReceiptResult>(
        .post, "/v1/redemptions", "redeem", "Redeem a volunteer's code at the counter",
        sample: .init(merchant: "M001", code: "123456", offer: "O001", points: 30, key: "k1", hold: false)) { app, p, input in try app.redeem(p, input) }
    public static let pickup = Endpoint<Ref.Redemption, App.ReceiptResult>(
        .post, "/v1/redemptions/{redemption}/pickup", "pickup", "Hand over a held redemption",
        types: ["redemption": .integer], sample: .init(redemption: 1)) { app, p, input in try app.pickup(p, input.redemption) }
    public static let release = Endpoint<Ref.Redemption, App.ReceiptResult>(
        .post, "/v1/redemptions/{redemption}/release", "release", "Release a held redemption: the points come back",
        types: ["redemption": .integer], sample: .init(redemption: 1)) { app, p, input in try app.release(p, input.redemption) }
    public static let refund = Endpoint<App.RefundInput, App.RefundOutcome>(
        .post, "/v1/redemptions/{redemption}/refunds", "refund", "Refund a redemption, in whole or in part",
        types: ["redemption": .integer], sample: .init(redemption: 1, points: 10, reason: "returned", key: "k1")) { app, p, input in
        try app.refund(p, input) }

    // MARK: Activities
    public static let activities = Endpoint<App.ActivityQuery, [App.ActivityView]>(
        .get, "/v1/activities", "activities", "Activities, upcoming or past, of a team",
        types: ["upcoming": .boolean, "past": .boolean], sample: .init(upcoming: true, past: false, team: "T01")) { app, p, q in
        try app.listActivities(p, q) }
    public static let activity = Endpoint<Ref.Activity, App.ActivityDetail>(
        .get, "/v1/activities/{activity}", "activity", "One activity with its participants",
        sample: .init(activity: "A0001")) { app, p, input in try app.showActivity(p, input.activity) }
    public static let postActivity = Endpoint<App.PostActivityInput, App.ActivityView>(
        .post, "/v1/activities", "postActivity", "Post an activity (an organizer of its team)",
        sample: .init(team: "T01", title: "Visit", start: "2026-12-05 09:00", end: "2026-12-05 11:00", place: "Hall", content: "Visits",
                      category: "elder", capacity: 10, rate: 10)) { app, p, input in try app.postActivity(p, input) }
    public static let join = Endpoint<App.MembershipInput, App.Membership>(
        .post, "/v1/activities/{activity}/participants", "join", "Join an activity",
        sample: .init(activity: "A0001", volunteer: "V0001")) { app, p, input in try app.joinActivity(p, input) }
    public static let leave = Endpoint<App.MembershipInput, App.Membership>(
        .post, "/v1/activities/{activity}/departures", "leave", "Leave an activity",
        sample: .init(activity: "A0001", volunteer: "V0001")) { app, p, input in try app.leaveActivity(p, input) }
    public static let checkin = Endpoint<App.CheckinInput, Participation>(
        .post, "/v1/activities/{activity}/checkins", "checkin", "Check in with the activity's code",
        sample: .init(activity: "A0001", volunteer: "V0001", code: "123456", at: "2026-12-05 09:00")) { app, p, input in try app.checkin(p, input) }
    public static let checkout = Endpoint<App.CheckinInput, ServiceRecord>(
        .post, "/v1/activities/{activity}/checkouts", "checkout", "Check out: the minutes become a pending service record",
        sample: .init(activity: "A0001", volunteer: "V0001", code: "123456", at: "2026-12-05 11:00")) { app, p, input in try app.checkout(p, input) }

    // MARK: Service records
    public static let records = Endpoint<App.RecordQuery, [RecordView]>(
        .get, "/v1/records", "records", "Service records: a volunteer sees their own",
        types: ["pending": .boolean], sample: .init(pending: true, activity: "A0001", volunteer: "V0001")) { app, p, q in try app.listRecords(p, q) }
    public static let addHours = Endpoint<App.AddHoursInput, ServiceRecord>(
        .post, "/v1/records", "addHours", "Record service minutes (an organizer)",
        sample: .init(activity: "A0001", volunteer: "V0001", minutes: 120, date: "2026-12-05", note: "")) { app, p, input in try app.addHours(p, input) }
    public static let approve = Endpoint<Ref.Records, [ServiceRecord]>(
        .post, "/v1/records/approvals", "approve", "Approve records (by id, or all of an activity): each earns once",
        sample: .init(records: ["S000001"], activity: "A0001")) { app, p, input in
        if let activity = input.activity { return try app.approveRecords(p, .activity(activity)) }
        return try app.approveRecords(p, .records(input.records ?? []))
    }
    public static let reject = Endpoint<App.RecordReasonInput, ServiceRecord>(
        .post, "/v1/records/{record}/rejection", "reject", "Reject a pending record with a reason",
        sample: .init(record: "S000001", reason: "not on site")) { app, p, input in try app.rejectRecord(p, input) }
    public static let dispute = Endpoint<App.RecordReasonInput, ServiceRecord>(
        .post, "/v1/records/{record}/dispute", "dispute", "The volunteer disputes a record",
        sample: .init(record: "S000001", reason: "I was there 3 hours")) { app, p, input in try app.disputeRecord(p, input) }
    public static let correct = Endpoint<App.CorrectRecordInput, ServiceRecord>(
        .post, "/v1/records/{record}/correction", "correct", "Correct a record's minutes with a reason",
        sample: .init(record: "S000001", minutes: 90, reason: "sheet said 90")) { app, p, input in try app.correctRecord(p, input) }

    // MARK: Reports and administration
    public static let report = Endpoint<App.ReportInput, App.ReportResult>(
        .get, "/v1/reports", "report", "The month's figures and public notice",
        sample: .init(month: "2026-11", grouping: nil)) { app, p, input in try app.report(p, input) }
    public static let verify = Endpoint<Ref.Nothing, VerifyReport>(
        .get, "/v1/verify", "verify", "Check the whole ledger (admin)", sample: .init()) { app, p, _ in try app.verify(p) }
    public static let webhooks = Endpoint<Ref.Nothing, [App.WebhookInfo]>(
        .get, "/v1/webhooks", "webhooks", "Webhook subscriptions, secrets masked (admin)", sample: .init()) { app, p, _ in
        try app.listWebhooks(p) }

    /// Every endpoint, as the server routes them.
    public static let all: [AnyEndpoint] = [
        AnyEndpoint(enrol), AnyEndpoint(whoami), AnyEndpoint(issueCredential), AnyEndpoint(credentials), AnyEndpoint(revokeCredential),
        AnyEndpoint(balance), AnyEndpoint(statement), AnyEndpoint(grant), AnyEndpoint(transfer), AnyEndpoint(issueCode),
        AnyEndpoint(offers), AnyEndpoint(redeem), AnyEndpoint(pickup), AnyEndpoint(release), AnyEndpoint(refund),
        AnyEndpoint(activities), AnyEndpoint(activity), AnyEndpoint(postActivity), AnyEndpoint(join), AnyEndpoint(leave),
        AnyEndpoint(checkin), AnyEndpoint(checkout),
        AnyEndpoint(records), AnyEndpoint(addHours), AnyEndpoint(approve), AnyEndpoint(reject), AnyEndpoint(dispute), AnyEndpoint(correct),
        AnyEndpoint(report), AnyEndpoint(verify), AnyEndpoint(webhooks),
    ]
}
