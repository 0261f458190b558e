import Foundation
public import JifenCore

/// The hash chains' month checkpoints (月度封账) and the erasure of transfer memos.
extension JifenApp {
    public struct CheckpointOutcome: Codable, Sendable, Equatable {
        /// The checkpoints sealed by this run, oldest first per community (empty when every closed
        /// month was sealed already).
        public var sealed: [Checkpoint]
    }

    /// Seals every month closed by now (the injected clock, `JIFEN_NOW`) that has no checkpoint
    /// yet, for every community the principal administers. Idempotent.
    public func sealCheckpoints(_ principal: Principal) throws -> CheckpointOutcome {
        if !principal.isOwner {
            try store.read { tx in
                for community in try tx.chainCommunities() {
                    try Permissions.requireAdmin(
                        principal.id, over: community, action: Bilingual(zh: "月度封账", en: "seal month checkpoints"),
                        in: tx)
                }
            }
        }
        // Transfers committed but not yet chained (PostgreSQL) get their place first.
        _ = try store.sealPending()
        let zone = try settings.rules().timeZone
        return CheckpointOutcome(sealed: try ledger.sealCheckpoints(nowMillis: nowMillis, timeZone: zone))
    }

    /// Replaces the memo text of every transfer touching `account` with "已注销" (the hash chain
    /// keeps the memo's digest, so `verify --full` stays green). For `person erase`, which checks
    /// its own permission and calls this inside its erasure.
    /// - Returns: how many transfers had their memo erased.
    public func eraseTransferMemos(involving account: String) throws -> Int {
        try ledger.eraseMemos(involving: account)
    }
}
