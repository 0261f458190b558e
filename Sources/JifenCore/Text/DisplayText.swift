/// Text as a terminal shows it: stored names keep every character (right), but a newline in a
/// name must not split a table's row, and a right-to-left override must not reverse the rest of
/// the line. Control characters are shown as escapes (`\n`, `\t`, `\u{7}`) and bidirectional
/// controls by their code point (`<U+202E>`), so what is on screen is what is stored, readably.
public enum DisplayText {
    /// Bidirectional formatting characters: embeddings, overrides, isolates and marks.
    static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// - Parameter keepNewlines: true for a message of several lines (its own line breaks stay).
    public static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepNewlines: keepNewlines) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, keepNewlines: keepNewlines) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += isBidiControl(scalar.value) ? "<U+\(hex)>" : "\\u{\(hex)}"
            }
        }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        if keepNewlines && scalar == "\n" { return false }
        return scalar.properties.generalCategory == .control || isBidiControl(scalar.value)
    }
}
