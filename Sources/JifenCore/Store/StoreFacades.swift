public import Foundation

// The facade level a front end uses besides the ledger: offers, rules, teams, activities and
// records. Each store (JifenSQLite's `SQLiteStore`, JifenPostgres's `PostgresStore`) conforms
// with its own SQL; every rule those methods apply (what is valid, who may, what a listing shows)
// is written once, below or elsewhere in the core, and called by both.

// MARK: Views

/// One row of `jifen config show`.
public struct SettingView: Sendable, Codable, Equatable {
    public var key: String
    public var value: String
    public var isDefault: Bool
    public var updatedBy: String?
    public var updatedAtMillis: Int64?

    public init(key: String, value: String, isDefault: Bool, updatedBy: String? = nil, updatedAtMillis: Int64? = nil) {
        self.key = key; self.value = value; self.isDefault = isDefault; self.updatedBy = updatedBy;
        self.updatedAtMillis = updatedAtMillis
    }

    /// Every setting in force: each defined one, stored or at its default, in the order of
    /// `Rules.definitions`; then the other stored ones (per-category rates) by key.
    public static func inForce(stored: [SettingView]) -> [SettingView] {
        var byKey = Dictionary(stored.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var views = Rules.definitions.map { definition in
            byKey.removeValue(forKey: definition.key)
                ?? SettingView(key: definition.key, value: definition.defaultValue, isDefault: true)
        }
        views += byKey.values.sorted { $0.key < $1.key }
        return views
    }
}

/// One change of the rules, with who made it and when.
public struct SettingChange: Sendable, Codable, Equatable {
    public var key: String
    public var oldValue: String?
    public var newValue: String
    public var actor: String
    public var atMillis: Int64

    public init(key: String, oldValue: String?, newValue: String, actor: String, atMillis: Int64) {
        self.key = key; self.oldValue = oldValue; self.newValue = newValue; self.actor = actor; self.atMillis = atMillis
    }
}

/// A service record with the fields of the 2020 national rules filled from its activity and team.
public struct RecordView: Sendable, Codable, Equatable {
    public var record: ServiceRecord
    public var volunteerName: String
    public var activityTitle: String
    public var place: String
    public var content: String
    public var team: String
    public var teamName: String
    /// The person in charge: the team's leader.
    public var personInCharge: String

    public init(
        record: ServiceRecord, volunteerName: String, activityTitle: String, place: String, content: String,
        team: String, teamName: String, personInCharge: String
    ) {
        self.record = record; self.volunteerName = volunteerName; self.activityTitle = activityTitle; self.place = place
        self.content = content; self.team = team; self.teamName = teamName; self.personInCharge = personInCharge
    }
}

// MARK: Rules the facades apply

extension Offer {
    /// A new offer's fields, checked: text, points, stock, and days in the community's zone.
    /// - Throws: usage for a bad title, amount, stock, day or range.
    public static func checked(
        merchant: String, title: String, points: Int64, stock: Int64?, validFrom: String?, validTo: String?,
        zone: TimeZone
    ) throws -> Offer {
        try Registry.checkText(title, field: Bilingual(zh: "兑换项目名称", en: "offer title"), max: 100)
        guard points > 0, points <= Points.maximum else {
            throw JifenError.usage(
                .badAmount, zh: "积分数必须是 1 到 \(Points.maximum) 之间的整数。",
                en: "The points amount must be a whole number from 1 to \(Points.maximum).")
        }
        if let stock, stock < 0 || stock > 1_000_000_000 {
            throw JifenError.usage(
                .badStock, zh: "库存应为 0 到 1000000000 之间的整数。", en: "Stock must be a whole number from 0 to 1000000000.")
        }
        let from = try validFrom.map { try DayFormat.day($0, in: zone, field: "--from") }
        let to = try validTo.map { try DayFormat.day($0, in: zone, field: "--to") }
        if let from, let to, to < from {
            throw JifenError.usage(
                .badRange, zh: "--to 早于 --from，请检查日期。", en: "--to is before --from; check the dates.")
        }
        return Offer(merchant: merchant, title: title, points: points, stock: stock, validFrom: from, validTo: to)
    }

