import Foundation
import GRDB
import JifenCore

extension SQLiteStore {
    /// Issues a certificate over a volunteer's approved records in a period and stores it, so its
    /// code can be verified later.
    public func issueCertificate(volunteer id: String, fromDay: String, toDay: String, actor: String,
                                 nowMillis: Int64, zone: TimeZone) throws -> (Certificate, [RecordView]) {
        let views = try records(volunteer: id, from: fromDay, to: toDay).filter { $0.record.status == .approved }
        _ = try volunteer(id)
        return try writeTransaction { db in
            let day = DayFormat.string(Date(millis: nowMillis), in: zone)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificate WHERE number LIKE ?",
                                         arguments: [Certificate.numberPrefix(issuedOn: day) + "%"]) ?? 0
            let number = Certificate.number(issuedOn: day, issuedBefore: count)
            let certificate = Certificate.issued(number: number, volunteer: id, fromDay: fromDay, toDay: toDay, records: views.map(\.record),
                                                 actor: actor, atMillis: nowMillis)
            try db.execute(sql: """
                INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [number, id, fromDay, toDay, certificate.minutes, certificate.records, certificate.digest, certificate.code,
                                 nowMillis, actor])
            return (certificate, views)
        }
    }

    /// Looks a certificate up by its code and checks it against today's ledger.
    /// - Returns: the certificate and whether its records are still exactly as certified.
    public func verifyCertificate(code: String) throws -> (Certificate, stillMatches: Bool) {
        let dashed = Certificate.normalized(code: code)
        guard let row = try readTransaction({ db in
            try Row.fetchOne(db, sql: """
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = ?
                """, arguments: [dashed])
        }) else {
            throw Certificate.unknown(code: code)
        }
        let certificate = Certificate(number: row[0], volunteer: row[1], fromDay: row[2], toDay: row[3], minutes: row[4], records: row[5],
                                      digest: row[6], code: row[7], issuedAtMillis: row[8], issuedBy: row[9])
        let current = try records(volunteer: certificate.volunteer, from: certificate.fromDay, to: certificate.toDay).map(\.record)
        return (certificate, Certificate.digest(current) == certificate.digest)
    }
}
