import Foundation
import JifenCore
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A value bound to a `$n` placeholder. Integers travel as `int8`, text as `text`; a nil is an
/// untyped NULL, so a query that only compares it (`$1 IS NULL`) casts the placeholder.
protocol PostgresBindable: Sendable {
    func bind(to bindings: inout PostgresBindings)
}

extension String: PostgresBindable {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}

extension Int64: PostgresBindable {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}

extension Int: PostgresBindable {
    func bind(to bindings: inout PostgresBindings) { bindings.append(Int64(self)) }
}

extension Bool: PostgresBindable {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}

extension Array: PostgresBindable where Element == String {
    func bind(to bindings: inout PostgresBindings) { bindings.append(self) }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    func bind(to bindings: inout PostgresBindings) {
        switch self {
        case .some(let value): value.bind(to: &bindings)
        case .none: bindings.appendNull()
        }
    }
}

/// What a store's connections sent the server: statements, and round trips (the times a calling
/// thread waited for answers; statements sent together and waited for once make one).
public final class PostgresWireCounts: Sendable {
    private let sent = Atomic<Int>(0)
    private let waited = Atomic<Int>(0)
    public init() {}
    public var statements: Int { sent.load(ordering: .relaxed) }
    public var roundTrips: Int { waited.load(ordering: .relaxed) }
    func statement() { sent.add(1, ordering: .relaxed) }
    func roundTrip() { waited.add(1, ordering: .relaxed) }
}

