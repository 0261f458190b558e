import Foundation
import JifenCore
import Synchronization

/// A clock tests move by hand.
public final class TestClock: Sendable {
    private let current: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = Mutex(start) }
    public var now: Date { current.withLock { $0 } }
    public var nowMillis: Int64 { now.millis }
    public func advance(minutes: Double) { current.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }
    public func advance(days: Double) { advance(minutes: days * 24 * 60) }
}
