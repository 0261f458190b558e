public import Foundation

/// One value of an exported row: the stores hold whole numbers, text and NULL (and reals nowhere).
public enum PersonValue: Codable, Sendable, Equatable {
    case null
    case integer(Int64)
    case number(Double)
    case text(String)
    case bool(Bool)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else {
            self = .text(try c.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .integer(let i): try c.encode(i)
        case .number(let d): try c.encode(d)
        case .text(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        }
    }

    /// As a CSV cell: empty for NULL.
    public var cell: String {
        switch self {
        case .null: return ""
        case .integer(let i): return String(i)
        case .number(let d): return String(d)
        case .text(let s): return s
        case .bool(let b): return b ? "1" : "0"
        }
    }
}

/// One kind of her data as a table: its columns, and each row's values in that order (a table,
/// like its CSV file, whatever a client's key conventions do to object keys).
public struct PersonSection: Codable, Sendable, Equatable {
    public var kind: String
    public var columns: [String]
    public var rows: [[PersonValue]]

    /// A row's value in a column, nil when there is no such column.
    public func value(_ row: [PersonValue], _ column: String) -> PersonValue? {
        columns.firstIndex(of: column).flatMap { $0 < row.count ? row[$0] : nil }
    }
}

/// Everything Jifen holds about a person (个人信息副本): her registration in full (it is hers),
/// then every kind of row of `PersonInventory`, with anyone else shown only by id or masked.
public struct PersonExport: Codable, Sendable, Equatable {
    public var person: String
    public var ids: PersonIDs
    public var exportedAtMillis: Int64
    public var volunteer: Volunteer?
    public var resident: Resident?
    public var sections: [PersonSection]

    /// The export as CSV files, one per kind (`profile.csv`, `transfers.csv`, …): each kind has its
    /// own columns, so each opens in a spreadsheet as one plain table. UTF-8 with a byte-order
    /// mark, so Excel shows Chinese text; formula-looking cells are neutralised (`CSVText`).
    public var csvFiles: [(name: String, text: String)] {
        func file(_ rows: [[String]]) -> String {
            "\u{FEFF}" + rows.map(CSVText.line).joined(separator: "\r\n") + "\r\n"
        }
        var profile: [[String]] = [["field", "value"]]
        profile.append(["person", person])
        if let v = volunteer {
            profile += [
                ["volunteer.id", v.id], ["volunteer.community", v.community], ["volunteer.team", v.team ?? ""],
                ["volunteer.name", v.name], ["volunteer.gender", v.gender.rawValue],
                ["volunteer.birth_date", v.birthDate ?? ""], ["volunteer.id_number", v.idNumber ?? ""],
                ["volunteer.phone", v.phone], ["volunteer.area", v.area], ["volunteer.skills", v.skills],
                ["volunteer.categories", v.categories], ["volunteer.consent", v.consent ? "1" : "0"],
                ["volunteer.created_at", String(v.createdAtMillis)],
            ]
        }
        if let r = resident {
            profile += [
                ["resident.id", r.id], ["resident.community", r.community], ["resident.name", r.name],
                ["resident.phone", r.phone], ["resident.id_number", r.idNumber ?? ""], ["resident.address", r.address],
                ["resident.area", r.area], ["resident.volunteer", r.volunteer ?? ""],
                ["resident.consent", r.consent ? "1" : "0"], ["resident.created_at", String(r.createdAtMillis)],
            ]
        }
        profile.append(["exported_at", String(exportedAtMillis)])
        var files = [(name: "profile.csv", text: file(profile))]
        for section in sections {
            let rows = [section.columns] + section.rows.map { row in row.map(\.cell) }
            files.append((name: "\(section.kind).csv", text: file(rows)))
        }
        return files
    }
}

/// What a retention sweep did.
public struct PersonSweep: Codable, Sendable, Equatable {
    /// People whose last activity is before this (milliseconds): the cutoff, N years before now.
    public var inactiveBeforeMillis: Int64
    public var years: Int
    public var erased: [PersonErasure]
    /// People the store found with no activity since the cutoff (not erased yet), each then
    /// checked again by the core before her erasure.
    public var examined: Int
}

/// A person's data: export, erasure (注销) and the retention sweep. What belongs to her is
/// `PersonInventory`; who may is the caller's `authorize`, run inside the transaction with her
/// community (an admin over it; for an export, also the person herself).
public struct Persons: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    /// What erased personal data reads as.
    public static let erased = "已注销"

