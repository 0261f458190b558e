public import Foundation

/// Records as the national rules show them, their history, activities with their participants,
/// and the certificates issued over approved records.
extension Service {
    /// Records with their activity's and team's fields, by service day then id.
    public func records(
        activity: String? = nil, volunteer: String? = nil, pendingOnly: Bool = false,
        from: String? = nil, to: String? = nil
    ) throws -> [RecordView] {
        try store.read {
            try $0.recordViews(activity: activity, volunteer: volunteer, pendingOnly: pendingOnly, from: from, to: to)
        }
    }

    /// Issues a certificate over a volunteer's approved records in a period and stores it, so its
    /// code can be verified later. Certificates are numbered per day of issue.
    public func issueCertificate(
        volunteer id: String, fromDay: String, toDay: String, actor: String,
        nowMillis: Int64, zone: TimeZone
    ) throws -> (Certificate, [RecordView]) {
        _ = try Registry(store: store).volunteer(id)
        return try store.write { tx in
            let views = try tx.recordViews(activity: nil, volunteer: id, pendingOnly: false, from: fromDay, to: toDay)
                .filter { $0.record.status == .approved }
            let day = DayFormat.string(Date(millis: nowMillis), in: zone)
            // Two certificates issued at once on PostgreSQL take the same number and collide on the
            // primary key; the loser's transaction is rerun and numbers the next one.
            let count = try tx.certificateCount(numberPrefix: Certificate.numberPrefix(issuedOn: day))
            let certificate = Certificate.issued(
                number: Certificate.number(issuedOn: day, issuedBefore: count), volunteer: id,
                fromDay: fromDay, toDay: toDay, records: views.map(\.record), actor: actor, atMillis: nowMillis)
            try tx.insert(certificate: certificate)
            return (certificate, views)
        }
    }

    /// Looks a certificate up by its code and checks it against today's ledger.
    /// - Returns: the certificate and whether its records are still exactly as certified.
    public func verifyCertificate(code: String) throws -> (Certificate, stillMatches: Bool) {
        try store.read { tx in
            guard let certificate = try tx.certificate(code: Certificate.normalized(code: code)) else {
                throw Certificate.unknown(code: code)
            }
            let current = try tx.recordViews(
                activity: nil, volunteer: certificate.volunteer, pendingOnly: false,
                from: certificate.fromDay, to: certificate.toDay)
            return (certificate, Certificate.digest(current.map(\.record)) == certificate.digest)
        }
    }

    public func activity(_ id: String) throws -> (Activity, [Participation]) {
        try store.read { tx in
            guard let activity = try tx.activity(id) else {
                throw JifenError.unknown(Bilingual(zh: "活动", en: "activity"), id)
            }
            return (activity, try tx.participants(activity: id))
        }
    }

    /// Every version of a record, as `RecordVersion.history` lays them out.
    public func recordHistory(_ id: String) throws -> [RecordVersion] {
        try store.read { tx in
            guard let record = try tx.record(id) else {
                throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), id)
            }
            return RecordVersion.history(of: record, stored: try tx.recordVersions(record: id))
        }
    }
}
