import Crypto
public import Foundation

/// The key that keeps ID numbers (身份证号) encrypted at rest. The database holds each ID number
/// sealed with AES-GCM (`seal`) and a keyed digest of it (`digest`, HMAC-SHA256) for finding the
/// same number twice; neither says the number without this key, which lives in a file outside the
/// database (`JifenApp`'s key file). Both keys are derived from the file's 32 random bytes with
/// HKDF, each for its one purpose. The database keeps the key's `fingerprint`, so a different key
/// is refused before anything is written with it.
public struct IDNumberKey: Sendable {
    // Kept as bytes (SymmetricKey is not Sendable); a SymmetricKey is made for each use.
    private let sealingBytes: Data
    private let lookupBytes: Data
    private var sealing: SymmetricKey { SymmetricKey(data: sealingBytes) }
    private var lookup: SymmetricKey { SymmetricKey(data: lookupBytes) }
    /// The bytes of key material a key file holds.
    public static let byteCount = 32
    /// What a sealed ID number starts with in the database (the format's version).
    public static let sealedPrefix = "aesgcm1:"
    /// What a listing shows for a sealed ID number when the key is not at hand.
    public static let unreadable = "[已加密 encrypted]"

    /// - Throws: `id-key-wrong` when `material` is not 32 bytes.
    public init(material: Data) throws {
        guard material.count == Self.byteCount else { throw Self.wrongKey(detail: "\(material.count) bytes") }
        let master = SymmetricKey(data: material)
        sealingBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("jifen id-number seal v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
        lookupBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master, info: Data("jifen id-number lookup v1".utf8), outputByteCount: 32
        ).withUnsafeBytes { Data($0) }
    }

    /// New random key material for a key file.
    public static func generateMaterial() -> Data { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }

    /// True when a stored value is a sealed ID number (not one written in plain text before sealing).
    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(sealedPrefix) }

    /// The ID number sealed for the database: the prefix and base64 of nonce, ciphertext and tag.
    public func seal(_ plain: String) throws -> String {
        let box = try AES.GCM.seal(Data(plain.utf8), using: sealing)
        guard let combined = box.combined else { throw Self.wrongKey(detail: "seal") }
        return Self.sealedPrefix + combined.base64EncodedString()
    }

    /// The ID number a stored value holds: a sealed one opened, a plain one (not yet sealed) as it is.
    /// - Throws: `id-key-wrong` when this key did not seal it.
    public func open(_ stored: String) throws -> String {
        guard Self.isSealed(stored) else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(Self.sealedPrefix.count))),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: sealing)
        else { throw Self.wrongKey(detail: "open") }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The keyed digest an ID number is found by (the same number always gives the same digest
    /// under one key; without the key it cannot be computed from a guessed number).
    public func digest(_ plain: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(plain.utf8), using: lookup)).map { String(format: "%02x", $0) }
            .joined()
    }

    /// What the database keeps to recognise this key: a digest of a fixed text, never the key.
    public var fingerprint: String { String(digest("jifen id-number key fingerprint").prefix(32)) }

    /// Checks this key is the database's (recording it when the database has none yet), inside the
    /// write that is about to seal with it.
    /// - Throws: `id-key-wrong` when the database's ID numbers were sealed with another key.
    public func requireDatabaseKey(in tx: any WriteTransaction, nowMillis: Int64) throws {
        if let known = try tx.idKeyFingerprint() {
            guard known == fingerprint else { throw Self.wrongKey(detail: "fingerprint") }
        } else {
            try tx.recordIDKey(fingerprint: fingerprint, nowMillis: nowMillis)
        }
    }

    /// The key file is missing: nothing that needs it is written.
    public static func missingKey(path: String?) -> JifenError {
        let place = path ?? "JIFEN_KEY_FILE"
        return JifenError.fault(
            .idKeyMissing,
            zh:
                "身份证号的加密密钥文件 \(place) 不存在，未做任何更改。请从单独保存的备份恢复密钥文件，或用 --key-file / "
                + "JIFEN_KEY_FILE 指明它；还没有密钥的数据库请先运行 jifen seal-ids 生成。",
            en:
                "The ID-number encryption key file \(place) is missing; nothing was changed. Restore the key file "
                + "from its separate backup or name it with --key-file / JIFEN_KEY_FILE; a database without a key "
                + "gets one with jifen seal-ids.")
    }

    /// The key file is not this database's key, or not a key at all.
    public static func wrongKey(path: String? = nil, detail: String) -> JifenError {
        let place = path.map { " \($0)" } ?? ""
        return JifenError.fault(
            .idKeyWrong,
            zh:
                "身份证号的加密密钥文件\(place)不是这个数据库的密钥（\(detail)），未做任何更改。"
                + "请用 --key-file / JIFEN_KEY_FILE 指明生成这个数据库时的密钥文件。",
            en:
                "The ID-number encryption key file\(place) is not this database's key (\(detail)); nothing was "
                + "changed. Name the key file made for this database with --key-file / JIFEN_KEY_FILE.")
    }
}
