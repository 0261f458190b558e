import ArgumentParser
import Foundation
import JifenApp
import JifenCore

/// Exit statuses, documented in the README: scripts can tell a typo from a refusal from a fault.
public enum ExitStatus {
    public static let ok: Int32 = 0
    /// `verify` found the ledger inconsistent.
    public static let verifyFailed: Int32 = 1
    /// Malformed input: arguments, amounts, dates, names. Nothing was changed.
    public static let usage: Int32 = 64
    /// Well-formed but refused by the rules: insufficient points, unknown id, reused key, not allowed.
    public static let refused: Int32 = 65
    /// The database is missing, not Jifen's, unreadable, read-only or damaged.
    public static let fault: Int32 = 74
    /// Another process held the write lock past the busy timeout; try again.
    public static let busy: Int32 = 75
    /// The ID-number key file is missing or is not this database's key (a fault of its own, so a
    /// script can tell "restore the key" from "the database is broken").
    public static let idKey: Int32 = 78
    /// No PostgreSQL server of the list accepts writes (a failover is under way), or the connection
    /// broke during the commit: run the command again with the same `--key` (it acts at most once).
    public static let failover: Int32 = 76

    static func code(for error: JifenError) -> Int32 {
        if [.noPrimary, .commitUnknown].contains(error.code) { return failover }
        return [.idKeyMissing, .idKeyWrong].contains(error.code) ? idKey : code(for: error.category)
    }

    static func code(for category: JifenError.Category) -> Int32 {
        switch category {
        case .usage: usage
        case .refused: refused
        case .fault: fault
        case .busy: busy
        }
    }
}

/// What a command needs besides its arguments: the language, the clock, the actor, the output.
struct Context {
    let options: GlobalOptions
    let language: Language
    let environment: [String: String]

    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.options = options
        self.environment = environment
        language = options.lang ?? Language.fromEnvironment(environment)
    }

    var dbPath: String {
        options.db ?? environment["JIFEN_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? JifenApp.Defaults.location
    }
    var actor: String {
        options.actor ?? environment["JIFEN_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? JifenApp.Defaults.owner
    }
    /// The ID-number key file: `--key-file`, else JIFEN_KEY_FILE, else the default beside a SQLite database.
    var idKeyFile: IDKeyFile? {
        IDKeyFile.resolve(named: options.keyFile, location: dbPath, environment: environment)
    }
    var busyTimeout: TimeInterval {
        options.busyTimeout ?? environment["JIFEN_BUSY_TIMEOUT"].flatMap(Double.init) ?? JifenApp.Defaults.busyTimeout
    }

    /// The user's time zone: JIFEN_TZ, else TZ, else Asia/Shanghai.
    var timeZone: TimeZone {
        for key in ["JIFEN_TZ", "TZ"] {
            if let name = environment[key], let zone = TimeZone(identifier: name) { return zone }
        }
        return JifenApp.Defaults.zone
    }

    /// `JIFEN_NOW` when it is set and unreadable: a clock silently replaced by the real one would
    /// write the wrong days (expiry, late entry) without a word, so every command refuses it.
    func checkFixedClock() throws {
        guard let fixed = environment["JIFEN_NOW"], !fixed.isEmpty else { return }
        do {
            _ = try DayFormat.parse(fixed, in: timeZone, field: "JIFEN_NOW")
        } catch {
            throw JifenError.usage(
                .badJifenNow,
                zh:
                    """
                    环境变量 JIFEN_NOW「\(fixed)」不是可读的时间。请写成 2026-11-20、2026-11-20 10:00、2026-11-20T10:00:00 或带时区的 ISO \
                    8601（2026-11-20T02:00:00Z），或删除它以使用系统时钟。
                    """,
                en:
                    """
                    JIFEN_NOW \"\(fixed)\" is not a readable time. Write it as 2026-11-20, 2026-11-20 10:00, 2026-11-20T10:00:00 or ISO \
                    8601 with a zone (2026-11-20T02:00:00Z), or unset it to use the system clock.
                    """
            )
        }
    }

    /// The clock. `JIFEN_NOW` fixes it (for the demo's month and for tests of expiry and holds);
    /// `run` has already refused an unreadable one.
    var now: @Sendable () -> Date {
        if let fixed = environment["JIFEN_NOW"], !fixed.isEmpty, let date = try? DayFormat.parse(fixed, in: timeZone) {
            return { date }
        }
        return { Date() }
    }

    func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

    /// Prints text for a person: control and bidirectional characters that came from stored
    /// names show as escapes (`DisplayText`), so they cannot split or reverse lines.
    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((DisplayText.escaped(text, keepNewlines: true) + "\n").utf8))
    }

    /// Prints data for a program (CSV) exactly as it is.
    func printRaw(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func printJSON<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // One convention for every command's JSON: snake_case keys (README "JSON").
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    func printTable(_ headers: [String], _ rows: [[String]], right: Set<Int> = []) {
        print(TextTable(headers: headers, rows: rows, rightAligned: right).render())
    }

    func time(_ millis: Int64) -> String { DayFormat.minute(Date(millis: millis), in: timeZone) }

    /// Runs a command body, turning a `JifenError` into a message on stderr and its exit status.
    static func run(_ options: GlobalOptions, _ body: (Context) throws -> Void) throws {
        let context = Context(options)
        do {
            try context.checkFixedClock()
            if context.serverURL != nil, context.options.actor != nil {
                throw JifenError.usage(
                    .remoteActor, zh: "使用服务器时不能用 --as：服务器以登录的人的身份操作。请以那个人的身份登录（jifen login）。",
                    en:
                        "--as is not used with a server: the server acts as whoever signed in. Sign in as that person instead (jifen login)."
                )
            }
            try body(context)
        } catch let error as JifenError {
            context.report(error)
            throw ExitCode(ExitStatus.code(for: error))
        }
    }

    func report(_ error: JifenError) { Self.report(error, language: language, json: options.json) }

    /// Writes an error to stderr: `错误：…`/`Error: …` in `language`, or under `--json` the one
    /// documented object `{"code", "error", "exit", "message"}`.
    static func report(_ error: JifenError, language: Language, json: Bool) {
        let text: String
        if json {
            struct ErrorBody: Encodable { var error: String; var code: String; var message: String; var exit: Int32 }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = ErrorBody(
                error: "\(error.category)", code: error.code.rawValue, message: error.message.text(language),
                exit: ExitStatus.code(for: error))
            text = String(decoding: (try? encoder.encode(body)) ?? Data(), as: UTF8.self)
        } else {
            text =
                (language == .zh ? "错误：" : "Error: ")
                + DisplayText.escaped(error.message.text(language), keepNewlines: true)
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Commands that run with the global options.
protocol JifenCommand: ParsableCommand {
    var global: GlobalOptions { get }
    func execute(_ context: Context) throws
}

extension JifenCommand {
    func run() throws { try Context.run(global) { try execute($0) } }
}

/// Parses an amount argument with the core's rules, as a usage error when bad.
func parsePoints(_ text: String) throws -> Int64 { try Points.parse(text) }
