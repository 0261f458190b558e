import Foundation
public import JifenApp
public import JifenCore

/// Service records: hours entered or imported, approved, rejected, disputed and corrected.
extension API {
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

    /// This area's endpoints, in `API.all`.
    static let hoursEndpoints: [AnyEndpoint] = [
        AnyEndpoint(records), AnyEndpoint(addHours), AnyEndpoint(approve), AnyEndpoint(reject), AnyEndpoint(dispute),
        AnyEndpoint(correct), AnyEndpoint(recordHistory), AnyEndpoint(volunteerRecords), AnyEndpoint(importHours),
    ]
}
