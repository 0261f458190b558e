public import Foundation
public import JifenApp
public import JifenCore

/// Inputs of operations that take one id or nothing, as the API names them.
public enum Ref {
    public struct Account: Codable, Sendable {
        public var account: String; public init(account: String) { self.account = account }
    }
    public struct Volunteer: Codable, Sendable {
        public var volunteer: String; public init(volunteer: String) { self.volunteer = volunteer }
    }
    public struct Activity: Codable, Sendable {
        public var activity: String; public init(activity: String) { self.activity = activity }
    }
    public struct Record: Codable, Sendable {
        public var record: String; public init(record: String) { self.record = record }
    }
    public struct Redemption: Codable, Sendable {
        public var redemption: Int64; public init(redemption: Int64) { self.redemption = redemption }
    }
    public struct Credential: Codable, Sendable {
        public var credential: String; public init(credential: String) { self.credential = credential }
    }
    public struct CredentialQuery: Codable, Sendable {
        public var person: String?; public init(person: String? = nil) { self.person = person }
    }
    public struct Records: Codable, Sendable {
        public var records: [String]?, activity: String?
        public init(records: [String]? = nil, activity: String? = nil) {
            self.records = records; self.activity = activity
        }
    }
    public struct Nothing: Codable, Sendable { public init() {} }
    public struct Offer: Codable, Sendable {
        public var offer: String; public init(offer: String) { self.offer = offer }
    }
    public struct Merchant: Codable, Sendable {
        public var merchant: String; public init(merchant: String) { self.merchant = merchant }
    }
    public struct Webhook: Codable, Sendable {
        public var webhook: Int64; public init(webhook: Int64) { self.webhook = webhook }
    }
    public struct Certificate: Codable, Sendable {
        public var code: String; public init(code: String) { self.code = code }
    }
    public struct Expiry: Codable, Sendable {
        public var asOf: String?; public init(asOf: String? = nil) { self.asOf = asOf }
    }
    public struct CertificateRequest: Codable, Sendable {
        public var volunteer: String, from: String?, to: String?, format: String
        public init(volunteer: String, from: String? = nil, to: String? = nil, format: String = "md") {
            self.volunteer = volunteer; self.from = from; self.to = to; self.format = format
        }
    }
    public struct Sheet: Codable, Sendable {
        /// The file's bytes (base64 in JSON): CSV in UTF-8 or GBK, as the organizer's spreadsheet saved it.
        public var sheet: Data
        public var activity: String?, encoding: String?, skipBad: Bool
        public init(sheet: Data, activity: String? = nil, encoding: String? = nil, skipBad: Bool = false) {
            self.sheet = sheet; self.activity = activity; self.encoding = encoding; self.skipBad = skipBad
        }
    }
    public struct Cancel: Codable, Sendable {
        public var activity: String, reason: String
        public init(activity: String, reason: String) { self.activity = activity; self.reason = reason }
    }
    public struct Rotate: Codable, Sendable {
        public var webhook: Int64, secret: String?, overlapHours: Int
        public init(webhook: Int64, secret: String? = nil, overlapHours: Int = 24) {
            self.webhook = webhook; self.secret = secret; self.overlapHours = overlapHours
        }
    }
    public struct Replay: Codable, Sendable {
        /// One event to queue again; or, without it, every dead delivery (of `endpoint`, when given).
        public var event: Int64?, endpoint: Int64?
        public init(event: Int64? = nil, endpoint: Int64? = nil) { self.event = event; self.endpoint = endpoint }
    }
}

/// Every endpoint of `/v1`, in the order the OpenAPI document lists them. A new operation is
/// one line here; the server routes it, the document describes it, the CLI client can call it,
/// and the authorization matrix test fails until it has a row.
public enum API {
    public typealias App = JifenApp

