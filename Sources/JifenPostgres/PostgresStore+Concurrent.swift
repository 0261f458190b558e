import Foundation
public import JifenCore
import PostgresNIO

/// Reads on several connections at once, all of one snapshot (`verify --full`: communities in parallel).
extension PostgresStore {
    /// A lead connection opens a REPEATABLE READ transaction and exports its snapshot
    /// (`pg_export_snapshot`); each worker, on its own pooled connection, opens one that imports it
    /// (`SET TRANSACTION SNAPSHOT`), so every worker reads exactly what the lead sees. `finish` then
    /// runs on the lead's transaction, once every body has returned.
    public func readConcurrently<T: Sendable, U: Sendable>(
        workers: Int, _ body: @escaping @Sendable (any ReadTransaction & LedgerAuditing) throws -> T,
        finish: @escaping @Sendable ([T], any ReadTransaction & LedgerAuditing) throws -> U
    ) throws -> U {
        if workers <= 1 || PostgresBatch.current != nil {
            return try read { tx in try finish([try body(tx)], tx) }
        }
        do {
            return try session { lead in
                lead.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                do {
                    guard let snapshot = try lead.scalar(String.self, "SELECT pg_export_snapshot()") else {
                        throw JifenError.fault(
                            .database, zh: "无法导出数据库快照。", en: "PostgreSQL exported no snapshot.")
                    }
                    let run = ConcurrentRun<T>(workers: workers)
                    run.spawn { index in
                        try self.session { session in
                            session.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                            do {
                                _ = try session.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
                                run.started(index)
                                run.add(index, try body(PostgresTransaction(session: session, writing: false)))
                                _ = try session.commit()
                            } catch {
                                session.settle()
                                _ = try? session.execute("ROLLBACK")
                                throw error
                            }
                        }
                    }
                    run.waitThreads()
                    let result = try finish(try run.results(), PostgresTransaction(session: lead, writing: false))
                    _ = try lead.commit()
                    return result
                } catch {
                    lead.settle()
                    _ = try? lead.execute("ROLLBACK")
                    throw error
                }
            }
        } catch let error as JifenError {
            throw error
        } catch {
            throw PostgresFailure.translate(error, target: target)
        }
    }
}