    static let personWord = Bilingual(zh: "人员", en: "person")

    /// Her ids and community. - Throws: unknown (`unknown-id`) when nobody has this id.
    static func find(_ id: String, in tx: any ReadTransaction) throws -> (PersonIDs, community: String) {
        guard let ids = try tx.personIDs(id) else { throw JifenError.unknown(personWord, id) }
        if let v = ids.volunteer, let volunteer = try tx.volunteer(v) { return (ids, volunteer.community) }
        if let r = ids.resident, let resident = try tx.resident(r) { return (ids, resident.community) }
        throw JifenError.unknown(personWord, id)
    }

    /// Everything Jifen holds about the person with this id (volunteer or resident id).
    /// - Parameter authorize: called with her ids and community before anything is read; throws to refuse.
    public func export(
        _ id: String, nowMillis: Int64, authorize: (PersonIDs, String, any ReadTransaction) throws -> Void
    ) throws -> PersonExport {
        try store.read { tx in
            let (ids, community) = try Self.find(id, in: tx)
            try authorize(ids, community, tx)
            let volunteer = try ids.volunteer.flatMap { try tx.volunteer($0) }
            let resident = try ids.resident.flatMap { try tx.resident($0) }
            let own = ids.all
            let hers = Set(own + [volunteer?.name, resident?.name].compactMap { $0 })
            var sections: [PersonSection] = []
            for source in PersonInventory.exported {
                let rows = try tx.personRows(source, ids: own).map { json in
                    var row = try Self.decode(json)
                    for column in source.others {
                        if case .text(let value)? = row[column], !hers.contains(value) {
                            row[column] = .text(PersonInventory.maskOther(value))
                        }
                    }
                    if source.scrubbed.contains("payload"), case .text(let payload)? = row["payload"] {
                        row["payload"] = .text(
                            Self.maskOthers(inPayload: payload, hers: hers.union(Self.numbers(volunteer, resident))))
                    }
                    return source.columns.map { row[$0] ?? .null }
                }
                sections.append(PersonSection(kind: source.kind, columns: source.columns, rows: rows))
            }
            return PersonExport(
                person: id, ids: ids, exportedAtMillis: nowMillis, volunteer: volunteer, resident: resident,
                sections: sections)
        }
    }

    static func numbers(_ volunteer: Volunteer?, _ resident: Resident?) -> [String] {
        [volunteer?.phone, volunteer?.idNumber, resident?.phone, resident?.idNumber, resident?.address].compactMap {
            $0
        }
    }

    static func decode(_ json: String) throws -> [String: PersonValue] {
        do {
            return try JSONDecoder().decode([String: PersonValue].self, from: Data(json.utf8))
        } catch {
            throw JifenError.fault(.corrupt, zh: "无法读取存储的个人数据行。", en: "A stored row of personal data cannot be read.")
        }
    }