    // MARK: Signing in
    public static let enrol = Endpoint<App.EnrolInput, App.IssuedCredential>(
        .post, "/v1/enrolments", "enrol", "Use an enrolment code once for a device credential", anonymous: true,
        sample: .init(code: "4F7K-9Q2M", label: "phone")
    ) { app, _, input in try app.enrol(input) }
    public static let whoami = Endpoint<Ref.Nothing, App.WhoAmI>(
        .get, "/v1/me", "whoami", "Who the credential signs in as", residents: true, sample: .init()
    ) { app, p, _ in try app.whoami(p) }
    public static let issueCredential = Endpoint<App.IssueCredentialInput, App.IssuedCredential>(
        .post, "/v1/credentials", "issueCredential", "Issue a device credential or an enrolment code",
        sample: .init(person: "V0001", role: .volunteer, enrolment: true, label: "paper", days: 7)
    ) { app, p, input in try app.issueCredential(p, input) }
    public static let credentials = Endpoint<Ref.CredentialQuery, [App.CredentialView]>(
        .get, "/v1/credentials", "listCredentials", "Credentials the caller may see", residents: true,
        sample: .init(person: "V0001")
    ) { app, p, q in
        try app.credentials(p, person: q.person)
    }
    public static let revokeCredential = Endpoint<Ref.Credential, App.CredentialView>(
        .post, "/v1/credentials/{credential}/revocation", "revokeCredential",
        "Revoke a credential from the next request on", residents: true,
        sample: .init(credential: "C000000000000")
    ) { app, p, input in try app.revokeCredential(p, input.credential) }
    public static let confirmCredential = Endpoint<App.ConfirmCredentialInput, App.CredentialView>(
        .post, "/v1/credential-confirmations", "confirmCredential",
        "The person confirms a device credential issued for her (with her enrolment code, or from her own), so it may spend her points",
        residents: true,
        sample: .init(credential: "C000000000000", code: "4F7K-9Q2M")
    ) { app, p, input in try app.confirmCredential(p, input) }

    // MARK: Points
    public static let balance = Endpoint<Ref.Account, App.BalanceResult>(
        .get, "/v1/accounts/{account}/balance", "balance", "An account's points, and a volunteer's hours and star",
        sample: .init(account: "V0001")
    ) { app, p, input in try app.balance(p, input.account) }
    public static let statement = Endpoint<App.StatementInput, App.StatementResult>(
        .get, "/v1/accounts/{account}/statement", "statement", "Every movement of an account's points in a range",
        sample: .init(account: "V0001", from: "2026-11-01", to: "2026-11-30")
    ) { app, p, input in try app.statement(p, input) }
    public static let grant = Endpoint<App.GrantInput, App.PostedResult>(
        .post, "/v1/grants", "grant", "Credit points from the community's issuance account (admin)",
        sample: .init(account: "V0001", points: 10, reason: "carry-over", key: "k1")
    ) { app, p, input in try app.grant(p, input) }
    public static let transfer = Endpoint<App.TransferInput, App.PostedResult>(
        .post, "/v1/transfers", "transfer", "Give points to another volunteer",
        sample: .init(from: "V0001", to: "V0002", points: 5, memo: "thanks", key: "k1")
    ) { app, p, input in try app.transfer(p, input) }
    public static let issueCode = Endpoint<App.IssueCodeInput, App.IssuedCode>(
        .post, "/v1/accounts/{account}/codes", "issueCode",
        "A one-time code the volunteer shows at a merchant, for at most max_points",
        sample: .init(account: "V0001", maxPoints: 200)
    ) { app, p, input in try app.issueCode(p, input) }

