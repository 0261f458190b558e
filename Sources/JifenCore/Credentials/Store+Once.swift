import Foundation

/// Idempotent writes: a transaction helper beside `write` and `atomically`, not an area's rule.
extension Store {
    /// Runs a write at most once per `(actor, operation, key)`: the first answer is stored with
    /// the write, in the same transaction (`atomically`), and the same key with the same request
    /// (`fingerprint`) gets it again, however many arrive at once and across restarts.
    /// - Throws: `keyReused` when the key came with a different request; else the write's error
    ///   (nothing is stored then: a refused write may be tried again with its key).
    /// - Returns: the answer, and whether it is a replay.
    public func once(
        actor: String, operation: String, key: String, fingerprint: String, nowMillis: Int64,
        _ body: () throws -> String
    ) throws -> (answer: String, replayed: Bool) {
        try atomically {
            if let earlier = try read({ try $0.storedReply(actor: actor, operation: operation, key: key) }) {
                guard earlier.fingerprint == fingerprint else { throw JifenError.keyReusedForAnotherRequest }
                return (earlier.answer, true)
            }
            let answer = try body()
            try write { tx in
                try tx.insert(
                    reply: StoredReply(
                        actor: actor, operation: operation, key: key, fingerprint: fingerprint,
                        answer: answer, createdAtMillis: nowMillis))
            }
            return (answer, false)
        }
    }
}

/// A write's first answer, kept under its idempotency key (`Store.once`).
public struct StoredReply: Sendable, Equatable {
    public var actor: String
    public var operation: String
    public var key: String
    /// SHA-256 of the request (its operation and input), so another request with the key is refused.
    public var fingerprint: String
    /// The answer, as JSON text.
    public var answer: String
    public var createdAtMillis: Int64
    public init(
        actor: String, operation: String, key: String, fingerprint: String, answer: String, createdAtMillis: Int64
    ) {
        self.actor = actor; self.operation = operation; self.key = key; self.fingerprint = fingerprint
        self.answer = answer; self.createdAtMillis = createdAtMillis
    }
}

extension JifenError {
    public static let keyReusedForAnotherRequest = JifenError.refused(
        .keyReused, zh: "这个 Idempotency-Key（--key）已用于另一个请求。请换一个新的键。",
        en: "This Idempotency-Key (--key) was already used for a different request. Use a new key.")
}
