import Foundation

/// The month's checkpoint (月度封账) on the public notice: residents compare its short hash with
/// the one `jifen verify` proves, so a rewritten month would show. The notice never seals (a
/// report is a read); `jifen checkpoint` seals closed months, and a notice of a month not sealed
/// yet says so.
public struct CheckpointStamp: Sendable, Equatable, Codable {
    public var community: String
    public var shortHash: String
    public var hash: String

    /// A checkpoint's stamp: its short hash is the first 12 hex digits, as `Checkpoint.shortHash`.
    public init(community: String, hash: String) {
        self.community = community; self.shortHash = String(hash.prefix(12)); self.hash = hash
    }
}

extension MonthReport {
    /// The checkpoints of `month`, one per community that has one (by month: no other
    /// checkpoint, nor any balances, is read).
    static func checkpointStamps(month: String, from store: any Store) throws -> [CheckpointStamp] {
        try store.reportCheckpoints(month: month)
    }

    /// The notice's line for its checkpoints.
    public func checkpointLine(_ language: Language) -> String {
        if checkpoints.isEmpty {
            return language == .zh
                ? "本月尚未封账（月末后由管理员运行 jifen checkpoint）。"
                : "This month is not sealed yet (an admin runs jifen checkpoint after the month's end)."
        }
        let stamps = checkpoints.map { checkpoints.count == 1 ? $0.shortHash : "\($0.community) \($0.shortHash)" }
            .joined(separator: language == .zh ? "，" : ", ")
        return language == .zh ? "月度封账哈希：\(stamps)" : "Month checkpoint: \(stamps)"
    }
}
