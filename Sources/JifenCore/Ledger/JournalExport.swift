import Foundation

/// The whole ledger as a plain-text journal that hledger and ledger-cli read and balance, so
/// auditors can check Jifen with tools they trust.
///
/// Each transfer is one transaction dated in the community's time zone: `+points` to its credit
/// account, `-points` to its debit account, so every account's journal balance equals its Jifen
/// balance (credits − debits) and each transaction sums to zero. Accounts are named
/// `volunteers:V0001`, `merchants:M001` and `C01:issuance` / `C01:expired` / `C01:settled`;
/// the commodity is `PTS`. Key, actor, hash and the reversed transfer are kept as comments.
/// It reads only what `verify` reads (`LedgerAuditing`), so every store exports the same journal.
public enum JournalExport {
    /// The journal account name of a Jifen account.
    public static func journalAccount(_ account: Account) -> String {
        switch account.kind {
        case .volunteer: "volunteers:\(account.id)"
        case .merchant: "merchants:\(account.id)"
        case .issuance, .expiry, .settlement, .donation: account.id.replacingOccurrences(of: ".", with: ":")
        }
    }

    /// Writes the journal of `store` to `path` (atomically: a temporary file renamed at the end).
    /// - Returns: the number of transfers written.
    @discardableResult
    public static func write(_ store: any Store, to path: String) throws -> Int {
        let zone = try store.read { try Rules(settings: $0.settings()) }.timeZone
        let temporary = path + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw JifenError.fault(
                .cannotWrite, zh: "无法写入 \(path)，请检查路径和权限。", en: "Cannot write \(path); check the path and permissions.")
        }
        var count = 0
        do {
            defer { try? handle.close() }
            try store.read { reader in
                var names: [String: String] = [:]
                for account in try reader.allAccounts() { names[account.id] = journalAccount(account) }
                var buffer =
                    "; Jifen ledger export — each account's balance here equals its balance in Jifen.\n; commodity PTS = points 积分\n\n"
                var day = DayCache(zone: zone)
                try reader.forEachTransfer { t in
                    count += 1
                    buffer += day.string(t.atMillis)
                    buffer += " * #\(t.id) \(t.kind.rawValue)"
                    if !t.reference.isEmpty { buffer += " " + clean(t.reference) }
                    if !t.memo.isEmpty { buffer += " | " + clean(t.memo) }
                    buffer += "\n    ; key: \(clean(t.key)), actor: \(clean(t.actor))"
                    if let reverses = t.reverses { buffer += ", reverses: #\(reverses)" }
                    buffer += ", hash: \(t.hash)\n"
                    buffer += "    \(names[t.credit] ?? t.credit)  \(t.amount) PTS\n"
                    buffer += "    \(names[t.debit] ?? t.debit)  -\(t.amount) PTS\n\n"
                    if buffer.utf8.count > 1 << 20 {
                        handle.write(Data(buffer.utf8))
                        buffer = ""
                    }
                    return true
                }
                handle.write(Data(buffer.utf8))
            }
            try handle.synchronize()
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw JifenError.fault(
                .cannotWrite, zh: "无法写入 \(path)，请检查路径和权限。", en: "Cannot write \(path); check the path and permissions.")
        }
        return count
    }

    /// One line of free text as a journal description: no line breaks, no `;` (a comment in
    /// ledger-cli), no runs of spaces (which separate amounts).
    static func clean(_ text: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in text {
            let c: Character = ch.isNewline || ch == "\t" ? " " : ch == ";" ? "," : ch
            if c == " " {
                if lastSpace { continue }
                lastSpace = true
            } else {
                lastSpace = false
            }
            out.append(c)
        }
        return out
    }

    /// Dates of transfers in the community's zone; transfers come in time order, so one day's
    /// bounds are computed once and reused.
    struct DayCache {
        let zone: TimeZone
        var start: Int64 = 1
        var end: Int64 = 0
        var text = ""

        init(zone: TimeZone) { self.zone = zone }

        mutating func string(_ millis: Int64) -> String {
            if millis >= start && millis < end { return text }
            let date = Date(millis: millis)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let dayStart = calendar.startOfDay(for: date)
            start = dayStart.millis
            end = (calendar.date(byAdding: .day, value: 1, to: dayStart) ?? date).millis
            text = DayFormat.string(date, in: zone)
            return text
        }
    }
}
