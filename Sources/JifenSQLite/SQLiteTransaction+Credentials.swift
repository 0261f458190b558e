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
            id: row["id"], kind: Credential.Kind(rawValue: row["kind"]) ?? .device, person: row["person"],
            role: CredentialRole(rawValue: row["role"]) ?? .volunteer, label: row["label"], issuedBy: row["issued_by"],
            createdAtMillis: row["created_at"], expiresAtMillis: row["expires_at"], revokedAtMillis: row["revoked_at"],
            usedAtMillis: row["used_at"], enrolledFrom: row["enrolled_from"], secretHash: row["secret_hash"],
            confirmedAtMillis: row["confirmed_at"])
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
                actor: actor, operation: operation, key: key, fingerprint: $0["fingerprint"], answer: $0["answer"],
                createdAtMillis: $0["created_at"])
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
