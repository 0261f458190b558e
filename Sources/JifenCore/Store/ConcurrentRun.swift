import Foundation

/// The threads of one `Store.readConcurrently`: one thread per worker, each worker's result, the
/// first error, and the waits a store needs (every worker has fixed its snapshot; every body has
/// returned; every thread has ended). A worker that fails early still counts as started and done,
/// so nobody waits for it forever.
public final class ConcurrentRun<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let starts = DispatchSemaphore(value: 0)
    private let bodies = DispatchGroup()
    private let threads = DispatchGroup()
    private var startedFlags: [Bool]
    private var bodyFlags: [Bool]
    private var collected: [T] = []
    private var failure: (any Error)?
    public let workers: Int

    public init(workers: Int) {
        self.workers = workers
        startedFlags = Array(repeating: false, count: workers)
        bodyFlags = Array(repeating: false, count: workers)
    }

    /// Starts one thread per worker running `job(index)`; `job` calls `started(index)` once its
    /// read transaction has fixed its snapshot and `add(index, result)` when its body returned.
    public func spawn(_ job: @escaping @Sendable (Int) throws -> Void) {
        for index in 0..<workers {
            threads.enter()
            bodies.enter()
            Thread.detachNewThread { [self] in
                do {
                    try job(index)
                } catch {
                    lock.withLock { if failure == nil { failure = error } }
                }
                let (wasStarted, gaveBody) = lock.withLock { (startedFlags[index], bodyFlags[index]) }
                if !wasStarted { starts.signal() }
                if !gaveBody { bodies.leave() }
                threads.leave()
            }
        }
    }

    public func started(_ index: Int) {
        lock.withLock { startedFlags[index] = true }
        starts.signal()
    }

    public func add(_ index: Int, _ result: T) {
        lock.withLock {
            collected.append(result)
            bodyFlags[index] = true
        }
        bodies.leave()
    }

    /// Waits until every worker has fixed its snapshot (or failed).
    public func waitStarted() { for _ in 0..<workers { starts.wait() } }
    /// Waits until every body has returned (or failed).
    public func waitBodies() { bodies.wait() }
    /// Waits until every thread has ended.
    public func waitThreads() { threads.wait() }

    /// The bodies' results; throws the first error any worker met.
    public func results() throws -> [T] {
        try lock.withLock {
            if let failure { throw failure }
            return collected
        }
    }

    /// Records an error met outside the workers' jobs (e.g. in `finish`).
    public func fail(_ error: any Error) {
        lock.withLock { if failure == nil { failure = error } }
    }
}
