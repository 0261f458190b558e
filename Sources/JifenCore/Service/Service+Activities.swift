public import Foundation

/// What `activity post` asks for.
public struct ActivityRequest: Sendable {
    public var team: String
    public var title: String
    public var start: Date
    public var end: Date
    public var place = ""
    public var content = ""
    public var category = ""
    public var capacity: Int?
    public var rate: Int64?

    public init(
        team: String, title: String, start: Date, end: Date, place: String = "", content: String = "",
        category: String = "", capacity: Int? = nil, rate: Int64? = nil
    ) {
        self.team = team; self.title = title; self.start = start; self.end = end; self.place = place
        self.content = content; self.category = category; self.capacity = capacity; self.rate = rate
    }
}

extension Service {
    /// Posts an activity and announces it (`activity.published`) in the same transaction.
    public func post(_ request: ActivityRequest, actor: String) throws -> Activity {
        try Registry.checkText(request.title, field: Bilingual(zh: "活动名称", en: "title"), max: 100)
        try Registry.checkText(request.place, field: Bilingual(zh: "地点", en: "place"), max: 200, allowEmpty: true)
        try Registry.checkText(
            request.content, field: Bilingual(zh: "服务内容", en: "content"), max: 1000, allowEmpty: true)
        try Registry.checkText(
            request.category, field: Bilingual(zh: "服务类别", en: "category"), max: 50, allowEmpty: true, singleLine: true)
        guard request.end > request.start else {
            throw JifenError.usage(
                .endBeforeStart, zh: "结束时间不晚于开始时间，请检查 --start 和 --end。",
                en: "The end is not after the start; check --start and --end.")
        }
        guard request.end.timeIntervalSince(request.start) <= 7 * 86_400 else {
            throw JifenError.usage(
                .tooLong, zh: "一次活动最长 7 天，请分成几次发布。", en: "An activity lasts at most 7 days; post it as several.")
        }
        if let capacity = request.capacity, capacity <= 0 {
            throw JifenError.usage(
                .badCapacity, zh: "名额必须大于零（不限名额就不要写 --capacity）。",
                en: "The capacity must be above zero (leave --capacity out for no limit).")
        }
        if let rate = request.rate, !(0...100_000).contains(rate) {
            throw JifenError.usage(
                .badRate, zh: "每小时积分必须在 0 到 100000 之间。", en: "Points per hour must be from 0 to 100000.")
        }
        return try write { tx, rules, at in
            guard let team = try tx.team(request.team) else {
                throw JifenError.unknown(Bilingual(zh: "服务队", en: "team"), request.team)
            }
            try requireOrganizer(actor, team: team.id, action: Bilingual(zh: "发布活动", en: "post activities"), in: tx)
            var rng = SystemRandomNumberGenerator()
            let activity = Activity(
                id: try tx.nextActivityID(), community: team.community, team: team.id, title: request.title,
                place: request.place, content: request.content, category: request.category,
                startMillis: request.start.millis, endMillis: request.end.millis, capacity: request.capacity,
                rate: request.rate, checkinCode: String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng)),
                createdBy: actor)
            try tx.insert(activity: activity, nowMillis: at)
            try tx.insert(event: Events.activityPublished(activity, team: team, rules: rules, atMillis: at))
            return activity
        }
    }

    /// Cancels an open activity that has no service records yet.
    public func cancel(_ id: String, reason: String, actor: String) throws -> Activity {
        let reason = try Ledger.requireReason(reason)
        return try write { tx, rules, at in
            var activity = try Self.activity(id, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "取消活动", en: "cancel activities"), in: tx)
            try Self.requireOpen(activity)
            if let record = try tx.records(activity: id).first(where: { $0.status != .rejected }) {
                throw JifenError.refused(
                    .hasRecords, zh: "活动 \(id) 已有服务记录 \(record.id)，不能取消。请先驳回或更正这些记录。",
                    en: "Activity \(id) already has service record \(record.id); reject or correct its records first.")
            }
            try tx.setActivityStatus(id, .cancelled, reason: reason, actor: actor, nowMillis: at)
            activity.status = .cancelled
            try tx.insert(
                event: Events.activityCancelled(
                    activity, teamName: try tx.team(activity.team)?.name, reason: reason, atMillis: at))
            return activity
        }
    }

    /// Closes an activity: no more check-ins. Refused while someone is checked in without a check-out.
    public func close(_ id: String, actor: String) throws -> Activity {
        try write { tx, _, at in
            var activity = try Self.activity(id, in: tx)
            try requireOrganizer(
                actor, team: activity.team, action: Bilingual(zh: "关闭活动", en: "close activities"), in: tx)
            try Self.requireOpen(activity)
            let open = try tx.participants(activity: id).filter { $0.checkinMillis != nil && $0.checkoutMillis == nil }
                .map(\.volunteer)
            guard open.isEmpty else {
                let list = open.joined(separator: ", ")
                throw JifenError.refused(
                    .notCheckedOut, zh: "\(list) 已签到但未签退。请先用 jifen checkout \(id) 编号 --at 时间 为其签退。",
                    en:
                        "\(list) checked in but never checked out. Close them first with jifen checkout \(id) ID --at TIME."
                )
            }
            try tx.setActivityStatus(id, .closed, reason: "", actor: actor, nowMillis: at)
            activity.status = .closed
            let records = try tx.records(activity: id).filter { $0.status != .rejected }
            try tx.insert(
                event: Events.activityClosed(
                    activity, teamName: try tx.team(activity.team)?.name, records: Int64(records.count),
                    minutes: records.reduce(0) { $0 + $1.minutes }, atMillis: at))
            return activity
        }
    }

    /// Signs a volunteer up. Joining twice is harmless; capacity is enforced.
    public func join(_ id: String, volunteer: String, actor: String) throws -> Participation {
        try write { tx, _, at in
            let activity = try Self.activity(id, in: tx)
            _ = try Self.volunteer(volunteer, in: tx)
            try requireSelfOrOrganizer(
                actor, volunteer: volunteer, team: activity.team, action: Bilingual(zh: "报名", en: "join"), in: tx)
            try Self.requireOpen(activity)
            return try Self.join(activity, volunteer: volunteer, at: at, in: tx)
        }
    }

    static func join(
        _ activity: Activity, volunteer: String, at: Int64, in tx: any WriteTransaction
    ) throws -> Participation {
        guard let found = try tx.volunteer(volunteer), found.community == activity.community else {
            throw JifenError.refused(
                .otherCommunity, zh: "\(volunteer) 不属于该活动所在社区。", en: "\(volunteer) is not in this activity's community."
            )
        }
        if let existing = try tx.participation(activity: activity.id, volunteer: volunteer), !existing.left {
            return existing
        }
        if let capacity = activity.capacity {
            let taken = try tx.participants(activity: activity.id).filter { !$0.left }.count
            guard taken < capacity else {
                throw JifenError.refused(
                    .activityFull, zh: "活动 \(activity.id) 名额已满（\(capacity) 人）。",
                    en: "Activity \(activity.id) is full (\(capacity) places).")
            }
        }
        let participation = Participation(activity: activity.id, volunteer: volunteer, joinedAtMillis: at)
        try tx.save(participation: participation)
        return participation
    }

    public func leave(_ id: String, volunteer: String, actor: String) throws {
        try write { tx, _, _ in
            let activity = try Self.activity(id, in: tx)
            try requireSelfOrOrganizer(
                actor, volunteer: volunteer, team: activity.team, action: Bilingual(zh: "取消报名", en: "leave"), in: tx)
            guard var p = try tx.participation(activity: id, volunteer: volunteer), !p.left else { return }
            guard p.checkinMillis == nil else {
                throw JifenError.refused(
                    .checkedIn, zh: "\(volunteer) 已签到，不能取消报名。", en: "\(volunteer) has checked in and cannot leave.")
            }
            p.left = true
            try tx.save(participation: p)
        }
    }
}
