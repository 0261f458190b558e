/// A small writer for the flat JSON objects the ledger puts in its outbox on every transfer.
/// `JSONEncoder` costs more than the rest of a transfer's CPU work; this writes the same JSON
/// (keys in the order given, which callers keep sorted) with RFC 8259 string escaping.
struct JSONText {
    private var text = "{"
    private var first = true

    mutating func add(_ key: String, _ value: String) {
        separator(key)
        Self.quote(value, into: &text)
    }

    mutating func add(_ key: String, _ value: Int64) {
        separator(key)
        text += String(value)
    }

    mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        add(key, value)
    }

    mutating func add(_ key: String, _ value: Int64?) {
        guard let value else { return }
        add(key, value)
    }

    private mutating func separator(_ key: String) {
        if !first { text += "," }
        first = false
        Self.quote(key, into: &text)
        text += ":"
    }

    var string: String { text + "}" }

    static func quote(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
