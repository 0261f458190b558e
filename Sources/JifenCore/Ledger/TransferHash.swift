import Crypto
import Foundation

/// The hash chain: each transfer's hash covers its content and the previous transfer's hash,
/// so changing, removing or reordering any transfer breaks every hash after it.
public enum TransferHash {
    /// The `prevHash` of the first transfer.
    public static let genesis = String(repeating: "0", count: 64)

    /// The canonical text hashed for a transfer: every field that has meaning, in a fixed
    /// order, separated by a control character no field can contain unnoticed (it is escaped).
    public static func canonical(_ t: Transfer) -> String {
        let fields: [String] = [
            "jifen-transfer-v1", String(t.id), t.kind.rawValue, t.debit, t.credit, String(t.amount), t.key,
            t.reference, t.actor, t.memo, t.reverses.map(String.init) ?? "", t.hold.map(String.init) ?? "",
            String(t.atMillis), t.prevHash,
        ]
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
    public static func compute(_ t: Transfer) -> String {
        let digest = SHA256.hash(data: Data(canonical(t).utf8))
        return hex(digest)
    }

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
