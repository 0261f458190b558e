public import Foundation

/// A sentence in both languages the CLI speaks. Chinese first: most users read it.
public struct Bilingual: Sendable, Equatable, CustomStringConvertible {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func text(_ language: Language) -> String { language == .zh ? zh : en }
    public var description: String { en }
}

/// The language of messages: `--lang`, else the locale.
public enum Language: String, Sendable, CaseIterable {
    case zh, en

    /// Picks Chinese when the locale variables say so, English otherwise.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        for key in ["JIFEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = env[key], !value.isEmpty {
                return value.lowercased().hasPrefix("zh") ? .zh : .en
            }
        }
        return .en
    }
}

/// Every error Jifen reports: a stable code, a message that says what went wrong and how to
/// fix it, in Chinese and English, and the underlying cause when there is one.
///
/// The category decides the exit status, so scripts can tell a typo from a refusal from a fault.
public struct JifenError: Error, Sendable, CustomStringConvertible {
    public enum Category: Sendable, Equatable {
        /// The input itself is malformed: fix the command line or the file.
        case usage
        /// The input is well-formed but the ledger's rules refuse it (insufficient points, unknown id…).
        case refused
        /// Something is broken around the request: database missing, unreadable, locked, corrupt.
        case fault
        /// The database is busy past the timeout; trying again later may work.
        case busy
    }

    public var code: Code
    public var category: Category
    public var message: Bilingual
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ category: Category, zh: String, en: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.category = category
        self.message = Bilingual(zh: zh, en: en)
        self.cause = cause
    }

    public var description: String { "\(code.rawValue): \(message.en)" }

    // MARK: Usage

    public static func usage(_ code: Code, zh: String, en: String) -> JifenError {
        JifenError(code, .usage, zh: zh, en: en)
    }

    // MARK: Refusals

    public static func refused(_ code: Code, zh: String, en: String) -> JifenError {
        JifenError(code, .refused, zh: zh, en: en)
    }

    public static func unknown(_ what: Bilingual, _ id: String) -> JifenError {
        .refused(
            .unknownID,
            zh: "找不到\(what.zh) \(id)。请用 list 命令查看已有的编号。",
            en: "No \(what.en) with id \(id). Use the list command to see the existing ids.")
    }

    public static func insufficientPoints(account: String, available: Int64, requested: Int64) -> JifenError {
        .refused(
            .insufficientPoints,
            zh: "\(account) 的可用积分为 \(available)，不足 \(requested)。请少用一些积分，或先参加服务赚取积分。",
            en:
                "\(account) has \(available) points available, fewer than the \(requested) requested. Ask for fewer points."
        )
    }

    /// What a store reports when its balance constraint stops a write (the ledger checks first;
    /// the constraint is the database's own guard): the same words on every store.
    public static let balanceConstraint = JifenError.refused(.insufficientPoints, zh: "积分不足。", en: "Not enough points.")

    public static func forbidden(actor: String, action: Bilingual) -> JifenError {
        .refused(
            .notAllowed,
            zh: "\(actor) 无权\(action.zh)。请以管理员或有权限的身份（--as）操作。",
            en: "\(actor) may not \(action.en). Act as an admin or someone who may (--as).")
    }

    // MARK: Faults

    public static func fault(_ code: Code, zh: String, en: String, cause: (any Error & Sendable)? = nil) -> JifenError {
        JifenError(code, .fault, zh: zh, en: en, cause: cause)
    }
}
