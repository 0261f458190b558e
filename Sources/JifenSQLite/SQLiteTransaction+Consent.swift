import Foundation
import GRDB
import JifenCore

/// Consent records, and the ID numbers' digests and key fingerprint, as SQL. What they mean is in
/// the core's `ConsentRecord`, `Registry.recordConsent` and `IDNumberKey`.
extension SQLiteTransaction {
    func consents(person: String) throws -> [ConsentRecord] {
        try Row.fetchAll(
            db, sql: "SELECT person, kind, version, granted, at, recorded_by FROM consent WHERE person = ? ORDER BY id",
            arguments: [person]
        ).map {
            ConsentRecord(
                person: $0["person"], kind: ConsentKind(rawValue: $0["kind"]) ?? .keep, version: $0["version"],
                granted: $0["granted"], atMillis: $0["at"], recordedBy: $0["recorded_by"])
        }
    }

    func idKeyFingerprint() throws -> String? {
        try String.fetchOne(db, sql: "SELECT fingerprint FROM id_key ORDER BY created_at LIMIT 1")
    }

    func people(idDigest: String) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT id FROM volunteer WHERE id_number_digest = ?
                UNION ALL SELECT id FROM resident WHERE id_number_digest = ? ORDER BY 1
                """, arguments: [idDigest, idDigest])
    }

    func insert(consent c: ConsentRecord) throws {
        try db.execute(
            sql: "INSERT INTO consent (person, kind, version, granted, at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [c.person, c.kind.rawValue, c.version, c.granted, c.atMillis, c.recordedBy])
    }

    func setPublication(person: String, table: RegistryTable, granted: Bool) throws {
        let name = table == .resident ? "resident" : "volunteer"
        try db.execute(sql: "UPDATE \(name) SET consent = ? WHERE id = ?", arguments: [granted, person])
    }

    func recordIDKey(fingerprint: String, nowMillis: Int64) throws {
        try db.execute(
            sql: "INSERT INTO id_key (fingerprint, created_at) VALUES (?, ?)", arguments: [fingerprint, nowMillis])
    }

    func setIDNumber(sealed: String, digest: String, person: String, table: RegistryTable) throws {
        let name = table == .resident ? "resident" : "volunteer"
        try db.execute(
            sql: "UPDATE \(name) SET id_number = ?, id_number_digest = ? WHERE id = ?",
            arguments: [sealed, digest, person])
    }

    func plainIDNumbers() throws -> [(table: RegistryTable, person: String, idNumber: String)] {
        let sql = """
            SELECT 'volunteer', id, id_number FROM volunteer
            WHERE id_number IS NOT NULL AND id_number <> '' AND id_number NOT LIKE '\(IDNumberKey.sealedPrefix)%'
            UNION ALL SELECT 'resident', id, id_number FROM resident
            WHERE id_number IS NOT NULL AND id_number <> '' AND id_number NOT LIKE '\(IDNumberKey.sealedPrefix)%'
            ORDER BY 1 DESC, 2
            """
        return try Row.fetchAll(db, sql: sql).map {
            (table: ($0[0] as String) == "resident" ? .resident : .volunteer, person: $0[1], idNumber: $0[2])
        }
    }
}
