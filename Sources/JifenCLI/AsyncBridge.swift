import Foundation

/// Runs async work from a synchronous command (the command tree is synchronous), blocking the
/// calling thread until it is done. The work runs on the concurrency pool, never on this thread.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = BlockingOutcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { outcome.result = .success(try await body()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try outcome.result!.get()
}

/// Written once by the task before `done.signal()`, read once after `done.wait()`: the
/// semaphore orders the two, which the compiler cannot see.
private final class BlockingOutcome<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
