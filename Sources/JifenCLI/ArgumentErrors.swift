import ArgumentParser
import Foundation
import JifenCore

/// What the argument parser refuses, said the way Jifen says its own errors: in the language of
/// `--lang` (else the locale), as the documented JSON error object under `--json`, exit 64.
///
/// The parser fails before any command runs, so `--lang` and `--json` are read from the raw
/// arguments here, not from `GlobalOptions`.
enum ArgumentErrors {
    /// The language and output form the user asked for, read from the raw arguments (up to `--`).
    static func preferences(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> (language: Language, json: Bool)
    {
        let options = arguments.prefix { $0 != "--" }
        var language: Language?
        for (index, argument) in options.enumerated() {
            if argument.hasPrefix("--lang=") {
                language = Language(rawValue: String(argument.dropFirst(7))) ?? language
            } else if argument == "--lang", index + 1 < options.count {
                language = Language(rawValue: options[options.startIndex + index + 1]) ?? language
            }
        }
        return (language ?? Language.fromEnvironment(environment), options.contains("--json"))
    }

    /// The error to report for arguments the parser refused, in the order a person would fix them:
    /// an unknown command first, then a negative number, then the parser's own complaint.
    static func explain(_ error: any Error, arguments: [String]) -> JifenError {
        if let unknown = unknownCommand(arguments) { return unknown }
        let options = arguments.prefix { $0 != "--" }
        if let negative = options.first(where: isNegativeNumber) {
            return .usage(
                .negativeNumber,
                zh: "数值 \(negative) 是负数。积分、分钟等数值必须为正数（至少 1）。",
                en:
                    "The number \(negative) is negative. Points, minutes and other amounts must be positive (at least 1)."
            )
        }
        let english = Jifen.message(for: error)
        return .usage(.badArguments, zh: chinese(english), en: english)
    }

    /// `-5`, `-0.5`: a number the parser would take for an option.
    static func isNegativeNumber(_ argument: String) -> Bool {
        guard argument.hasPrefix("-"), argument.count > 1 else { return false }
        let rest = argument.dropFirst()
        return rest.first!.isASCII && rest.first!.isNumber
            && rest.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." }
    }

    // MARK: Unknown commands

    /// The command words typed, global options left out: `jifen --lang zh blance` → `blance`.
    static func commandWords(_ arguments: [String]) -> [String] {
        let takesValue: Set<String> = ["--db", "--as", "--lang", "--busy-timeout"]
        var words: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--json" || takesValue.contains(where: { argument.hasPrefix($0 + "=") }) {
                index += 1
            } else if takesValue.contains(argument) {
                index += 2
            } else if argument.hasPrefix("-") {
                break
            } else {
                words.append(argument)
                index += 1
            }
        }
        return words
    }

    /// A command word that names no command, with the nearest command's name.
    static func unknownCommand(_ arguments: [String]) -> JifenError? {
        var command: any ParsableCommand.Type = Jifen.self
        var path = ["jifen"]
        for word in commandWords(arguments) {
            let configuration = command.configuration
            guard !configuration.subcommands.isEmpty else { return nil }
            var names: [(String, any ParsableCommand.Type)] = configuration.subcommands.flatMap { sub in
                ([sub.configuration.commandName ?? sub._commandName] + sub.configuration.aliases).map { ($0, sub) }
            }
            if command == Jifen.self { names.append(("help", Jifen.self)) }
            if let match = names.first(where: { $0.0 == word }) {
                if match.0 == "help" { return nil }
                command = match.1
                path.append(word)
                continue
            }
            let nearest = names.map { ($0.0, distance($0.0, word)) }.min { $0.1 < $1.1 }
            // A group with a default command (`certificate V0001`) takes other words as its
            // arguments: only a near miss of one of its commands is a typo there.
            if configuration.defaultSubcommand != nil, (nearest?.1 ?? .max) > 2 { return nil }
            let group = path.joined(separator: " ")
            let hint = nearest.flatMap { $0.1 <= max(2, word.count / 2) ? $0.0 : nil }
            return .usage(
                .unknownCommand,
                zh: "没有「\(word)」这个命令。" + (hint.map { "您是不是要用 \(group) \($0)？" } ?? "") + "用 \(group) --help 查看所有命令。",
                en: "There is no command \"\(word)\". " + (hint.map { "Did you mean \(group) \($0)? " } ?? "")
                    + "See every command with \(group) --help.")
        }
        return nil
    }

    /// Levenshtein distance between two words, by characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: The parser's messages in Chinese

    /// The parser's English message in Chinese, pattern by pattern; anything unforeseen keeps its
    /// English text after a Chinese lead, so nothing is lost.
    static func chinese(_ english: String) -> String {
        let patterns: [(String, ([String]) -> String)] = [
            (#"^Unknown option '(.+)'$"#, { "未知选项 \($0[0])。用 --help 查看这个命令的选项。" }),
            (#"^Missing value for '(.+)'$"#, { "选项 \($0[0]) 缺少取值。" }),
            (#"^Missing expected argument '(.+)'$"#, { "缺少参数 \($0[0])。用 --help 查看用法。" }),
            (#"^Missing one of: (.+)$"#, { "缺少以下之一：\($0[0])。" }),
            (#"^Unexpected argument '(.+)'$"#, { "多余的参数「\($0[0])」。用 --help 查看用法。" }),
            (#"^(\d+) unexpected arguments: (.+)$"#, { "有 \($0[0]) 个多余的参数：\($0[1])。用 --help 查看用法。" }),
            (
                #"^The value '(.*)' is invalid for '(.+)'\. Please provide one of (.+)\.$"#,
                {
                    """
                    「\($0[0])」不是 \($0[1]) 的有效取值，\
                    请从 \($0[2].replacingOccurrences(of: " and ", with: "、").replacingOccurrences(of: " or ", with: "、")) 中选择。
                    """
                }
            ),
            (#"^The value '(.*)' is invalid for '(.+)'(.*)$"#, { "「\($0[0])」不是 \($0[1]) 的有效取值。\($0[2])" }),
            (#"^Missing required subcommand\.$"#, { _ in "缺少子命令。用 --help 查看可用的命令。" }),
        ]
        let whole = NSRange(english.startIndex..., in: english)
        for (pattern, render) in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
                let match = regex.firstMatch(in: english, range: whole)
            else { continue }
            let groups = (1..<match.numberOfRanges).map { index -> String in
                Range(match.range(at: index), in: english).map { String(english[$0]) } ?? ""
            }
            return render(groups)
        }
        return "命令行参数有误：\(english)"
    }
}
