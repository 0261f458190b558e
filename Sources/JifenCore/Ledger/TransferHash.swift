import Crypto
import Foundation

/// The hash chains: each community's transfers form one chain, in which each transfer's hash
/// covers its content and the previous transfer's hash, so changing, removing or reordering any
/// transfer breaks every hash after it in its community's chain.
public enum TransferHash {
    /// The `prevHash` of the first transfer of a chain.
    public static let genesis = String(repeating: "0", count: 64)

    /// The canonical text hashed for a transfer (`jifen-transfer-v2`): every field that has
    /// meaning, in a fixed order, separated by a control character no field can contain unnoticed
    /// (it is escaped). The memo is covered by its salted digest, not its text, so the text can be
    /// erased (`Ledger.eraseMemos`) and the chain still proves every transfer.
    public static func canonical(_ t: Transfer) -> String {
        join([
            "jifen-transfer-v2", t.community, String(t.seq), String(t.id), t.kind.rawValue, t.debit, t.credit,
            String(t.amount), t.key, t.reference, t.actor, t.memoDigest, t.reverses.map(String.init) ?? "",
            t.hold.map(String.init) ?? "", String(t.atMillis), t.prevHash,
        ])
    }

    /// The canonical text of the one global chain before chains were per community
    /// (`jifen-transfer-v1`, which covered the memo's text): read only to check an old database
    /// before it is migrated.
    public static func canonicalV1(_ t: Transfer) -> String {
        join([
            "jifen-transfer-v1", String(t.id), t.kind.rawValue, t.debit, t.credit, String(t.amount), t.key,
            t.reference, t.actor, t.memo, t.reverses.map(String.init) ?? "", t.hold.map(String.init) ?? "",
            String(t.atMillis), t.prevHash,
        ])
    }

    public static func computeV1(_ t: Transfer) -> String {
        hex(SHA256.hash(data: Data(canonicalV1(t).utf8)))
    }

    /// A new random salt for a memo's digest: 16 bytes as hex.
    public static func newSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The digest the hash covers for a memo: "" for no memo, else hex SHA-256 of salt + memo.
    public static func memoDigest(_ memo: String, salt: String) -> String {
        memo.isEmpty ? "" : hex(SHA256.hash(data: Data((salt + memo).utf8)))
    }

    /// Gives a transfer about to be chained its memo's salt and digest (kept when it has them).
    public static func saltMemo(_ t: inout Transfer) {
        guard t.memoDigest.isEmpty, !t.memo.isEmpty else { return }
        let salt = t.memoSalt ?? newSalt()
        t.memoSalt = salt
        t.memoDigest = memoDigest(t.memo, salt: salt)
    }

    static func join(_ fields: [String]) -> String {
        var text = ""
        for (index, field) in fields.enumerated() {
            if index > 0 { text.unicodeScalars.append("\u{1F}") }
            if field.utf8.contains(where: { $0 == 0x5C || $0 == 0x1F }) {
                for scalar in field.unicodeScalars {
                    switch scalar {
                    case "\\": text += "\\\\"
                    case "\u{1F}": text += "\\u001F"
                    default: text.unicodeScalars.append(scalar)
                    }
                }
            } else {
                text += field
            }
        }
        return text
    }

    /// Lowercase hex SHA-256 of the canonical text.
    public static func compute(_ t: Transfer) -> String { digest(canonical(t)) }

    /// Lowercase hex SHA-256 of a text.
    public static func digest(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
