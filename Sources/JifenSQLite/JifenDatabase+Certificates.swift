import Foundation
import GRDB
import JifenCore

extension JifenDatabase {
    /// Issues a certificate over a volunteer's approved records in a period and stores it, so its
    /// code can be verified later.
    public func issueCertificate(volunteer id: String, fromDay: String, toDay: String, actor: String,
                                 nowMillis: Int64, zone: TimeZone) throws -> (Certificate, [RecordView]) {
        let views = try records(volunteer: id, from: fromDay, to: toDay).filter { $0.record.status == .approved }
        _ = try volunteer(id)
        return try writeTransaction { db in
            let day = DayFormat.string(Date(millis: nowMillis), in: zone).replacingOccurrences(of: "-", with: "")
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM certificate WHERE number LIKE ?", arguments: ["ZM\(day)-%"]) ?? 0
            let number = "ZM\(day)-" + String(format: "%04d", count + 1)
            let digest = Certificate.digest(views.map(\.record))
            let certificate = Certificate(number: number, volunteer: id, fromDay: fromDay, toDay: toDay,
                                          minutes: views.reduce(0) { $0 + $1.record.minutes }, records: views.count, digest: digest,
                                          code: Certificate.code(number: number, volunteer: id, fromDay: fromDay, toDay: toDay, digest: digest),
                                          issuedAtMillis: nowMillis, issuedBy: actor)
            try db.execute(sql: """
                INSERT INTO certificate (number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [number, id, fromDay, toDay, certificate.minutes, certificate.records, digest, certificate.code,
                                 nowMillis, actor])
            return (certificate, views)
        }
    }

    /// Looks a certificate up by its code and checks it against today's ledger.
    /// - Returns: the certificate and whether its records are still exactly as certified.
    public func verifyCertificate(code: String) throws -> (Certificate, stillMatches: Bool) {
        let normalized = code.uppercased().filter { $0.isLetter || $0.isNumber }
        let dashed = stride(from: 0, to: normalized.count, by: 4).map { i -> String in
            let start = normalized.index(normalized.startIndex, offsetBy: i)
            return String(normalized[start..<normalized.index(start, offsetBy: min(4, normalized.count - i))])
        }.joined(separator: "-")
        guard let row = try readTransaction({ db in
            try Row.fetchOne(db, sql: """
                SELECT number, volunteer, from_day, to_day, minutes, records, digest, code, issued_at, issued_by FROM certificate WHERE code = ?
                """, arguments: [dashed])
        }) else {
            throw JifenError.refused("unknown-certificate", zh: "验证码 \(code) 不对应任何证明：该证明可能是伪造的，或验证码抄错了。",
                                     en: "No certificate has the code \(code): it may be forged, or the code mistyped.")
        }
        let certificate = Certificate(number: row[0], volunteer: row[1], fromDay: row[2], toDay: row[3], minutes: row[4], records: row[5],
                                      digest: row[6], code: row[7], issuedAtMillis: row[8], issuedBy: row[9])
        let current = try records(volunteer: certificate.volunteer, from: certificate.fromDay, to: certificate.toDay).map(\.record)
        return (certificate, Certificate.digest(current) == certificate.digest)
    }
}
