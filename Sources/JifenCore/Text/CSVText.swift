import Foundation

/// CSV as Jifen writes it (RFC 4180 quoting), safe to open in Excel or WPS.
///
/// A field that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a
/// formula by a spreadsheet (CSV injection): such a field is prefixed with `'` and quoted, as
/// OWASP recommends. A field that is a plain number (a negative figure such as `-20`) is left alone.
public enum CSVText {
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, formulaStarts.contains(first), !isPlainNumber(text) { text = "'" + text }
        let needsQuotes = text != value || text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

    static func isPlainNumber(_ text: String) -> Bool {
        let body = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !body.isEmpty else { return false }
        var dots = 0
        for c in body {
            if c == "." { dots += 1; continue }
            guard c.isASCII, c.isNumber else { return false }
        }
        return dots <= 1 && body.first != "." && body.last != "."
    }
}