    /// An event's payload as her export shows it: a string under a key that names a person
    /// (`name`, `phone`, `actor`, `…_by` …) or holds free text someone wrote (`content`, `note`,
    /// `memo` …, which may be another resident's words: her own are in the sections above) is
    /// kept when it is hers and masked when it is not; ids, amounts and times stay.
    static func maskOthers(inPayload payload: String, hers: Set<String>) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8), options: [.fragmentsAllowed])
        else { return payload }
        func personal(_ key: String) -> Bool {
            let k = key.lowercased()
            return [
                "name", "phone", "actor", "address", "contact", "leader", "organizer", "recorder", "id_number",
                "content", "area", "note", "reason", "memo", "comment",
            ].contains { k.contains($0) } || k.hasSuffix("by")
        }
        func walk(_ value: Any, key: String) -> Any {
            if let dict = value as? [String: Any] {
                return dict.reduce(into: [String: Any]()) { $0[$1.key] = walk($1.value, key: $1.key) }
            }
            if let list = value as? [Any] { return list.map { walk($0, key: key) } }
            if let text = value as? String, personal(key), !hers.contains(text) {
                return key.lowercased().contains("phone") ? Masking.phone(text) : PersonInventory.maskOther(text)
            }
            return value
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: walk(object, key: ""),
                options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return payload }
        return String(decoding: data, as: UTF8.self)
    }

    /// Checks an erasure's reason: said (2 to 200 characters), and free of personal data, since
    /// the record of the erasure is kept after everything else is gone: not her name, phone, ID
    /// number or address, and no run of 7 or more digits (anyone's phone or ID number).
    public static func checkReason(_ reason: String, volunteer: Volunteer?, resident: Resident?) throws {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (2...200).contains(text.count) else {
            throw JifenError.usage(
                .badErasureReason, zh: "注销原因应为 2 到 200 个字符，例如 --reason \"本人申请注销\"。",
                en: "The erasure's reason must be 2 to 200 characters, e.g. --reason \"asked by the person\".")
        }
        let personal = [
            volunteer?.name, resident?.name, volunteer?.phone, resident?.phone, volunteer?.idNumber,
            resident?.idNumber, resident?.address,
        ].compactMap { $0 }.filter { $0.count >= 2 }
        var run = 0, longest = 0
        for c in text {
            run = c.isNumber ? run + 1 : 0
            longest = max(longest, run)
        }
        if longest >= 7 || personal.contains(where: { text.contains($0) }) {
            throw JifenError.usage(
                .badErasureReason,
                zh: "注销原因不能包含个人信息（姓名、电话、身份证号、地址或长串数字）：该记录在注销后仍保留。请只写原因，例如 \"本人申请注销\"。",
                en:
                    "The erasure's reason must not carry personal data (a name, phone, ID number, address or long number): "
                    + "it is kept after the erasure. Give only the reason, e.g. \"asked by the person\".")
        }
    }

    /// Erases a person: her name, phone, ID number, address and the free text she wrote read
    /// `已注销`, her credentials are revoked, and the erasure is recorded. Every point, record,
    /// transfer and checkpoint stays, so `verify` still proves the books.
    /// - Throws: unknown for a missing id; refused `already-erased` the second time; usage
    ///   `bad-erasure-reason` for a reason that is empty or carries personal data.
    public func erase(
        _ id: String, reason: String, actor: String, nowMillis: Int64,
        authorize: (String, any ReadTransaction) throws -> Void
    ) throws -> PersonErasure {
        try store.write { tx in
            let (ids, community) = try Self.find(id, in: tx)
            try authorize(community, tx)
            return try Self.erase(
                ids, community: community, reason: reason, actor: actor, nowMillis: nowMillis, in: tx)
        }
    }

    static func erase(
        _ ids: PersonIDs, community: String, reason: String, actor: String, nowMillis: Int64,
        in tx: any WriteTransaction
    ) throws -> PersonErasure {
        let person = ids.volunteer ?? ids.resident ?? ""
        if let done = try tx.personErasure(ids: ids.all) {
            let when = ISO8601DateFormatter().string(
                from: Date(timeIntervalSince1970: Double(done.erasedAtMillis) / 1000))
            throw JifenError.refused(
                .alreadyErased,
                zh: "\(person) 已于 \(when) 被注销，不能再次注销。",
                en: "\(person) was already erased (at \(when)); a person is erased once.")
        }
        let volunteer = try ids.volunteer.flatMap { try tx.volunteer($0) }
        let resident = try ids.resident.flatMap { try tx.resident($0) }
        try checkReason(reason, volunteer: volunteer, resident: resident)
        let own = ids.all
        // Her requests' bodies (the request's JSON) are rewritten through the request itself.
        var requests: [ServiceRequest] = []
        if let asked = PersonInventory.sources.first(where: { $0.kind == "service_requests" }) {
            for json in try tx.personRows(asked, ids: own) {
                guard case .text(let rid)? = try decode(json)["id"],
                    let request = try tx.serviceRequest(rid, forUpdate: true)
                else { continue }
                requests.append(request)
            }
        }
        // Her data and words quoted elsewhere (events, stored answers): the longest first, so a
        // phone is replaced before any part of it.
        let quoted =
            [
                volunteer?.name, resident?.name, volunteer?.phone, resident?.phone, volunteer?.idNumber,
                resident?.idNumber, resident?.address, resident?.area,
            ] + requests.flatMap { [$0.content, $0.comment, $0.reason, $0.area] as [String?] }
        let terms = Array(Set(quoted.compactMap { $0 }.filter { $0.count >= 2 })).sorted { $0.count > $1.count }
        for var request in requests {
            request.content = erased; request.comment = request.comment.isEmpty ? "" : erased
            request.reason = request.reason.isEmpty ? "" : erased; request.area = erased
            try tx.update(request: request)
        }
        // The memos of her transfers and holds, as the events and stored answers quote them
        // (`"memo":"谢谢"`): read before the ledger erases them.
        let memos = try Self.memoFields(own, in: tx)
        for source in PersonInventory.sources {
            if !source.scrubbed.isEmpty, !memos.isEmpty {
                _ = try tx.scrubText(source, ids: own, terms: memos, text: Self.memoField(erased))
            }
            if !source.erasedText.isEmpty || !source.erasedNull.isEmpty {
                _ = try tx.eraseText(source, ids: own, text: erased)
            }
            if !source.scrubbed.isEmpty, !terms.isEmpty {
                _ = try tx.scrubText(source, ids: own, terms: terms, text: erased)
            }
        }
        // A team's leader is free text: where it names her in her community, her name goes.
        let names = Array(
            Set(
                [volunteer?.name, resident?.name, volunteer?.phone, resident?.phone].compactMap { $0 }
                    .filter { $0.count >= 2 && $0 != erased })
        ).sorted { $0.count > $1.count }
        if !names.isEmpty {
            _ = try tx.scrubTeamLeaders(community: community, terms: names, text: erased)
        }
        for person in own {
            for credential in try tx.credentials(person: person) where credential.revokedAtMillis == nil {
                _ = try tx.revokeCredential(id: credential.id, atMillis: nowMillis)
            }
        }
        if let account = ids.volunteer {
            _ = try erasePersonalLedgerText(account: account, replacement: erased, in: tx)
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        var record = PersonErasure(
            person: person, community: community, erasedAtMillis: nowMillis, erasedBy: actor, reason: text)
        for id in own {
            record.person = id
            try tx.insert(personErasure: record)
        }
        record.person = person
        return record
    }

    /// A memo as a payload quotes it: the key and the value, as `JSONText` writes events and as
    /// `JSONEncoder` writes stored answers (they differ only in how a slash is written).
    static func memoFields(_ memo: String) -> [String] {
        var quoted = ""
        JSONText.quote(memo, into: &quoted)
        var forms = ["\"memo\":" + quoted]
        if let data = try? JSONEncoder().encode(memo) {
            forms.append("\"memo\":" + String(decoding: data, as: UTF8.self))
        }
        return Array(Set(forms))
    }

    static func memoField(_ memo: String) -> String { memoFields(memo)[0] }

    /// Every memo of her transfers and holds as a payload quotes it, the longest first (so a memo
    /// is replaced before one it contains); empty and already erased memos are left out.
    static func memoFields(_ own: [String], in tx: any WriteTransaction) throws -> [String] {
        var memos = Set<String>()
        for source in PersonInventory.sources where source.kind == "transfers" || source.kind == "holds" {
            for json in try tx.personRows(source, ids: own) {
                if case .text(let memo)? = try decode(json)["memo"], !memo.isEmpty, memo != erased {
                    memos.insert(memo)
                }
            }
        }
        return memos.flatMap { memoFields($0) }.sorted { $0.count > $1.count }
    }

    /// The ledger's free text about her: the memos of transfers to or from her account. The
    /// chain covers each memo's salted digest, not its text, so the text is replaced and the salt
    /// dropped while `verify --full` stays green (`Ledger.eraseMemos`).
    /// - Returns: how many memos were erased.
    static func erasePersonalLedgerText(
        account: String, replacement: String, in tx: any WriteTransaction
    ) throws -> Int {
        try tx.eraseTransferMemos(account: account, replacement: replacement)
    }

    /// When she was last active: the latest of every time `PersonInventory` counts (registration,
    /// a transfer to or from her account, a service record entered, a check-in, a credential used,
    /// a request asked or changed, a pay code shown …). Nil when no row has a time.
    public static func lastActive(_ ids: PersonIDs, in tx: any ReadTransaction) throws -> Int64? {
        var latest: Int64?
        for source in PersonInventory.sources {
            for column in source.activity {
                if let at = try tx.personLatest(source, column: column, ids: ids.all) {
                    latest = max(latest ?? at, at)
                }
            }
        }
        return latest
    }
}

