import Foundation

extension Service {
    /// Enters service time by hand (pending an organizer's approval).
    public func addHours(
        _ id: String, volunteer: String, minutes: Int64, day: String? = nil, note: String, actor: String
    ) throws -> ServiceRecord {
        try Registry.checkText(note, field: Bilingual(zh: "备注", en: "note"), max: 500, allowEmpty: true)
        return try write { tx, rules, at in
            let activity = try Self.activity(id, in: tx)
            _ = try Self.volunteer(volunteer, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "录入服务时长", en: "enter service hours"), in: tx)
            if activity.status == .cancelled { try Self.requireOpen(activity) }
            let serviceDay = day ?? DayFormat.string(Date(millis: activity.startMillis), in: rules.timeZone)
            try Self.checkMinutes(minutes, volunteer: volunteer, day: serviceDay, excluding: nil, rules: rules, in: tx)
            let record = ServiceRecord(
                id: try tx.nextRecordID(), activity: id, volunteer: volunteer, minutes: minutes, serviceDay: serviceDay,
                source: .manual, status: .pending, note: note, recorder: actor, enteredAtMillis: at,
                late: Self.isLate(serviceDay, at, rules))
            try tx.insert(record: record)
            try Self.version(record, action: "add", reason: note, actor: actor, at: at, in: tx)
            return record
        }
    }

    static func isLate(_ day: String, _ at: Int64, _ rules: Rules) -> Bool {
        WorkingDays.isLate(activityDay: day, enteredDay: DayFormat.string(Date(millis: at), in: rules.timeZone))
    }

    /// Minutes must be whole, above zero, and keep the volunteer's day within the daily cap.
    static func checkMinutes(
        _ minutes: Int64, volunteer: String, day: String, excluding: String?, rules: Rules, in tx: any WriteTransaction
    ) throws {
        let cap = Int64(rules.dailyCapHours) * 60
        guard minutes > 0 else {
            throw JifenError.usage(.badMinutes, zh: "服务时长必须大于 0 分钟。", en: "Service time must be above 0 minutes.")
        }
        let already = try tx.minutesOnDay(volunteer: volunteer, day: day, excluding: excluding)
        // Written so that no sum can overflow, whatever minutes a caller gives.
        guard minutes <= cap - already else {
            throw JifenError.refused(
                .overDailyCap,
                zh:
                    "\(volunteer) 在 \(day) 已有 \(already) 分钟，再加 \(minutes) 分钟超过每日上限 \(rules.dailyCapHours) 小时。请核对时长，或请管理员调整 hours.daily_cap。",
                en:
                    "\(volunteer) already has \(already) min on \(day); \(minutes) more exceeds the daily cap of "
                    + "\(rules.dailyCapHours) h. Check the time, or ask an admin to change hours.daily_cap."
            )
        }
    }

    /// Approves records; each earns once, by the rules in force now.
    public func approve(_ ids: [String], actor: String) throws -> [ServiceRecord] {
        try write { tx, rules, at in
            try ids.map { id in
                let record = try Self.record(id, for: actor, in: tx)
                let activity = try Self.activity(record.activity, in: tx)
                try requireOrganizer(
                    actor, team: activity.team, action: Bilingual(zh: "审核服务时长", en: "approve service hours"), in: tx)
                return try Self.approve(record, activity: activity, rules: rules, actor: actor, at: at, in: tx)
            }
        }
    }

    /// Approves every pending record of an activity (records flagged for review are left to be approved one by one).
    public func approve(activity id: String, actor: String) throws -> [ServiceRecord] {
        try write { tx, rules, at in
            let activity = try Self.activity(id, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "审核服务时长", en: "approve service hours"), in: tx)
            return try tx.records(activity: id).filter(Self.approvedWithItsActivity).map {
                try Self.approve($0, activity: activity, rules: rules, actor: actor, at: at, in: tx)
            }
        }
    }

    static func approve(
        _ record: ServiceRecord, activity: Activity, rules: Rules, actor: String, at: Int64,
        in tx: any WriteTransaction
    ) throws -> ServiceRecord {
        switch record.status {
        case .approved:
            throw JifenError.refused(
                .alreadyApproved, zh: "服务记录 \(record.id) 已审核通过（\(record.points) 积分），不会重复计分。",
                en: "Service record \(record.id) is already approved (\(record.points) points); it never earns twice.")
        case .rejected:
            throw JifenError.refused(
                .recordRejected, zh: "服务记录 \(record.id) 已被驳回。", en: "Service record \(record.id) was rejected.")
        case .pending, .review: break
        }
        var record = record
        record = try earn(record, activity: activity, rules: rules, actor: actor, at: at, in: tx)
        record.status = .approved
        try tx.update(record: record)
        try version(record, action: "approve", reason: "", actor: actor, at: at, in: tx)
        return record
    }

    /// Earns the record's points from the community's issuance account, keyed by record and version.
    static func earn(
        _ record: ServiceRecord, activity: Activity, rules: Rules, actor: String, at: Int64,
        in tx: any WriteTransaction
    ) throws -> ServiceRecord {
        var record = record
        let rate = activity.rate ?? rules.pointsPerHourByCategory[activity.category] ?? rules.pointsPerHour
        record.points = Rules.points(minutes: record.minutes, rate: rate, rounding: rules.rounding)
        record.transfer = nil
        if record.points > 0 {
            let request = TransferRequest(
                kind: .earn, debit: Account.issuance(activity.community), credit: record.volunteer,
                amount: record.points, key: "earn:\(record.id):v\(record.version)", reference: record.id,
                memo: activity.title,
                details: TransferDetails(
                    activityID: activity.id, activityTitle: activity.title, minutes: record.minutes))
            record.transfer = try Ledger.post(request, actor: actor, atMillis: at, in: tx).transfer.id
        }
        return record
    }

    public func reject(_ id: String, reason: String, actor: String) throws -> ServiceRecord {
        let reason = try Ledger.requireReason(reason)
        return try write { tx, _, at in
            var record = try Self.record(id, for: actor, in: tx)
            let activity = try Self.activity(record.activity, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "驳回服务时长", en: "reject service hours"), in: tx)
            guard record.status == .pending || record.status == .review else {
                throw JifenError.refused(
                    .cannotReject, zh: "服务记录 \(id) 状态为 \(record.status.rawValue)，不能驳回；已通过的请用 hours correct 更正。",
                    en:
                        "Service record \(id) is \(record.status.rawValue) and cannot be rejected; correct an approved one with hours correct."
                )
            }
            record.status = .rejected
            record.reason = reason
            try tx.update(record: record)
            try Self.version(record, action: "reject", reason: reason, actor: actor, at: at, in: tx)
            return record
        }
    }

    /// A volunteer asks for a correction of their own record; the organizer must look at it.
    public func dispute(_ id: String, reason: String, actor: String) throws -> ServiceRecord {
        let reason = try Ledger.requireReason(reason)
        return try write { tx, _, at in
            var record = try Self.record(id, for: actor, in: tx)
            guard actor == record.volunteer else {
                throw JifenError.refused(
                    .notAllowed, zh: "只有志愿者本人可以对自己的记录提出更正申请。",
                    en: "Only the volunteer themself may dispute their record.")
            }
            record.disputed = true
            record.reason = reason
            try tx.update(record: record)
            try Self.version(record, action: "dispute", reason: reason, actor: actor, at: at, in: tx)
            return record
        }
    }

    /// Corrects the minutes of a record. An approved record's points are reversed and the corrected
    /// amount earned, both linked to the record; every version is kept.
    public func correct(_ id: String, minutes: Int64, reason: String, actor: String) throws -> ServiceRecord {
        let reason = try Ledger.requireReason(reason)
        return try write { tx, rules, at in
            var record = try Self.record(id, for: actor, in: tx)
            let activity = try Self.activity(record.activity, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "更正服务时长", en: "correct service hours"), in: tx)
            guard record.status != .rejected else {
                throw JifenError.refused(
                    .recordRejected, zh: "服务记录 \(id) 已被驳回，不能更正。",
                    en: "Service record \(id) was rejected and cannot be corrected.")
            }
            try Self.checkMinutes(
                minutes, volunteer: record.volunteer, day: record.serviceDay, excluding: id, rules: rules, in: tx)
            if record.status == .approved, let earned = record.transfer {
                let original = try tx.transfer(id: earned)
                let request = TransferRequest(
                    kind: .reverse, debit: record.volunteer, credit: Account.issuance(activity.community),
                    amount: original?.amount ?? record.points, key: "reverse:\(earned)", reference: record.id,
                    memo: reason, reverses: earned,
                    details: TransferDetails(activityID: activity.id, activityTitle: activity.title))
                _ = try Ledger.post(request, actor: actor, atMillis: at, in: tx)
            }
            record.minutes = minutes
            record.version += 1
            record.disputed = false
            record.reason = reason
            if record.status == .approved {
                record = try Self.earn(record, activity: activity, rules: rules, actor: actor, at: at, in: tx)
            }
            try tx.update(record: record)
            try Self.version(record, action: "correct", reason: reason, actor: actor, at: at, in: tx)
            return record
        }
    }

    static func version(
        _ r: ServiceRecord, action: String, reason: String, actor: String, at: Int64, in tx: any WriteTransaction
    ) throws {
        try tx.insert(
            version: RecordVersion(
                record: r.id, version: r.version, minutes: r.minutes, status: r.status, points: r.points,
                actor: actor, atMillis: at, action: action, reason: reason))
    }
}