    /// Checks a listing's filters inside its read transaction.
    /// - Returns: the points the volunteer can spend now (balance less live holds), when one is given.
    /// - Throws: refused for an unknown merchant or volunteer.
    public static func checkListing(
        merchant: String?, affordableBy volunteer: String?, nowMillis: Int64,
        in tx: any ReadTransaction
    ) throws -> Int64? {
        if let merchant, try !tx.merchantExists(merchant) {
            throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant)
        }
        guard let volunteer else { return nil }
        guard let account = try tx.account(volunteer), account.kind == .volunteer else {
            throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), volunteer)
        }
        return try Lots.available(account, nowMillis: nowMillis, in: tx)
    }

    /// Whether a listing shows the offer. With `available` (a volunteer's available points), only
    /// offers redeemable today: not retired, within their dates, in stock, not dearer than that.
    public func listed(includeRetired: Bool, available: Int64?, today: String) -> Bool {
        if !includeRetired && isRetired { return false }
        guard let available else { return true }
        return !isRetired && points <= available && (stock ?? 1) > 0
            && (validFrom ?? today) <= today && (validTo ?? today) >= today
    }
}

extension Permissions {
    /// The merchant itself or an admin: who may list and retire a merchant's offers.
    public static func requireMerchantOrAdmin(
        _ actor: String, merchant: String, action: Bilingual, in tx: any ReadTransaction
    ) throws {
        guard try actor == merchant || tx.actsAsAdmin(actor) else {
            throw JifenError.forbidden(actor: actor, action: action)
        }
    }
}

extension Rules {
    /// Checks a change of one setting against the rules stored now (admin only).
    /// - Returns: the value to store, trimmed.
    /// - Throws: refused for a non-admin; usage for an unknown key or a bad value.
    public static func checkedChange(
        key: String, value: String, actor: String, in tx: any ReadTransaction
    ) throws -> String {
        try Permissions.requireAdmin(actor, action: Bilingual(zh: "修改规则", en: "change the rules"), in: tx)
        var rules = try Rules(settings: tx.settings())
        let value = value.trimmingCharacters(in: .whitespaces)
        try apply(key: key, value: value, to: &rules)
        try WebhookSettings.checkTogether(try tx.settings().merging([key: value]) { $1 })
        return value
    }
}

extension RecordVersion {
    /// Every version of a record: an imported record's first version is the row itself (imports
    /// write no history row, for speed), then the stored versions in order.
    public static func history(of record: ServiceRecord, stored: [RecordVersion]) -> [RecordVersion] {
        let first =
            record.source == .import
            ? [
                RecordVersion(
                    record: record.id, version: 1, minutes: record.minutes, status: .pending, points: 0,
                    actor: record.recorder,
                    atMillis: record.enteredAtMillis, action: "import", reason: record.note)
            ] : []
        return first + stored
    }
}

extension Certificate {
    /// The number of the day's next certificate: `ZM20261120-0001`, counting those issued that day.
    public static func number(issuedOn day: String, issuedBefore: Int) -> String {
        "ZM\(day.replacingOccurrences(of: "-", with: ""))-" + String(format: "%04d", issuedBefore + 1)
    }

    /// A certificate over the approved ones of `records` (a volunteer's records of the period).
    public static func issued(
        number: String, volunteer: String, fromDay: String, toDay: String, records: [ServiceRecord],
        actor: String, atMillis: Int64
    ) -> Certificate {
        let approved = records.filter { $0.status == .approved }
        let digest = digest(approved)
        return Certificate(
            number: number, volunteer: volunteer, fromDay: fromDay, toDay: toDay,
            minutes: approved.reduce(0) { $0 + $1.minutes }, records: approved.count, digest: digest,
            code: code(number: number, volunteer: volunteer, fromDay: fromDay, toDay: toDay, digest: digest),
            issuedAtMillis: atMillis, issuedBy: actor)
    }

    /// The `ZM20261120-` prefix the day's certificate numbers share.
    public static func numberPrefix(issuedOn day: String) -> String {
        "ZM\(day.replacingOccurrences(of: "-", with: ""))-"
    }

    /// A code as typed (any case, with or without dashes or spaces) in its stored form `XXXX-XXXX-XXXX`.
    public static func normalized(code: String) -> String {
        let plain = Array(code.uppercased().filter { $0.isLetter || $0.isNumber })
        return stride(from: 0, to: plain.count, by: 4).map { String(plain[$0..<min($0 + 4, plain.count)]) }.joined(
            separator: "-")
    }

    /// The refusal for a code no certificate has.
    public static func unknown(code: String) -> JifenError {
        .refused(
            .unknownCertificate, zh: "验证码 \(code) 不对应任何证明：该证明可能是伪造的，或验证码抄错了。",
            en: "No certificate has the code \(code): it may be forged, or the code mistyped.")
    }
}
