import Foundation

/// Parsing of point amounts typed by people: whole, positive, and within Int64.
public enum Points {
    /// The most points one transfer may move; far above any real use, far below overflow when summed.
    public static let maximum: Int64 = 1_000_000_000_000

    /// Parses a point amount.
    /// - Parameter text: what the user typed, e.g. `"50"`.
    /// - Returns: the amount, at least 1.
    /// - Throws: `JifenError` (usage) naming what is wrong: empty, not a whole number, zero or negative, too large.
    public static func parse(_ text: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            throw JifenError.usage(
                .badAmount, zh: "积分数不能为空。请输入一个正整数，例如 50。",
                en: "The points amount is empty. Give a whole number above zero, e.g. 50.")
        }
        if trimmed.hasPrefix("-") {
            throw JifenError.usage(
                .badAmount, zh: "积分数「\(trimmed)」是负数。请输入一个正整数，例如 50。",
                en: "The points amount \(trimmed) is negative. Give a whole number above zero, e.g. 50.")
        }
        guard trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw JifenError.usage(
                .badAmount, zh: "积分数「\(trimmed)」不是整数。积分没有小数，请输入一个正整数，例如 50。",
                en: "The points amount \(trimmed) is not a whole number. Points have no fractions: give e.g. 50.")
        }
        guard let value = Int64(trimmed), value <= maximum else {
            throw JifenError.usage(
                .badAmount, zh: "积分数「\(trimmed)」太大，单笔最多 \(maximum)。",
                en: "The points amount \(trimmed) is too large; one transfer moves at most \(maximum).")
        }
        guard value > 0 else {
            throw JifenError.usage(.badAmount, zh: "积分数必须大于零。", en: "The points amount must be above zero.")
        }
        return value
    }
}
