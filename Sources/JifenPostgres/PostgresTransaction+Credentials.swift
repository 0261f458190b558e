import Foundation
import JifenCore
import PostgresNIO

/// Credential rows and the stored first answers of idempotent writes, as SQL; what makes a
/// credential valid is in the core (`Store+Credentials.swift`).
extension PostgresTransaction {
    static let credentialColumns = """
        id, kind, person, role, label, issued_by, created_at, expires_at, revoked_at, used_at, enrolled_from, secret_hash, confirmed_at
        """

    static func credential(_ row: PostgresRow) throws -> Credential {
        let (id, kind, person, role, label, issuedBy, created, expires, revoked, used, from, hash, confirmed) =
            try row.decode(
                (String, String, String, String, String, String, Int64, Int64, Int64?, Int64?, String?, String, Int64?)
                    .self)
        return Credential(
            id: id, kind: Credential.Kind(rawValue: kind) ?? .device, person: person,
            role: CredentialRole(rawValue: role) ?? .volunteer, label: label, issuedBy: issuedBy,
            createdAtMillis: created, expiresAtMillis: expires, revokedAtMillis: revoked, usedAtMillis: used,
            enrolledFrom: from, secretHash: hash, confirmedAtMillis: confirmed)
    }

    func credential(hash: String) throws -> Credential? {
        try session.rows("SELECT \(Self.credentialColumns) FROM credential WHERE secret_hash = $1", [hash]).first.map(
            Self.credential)
    }

    func credential(id: String) throws -> Credential? {
        try session.rows("SELECT \(Self.credentialColumns) FROM credential WHERE id = $1", [id]).first.map(
            Self.credential)
    }

    func credentials(person: String?) throws -> [Credential] {
        try session.rows(
            """
            SELECT \(Self.credentialColumns) FROM credential WHERE ($1::TEXT IS NULL OR person = $1) ORDER BY created_at DESC, id
            """, [person]
        ).map(Self.credential)
    }

    func storedReply(actor: String, operation: String, key: String) throws -> StoredReply? {
        try session.rows(
            """
            SELECT fingerprint, answer, created_at FROM idempotent_reply WHERE actor = $1 AND operation = $2 AND key = $3
            """, [actor, operation, key]
        ).first.map { row in
            let (fingerprint, answer, created) = try row.decode((String, String, Int64).self)
            return StoredReply(
                actor: actor, operation: operation, key: key, fingerprint: fingerprint, answer: answer,
                createdAtMillis: created)
        }
    }

    func insert(credential c: Credential) throws {
        try session.execute(
            "INSERT INTO credential (\(Self.credentialColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            [
                c.id, c.kind.rawValue, c.person, c.role.rawValue, c.label, c.issuedBy, c.createdAtMillis,
                c.expiresAtMillis, c.revokedAtMillis, c.usedAtMillis, c.enrolledFrom, c.secretHash, c.confirmedAtMillis,
            ])
    }

    func markCredentialUsed(id: String, atMillis: Int64) throws -> Bool {
        try session.execute("UPDATE credential SET used_at = $1 WHERE id = $2 AND used_at IS NULL", [atMillis, id]) == 1
    }

    func revokeCredential(id: String, atMillis: Int64) throws -> Bool {
        try session.execute(
            "UPDATE credential SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [atMillis, id]) == 1
    }

    func confirmCredential(id: String, atMillis: Int64) throws -> Bool {
        try session.execute(
            "UPDATE credential SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL", [atMillis, id]) == 1
    }

    func insert(reply r: StoredReply) throws {
        _ = try session.execute(
            """
            INSERT INTO idempotent_reply (actor, operation, key, fingerprint, answer, created_at) VALUES ($1, $2, $3, $4, $5, $6)
            """, [r.actor, r.operation, r.key, r.fingerprint, r.answer, r.createdAtMillis])
    }
}
