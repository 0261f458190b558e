import Foundation

/// The rows of credentials (device tokens, enrolment codes) and of the stored first answers of
/// idempotent writes, read inside a transaction. What makes a credential valid is in `Credentials`.
public protocol CredentialRowReading {
    /// A credential or enrolment code by its secret's hash, nil when there is none.
    func credential(hash: String) throws -> Credential?
    func credential(id: String) throws -> Credential?
    /// Credentials (of one person, or all), newest first.
    func credentials(person: String?) throws -> [Credential]
    /// The stored first answer of a write under its idempotency key, nil when there is none.
    func storedReply(actor: String, operation: String, key: String) throws -> StoredReply?
}

/// The credentials' and stored answers' rows written inside a write transaction.
public protocol CredentialRowWriting: CredentialRowReading {
    func insert(credential: Credential) throws
    /// Marks a live enrolment code used; false when it was already used.
    func markCredentialUsed(id: String, atMillis: Int64) throws -> Bool
    /// Marks a credential revoked; false when it already was.
    func revokeCredential(id: String, atMillis: Int64) throws -> Bool
    /// Marks a device credential confirmed by its person; false when it already was.
    func confirmCredential(id: String, atMillis: Int64) throws -> Bool
    /// Keeps a write's first answer under its idempotency key.
    func insert(reply: StoredReply) throws
}
