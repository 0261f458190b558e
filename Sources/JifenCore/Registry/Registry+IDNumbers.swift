import Foundation

// ID numbers at rest: sealed with the key file's key, found by a keyed digest.

extension Registry {
    /// An ID number as a row keeps it: sealed, and its digest for finding the same number again.
    public struct SealedIDNumber: Sendable, Equatable {
        public var sealed: String
        public var digest: String
    }

    /// Seals an ID number inside the write that stores it: checks the key is the database's and
    /// that no volunteer or resident holds the same number (one ID number is one person, whatever
    /// the name or phone; `--allow-duplicate` does not reach it).
    /// - Returns: nil when no ID number is given.
    /// - Throws: `id-key-missing`, `id-key-wrong`, refused `duplicate-id-number`.
    public static func sealIDNumber(
        _ plain: String?, key: IDNumberKey?, in tx: any WriteTransaction, nowMillis: Int64
    ) throws -> SealedIDNumber? {
        guard let plain, !plain.isEmpty else { return nil }
        guard let key else { throw IDNumberKey.missingKey(path: nil) }
        try key.requireDatabaseKey(in: tx, nowMillis: nowMillis)
        let digest = key.digest(plain)
        if let existing = try tx.people(idDigest: digest).first {
            throw JifenError.refused(
                .duplicateIDNumber,
                zh: "这个身份证号（\(Masking.idNumber(plain))）已登记为 \(existing)。请使用 \(existing)；一个身份证号只对应一个人。",
                en:
                    "This ID number (\(Masking.idNumber(plain))) is already registered as \(existing). Use \(existing); "
                    + "one ID number is one person.")
        }
        return SealedIDNumber(sealed: try key.seal(plain), digest: digest)
    }

    /// The key, read only when there is an ID number to seal (after the input's own checks, so a
    /// malformed field is reported as such even without the key).
    /// - Throws: `id-key-missing` when a number is given and no key can be read.
    static func keyIfNeeded(
        _ idNumber: String?, _ idKey: (@Sendable () throws -> IDNumberKey)?
    ) throws -> IDNumberKey? {
        guard let idNumber, !idNumber.isEmpty else { return nil }
        guard let idKey else { throw IDNumberKey.missingKey(path: nil) }
        return try idKey()
    }

    /// What `sealIDNumbers` did.
    public struct SealingReport: Codable, Sendable, Equatable {
        /// ID numbers sealed now (they were in plain text).
        public var sealed: Int
        /// Plain ones left as they were because another person already has the same number.
        public var duplicates: [String]
    }

    /// Seals every ID number still in plain text (a database from before sealing), in one write:
    /// all of them or none. Two people with the same plain number are both sealed; the second is
    /// named in `duplicates` for the admin to look at.
    /// - Rules: an admin (locally: the database's owner).
    public func sealIDNumbers(key: IDNumberKey, actor: String, nowMillis: Int64) throws -> SealingReport {
        try store.write { tx in
            try Permissions.requireAdmin(actor, action: Bilingual(zh: "加密身份证号", en: "seal the ID numbers"), in: tx)
            try key.requireDatabaseKey(in: tx, nowMillis: nowMillis)
            var report = SealingReport(sealed: 0, duplicates: [])
            for (table, person, plain) in try tx.plainIDNumbers() {
                let digest = key.digest(plain)
                if !(try tx.people(idDigest: digest).isEmpty) { report.duplicates.append(person) }
                try tx.setIDNumber(sealed: try key.seal(plain), digest: digest, person: person, table: table)
                report.sealed += 1
            }
            return report
        }
    }
}
