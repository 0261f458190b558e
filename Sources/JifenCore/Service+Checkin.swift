import Foundation

extension Service {
    /// Checks a volunteer in. A volunteer checking themself in gives the activity's code;
    /// an organizer may check anyone in. Not yet signed up: signed up now, if there is room.
    public func checkin(_ id: String, volunteer: String, code: String?, at time: Date?, actor: String) throws -> Participation {
        try write { tx, rules, now in
            let activity = try Self.activity(id, in: tx)
            _ = try Self.volunteer(volunteer, in: tx)
            try Self.requireSelfOrOrganizer(actor, volunteer: volunteer, team: activity.team, action: Bilingual(zh: "签到", en: "check in"), in: tx)
            try Self.requireOpen(activity)
            if actor == volunteer, code?.trimmingCharacters(in: .whitespaces) != activity.checkinCode {
                throw JifenError.refused(.badCheckinCode, zh: "签到码不对。请向组织者核对现场的 6 位签到码（--code）。",
                                         en: "The check-in code does not match. Ask the organizer for the 6-digit code shown on site (--code).")
            }
            let at = try Self.checkTime(time, now: now, zone: rules.timeZone)
            let earliest = activity.startMillis - Int64(rules.checkinGraceMinutes) * 60_000
            guard at >= earliest else {
                let zone = rules.timeZone
                throw JifenError.refused(.checkinTooEarly,
                                         zh: "活动 \(id) 于 \(DayFormat.minute(Date(millis: activity.startMillis), in: zone)) 开始，最早可在开始前 \(rules.checkinGraceMinutes) 分钟（\(DayFormat.minute(Date(millis: earliest), in: zone))）签到。请到时再签到。",
                                         en: "Activity \(id) starts at \(DayFormat.minute(Date(millis: activity.startMillis), in: zone)); check-in opens \(rules.checkinGraceMinutes) minutes before, at \(DayFormat.minute(Date(millis: earliest), in: zone)). Check in then.")
            }
            var p = try Self.join(activity, volunteer: volunteer, at: now, in: tx)
            if let earlier = p.checkinMillis {
                throw JifenError.refused(.alreadyCheckedIn, zh: "\(volunteer) 已于 \(DayFormat.minute(Date(millis: earlier), in: rules.timeZone)) 签到。",
                                         en: "\(volunteer) already checked in at \(DayFormat.minute(Date(millis: earlier), in: rules.timeZone)).")
            }
            p.checkinMillis = at
            try tx.save(participation: p)
            return p
        }
    }

    /// Checks a volunteer out and records the span as a service record: earned at once when the
    /// span is ordinary, marked for review when it is shorter than the configured share of the
    /// plan or longer than the daily cap. An organizer closes a forgotten check-out with `at`.
    public func checkout(_ id: String, volunteer: String, at time: Date?, actor: String) throws -> ServiceRecord {
        try write { tx, rules, now in
            let activity = try Self.activity(id, in: tx)
            try Self.requireSelfOrOrganizer(actor, volunteer: volunteer, team: activity.team, action: Bilingual(zh: "签退", en: "check out"), in: tx)
            guard var p = try tx.participation(activity: id, volunteer: volunteer), let checkin = p.checkinMillis else {
                throw JifenError.refused(.notCheckedIn, zh: "\(volunteer) 还没有签到，不能签退。", en: "\(volunteer) has not checked in, so cannot check out.")
            }
            guard p.checkoutMillis == nil else {
                throw JifenError.refused(.alreadyCheckedOut, zh: "\(volunteer) 已经签退。", en: "\(volunteer) has already checked out.")
            }
            let at = try Self.checkTime(time, now: now, zone: rules.timeZone)
            guard at > checkin else {
                throw JifenError.usage(.checkoutBeforeCheckin, zh: "签退时间早于签到时间 \(DayFormat.minute(Date(millis: checkin), in: rules.timeZone))。",
                                       en: "The check-out is not after the check-in at \(DayFormat.minute(Date(millis: checkin), in: rules.timeZone)).")
            }
            p.checkoutMillis = at
            try tx.save(participation: p)
            let minutes = (at - checkin) / 60_000
            let day = DayFormat.string(Date(millis: checkin), in: rules.timeZone)
            let already = try tx.minutesOnDay(volunteer: volunteer, day: day, excluding: nil)
            var reasons: [ReviewReason] = []
            if minutes * 100 < activity.plannedMinutes * Int64(rules.checkinMinSharePercent) {
                reasons.append(.shortSpan(minutes: minutes, planned: activity.plannedMinutes, percent: rules.checkinMinSharePercent))
            }
            let grace = Int64(rules.checkinGraceMinutes) * 60_000
            if checkin < activity.startMillis - grace || at > activity.endMillis + grace {
                let zone = rules.timeZone
                let span = "\(DayFormat.minute(Date(millis: checkin), in: zone))–\(DayFormat.minute(Date(millis: at), in: zone))"
                let plan = "\(DayFormat.minute(Date(millis: activity.startMillis), in: zone))–\(DayFormat.minute(Date(millis: activity.endMillis), in: zone))"
                reasons.append(.outsidePlan(span: span, plan: plan, grace: rules.checkinGraceMinutes))
            }
            if already + minutes > Int64(rules.dailyCapHours) * 60 {
                reasons.append(.overDailyCap(day: day, minutes: already + minutes, capHours: rules.dailyCapHours))
            }
            var record = ServiceRecord(id: try tx.nextRecordID(), activity: id, volunteer: volunteer, minutes: minutes, serviceDay: day,
                                       source: .checkin, status: reasons.isEmpty ? .pending : .review, reason: ReviewReason.stored(reasons),
                                       recorder: actor, enteredAtMillis: now,
                                       late: WorkingDays.isLate(activityDay: day, enteredDay: DayFormat.string(Date(millis: now), in: rules.timeZone)))
            try tx.insert(record: record)
            try Self.version(record, action: "checkout", reason: record.reason, actor: actor, at: now, in: tx)
            if reasons.isEmpty {
                record = try Self.approve(record, activity: activity, rules: rules, actor: actor, at: now, in: tx)
            }
            return record
        }
    }

    /// Times typed for check-in and check-out may be in the past (an organizer catching up),
    /// not more than five minutes ahead of the clock.
    static func checkTime(_ time: Date?, now: Int64, zone: TimeZone) throws -> Int64 {
        guard let time else { return now }
        guard time.millis <= now + 5 * 60_000 else {
            throw JifenError.usage(.futureTime, zh: "时间 \(DayFormat.minute(time, in: zone)) 还没到，不能提前签到或签退。",
                                   en: "The time \(DayFormat.minute(time, in: zone)) is in the future; check-ins and check-outs cannot be early.")
        }
        return time.millis
    }
}
