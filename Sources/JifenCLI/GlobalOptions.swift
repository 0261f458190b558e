public import ArgumentParser
import Foundation
import JifenCore

extension Language: ExpressibleByArgument {}

/// Options every command takes.
public struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The database: a SQLite file, or postgres://user@host:port/db (env JIFEN_DB; default ./jifen.sqlite).")
    var db: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(name: [.customLong("as")], help: "Who is acting, recorded on every write (env JIFEN_ACTOR; default admin).")
    var actor: String?

    @Option(name: .long, help: "Language of messages: zh or en (default: from the locale).")
    var lang: Language?

    @Option(
        name: .long,
        help:
            "A jifen serve to use instead of a database, e.g. http://127.0.0.1:8080 (env JIFEN_SERVER); sign in first with jifen login."
    )
    var server: String?

    @Option(
        name: .long,
        help:
            "Idempotency key of a write: the same command again with it changes nothing and answers as the first time (locally and with --server)."
    )
    var key: String?

    @Option(name: .long, help: "Seconds to wait for another process's write lock (env JIFEN_BUSY_TIMEOUT; default 5).")
    var busyTimeout: Double?

    @Option(
        name: .long,
        help:
            "The key file ID numbers are encrypted with (env JIFEN_KEY_FILE; default <db>.key beside a SQLite file)."
    )
    var keyFile: String?

    public init() {}
}
