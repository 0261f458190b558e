import Foundation
import GRDB
import JifenCore

/// Credential rows and the stored first answers of idempotent writes, as SQL; what makes a
/// credential valid is in the core (`Store+Credentials.swift`).
extension SQLiteTransaction {
    static let credentialColumns = """
        id, kind, person, role, label, issued_by, created_at, expires_at, revoked_at, used_at, enrolled_from, secret_hash, confirmed_at
        """

    static func credential(_ row: Row) -> Credential {
        Credential(
            id: row[0], kind: Credential.Kind(rawValue: row[1]) ?? .device, person: row[2],
            role: CredentialRole(rawValue: row[3]) ?? .volunteer, label: row[4], issuedBy: row[5],
            createdAtMillis: row[6], expiresAtMillis: row[7], revokedAtMillis: row[8], usedAtMillis: row[9],
            enrolledFrom: row[10], secretHash: row[11], confirmedAtMillis: row[12])
    }

    func credential(hash: String) throws -> Credential? {
        try Row.fetchOne(
            db, sql: "SELECT \(Self.credentialColumns) FROM credential WHERE secret_hash = ?", arguments: [hash]
        ).map(Self.credential)
    }

    func credential(id: String) throws -> Credential? {
        try Row.fetchOne(db, sql: "SELECT \(Self.credentialColumns) FROM credential WHERE id = ?", arguments: [id]).map(
            Self.credential)
    }

    func credentials(person: String?) throws -> [Credential] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Self.credentialColumns) FROM credential WHERE (?1 IS NULL OR person = ?1) ORDER BY created_at DESC, id
                """, arguments: [person]
        ).map(Self.credential)
    }

    func storedReply(actor: String, operation: String, key: String) throws -> StoredReply? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT fingerprint, answer, created_at FROM idempotent_reply WHERE actor = ? AND operation = ? AND key = ?
                """, arguments: [actor, operation, key]
        ).map {
            StoredReply(
                actor: actor, operation: operation, key: key, fingerprint: $0[0], answer: $0[1], createdAtMillis: $0[2])
        }
    }

    func insert(credential c: Credential) throws {
        try db.execute(
            sql: "INSERT INTO credential (\(Self.credentialColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                c.id, c.kind.rawValue, c.person, c.role.rawValue, c.label, c.issuedBy, c.createdAtMillis,
                c.expiresAtMillis, c.revokedAtMillis, c.usedAtMillis, c.enrolledFrom, c.secretHash, c.confirmedAtMillis,
            ])
    }

    func markCredentialUsed(id: String, atMillis: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE credential SET used_at = ? WHERE id = ? AND used_at IS NULL", arguments: [atMillis, id])
        return db.changesCount == 1
    }

    func revokeCredential(id: String, atMillis: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE credential SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [atMillis, id])
        return db.changesCount == 1
    }

    func confirmCredential(id: String, atMillis: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE credential SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
            arguments: [atMillis, id])
        return db.changesCount == 1
    }

    func insert(reply r: StoredReply) throws {
        try db.execute(
            sql: """
                INSERT INTO idempotent_reply (actor, operation, key, fingerprint, answer, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [r.actor, r.operation, r.key, r.fingerprint, r.answer, r.createdAtMillis])
    }
}
