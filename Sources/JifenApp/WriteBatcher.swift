import CoreMetrics
import Foundation
import JifenCore

/// Group commit for a server: write operations that arrive together are carried out in one
/// write transaction and made durable by one commit (`Store.writeBatch`), each in its own
/// savepoints, so every caller gets the answer one-at-a-time execution in commit order gives.
///
/// One writer thread takes every operation waiting when it is free, up to `maxBatch`, runs
/// them as one batch, and answers each caller once the commit is durable. There is no timer:
/// at low load a batch holds the one operation that came, and it waits for nothing; under load
/// the operations that arrived during a commit form the next batch.
public final class WriteBatcher: @unchecked Sendable {
    /// The largest batch (`jifen serve --batch-max`).
    public let maxBatch: Int
    private let store: @Sendable () throws -> any Store
    private let condition = NSCondition()
    private var waiting: [Job] = []
    private var writer: Thread?

    private struct Job {
        let run: () throws -> Any
        let answer: (Result<Any, any Error>) -> Void
    }

    /// Default cap of a batch on SQLite: enough to amortise a commit, small enough to bound the
    /// latency of its last operation. The store says its own (`Store.defaultWriteBatch`).
    public static let defaultMaxBatch = 64

    public init(app: JifenApp, maxBatch: Int = WriteBatcher.defaultMaxBatch) {
        self.maxBatch = max(1, maxBatch)
        store = { try app.store }
    }

    /// Runs `operation` (one `JifenApp` write, with whatever reads it does) in the next batch.
    /// - Returns: its result, once the commit that holds it is durable.
    /// - Throws: its own error, or the batch's when the commit failed (then nothing of it is stored).
    public func perform<T: Sendable>(_ operation: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            enqueue(
                Job(
                    run: { try operation() },
                    answer: { result in
                        continuation.resume(with: result.map { $0 as! T })
                    }))
        }
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        waiting.append(job)
        if writer == nil {
            let thread = Thread { [self] in self.writeLoop() }
            thread.name = "jifen-writer"
            thread.stackSize = 8 << 20
            writer = thread
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func writeLoop() {
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            condition.unlock()
            let results: [Result<Any, any Error>]
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                results = try store().writeBatch(batch.map(\.run))
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            // To the metrics facade (a no-op unless the process bootstrapped one: `jifen serve`).
            Recorder(label: "jifen_write_batch_size").record(batch.count)
            CoreMetrics.Timer(label: "jifen_write_batch_duration_seconds").recordNanoseconds(
                Int64(DispatchTime.now().uptimeNanoseconds - started))
            for (job, result) in zip(batch, results) { job.answer(result) }
        }
    }
}