/// The retention period (`retention.inactive_years`): a person inactive for that many years is
/// erased by the sweep. Inactive: no activity (`Persons.lastActive`) on or after the cutoff, the
/// same calendar day and time `years` years before now.
public enum Retention {
    /// The cutoff: `years` calendar years before `now` in `zone`; activity at or after it keeps her.
    public static func cutoff(now: Date, years: Int, zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return (calendar.date(byAdding: .year, value: -years, to: now) ?? now).millis
    }

    /// Inactive: her last activity is strictly before the cutoff (or she has none).
    public static func isInactive(lastActiveMillis: Int64?, cutoffMillis: Int64) -> Bool {
        guard let last = lastActiveMillis else { return true }
        return last < cutoffMillis
    }
}

extension Persons {
    /// Erases everyone inactive for `years` years (0: nobody; retention is then off), each in
    /// its own transaction, with the reason `retention: inactive N years`.
    /// - Parameter authorize: called with each person's community; a refusal skips nobody, it stops the sweep.
    public func sweep(
        years: Int, now: Date, zone: TimeZone, actor: String,
        authorize: (String, any ReadTransaction) throws -> Void
    ) throws -> PersonSweep {
        let cutoff = Retention.cutoff(now: now, years: years, zone: zone)
        guard years > 0 else { return PersonSweep(inactiveBeforeMillis: cutoff, years: years, erased: [], examined: 0) }
        // One query finds who had no activity since the cutoff; each is checked again, by the
        // core's rule, in the transaction that erases her.
        let candidates = try store.read {
            try $0.personsInactive(sinceMillis: cutoff, sources: PersonInventory.activitySources)
        }
        var erasedIDs = Set<String>()
        var done: [PersonErasure] = []
        for id in candidates where !erasedIDs.contains(id) {
            let result: PersonErasure? = try store.write { tx in
                let (ids, community) = try Self.find(id, in: tx)
                guard try tx.personErasure(ids: ids.all) == nil,
                    Retention.isInactive(lastActiveMillis: try Self.lastActive(ids, in: tx), cutoffMillis: cutoff)
                else { return nil }
                try authorize(community, tx)
                erasedIDs.formUnion(ids.all)
                return try Self.erase(
                    ids, community: community, reason: "retention: inactive \(years) years", actor: actor,
                    nowMillis: now.millis, in: tx)
            }
            if let result { done.append(result) }
        }
        return PersonSweep(inactiveBeforeMillis: cutoff, years: years, erased: done, examined: candidates.count)
    }
}
