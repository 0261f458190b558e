import Dispatch
import Foundation
import Synchronization

/// Set once to ask a running notifier to stop claiming, finish what is in flight, and return.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    private let sources = Mutex<[SignalSource]>([])

    public init() {}

    public var isSet: Bool { flag.load(ordering: .acquiring) }

    public func set() { flag.store(true, ordering: .releasing) }

    /// Sets the flag on any of `signals` (SIGTERM, SIGINT) instead of letting them end the process.
    /// - Parameter onSignal: called on the first signal, e.g. to say that the notifier is stopping.
    public func trap(_ signals: [Int32], onSignal: @escaping @Sendable (Int32) -> Void = { _ in }) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self, !self.isSet else { return }
                self.set()
                onSignal(number)
            }
            source.resume()
            sources.withLock { $0.append(SignalSource(source: source)) }
        }
    }
}

/// Keeps a signal source alive. Dispatch sources are thread-safe, but not marked Sendable.
private struct SignalSource: @unchecked Sendable {
    let source: any DispatchSourceSignal
}
