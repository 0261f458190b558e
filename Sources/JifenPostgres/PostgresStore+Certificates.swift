import Foundation
import JifenCore
import PostgresNIO

/// Service certificates on PostgreSQL: numbered, digested and coded by `Certificate` in the core.
extension PostgresStore {
    public func issueCertificate(volunteer id: String, fromDay: String, toDay: String, actor: String,
                                 nowMillis: Int64, zone: TimeZone) throws -> (Certificate, [RecordView]) {
        _ = try volunteer(id)
        return try transaction(readOnly: false) { session in
            let views = try Self.recordViews(session, activity: nil, volunteer: id, pendingOnly: false, from: fromDay, to: toDay)
                .filter { $0.record.status == .approved }
            let day = DayFormat.string(Date(millis: nowMillis), in: zone)
            // Two certificates issued at once take the same number and collide on the primary key;
            // the loser's transaction is rerun and numbers the next one.
            let count = try session.scalar(Int64.self, "SELECT COUNT(*)::BIGINT FROM certificate WHERE number LIKE $1",
                                           [Certificate.numberPrefix(issuedOn: day) + "%"]) ?? 0
            let certificate = Certificate.issued(number: Certificate.number(issuedOn: day, issuedBefore: Int(count)), volunteer: id,
                                                 fromDay: fromDay, toDay: toDay, records: views.map(\.record), actor: actor, atMillis: nowMillis)
            try session.execute("""
                INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, [certificate.number, id, fromDay, toDay, certificate.minutes, certificate.records, certificate.digest,
                      certificate.code, nowMillis, actor])
            return (certificate, views)
        }
    }

    public func verifyCertificate(code: String) throws -> (Certificate, stillMatches: Bool) {
        try transaction(readOnly: true) { session in
            guard let row = try session.rows("""
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = $1
                """, [Certificate.normalized(code: code)]).first else { throw Certificate.unknown(code: code) }
            let (number, volunteer, from, to, minutes, records, digest, stored, at, by) =
                try row.decode((String, String, String, String, Int64, Int64, String, String, Int64, String).self)
            let certificate = Certificate(number: number, volunteer: volunteer, fromDay: from, toDay: to, minutes: minutes,
                                          records: Int(records), digest: digest, code: stored, issuedAtMillis: at, issuedBy: by)
            let current = try Self.recordViews(session, activity: nil, volunteer: volunteer, pendingOnly: false, from: from, to: to)
            return (certificate, Certificate.digest(current.map(\.record)) == certificate.digest)
        }
    }
}