/// One PostgreSQL connection used from one thread at a time, synchronously.
///
/// The ledger's seam is synchronous (a CLI does one thing at a time), so each query is sent on
/// the connection's event loop and the calling thread waits for its answer. The calling thread is
/// never an event loop thread: the store is used from the CLI's main thread, test threads and
/// benchmark threads.
final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Statements sent but not yet waited for (see `send`).
    private var pending: [EventLoopFuture<PostgresQueryResult>] = []
    /// Set when the transaction in progress inserted a transfer, which is sealed after commit.
    var postedTransfer: Int64?
    /// A transfer id taken with the account locks of a posting (`lock(accounts:posting:)`).
    var reservedTransferID: Int64?
    /// Rows the write transaction in progress holds locked, as it has changed them.
    let locked = LockedRows()
    /// The pool's generation when this connection was opened (`PostgresPool.primaryLost`).
    var generation = 0
    /// Transfers awaiting their seal, read right behind the seal look (`PostgresStore.sealTurn`).
    var waitingToSeal: (limit: Int, rows: [PostgresRow])?
    /// The pool's count of statements and round trips.
    var counts = PostgresWireCounts()

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Opens a connection to `host` and points its `search_path` at `schema` when one is given.
    static func connect(
        _ target: PostgresTarget, host: PostgresTarget.Host, id: Int, logger: Logger
    ) throws -> PostgresSession {
        let loop = PostgresConnection.defaultEventLoopGroup.next()
        let connection = try PostgresConnection.connect(
            on: loop, configuration: try target.configuration(host), id: id, logger: logger
        ).wait()
        let session = PostgresSession(connection: connection, logger: logger)
        session.deadline = target.answerDeadline.map(TimeInterval.init)
        do {
            if let schema = target.schema {
                try session.execute("SET search_path TO \(PostgresTarget.quoted(schema))")
            }
        } catch {
            session.close()
            throw error
        }
        return session
    }

    /// True when the server takes writes: it is not a standby in recovery, and its transactions
    /// are not read-only (as libpq's `target_session_attrs=read-write` checks).
    func acceptsWrites() throws -> Bool {
        guard
            let (recovering, readOnly) = try rows(
                "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')"
            ).first?.decode((Bool, String).self)
        else { return false }
        return !recovering && readOnly == "off"
    }

    /// Runs a statement and returns its rows.
    func rows(_ sql: String, _ values: [any PostgresBindable] = []) throws -> [PostgresRow] {
        try result(sql, values).rows
    }

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [any PostgresBindable] = []) throws -> Int {
        try result(sql, values).metadata.rows ?? 0
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    func scalar<T: PostgresDecodable>(_ type: T.Type, _ sql: String, _ values: [any PostgresBindable] = []) throws -> T?
    {
        guard let cell = try rows(sql, values).first?.makeRandomAccess()[0], cell.bytes != nil else { return nil }
        return try cell.decode(T.self)
    }

    /// Sends a statement whose answer nobody reads, without waiting for it. The connection runs
    /// statements in the order sent; the next `rows`, `execute` or `scalar` first waits for every
    /// statement sent before it and throws the first one's error, so a failed write still aborts
    /// the transaction before anything reads past it. This saves the calling thread a wake-up per
    /// write while the transaction holds the chain head.
    func send(_ sql: String, _ values: [any PostgresBindable] = []) {
        sendBatch()
        sendNow(sql, values)
    }

    private func sendNow(_ sql: String, _ values: [any PostgresBindable]) {
        pending.append(submit(sql, values))
    }

    /// Sends one statement (counted).
    private func submit(_ sql: String, _ values: [any PostgresBindable]) -> EventLoopFuture<PostgresQueryResult> {
        counts.statement()
        return connection.query(query(sql, values), logger: logger)
    }

    /// Writes held back to go to the server as one statement (see `batch`).
    private var batched: [(sql: String, values: [any PostgresBindable], key: String?)] = []
    private var batchedRows: Set<String> = []

    /// Holds back a write whose answer nobody reads, to send it with the writes after it as one
    /// statement of data-modifying WITH clauses: a transfer's dozen small writes then cost the
    /// server and this process one statement. They are sent before the next read or COMMIT.
    /// Statements in one WITH cannot see each other's changes, so:
    /// - Parameters:
    ///   - row: the row an increment changes (e.g. `account:V0001`); a second write to the
    ///     same row first sends the writes held so far.
    ///   - replaces: a key for a write that sets absolute values: a later write with the same key
    ///     takes its place.
    func batch(_ sql: String, _ values: [any PostgresBindable], row: String? = nil, replaces key: String? = nil) {
        if let key, let index = batched.firstIndex(where: { $0.key == key }) {
            batched[index] = (sql, values, key)
            return
        }
        if let row {
            if batchedRows.contains(row) { sendBatch() }
            batchedRows.insert(row)
        }
        batched.append((sql, values, key))
    }

    /// Sends the writes held back, as one statement.
    func sendBatch() {
        guard !batched.isEmpty else { return }
        defer {
            batched.removeAll(keepingCapacity: true)
            batchedRows.removeAll(keepingCapacity: true)
        }
        if batched.count == 1 { return sendNow(batched[0].sql, batched[0].values) }
        var parts: [String] = []
        var values: [any PostgresBindable] = []
        for (sql, binds, _) in batched {
            parts.append(Self.renumbered(sql, by: values.count))
            values += binds
        }
        let last = parts.removeLast()
        let with = parts.enumerated().map { "w\($0.offset) AS (\($0.element))" }.joined(separator: ", ")
        sendNow("WITH \(with) \(last)", values)
    }

    /// `sql` with each placeholder `$n` moved to `$(n + offset)`.
    static func renumbered(_ sql: String, by offset: Int) -> String {
        guard offset > 0 else { return sql }
        var out = ""
        var digits = ""
        var inPlaceholder = false
        func close() {
            if inPlaceholder { out += "$\(Int(digits)! + offset)" }
            inPlaceholder = false
            digits = ""
        }
        for character in sql {
            if inPlaceholder, character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            if inPlaceholder, digits.isEmpty { out += "$"; inPlaceholder = false }
            close()
            if character == "$" { inPlaceholder = true } else { out.append(character) }
        }
        if inPlaceholder, digits.isEmpty { out += "$"; inPlaceholder = false }
        close()
        return out
    }

    /// Drops writes held back: before a rollback.
    func discardBatch() {
        batched.removeAll(keepingCapacity: true)
        batchedRows.removeAll(keepingCapacity: true)
    }

    /// Waits for every statement sent; throws the first error.
    func drain() throws {
        sendBatch()
        guard !pending.isEmpty else { return }
        counts.roundTrip()
        try drainSent()
    }

    /// Waits for every statement sent (a round trip the caller counts); throws the first error.
    private func drainSent() throws {
        sendBatch()
        guard !pending.isEmpty else { return }
        let sent = pending
        pending.removeAll(keepingCapacity: true)
        var first: (any Error)?
        for future in sent {
            do { _ = try wait(future) } catch { if first == nil { first = error } }
        }
        if let first { throw first }
    }

    /// Commits, with `follows` sent right behind the COMMIT (outside the transaction) so that all
    /// are answered in one wake-up of the calling thread.
    /// - Returns: the rows of each of `follows`, or nil when there are none or one failed.
    /// - Throws: the first error of the transaction's statements or of the COMMIT.
    @discardableResult
    func commit(then follows: [(sql: String, values: [any PostgresBindable])] = []) throws -> [[PostgresRow]]? {
        sendBatch()
        sendNow("COMMIT", [])
        let after = follows.map { submit($0.sql, $0.values) }
        counts.roundTrip()
        do {
            try drainSent()
        } catch {
            for answer in after { _ = try? wait(answer) }
            throw error
        }
        guard !after.isEmpty else { return nil }
        var answers: [[PostgresRow]] = []
        var failed = false
        for answer in after {
            if let rows = try? wait(answer).rows { answers.append(rows) } else { failed = true }
        }
        return failed ? nil : answers
    }

    /// Waits for the statements `sql` (several, sent together: one round trip); each one's rows.
    func rows(together statements: [(sql: String, values: [any PostgresBindable])]) throws -> [[PostgresRow]] {
        sendBatch()
        let answers = statements.map { submit($0.sql, $0.values) }
        counts.roundTrip()
        var first: (any Error)?
        do { try drainSent() } catch { first = error }
        var rows: [[PostgresRow]] = []
        for answer in answers {
            do { rows.append(try wait(answer).rows) } catch { if first == nil { first = error } }
        }
        if let first { throw first }
        return rows
    }

    /// Waits for every statement sent, ignoring their errors: before a rollback.
    /// Commits; false when PostgreSQL rolled back instead (the transaction had been aborted).
    func commitReportingSuccess() throws -> Bool {
        // Sent behind the transaction's statements and waited for with them (one round trip); the
        // first error of theirs is thrown, and the COMMIT then answers ROLLBACK.
        let commit = submit("COMMIT", [])
        counts.roundTrip()
        do {
            try drainSent()
        } catch {
            _ = try? wait(commit)
            throw error
        }
        return try wait(commit).metadata.command == "COMMIT"
    }

    func settle() {
        discardBatch()
        _ = try? drain()
    }

    private func result(_ sql: String, _ values: [any PostgresBindable]) throws -> PostgresQueryResult {
        sendBatch()
        let answer = submit(sql, values)
        counts.roundTrip()
        do {
            try drainSent()
        } catch {
            _ = try? wait(answer)
            throw error
        }
        return try wait(answer)
    }

    /// The longest one statement's answer is waited for (`PostgresTarget.answerDeadline`); nil: no limit.
    var deadline: TimeInterval?

    /// A statement's answer did not come within the deadline: the connection was closed.
    struct Stalled: Error, CustomStringConvertible {
        var seconds: TimeInterval
        var description: String { "no answer within \(Int(seconds)) s" }
    }

    /// Waits for `future`; past the deadline, closes the connection and throws `Stalled`, which
    /// counts as a lost primary (the outcome of a COMMIT waited for is then unknown). A server that
    /// dies without closing its sockets, or an answer that never arrives, then costs a deadline,
    /// not a worker thread for good.
    private func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        guard let deadline else { return try future.wait() }
        // A stalled connection was closed: its other statements are not waited for again.
        guard !closing else { throw Stalled(seconds: deadline) }
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        future.whenComplete { result in
            box.set(result)
            done.signal()
        }
        guard done.wait(timeout: .now() + deadline) == .success, let result = box.get() else {
            close()
            throw Stalled(seconds: deadline)
        }
        return try result.get()
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<T, any Error>?
        func set(_ result: Result<T, any Error>) { lock.withLock { value = result } }
        func get() -> Result<T, any Error>? { lock.withLock { value } }
    }

    private func query(_ sql: String, _ values: [any PostgresBindable]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { value.bind(to: &bindings) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// Set by `close()`, so a pool never hands out a connection that is on its way out.
    private var closing = false

    var isClosed: Bool { closing || connection.isClosed }

    /// Closes the connection without waiting; the connection stays alive until it has closed
    /// (PostgresNIO requires a connection to be closed before it is released).
    func close() {
        closing = true
        let connection = connection
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
