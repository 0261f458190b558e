public import Foundation

extension Service {
    /// Checks a volunteer in. A volunteer checking themself in gives the activity's code and no
    /// time: the server's clock stamps it. An organizer may check anyone in, and may give a time
    /// (a correction: recorded as such, and the record it leads to goes to review). Not yet
    /// signed up: signed up now, if there is room.
    ///
    /// Wrong codes are counted (the one thing a refused check-in writes): after
    /// `checkin.wrong_codes_per_volunteer` a volunteer's own check-ins to the activity are refused
    /// unchecked, and after `checkin.wrong_codes_per_activity` since the code was last set, every
    /// check-in by code is, until an organizer rotates the code (`rotateCode`).
    public func checkin(
        _ id: String, volunteer: String, code: String?, at time: Date?, actor: String
    ) throws -> Participation {
        let outcome: Result<Participation, JifenError> = try write { tx, rules, now in
            let activity = try Self.activity(id, in: tx)
            _ = try Self.volunteer(volunteer, in: tx)
            try requireSelfOrOrganizer(
                actor, volunteer: volunteer, team: activity.team, action: Bilingual(zh: "签到", en: "check in"), in: tx)
            try Self.requireOpen(activity)
            let own = actor == volunteer
            if own, time != nil { throw Self.ownTime }
            if own,
                let refusal = try Self.checkCode(
                    code, activity: activity, volunteer: volunteer, rules: rules, at: now, in: tx)
            {
                return .failure(refusal)
            }
            let at = try Self.checkTime(time, now: now, zone: rules.timeZone)
            let earliest = activity.startMillis - Int64(rules.checkinGraceMinutes) * 60_000
            guard at >= earliest else {
                let zone = rules.timeZone
                throw JifenError.refused(
                    .checkinTooEarly,
                    zh:
                        "活动 \(id) 于 \(DayFormat.minute(Date(millis: activity.startMillis), in: zone)) 开始，最早可在开始前 "
                        + "\(rules.checkinGraceMinutes) 分钟（\(DayFormat.minute(Date(millis: earliest), in: zone))）"
                        + "签到。请到时再签到。",
                    en:
                        "Activity \(id) starts at \(DayFormat.minute(Date(millis: activity.startMillis), in: zone)); "
                        + "check-in opens \(rules.checkinGraceMinutes) minutes before, at "
                        + "\(DayFormat.minute(Date(millis: earliest), in: zone)). Check in then."
                )
            }
            var p = try Self.join(activity, volunteer: volunteer, at: now, in: tx)
            if let earlier = p.checkinMillis {
                throw JifenError.refused(
                    .alreadyCheckedIn,
                    zh: "\(volunteer) 已于 \(DayFormat.minute(Date(millis: earlier), in: rules.timeZone)) 签到。",
                    en:
                        "\(volunteer) already checked in at \(DayFormat.minute(Date(millis: earlier), in: rules.timeZone))."
                )
            }
            p.checkinMillis = at
            p.checkinCorrectedBy = time == nil ? nil : actor
            try tx.save(participation: p)
            return .success(p)
        }
        return try outcome.get()
    }

    /// The answer to a volunteer who gives a time for her own check-in or check-out.
    static let ownTime = JifenError.refused(
        .ownTime, zh: "志愿者本人的签到和签退以服务器当时的时间为准，不能自己填写时间（--at）。请现在直接签到或签退（不加 --at），或请组织者更正时间（更正的记录需审核）。",
        en:
            "A volunteer's own check-in and check-out are stamped with the server's clock; no time (--at) can be "
            + "given. Check in or out now without --at, or ask an organizer to correct the time (it then goes to "
            + "review)."
    )

    /// Checks a volunteer's own code against the budgets; a wrong one is counted.
    /// - Returns: the refusal to answer (after its count is written), nil when the code is right.
    static func checkCode(
        _ code: String?, activity: Activity, volunteer: String, rules: Rules, at now: Int64,
        in tx: any WriteTransaction
    ) throws -> JifenError? {
        let hers = try tx.checkinFailures(activity: activity.id, volunteer: volunteer)
        if hers >= rules.checkinWrongPerVolunteer {
            return .refused(
                .checkinLocked,
                zh: "\(volunteer) 已对活动 \(activity.id) 输错签到码 \(hers) 次，不能再用签到码签到。请当面请该队组织者为您签到。",
                en:
                    "Too many wrong check-in codes: \(volunteer) gave \(hers) wrong codes for activity \(activity.id) "
                    + "and can no longer check in by code. Ask an organizer of the team to check you in."
            )
        }
        let all = try tx.checkinFailures(activity: activity.id, volunteer: nil)
        if all >= rules.checkinWrongPerActivity {
            return .refused(
                .checkinLocked,
                zh:
                    "活动 \(activity.id) 的签到码已被输错 \(all) 次，已停用。请请组织者为您签到，或更换签到码（jifen activity rotate-code \(activity.id)）。",
                en:
                    "Too many wrong check-in codes: activity \(activity.id) took \(all) and its code is stopped. Ask "
                    + "an organizer of the team to check you in, or to rotate the code (jifen activity rotate-code "
                    + "\(activity.id))."
            )
        }
        let typed = code?.trimmingCharacters(in: .whitespaces) ?? ""
        if CredentialSecret.constantTimeEqual(typed, activity.checkinCode) { return nil }
        try tx.insertCheckinFailure(activity: activity.id, volunteer: volunteer, atMillis: now)
        let left = rules.checkinWrongPerVolunteer - hers - 1
        return .refused(
            .badCheckinCode,
            zh: "签到码不对。请向组织者核对现场的 6 位签到码（--code）；还可再试 \(left) 次。",
            en:
                "The check-in code does not match. Ask the organizer for the 6-digit code shown on site (--code); \(left) tries left."
        )
    }

