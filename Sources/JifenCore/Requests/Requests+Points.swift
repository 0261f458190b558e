import Foundation

/// The ledger effects of requests, through the ledger's and the service records' own paths
/// (`Ledger.hold/postHold/voidHold/post`, `Service.approve`): nothing here moves a point by
/// itself. Keys make every effect happen once:
/// - `request:<id>:hold:<n>` — the n-th hold of the offered points (a return or a reopening makes a new one);
/// - `earn:<record>:v<version>` — the approved record's earning (`Service.earn`);
/// - `hold:<hold>` — the held points posted (`Ledger.postHold`);
/// - `reverse:<transfer>` — the reversal of what a confirmation posted.
extension Requests {
    /// A points-paid request holds the offered points on the resident's account, for the volunteer taking it.
    static func holdOffered(_ r: inout ServiceRequest, actor: String, at: Int64, in tx: any WriteTransaction) throws {
        guard r.pointsPaid, let payer = r.payer, let server = r.server else { return }
        r.holds += 1
        let request = TransferRequest(
            kind: .transfer, debit: payer, credit: server, amount: r.offeredPoints,
            key: "request:\(r.id):hold:\(r.holds)", reference: r.id, memo: "服务请求 \(r.id)：\(r.content)")
        r.hold = try Ledger.hold(request, actor: actor, atMillis: at, timeoutMinutes: holdTimeoutMinutes, in: tx).hold
            .id
    }

    /// Gives held points back, if any are held.
    static func release(_ r: inout ServiceRequest, actor: String, at: Int64, in tx: any WriteTransaction) throws {
        guard let hold = r.hold else { return }
        _ = try Ledger.voidHold(hold, actor: actor, atMillis: at, in: tx)
        r.hold = nil
    }

    /// Confirmation: the service becomes an approved record of an activity made for the request
    /// (the 2020 fields: content, place, day, minutes, team and its leader); a community-paid
    /// request earns by the rules (`Service.approve`), a points-paid one posts its hold to the volunteer.
    static func settle(
        _ r: inout ServiceRequest, actor: String, rules: Rules, at: Int64, in tx: any WriteTransaction
    ) throws {
        guard let server = r.server, let team = r.team else {
            throw JifenError.fault(
                .unexpected, zh: "服务请求 \(r.id) 没有接单人或服务队。", en: "Request \(r.id) has no volunteer or team.")
        }
        let started = r.startedAtMillis ?? at
        let activity: Activity
        if let id = r.activity, let existing = try tx.activity(id) {
            activity = existing
        } else {
            let made = Activity(
                id: try tx.nextActivityID(), community: r.community, team: team,
                title: String("服务请求 \(r.id)：\(r.content)".prefix(100)), place: r.area, content: r.content,
                category: r.category, startMillis: started, endMillis: started + max(1, r.minutes) * 60_000,
                status: .closed, checkinCode: "", createdBy: actor)
            try tx.insert(activity: made, nowMillis: at)
            activity = made
            r.activity = made.id
        }
        let day = DayFormat.string(Date(millis: started), in: rules.timeZone)
        var record = ServiceRecord(
            id: try tx.nextRecordID(), activity: activity.id, volunteer: server, minutes: r.minutes, serviceDay: day,
            source: .manual, status: .pending, note: "服务请求 \(r.id)", recorder: actor, enteredAtMillis: at,
            late: Service.isLate(day, at, rules))
        try tx.insert(record: record)
        try Service.version(record, action: "add", reason: "", actor: actor, at: at, in: tx)
        if r.pointsPaid {
            guard let hold = r.hold else {
                throw JifenError.fault(.unexpected, zh: "服务请求 \(r.id) 没有冻结的积分。", en: "Request \(r.id) holds no points.")
            }
            r.paidTransfer = try Ledger.postHold(hold, actor: actor, atMillis: at, in: tx).transfer.id
            r.hold = nil
            // The volunteer is paid by the resident: the record counts the hours and earns nothing from the community.
            record.status = .approved
            try tx.update(record: record)
            try Service.version(record, action: "approve", reason: "", actor: actor, at: at, in: tx)
        } else {
            record = try Service.approve(record, activity: activity, rules: rules, actor: actor, at: at, in: tx)
        }
        r.record = record.id
        r.records.append(record.id)
        r.confirmedAtMillis = at
    }

    /// Reopening: what confirmation posted is reversed by linked transfers (`reverse:<id>`), the
    /// record is rejected (its history says why), and a points-paid request holds the offered
    /// points again for the same volunteer. The next confirmation makes a new record.
    static func unsettle(
        _ r: inout ServiceRequest, reason: String, actor: String, at: Int64, in tx: any WriteTransaction
    ) throws {
        var posted: Int64?
        var record: ServiceRecord?
        if let id = r.record { record = try tx.record(id) }
        if r.pointsPaid { posted = r.paidTransfer } else { posted = record?.transfer }
        if let id = posted {
            guard let original = try tx.transfer(id: id) else {
                throw JifenError.unknown(Bilingual(zh: "转账", en: "transfer"), "#\(id)")
            }
            let request = TransferRequest(
                kind: .reverse, debit: original.credit, credit: original.debit, amount: original.amount,
                key: "reverse:\(id)", reference: r.id, memo: String("重办：\(reason)".prefix(500)), reverses: id)
            _ = try Ledger.post(request, actor: actor, atMillis: at, in: tx)
        }
        if var record {
            record.status = .rejected
            record.reason = String("重办：\(reason)".prefix(500))
            record.version += 1
            try tx.update(record: record)
            try Service.version(record, action: "reopen", reason: reason, actor: actor, at: at, in: tx)
        }
        r.record = nil
        r.paidTransfer = nil
        try holdOffered(&r, actor: actor, at: at, in: tx)
    }
}
