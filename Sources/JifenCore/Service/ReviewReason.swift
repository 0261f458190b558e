/// Why a check-out needs an organizer's review. Stored as a code with its figures
/// (`review:short-span|50|120|60`), never as text in one language; each reader sees it in theirs.
/// A reason a person typed (a rejection, a correction) is stored and shown as typed.
public enum ReviewReason: Sendable, Equatable {
    /// The span was shorter than `percent`% of the planned minutes.
    case shortSpan(minutes: Int64, planned: Int64, percent: Int)
    /// The span ran outside the planned times by more than the grace.
    case outsidePlan(span: String, plan: String, grace: Int)
    /// The volunteer's day would exceed the daily cap.
    case overDailyCap(day: String, minutes: Int64, capHours: Int)
    /// A time was given by an organizer, not stamped by the server's clock: a correction.
    case correctedTime(by: String)

    static let prefix = "review:"

    var code: String {
        switch self {
        case let .shortSpan(minutes, planned, percent): return "short-span|\(minutes)|\(planned)|\(percent)"
        case let .outsidePlan(span, plan, grace): return "outside-plan|\(span)|\(plan)|\(grace)"
        case let .overDailyCap(day, minutes, cap): return "over-daily-cap|\(day)|\(minutes)|\(cap)"
        case let .correctedTime(by): return "corrected-time|\(by)"
        }
    }

    /// What a record stores for these reasons ("" for none).
    public static func stored(_ reasons: [ReviewReason]) -> String {
        reasons.isEmpty ? "" : prefix + reasons.map(\.code).joined(separator: ";")
    }

    /// The reasons a stored text holds, or nil when a person typed it.
    public static func parse(_ stored: String) -> [ReviewReason]? {
        guard stored.hasPrefix(prefix) else { return nil }
        var reasons: [ReviewReason] = []
        for item in stored.dropFirst(prefix.count).split(separator: ";") {
            let f = item.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            switch f.first {
            case "short-span" where f.count == 4:
                guard let m = Int64(f[1]), let p = Int64(f[2]), let s = Int(f[3]) else { return nil }
                reasons.append(.shortSpan(minutes: m, planned: p, percent: s))
            case "outside-plan" where f.count == 4:
                guard let g = Int(f[3]) else { return nil }
                reasons.append(.outsidePlan(span: f[1], plan: f[2], grace: g))
            case "over-daily-cap" where f.count == 4:
                guard let m = Int64(f[2]), let c = Int(f[3]) else { return nil }
                reasons.append(.overDailyCap(day: f[1], minutes: m, capHours: c))
            case "corrected-time" where f.count == 2:
                reasons.append(.correctedTime(by: f[1]))
            default:
                return nil
            }
        }
        return reasons
    }

    public var text: Bilingual {
        switch self {
        case let .shortSpan(minutes, planned, percent):
            return Bilingual(
                zh: "签到时长 \(minutes) 分钟，不足计划 \(planned) 分钟的 \(percent)%",
                en: "span \(minutes) min is below \(percent)% of the planned \(planned) min")
        case let .outsidePlan(span, plan, grace):
            return Bilingual(
                zh: "签到签退 \(span) 超出计划时段 \(plan)（宽限 \(grace) 分钟）",
                en: "span \(span) is outside the planned \(plan) (grace \(grace) min)")
        case let .overDailyCap(day, minutes, cap):
            return Bilingual(
                zh: "\(day) 共 \(minutes) 分钟，超过每日上限 \(cap) 小时",
                en: "\(minutes) min on \(day) exceeds the daily cap of \(cap) h")
        case let .correctedTime(by):
            return Bilingual(
                zh: "签到或签退时间由 \(by) 补录更正，不是服务器当时的时间",
                en:
                    "a check-in or check-out time was entered by \(by) as a correction, not stamped by the server's clock"
            )
        }
    }

    /// A record's stored reason as its reader reads it.
    public static func render(_ stored: String) -> Bilingual {
        guard let reasons = parse(stored) else { return Bilingual(zh: stored, en: stored) }
        return Bilingual(
            zh: reasons.map(\.text.zh).joined(separator: "；"), en: reasons.map(\.text.en).joined(separator: "; "))
    }
}

/// A transfer's memo as its reader reads it: what a person typed, as typed; what Jifen wrote
/// itself (an expiry), in the reader's language.
public enum TransferMemo {
    public static func render(_ t: Transfer) -> Bilingual {
        if t.kind == .expire && t.memo.isEmpty && !t.reference.isEmpty {
            return Bilingual(zh: "\(t.reference) 及以前到期的积分", en: "lapsed on or before \(t.reference)")
        }
        return Bilingual(zh: t.memo, en: t.memo)
    }
}
