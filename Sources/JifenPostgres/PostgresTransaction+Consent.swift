import Foundation
import JifenCore
import PostgresNIO

/// Consent records, and the ID numbers' digests and key fingerprint, as SQL. What they mean is in
/// the core's `ConsentRecord`, `Registry.recordConsent` and `IDNumberKey`.
extension PostgresTransaction {
    func consents(person: String) throws -> [ConsentRecord] {
        try session.rows(
            "SELECT person, kind, version, granted, at, recorded_by FROM consent WHERE person = $1 ORDER BY id",
            [person]
        ).map {
            let (person, kind, version, granted, at, by) = try $0.decode(
                (String, String, String, Int64, Int64, String).self)
            return ConsentRecord(
                person: person, kind: ConsentKind(rawValue: kind) ?? .keep, version: version, granted: granted != 0,
                atMillis: at, recordedBy: by)
        }
    }

    func idKeyFingerprint() throws -> String? {
        try session.scalar(String.self, "SELECT fingerprint FROM id_key ORDER BY created_at LIMIT 1")
    }

    func people(idDigest: String) throws -> [String] {
        try session.rows(
            """
            SELECT id FROM volunteer WHERE id_number_digest = $1
            UNION ALL SELECT id FROM resident WHERE id_number_digest = $1 ORDER BY 1
            """, [idDigest]
        ).map { try $0.decode(String.self) }
    }

    func insert(consent c: ConsentRecord) throws {
        _ = try session.execute(
            "INSERT INTO consent (person, kind, version, granted, at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)",
            [c.person, c.kind.rawValue, c.version, c.granted ? Int64(1) : Int64(0), c.atMillis, c.recordedBy])
    }

    func setPublication(person: String, table: RegistryTable, granted: Bool) throws {
        let name = table == .resident ? "resident" : "volunteer"
        _ = try session.execute(
            "UPDATE \(name) SET consent = $1 WHERE id = $2", [granted ? Int64(1) : Int64(0), person])
    }

    func recordIDKey(fingerprint: String, nowMillis: Int64) throws {
        _ = try session.execute(
            "INSERT INTO id_key (fingerprint, created_at) VALUES ($1, $2)", [fingerprint, nowMillis])
    }

    func setIDNumber(sealed: String, digest: String, person: String, table: RegistryTable) throws {
        let name = table == .resident ? "resident" : "volunteer"
        _ = try session.execute(
            "UPDATE \(name) SET id_number = $1, id_number_digest = $2 WHERE id = $3", [sealed, digest, person])
    }

    func plainIDNumbers() throws -> [(table: RegistryTable, person: String, idNumber: String)] {
        let sql = """
            SELECT 'volunteer', id, id_number FROM volunteer
            WHERE id_number IS NOT NULL AND id_number <> '' AND id_number NOT LIKE '\(IDNumberKey.sealedPrefix)%'
            UNION ALL SELECT 'resident', id, id_number FROM resident
            WHERE id_number IS NOT NULL AND id_number <> '' AND id_number NOT LIKE '\(IDNumberKey.sealedPrefix)%'
            ORDER BY 1 DESC, 2
            """
        return try session.rows(sql).map {
            let (table, person, idNumber) = try $0.decode((String, String, String).self)
            return (table: table == "resident" ? .resident : .volunteer, person: person, idNumber: idNumber)
        }
    }
}
