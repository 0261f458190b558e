import Foundation

/// What a person reads on a page is said in her words, never the terminal's: the ledger's
/// messages are written for the CLI too, with hints like "（--as）" or "请用 list 命令查看", and
/// those are taken out here (a parenthesis or sentence that carries one goes; what remains still
/// says what is wrong). `PlainWords.internal` is the list a test checks every page and message against.
public enum PlainWords {
    /// Words of the terminal, the API or the code that no page may show.
    public static let internalTokens = [
        "jifen ", "--", "review:", "list 命令", "list command", "Idempotency-Key", "pg_dump", "config show",
    ]

    public static func hasInternalWord(_ text: String) -> Bool { internalTokens.contains { text.contains($0) } }

    /// `text` without the parts that name commands, flags or internal codes.
    public static func forPeople(_ text: String, english: Bool) -> String {
        guard hasInternalWord(text) else { return text }
        // A parenthesis that carries one goes whole: "请以管理员或有权限的身份（--as）操作" keeps its sentence.
        var out = ""
        var depth = 0, group = ""
        for character in text {
            if character == "（" || character == "(" {
                if depth == 0 { group = "" }
                depth += 1
                group.append(character)
            } else if depth > 0 {
                group.append(character)
                if character == "）" || character == ")" {
                    depth -= 1
                    if depth == 0 {
                        if !hasInternalWord(group) { out += group }
                        group = ""
                    }
                }
            } else {
                out.append(character)
            }
        }
        out += group
        // Then each sentence that still carries one.
        var sentences: [String] = []
        var current = ""
        let chars = Array(out)
        for (i, character) in chars.enumerated() {
            current.append(character)
            let ends =
                "。！？；".contains(character)
                || ((character == "." || character == ";" || character == "!" || character == "?")
                    && (i + 1 == chars.count || chars[i + 1] == " "))
            if ends { sentences.append(current); current = "" }
        }
        if !current.isEmpty { sentences.append(current) }
        let kept = sentences.filter { !hasInternalWord($0) }.joined().trimmingCharacters(in: .whitespaces)
        if kept.isEmpty {
            return english
                ? "This could not be done here. Ask your organizer or the community office for help."
                : "这里办不了这件事，请找组织者或社区办公室帮忙。"
        }
        return kept.replacingOccurrences(of: "  ", with: " ")
    }
}