    public static let codeState = Endpoint<App.CodeStateInput, App.CodeStateResult>(
        .post, "/v1/accounts/{account}/code-states", "codeState",
        "What became of one of the volunteer's pay codes (named by its QR's secret, in the body): live, redeemed, held, voided or expired",
        sample: .init(account: "V0001", secret: "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    ) { app, p, input in try app.codeState(p, input) }

    // MARK: Merchants
    public static let offers = Endpoint<App.OffersQuery, [Offer]>(
        .get, "/v1/offers", "offers", "What merchants offer for points",
        sample: .init(merchant: "M001", affordableBy: "V0001")
    ) { app, p, q in try app.offers(p, q) }
    public static let redeem = Endpoint<App.RedeemInput, App.ReceiptResult>(
        .post, "/v1/redemptions", "redeem", "Redeem a volunteer's code at the counter",
        sample: .init(merchant: "M001", code: "123456", offer: "O001", points: 30, key: "k1", hold: false)
    ) { app, p, input in try app.redeem(p, input) }
    public static let pickup = Endpoint<Ref.Redemption, App.ReceiptResult>(
        .post, "/v1/redemptions/{redemption}/pickup", "pickup", "Hand over a held redemption",
        types: ["redemption": .integer], sample: .init(redemption: 1)
    ) { app, p, input in try app.pickup(p, input.redemption) }
    public static let release = Endpoint<Ref.Redemption, App.ReceiptResult>(
        .post, "/v1/redemptions/{redemption}/release", "release", "Release a held redemption: the points come back",
        types: ["redemption": .integer], sample: .init(redemption: 1)
    ) { app, p, input in try app.release(p, input.redemption) }
    public static let refund = Endpoint<App.RefundInput, App.RefundOutcome>(
        .post, "/v1/redemptions/{redemption}/refunds", "refund", "Refund a redemption, in whole or in part",
        types: ["redemption": .integer], sample: .init(redemption: 1, points: 10, reason: "returned", key: "k1")
    ) { app, p, input in
        try app.refund(p, input)
    }

    // MARK: Activities
    public static let activities = Endpoint<App.ActivityQuery, [App.ActivityView]>(
        .get, "/v1/activities", "activities", "Activities, upcoming or past, of a team",
        types: ["upcoming": .boolean, "past": .boolean], sample: .init(upcoming: true, past: false, team: "T01")
    ) { app, p, q in
        try app.listActivities(p, q)
    }
    public static let activity = Endpoint<Ref.Activity, App.ActivityDetail>(
        .get, "/v1/activities/{activity}", "activity", "One activity with its participants",
        sample: .init(activity: "A0001")
    ) { app, p, input in try app.showActivity(p, input.activity) }
    public static let postActivity = Endpoint<App.PostActivityInput, App.ActivityView>(
        .post, "/v1/activities", "postActivity", "Post an activity (an organizer of its team)",
        sample: .init(
            team: "T01", title: "Visit", start: "2026-12-05 09:00", end: "2026-12-05 11:00", place: "Hall",
            content: "Visits",
            category: "elder", capacity: 10, rate: 10)
    ) { app, p, input in try app.postActivity(p, input) }
    public static let join = Endpoint<App.MembershipInput, App.Membership>(
        .post, "/v1/activities/{activity}/participants", "join", "Join an activity",
        sample: .init(activity: "A0001", volunteer: "V0001")
    ) { app, p, input in try app.joinActivity(p, input) }
    public static let leave = Endpoint<App.MembershipInput, App.Membership>(
        .post, "/v1/activities/{activity}/departures", "leave", "Leave an activity",
        sample: .init(activity: "A0001", volunteer: "V0001")
    ) { app, p, input in try app.leaveActivity(p, input) }
    public static let checkin = Endpoint<App.CheckinInput, Participation>(
        .post, "/v1/activities/{activity}/checkins", "checkin", "Check in with the activity's code",
        sample: .init(activity: "A0001", volunteer: "V0001", code: "123456", at: "2026-12-05 09:00")
    ) { app, p, input in try app.checkin(p, input) }
    public static let onDuty = Endpoint<Ref.Volunteer, [OnDuty]>(
        .get, "/v1/volunteers/{volunteer}/duty", "onDuty",
        "Where the volunteer is checked in and not yet out, and whether a check-out now is a short span",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.onDuty(p, input.volunteer) }
    public static let checkout = Endpoint<App.CheckinInput, ServiceRecord>(
        .post, "/v1/activities/{activity}/checkouts", "checkout",
        "Check out: the minutes become a pending service record",
        sample: .init(activity: "A0001", volunteer: "V0001", code: "123456", at: "2026-12-05 11:00")
    ) { app, p, input in try app.checkout(p, input) }

    // MARK: Service records
    public static let records = Endpoint<App.RecordQuery, [RecordView]>(
        .get, "/v1/records", "records", "Service records: a volunteer sees their own",
        types: ["pending": .boolean], sample: .init(pending: true, activity: "A0001", volunteer: "V0001")
    ) { app, p, q in try app.listRecords(p, q) }
    public static let addHours = Endpoint<App.AddHoursInput, ServiceRecord>(
        .post, "/v1/records", "addHours", "Record service minutes (an organizer)",
        sample: .init(activity: "A0001", volunteer: "V0001", minutes: 120, date: "2026-12-05", note: "")
    ) { app, p, input in try app.addHours(p, input) }
    public static let approve = Endpoint<Ref.Records, [ServiceRecord]>(
        .post, "/v1/records/approvals", "approve", "Approve records (by id, or all of an activity): each earns once",
        sample: .init(records: ["H0000001"], activity: "A0001")
    ) { app, p, input in
        if let activity = input.activity { return try app.approveRecords(p, .activity(activity)) }
        return try app.approveRecords(p, .records(input.records ?? []))
    }
    public static let reject = Endpoint<App.RecordReasonInput, ServiceRecord>(
        .post, "/v1/records/{record}/rejection", "reject", "Reject a pending record with a reason",
        sample: .init(record: "H0000001", reason: "not on site")
    ) { app, p, input in try app.rejectRecord(p, input) }
    public static let dispute = Endpoint<App.RecordReasonInput, ServiceRecord>(
        .post, "/v1/records/{record}/dispute", "dispute", "The volunteer disputes a record",
        sample: .init(record: "H0000001", reason: "I was there 3 hours")
    ) { app, p, input in try app.disputeRecord(p, input) }
    public static let correct = Endpoint<App.CorrectRecordInput, ServiceRecord>(
        .post, "/v1/records/{record}/correction", "correct", "Correct a record's minutes with a reason",
        sample: .init(record: "H0000001", minutes: 90, reason: "sheet said 90")
    ) { app, p, input in try app.correctRecord(p, input) }

    // MARK: Reports and administration
    public static let report = Endpoint<App.ReportInput, App.ReportResult>(
        .get, "/v1/reports", "report", "The month's figures and public notice",
        sample: .init(month: "2026-11", grouping: nil)
    ) { app, p, input in try app.report(p, input) }
    public static let verify = Endpoint<Ref.Nothing, VerifyReport>(
        .get, "/v1/verify", "verify", "Check the whole ledger (admin)", sample: .init()
    ) { app, p, _ in try app.verify(p) }
    public static let webhooks = Endpoint<Ref.Nothing, [App.WebhookInfo]>(
        .get, "/v1/webhooks", "webhooks", "Webhook subscriptions, secrets masked (admin)", sample: .init()
    ) { app, p, _ in
        try app.listWebhooks(p)
    }

    // MARK: More of the organizer's and merchant's work
    public static let cancelActivity = Endpoint<Ref.Cancel, App.ActivityView>(
        .post, "/v1/activities/{activity}/cancellation", "cancelActivity", "Cancel an activity that has no records yet",
        sample: .init(activity: "A0001", reason: "rain")
    ) { app, p, input in try app.cancelActivity(p, .init(id: input.activity, reason: input.reason)) }
    public static let closeActivity = Endpoint<Ref.Activity, App.ActivityView>(
        .post, "/v1/activities/{activity}/closure", "closeActivity", "Close an activity: no more check-ins",
        sample: .init(activity: "A0001")
    ) { app, p, input in try app.closeActivity(p, input.activity) }
    public static let rotateCheckinCode = Endpoint<Ref.Activity, App.ActivityView>(
        .post, "/v1/activities/{activity}/code-rotation", "rotateCheckinCode",
        "Give an activity a new check-in code (an organizer of its team); the old one stops working",
        sample: .init(activity: "A0001")
    ) { app, p, input in try app.rotateCheckinCode(p, input.activity) }
    public static let recordHistory = Endpoint<Ref.Record, [RecordVersion]>(
        .get, "/v1/records/{record}/history", "recordHistory", "Every version of a service record",
        sample: .init(record: "H0000001")
    ) { app, p, input in try app.recordHistory(p, input.record) }
    public static let volunteerRecords = Endpoint<Ref.Volunteer, [RecordView]>(
        .get, "/v1/volunteers/{volunteer}/records", "volunteerRecords", "A volunteer's service records",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.volunteerRecords(p, input.volunteer) }
    public static let importHours = Endpoint<Ref.Sheet, App.ImportOutcome>(
        .post, "/v1/records/imports", "importHours",
        "Import an hour sheet: every row checked, all or none (or skip the bad)",
        sample: .init(
            sheet: Data("volunteer,minutes\nV0001,60\n".utf8), activity: "A0001", encoding: "utf-8", skipBad: false)
    ) { app, p, input in
        let encoding = try input.encoding.map(HourSheet.Encoding.parse)
        return try app.importHours(
            p, .init(data: input.sheet, activity: input.activity, encoding: encoding, skipBad: input.skipBad))
    }
    public static let issueCertificate = Endpoint<Ref.CertificateRequest, App.IssuedCertificate>(
        .post, "/v1/certificates", "issueCertificate",
        "Issue a service certificate; the document comes back in the answer",
        sample: .init(volunteer: "V0001", from: "2026-11-01", to: "2026-11-30", format: "md")
    ) { app, p, input in
        try app.issueCertificate(
            p, .init(volunteer: input.volunteer, from: input.from, to: input.to, format: input.format))
    }
    public static let verifyCertificate = Endpoint<Ref.Certificate, App.CertificateCheck>(
        .get, "/v1/certificates/{code}", "verifyCertificate", "Check a certificate's code",
        sample: .init(code: "3F2A-91BC-0D47")
    ) { app, p, input in try app.verifyCertificate(p, input.code) }
    public static let addOffer = Endpoint<App.OfferInput, Offer>(
        .post, "/v1/offers", "addOffer", "Offer something for points (the merchant or an admin)",
        sample: .init(
            merchant: "M001", title: "Haircut", points: 30, stock: 20, validFrom: "2026-11-01", validTo: "2026-12-31")
    ) { app, p, input in
        try app.addOffer(p, input)
    }
    public static let retireOffer = Endpoint<Ref.Offer, Offer>(
        .post, "/v1/offers/{offer}/retirement", "retireOffer", "Stop offering it",
        sample: .init(offer: "O001")
    ) { app, p, input in try app.retireOffer(p, input.offer) }
    public static let reverse = Endpoint<App.ReverseInput, App.PostedResult>(
        .post, "/v1/transfers/{transfer}/reversal", "reverse", "Reverse a transfer by a linked reversal (admin)",
        types: ["transfer": .integer], sample: .init(transfer: 1, reason: "entered twice")
    ) { app, p, input in try app.reverse(p, input) }
    public static let settle = Endpoint<App.SettleInput, App.SettleOutcome>(
        .post, "/v1/merchants/{merchant}/settlements", "settle", "Settle a merchant's takings through a day (admin)",
        sample: .init(merchant: "M001", through: "2026-11-30")
    ) { app, p, input in try app.settle(p, input) }
    public static let expire = Endpoint<Ref.Expiry, App.ExpireOutcome>(
        .post, "/v1/expiries", "expire", "Expire points past their date (admin)",
        sample: .init(asOf: "2026-12-01")
    ) { app, p, input in try app.expire(p, asOf: input.asOf) }

    // MARK: The registry
    public static let volunteers = Endpoint<App.VolunteersQuery, [Volunteer]>(
        .get, "/v1/volunteers", "volunteers", "Volunteers, phone and ID masked",
        sample: .init(community: "C01", team: "T01")
    ) { app, p, q in try app.volunteers(p, q) }
    public static let volunteer = Endpoint<Ref.Volunteer, App.VolunteerStanding>(
        .get, "/v1/volunteers/{volunteer}", "volunteer", "One volunteer with their points and hours",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.volunteer(p, input.volunteer) }
    public static let addVolunteer = Endpoint<App.VolunteerInput, Volunteer>(
        .post, "/v1/volunteers", "addVolunteer", "Register a volunteer (an admin or organizer)",
        sample: .init(
            name: "Zhang", phone: "13800001234", gender: "female", birthDate: "1950-03-01", idNumber: nil,
            area: "Block 3",
            skills: "", categories: "", team: "T01", community: "C01", consent: true, allowDuplicate: false)
    ) { app, p, input in
        try app.addVolunteer(p, input)
    }
    public static let merchants = Endpoint<Ref.Nothing, [Merchant]>(
        .get, "/v1/merchants", "merchants", "Partner merchants", sample: .init()
    ) { app, p, _ in try app.merchants(p) }
    public static let merchant = Endpoint<Ref.Merchant, App.MerchantStanding>(
        .get, "/v1/merchants/{merchant}", "merchant", "A merchant with its takings and what settlement will pay",
        sample: .init(merchant: "M001")
    ) { app, p, input in try app.merchant(p, input.merchant) }
    public static let addMerchant = Endpoint<App.MerchantInput, Merchant>(
        .post, "/v1/merchants", "addMerchant", "Register a partner merchant (admin)",
        sample: .init(
            name: "Old Street Barber", contact: "Wang", phone: "13900001111", address: "Old Street 5", community: "C01")
    ) { app, p, input in
        try app.addMerchant(p, input)
    }
    public static let addTeam = Endpoint<App.TeamInput, Team>(
        .post, "/v1/teams", "addTeam", "Add a volunteer team (admin)",
        sample: .init(name: "Patrol", leader: "Wang", community: "C01", organizer: "Wang")
    ) { app, p, input in try app.addTeam(p, input) }
    public static let addOrganizer = Endpoint<App.OrganizerInput, App.OrganizerResult>(
        .post, "/v1/teams/{team}/organizers", "addOrganizer", "Let someone organize a team (admin)",
        sample: .init(team: "T01", organizer: "Wang")
    ) { app, p, input in try app.addOrganizer(p, input) }
    public static let teams = Endpoint<Ref.Nothing, [Team]>(
        .get, "/v1/teams", "teams", "Volunteer teams", sample: .init()
    ) { app, p, _ in try app.teams(p) }
    public static let settings = Endpoint<Ref.Nothing, [SettingView]>(
        .get, "/v1/settings", "settings", "The rules' settings", sample: .init()
    ) { app, p, _ in try app.settings(p) }
    public static let setSetting = Endpoint<App.SettingInput, SettingChange>(
        .post, "/v1/settings", "setSetting", "Change a setting (admin), kept in its history",
        sample: .init(key: "points_per_hour", value: "10")
    ) { app, p, input in try app.setSetting(p, input) }
    public static let settingChanges = Endpoint<Ref.Nothing, [SettingChange]>(
        .get, "/v1/settings/history", "settingChanges", "Every change of a setting", sample: .init()
    ) { app, p, _ in try app.settingChanges(p) }

    // MARK: Webhooks (admins)
    public static let addWebhook = Endpoint<App.AddWebhookInput, App.WebhookWithSecret>(
        .post, "/v1/webhooks", "addWebhook", "Subscribe a receiver or a group robot to events",
        sample: .init(
            url: "https://example.org/hook", events: "points.*", format: .standard, secret: nil, rate: "20/min",
            allowPrivate: false)
    ) { app, p, input in
        try app.addWebhook(p, input)
    }
    public static let removeWebhook = Endpoint<Ref.Webhook, App.WebhookInfo>(
        .post, "/v1/webhooks/{webhook}/removal", "removeWebhook", "Remove a subscription with its queue",
        types: ["webhook": .integer], sample: .init(webhook: 1)
    ) { app, p, input in try app.removeWebhook(p, input.webhook) }
    public static let pauseWebhook = Endpoint<Ref.Webhook, App.WebhookInfo>(
        .post, "/v1/webhooks/{webhook}/pause", "pauseWebhook", "Pause deliveries (events still queue)",
        types: ["webhook": .integer], sample: .init(webhook: 1)
    ) { app, p, input in try app.pauseWebhook(p, input.webhook) }
    public static let resumeWebhook = Endpoint<Ref.Webhook, App.WebhookInfo>(
        .post, "/v1/webhooks/{webhook}/resumption", "resumeWebhook", "Resume deliveries",
        types: ["webhook": .integer], sample: .init(webhook: 1)
    ) { app, p, input in try app.resumeWebhook(p, input.webhook) }
    public static let rotateWebhookSecret = Endpoint<Ref.Rotate, App.WebhookWithSecret>(
        .post, "/v1/webhooks/{webhook}/secret", "rotateWebhookSecret",
        "A new signing secret; the old one signs too for a while",
        types: ["webhook": .integer], sample: .init(webhook: 1, secret: "whsec_example", overlapHours: 24)
    ) { app, p, input in
        try app.rotateWebhookSecret(p, .init(id: input.webhook, secret: input.secret, overlapHours: input.overlapHours))
    }
    public static let webhookDeliveries = Endpoint<App.DeliveryQuery, [DeliveryView]>(
        .get, "/v1/webhooks/deliveries", "webhookDeliveries", "Deliveries, newest first",
        types: ["endpoint": .integer, "dead_only": .boolean, "limit": .integer],
        sample: .init(endpoint: 1, deadOnly: false, limit: 50)
    ) { app, p, q in
        try app.webhookDeliveries(p, q)
    }
    public static let replayWebhooks = Endpoint<Ref.Replay, App.Requeued>(
        .post, "/v1/webhooks/replays", "replayWebhooks", "Queue an event again, or every dead delivery",
        sample: .init(event: 1, endpoint: 1)
    ) { app, p, input in
        try app.replayWebhooks(p, input.event.map { .event($0) } ?? .dead(endpoint: input.endpoint))
    }

    // MARK: Residents and service requests
    public static let addResident = Endpoint<App.ResidentInput, Resident>(
        .post, "/v1/residents", "addResident", "Register a resident who may ask for help (an admin or organizer)",
        types: ["allow_duplicate": .boolean],
        sample: .init(
            name: "王秀英", phone: "13800000001", address: "幸福里3号楼2单元501", area: "幸福里3号楼", consent: false,
            allowDuplicate: false)
    ) { app, p, input in
        try app.addResident(p, input)
    }
    public static let residents = Endpoint<App.ResidentsQuery, [Resident]>(
        .get, "/v1/residents", "residents", "Residents, phone, ID and address masked", sample: .init(community: "C01")
    ) { app, p, q in
        try app.residents(p, q)
    }
    public static let resident = Endpoint<App.ResidentRef, Resident>(
        .get, "/v1/residents/{resident}", "resident", "One resident, masked", residents: true,
        sample: .init(resident: "R001")
    ) { app, p, input in
        try app.resident(p, input)
    }
    public static let requests = Endpoint<App.RequestListInput, [RequestView]>(
        .get, "/v1/requests", "requests", "Service requests the caller may see, nearest deadline first",
        residents: true,
        sample: .init(state: "pooled", team: "T01")
    ) { app, p, q in try app.requestList(p, q) }
    public static let postRequest = Endpoint<App.RequestPostInput, ServiceRequest>(
        .post, "/v1/requests", "postRequest", "A resident asks for help (点单), or the desk for them", residents: true,
        sample: .init(
            resident: "R001", content: "换水龙头", category: "repair", wanted: "2030-12-10 09:00",
            deadline: "2030-12-12 18:00", points: 0)
    ) { app, p, input in
        try app.postRequest(p, input)
    }
    public static let request = Endpoint<App.RequestRef, RequestView>(
        .get, "/v1/requests/{request}", "request", "One service request with its history", residents: true,
        sample: .init(request: "Q0001")
    ) { app, p, input in
        try app.requestShow(p, input)
    }
    public static let acceptRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/acceptance", "acceptRequest", "The desk accepts a request",
        sample: .init(request: "Q0001")
    ) { app, p, input in
        try app.acceptRequest(p, input)
    }
    public static let rejectRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/rejection", "rejectRequest", "The desk turns a request down, with a reason",
        sample: .init(request: "Q0001", reason: "不在服务范围")
    ) { app, p, input in try app.rejectRequest(p, input) }
    public static let dispatchRequest = Endpoint<App.RequestDispatchInput, ServiceRequest>(
        .post, "/v1/requests/{request}/dispatch", "dispatchRequest",
        "Send a request to a team or volunteer (派单), or to a team's pool",
        sample: .init(request: "Q0001", team: "T01", volunteer: nil, pool: true)
    ) { app, p, input in try app.dispatchRequest(p, input) }
    public static let claimRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/claim", "claimRequest", "A volunteer takes a request (接单)",
        sample: .init(request: "Q0001")
    ) { app, p, input in
        try app.claimRequest(p, input)
    }
    public static let returnRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/return", "returnRequest",
        "The volunteer gives a request back (退单), with a reason",
        sample: .init(request: "Q0002", reason: "临时有事")
    ) { app, p, input in try app.returnRequest(p, input) }
    public static let startRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/start", "startRequest", "The volunteer starts serving",
        sample: .init(request: "Q0003")
    ) { app, p, input in
        try app.startRequest(p, input)
    }
    public static let finishRequest = Endpoint<App.RequestFinishInput, ServiceRequest>(
        .post, "/v1/requests/{request}/finish", "finishRequest", "The volunteer finishes, with the minutes served",
        sample: .init(request: "Q0003", minutes: 60)
    ) { app, p, input in try app.finishRequest(p, input) }
    public static let confirmRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/confirmation", "confirmRequest",
        "The resident confirms: the service earns its points", residents: true,
        sample: .init(request: "Q0003")
    ) { app, p, input in try app.confirmRequest(p, input) }
    public static let rateRequest = Endpoint<App.RequestRateInput, ServiceRequest>(
        .post, "/v1/requests/{request}/rating", "rateRequest", "The resident rates a confirmed request 1-5",
        residents: true,
        sample: .init(request: "Q0003", stars: 5, comment: "很好")
    ) { app, p, input in try app.rateRequest(p, input) }
    public static let reopenRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/reopening", "reopenRequest",
        "The resident reopens a confirmed request within the window (重办)", residents: true,
        sample: .init(request: "Q0003", reason: "还在漏水")
    ) { app, p, input in try app.reopenRequest(p, input) }
    public static let cancelRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/cancellation", "cancelRequest",
        "The resident withdraws a request nobody has taken", residents: true,
        sample: .init(request: "Q0004", reason: "家人已修好")
    ) { app, p, input in try app.cancelRequest(p, input) }
    public static let requestForm = Endpoint<Ref.Nothing, App.RequestFormView>(
        .get, "/v1/request-form", "requestForm",
        "What a resident's own request form offers: her address, categories, times",
        residents: true, sample: .init()
    ) { app, p, _ in try app.requestForm(p) }
    public static let sweepRequests = Endpoint<Ref.Nothing, Requests.SweepResult>(
        .post, "/v1/request-sweeps", "sweepRequests",
        "Auto-confirm, expire and flag overdue requests by the clock (admin)",
        sample: .init()
    ) { app, p, _ in try app.sweepRequests(p) }

    // MARK: Printed paper and the organizer's desk (issue 22, items 8 and 10)
    public static let teamDesk = Endpoint<Ref.Nothing, TeamDesk>(
        .get, "/v1/desk", "teamDesk",
        "An organizer's teams' activities with counts and the hours waiting (an admin: every team)",
        sample: .init()
    ) { app, p, _ in try app.teamDesk(p) }
    public static let latestCertificate = Endpoint<Ref.Volunteer, App.LatestCertificate>(
        .get, "/v1/volunteers/{volunteer}/certificate", "latestCertificate",
        "A volunteer's latest certificate, without issuing one",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.latestCertificate(p, volunteer: input.volunteer) }

    /// Every endpoint, as the server routes them.
    public static let all: [AnyEndpoint] =
        [
            AnyEndpoint(enrol), AnyEndpoint(whoami), AnyEndpoint(issueCredential), AnyEndpoint(credentials),
            AnyEndpoint(revokeCredential),
            AnyEndpoint(balance), AnyEndpoint(statement), AnyEndpoint(grant), AnyEndpoint(transfer),
            AnyEndpoint(issueCode),
            AnyEndpoint(offers), AnyEndpoint(redeem), AnyEndpoint(pickup), AnyEndpoint(release), AnyEndpoint(refund),
            AnyEndpoint(activities), AnyEndpoint(activity), AnyEndpoint(postActivity), AnyEndpoint(join),
            AnyEndpoint(leave),
            AnyEndpoint(checkin), AnyEndpoint(checkout),
            AnyEndpoint(records), AnyEndpoint(addHours), AnyEndpoint(approve), AnyEndpoint(reject),
            AnyEndpoint(dispute), AnyEndpoint(correct),
            AnyEndpoint(report), AnyEndpoint(verify), AnyEndpoint(webhooks),
            AnyEndpoint(cancelActivity), AnyEndpoint(closeActivity), AnyEndpoint(recordHistory),
            AnyEndpoint(volunteerRecords),
            AnyEndpoint(importHours), AnyEndpoint(issueCertificate), AnyEndpoint(verifyCertificate),
            AnyEndpoint(addOffer), AnyEndpoint(retireOffer),
            AnyEndpoint(reverse), AnyEndpoint(settle), AnyEndpoint(expire),
            AnyEndpoint(volunteers), AnyEndpoint(volunteer), AnyEndpoint(addVolunteer), AnyEndpoint(merchants),
            AnyEndpoint(merchant),
            AnyEndpoint(addMerchant), AnyEndpoint(addTeam), AnyEndpoint(addOrganizer),
            AnyEndpoint(teams), AnyEndpoint(settings), AnyEndpoint(setSetting), AnyEndpoint(settingChanges),
            AnyEndpoint(addWebhook), AnyEndpoint(removeWebhook), AnyEndpoint(pauseWebhook), AnyEndpoint(resumeWebhook),
            AnyEndpoint(rotateWebhookSecret), AnyEndpoint(webhookDeliveries), AnyEndpoint(replayWebhooks),
            AnyEndpoint(addResident), AnyEndpoint(residents), AnyEndpoint(resident),
            AnyEndpoint(requests), AnyEndpoint(postRequest), AnyEndpoint(request), AnyEndpoint(acceptRequest),
            AnyEndpoint(rejectRequest),
            AnyEndpoint(dispatchRequest), AnyEndpoint(claimRequest), AnyEndpoint(returnRequest),
            AnyEndpoint(startRequest),
            AnyEndpoint(finishRequest), AnyEndpoint(confirmRequest), AnyEndpoint(rateRequest),
            AnyEndpoint(reopenRequest),
            AnyEndpoint(cancelRequest), AnyEndpoint(sweepRequests), AnyEndpoint(requestForm),
            AnyEndpoint(rotateCheckinCode),
            AnyEndpoint(confirmCredential),
            AnyEndpoint(teamDesk), AnyEndpoint(latestCertificate),
            AnyEndpoint(codeState), AnyEndpoint(onDuty),
        ] + wishEndpoints + counterEndpoints
}
