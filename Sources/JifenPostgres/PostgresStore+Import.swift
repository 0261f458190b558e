import Foundation
public import JifenCore

/// Rows fed to `PostgresStore.importLedger`, inserted in batches.
public final class PostgresRowSink {
    let session: PostgresSession
    private var table = ""
    private var columns: [String] = []
    private var pending: [[CellValue]] = []
    public private(set) var counts: [String: Int] = [:]

    init(session: PostgresSession) { self.session = session }

    /// Adds one row; rows of one table come together, parents' tables first.
    public func add(table: String, columns: [String], values: [CellValue]) throws {
        if table != self.table || columns != self.columns { try flush() }
        self.table = table
        self.columns = columns
        pending.append(values)
        counts[table, default: 0] += 1
        // PostgreSQL takes at most 65,535 parameters a statement.
        if (pending.count + 1) * columns.count > 30_000 { try flush() }
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        var values: [any PostgresBindable] = []
        var tuples: [String] = []
        for row in pending {
            let start = values.count
            tuples.append("(" + (1...row.count).map { "$\(start + $0)" }.joined(separator: ", ") + ")")
            for cell in row {
                switch cell {
                case .null: values.append(String?.none)
                case .integer(let number): values.append(number)
                case .text(let text): values.append(text)
                }
            }
        }
        let names = columns.map { PostgresTarget.quoted($0) }.joined(separator: ", ")
        try session.execute("INSERT INTO \(table) (\(names)) VALUES \(tuples.joined(separator: ", "))", values)
        pending.removeAll(keepingCapacity: true)
    }
}

extension PostgresStore {
    /// Tables whose ids PostgreSQL numbers itself; after a copy their counters move past the copied ids.
    static let identityTables = [
        "lot", "lot_entry", "hold", "event", "setting_change", "service_record_version",
        "redemption_code", "redemption", "settlement", "wish", "wish_history", "checkin_failure",
        "consent",
    ]

    /// Copies a whole ledger into this store in one transaction: all of it or nothing.
    /// - Parameters:
    ///   - feed: adds every row of every table to the sink, parents' tables first.
    ///   - check: reads the copy before it commits; throwing rolls the whole copy back.
    /// - Returns: the number of rows copied per table.
    /// - Throws: `JifenError` (refused) when the ledger here is not empty; the check's errors; the store's errors.
    public func importLedger(
        _ feed: (PostgresRowSink) throws -> Void,
        check: (any ReadTransaction & LedgerAuditing) throws -> Void
    ) throws -> [String: Int] {
        try transaction(readOnly: false) { session in
            let used =
                try session.scalar(
                    Int64.self,
                    """
                    SELECT ((SELECT count(*) FROM community) + (SELECT count(*) FROM account) + (SELECT count(*) FROM transfer))::BIGINT
                    """) ?? 0
            guard used == 0 else {
                throw JifenError.refused(
                    .targetNotEmpty, zh: "目标 \(target.display) 里已有账本数据，不会写入。请换一个空数据库。",
                    en:
                        "The target \(target.display) already holds a ledger; nothing was written. Use an empty database."
                )
            }
            let sink = PostgresRowSink(session: session)
            try feed(sink)
            try sink.flush()
            for table in Self.identityTables {
                try session.execute(
                    """
                    SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)
                    """)
            }
            // The copied transfers carry their places in their communities' chains; the head the
            // sealer keeps is the last transfer posted.
            try session.execute(
                "SELECT setval('transfer_id_seq', COALESCE((SELECT MAX(id) FROM transfer), 0) + 1, false)")
            try session.execute(
                """
                UPDATE chain_head SET last_seq = t.seq, last_hash = t.hash FROM (SELECT seq, hash FROM transfer ORDER BY id DESC LIMIT 1) t
                """)
            try check(PostgresTransaction(session: session, writing: false))
            return sink.counts
        }
    }
}