    /// Gives an open activity a new check-in code (an organizer of its team, or an admin): the old
    /// code stops working, and the activity's count of wrong codes starts again (each volunteer's stays).
    public func rotateCode(_ id: String, actor: String) throws -> Activity {
        try write { tx, _, at in
            var activity = try Self.activity(id, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "更换签到码", en: "rotate check-in codes"), in: tx)
            try Self.requireOpen(activity)
            var rng = SystemRandomNumberGenerator()
            var code = activity.checkinCode
            while code == activity.checkinCode {
                code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng))
            }
            try tx.setCheckinCode(activity: id, code: code, actor: actor, nowMillis: at)
            activity.checkinCode = code
            return activity
        }
    }

    /// Checks a volunteer out and records the span as a service record: earned at once when the
    /// span is ordinary and both times were the server's, marked for review when it is shorter
    /// than the configured share of the plan or longer than the daily cap, or when an organizer
    /// gave a time (closing a forgotten check-out with `at` is a correction). A volunteer checking
    /// herself out gives no time.
    public func checkout(_ id: String, volunteer: String, at time: Date?, actor: String) throws -> ServiceRecord {
        try write { tx, rules, now in
            let activity = try Self.activity(id, in: tx)
            try requireSelfOrOrganizer(
                actor, volunteer: volunteer, team: activity.team, action: Bilingual(zh: "签退", en: "check out"), in: tx)
            if actor == volunteer, time != nil { throw Self.ownTime }
            guard var p = try tx.participation(activity: id, volunteer: volunteer), let checkin = p.checkinMillis else {
                throw JifenError.refused(
                    .notCheckedIn, zh: "\(volunteer) 还没有签到，不能签退。",
                    en: "\(volunteer) has not checked in, so cannot check out.")
            }
            guard p.checkoutMillis == nil else {
                throw JifenError.refused(
                    .alreadyCheckedOut, zh: "\(volunteer) 已经签退。", en: "\(volunteer) has already checked out.")
            }
            let at = try Self.checkTime(time, now: now, zone: rules.timeZone)
            guard at > checkin else {
                throw JifenError.usage(
                    .checkoutBeforeCheckin,
                    zh: "签退时间早于签到时间 \(DayFormat.minute(Date(millis: checkin), in: rules.timeZone))。",
                    en:
                        "The check-out is not after the check-in at \(DayFormat.minute(Date(millis: checkin), in: rules.timeZone))."
                )
            }
            p.checkoutMillis = at
            p.checkoutCorrectedBy = time == nil ? nil : actor
            try tx.save(participation: p)
            let minutes = (at - checkin) / 60_000
            let day = DayFormat.string(Date(millis: checkin), in: rules.timeZone)
            let already = try tx.minutesOnDay(volunteer: volunteer, day: day, excluding: nil)
            var reasons: [ReviewReason] = []
            if Self.isShortSpan(
                minutes: minutes, planned: activity.plannedMinutes, percent: rules.checkinMinSharePercent)
            {
                reasons.append(
                    .shortSpan(
                        minutes: minutes, planned: activity.plannedMinutes, percent: rules.checkinMinSharePercent))
            }
            let grace = Int64(rules.checkinGraceMinutes) * 60_000
            if checkin < activity.startMillis - grace || at > activity.endMillis + grace {
                let zone = rules.timeZone
                let span =
                    "\(DayFormat.minute(Date(millis: checkin), in: zone))–\(DayFormat.minute(Date(millis: at), in: zone))"
                let plan =
                    "\(DayFormat.minute(Date(millis: activity.startMillis), in: zone))–"
                    + "\(DayFormat.minute(Date(millis: activity.endMillis), in: zone))"
                reasons.append(.outsidePlan(span: span, plan: plan, grace: rules.checkinGraceMinutes))
            }
            if already + minutes > Int64(rules.dailyCapHours) * 60 {
                reasons.append(.overDailyCap(day: day, minutes: already + minutes, capHours: rules.dailyCapHours))
            }
            // A time an organizer gave is a correction: an organizer looks at it before it earns.
            for by in Set([p.checkinCorrectedBy, p.checkoutCorrectedBy].compactMap { $0 }).sorted() {
                reasons.append(.correctedTime(by: by))
            }
            var record = ServiceRecord(
                id: try tx.nextRecordID(), activity: id, volunteer: volunteer, minutes: minutes, serviceDay: day,
                source: .checkin, status: reasons.isEmpty ? .pending : .review, reason: ReviewReason.stored(reasons),
                recorder: actor, enteredAtMillis: now,
                late: WorkingDays.isLate(
                    activityDay: day, enteredDay: DayFormat.string(Date(millis: now), in: rules.timeZone)))
            try tx.insert(record: record)
            try Self.version(record, action: "checkout", reason: record.reason, actor: actor, at: now, in: tx)
            if reasons.isEmpty {
                record = try Self.approve(record, activity: activity, rules: rules, actor: actor, at: now, in: tx)
            }
            return record
        }
    }

    /// Times an organizer types for check-in and check-out may be in the past (a correction),
    /// not more than five minutes ahead of the clock.
    static func checkTime(_ time: Date?, now: Int64, zone: TimeZone) throws -> Int64 {
        guard let time else { return now }
        guard time.millis <= now + 5 * 60_000 else {
            throw JifenError.usage(
                .futureTime, zh: "时间 \(DayFormat.minute(time, in: zone)) 还没到，不能提前签到或签退。",
                en:
                    "The time \(DayFormat.minute(time, in: zone)) is in the future; check-ins and check-outs cannot be early."
            )
        }
        return time.millis
    }
}
