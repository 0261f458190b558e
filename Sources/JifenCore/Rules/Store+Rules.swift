public import Foundation

/// Offers, settings, certificates and the account views: each rule written once, over the
/// row-level reads and writes every store answers inside `read`/`write`.
extension Store {
    // MARK: Offers

    /// Adds an offer, checked by `Offer.checked` and `Permissions.requireMerchantOrAdmin`.
    /// - Parameters:
    ///   - stock: units available; nil for unlimited.
    ///   - validFrom, validTo: days (`yyyy-MM-dd`, inclusive) the offer can be redeemed.
    /// - Throws: usage for bad text or dates, refused for an unknown merchant or an actor who is neither it nor an admin.
    public func addOffer(
        merchant: String, title: String, points: Int64, stock: Int64?, validFrom: String?, validTo: String?,
        actor: String, nowMillis: Int64
    ) throws -> Offer {
        var offer = try Offer.checked(
            merchant: merchant, title: title, points: points, stock: stock, validFrom: validFrom,
            validTo: validTo, zone: try rules().timeZone)
        offer.createdAtMillis = nowMillis
        return try write { tx in
            guard try tx.merchantExists(merchant) else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), merchant)
            }
            try Permissions.requireMerchantOrAdmin(
                actor, merchant: merchant,
                action: Bilingual(zh: "为 \(merchant) 上架兑换项目", en: "list offers for \(merchant)"), in: tx)
            var added = offer
            added.id = try tx.nextID(.offer)
            try tx.insert(offer: added, actor: actor, nowMillis: nowMillis)
            return added
        }
    }

    /// Offers, by merchant then id, filtered by `Offer.listed`. With `affordableBy`, only offers
    /// that volunteer can redeem today with the points available.
    public func offers(
        merchant: String? = nil, affordableBy volunteer: String? = nil, includeRetired: Bool = true,
        nowMillis: Int64
    ) throws -> [Offer] {
        let today = DayFormat.string(Date(millis: nowMillis), in: try rules().timeZone)
        return try read { tx in
            let available = try Offer.checkListing(
                merchant: merchant, affordableBy: volunteer, nowMillis: nowMillis, in: tx)
            return try tx.offers(merchant: merchant).filter {
                $0.listed(includeRetired: includeRetired, available: available, today: today)
            }
        }
    }

    /// Takes an offer off the list; redemptions already made stand. Retiring twice is harmless.
    public func retireOffer(_ id: String, actor: String, nowMillis: Int64) throws -> Offer {
        try write { tx in
            guard var offer = try tx.offer(id: id) else {
                throw JifenError.unknown(Bilingual(zh: "兑换项目", en: "offer"), id)
            }
            try Permissions.requireMerchantOrAdmin(
                actor, merchant: offer.merchant, action: Bilingual(zh: "下架 \(id)", en: "retire \(id)"), in: tx)
            if offer.retiredAtMillis == nil {
                try tx.retire(offer: id, atMillis: nowMillis)
                offer.retiredAtMillis = nowMillis
            }
            return offer
        }
    }

    // MARK: Settings

    /// The rules in force, from the stored settings and the core's defaults.
    public func rules() throws -> Rules {
        try read { try Rules(settings: $0.settings()) }
    }

    /// The notifier's settings (`webhook.*` keys of the settings table).
    public func webhookSettings() throws -> WebhookSettings {
        try read { try WebhookSettings(settings: $0.settings()) }
    }

    /// Changes a rule. Checked by the core before it is stored; every change is kept with actor and time.
    public func setSetting(key: String, value: String, actor: String, nowMillis: Int64) throws -> SettingChange {
        try write { tx in
            // One change of the rules at a time, so each history row's old value is the one it replaced.
            try tx.serialise(.settings)
            let value = try Rules.checkedChange(key: key, value: value, actor: actor, in: tx)
            let old = try tx.settings()[key]
            try tx.put(setting: key, value: value, actor: actor, nowMillis: nowMillis)
            let change = SettingChange(key: key, oldValue: old, newValue: value, actor: actor, atMillis: nowMillis)
            try tx.insert(settingChange: change)
            return change
        }
    }

    /// Every setting in force: stored ones with who set them, the rest at their defaults.
    public func settingViews() throws -> [SettingView] {
        try read { SettingView.inForce(stored: try $0.storedSettings()) }
    }

    // MARK: Certificates and records

    /// Records with their activity's and team's fields, by service day then id.
    public func records(
        activity: String? = nil, volunteer: String? = nil, pendingOnly: Bool = false,
        from: String? = nil, to: String? = nil
    ) throws -> [RecordView] {
        try read {
            try $0.recordViews(activity: activity, volunteer: volunteer, pendingOnly: pendingOnly, from: from, to: to)
        }
    }

    /// Issues a certificate over a volunteer's approved records in a period and stores it, so its
    /// code can be verified later. Certificates are numbered per day of issue.
    public func issueCertificate(
        volunteer id: String, fromDay: String, toDay: String, actor: String,
        nowMillis: Int64, zone: TimeZone
    ) throws -> (Certificate, [RecordView]) {
        _ = try volunteer(id)
        return try write { tx in
            let views = try tx.recordViews(activity: nil, volunteer: id, pendingOnly: false, from: fromDay, to: toDay)
                .filter { $0.record.status == .approved }
            let day = DayFormat.string(Date(millis: nowMillis), in: zone)
            // Two certificates issued at once on PostgreSQL take the same number and collide on the
            // primary key; the loser's transaction is rerun and numbers the next one.
            let count = try tx.certificateCount(numberPrefix: Certificate.numberPrefix(issuedOn: day))
            let certificate = Certificate.issued(
                number: Certificate.number(issuedOn: day, issuedBefore: count), volunteer: id,
                fromDay: fromDay, toDay: toDay, records: views.map(\.record), actor: actor, atMillis: nowMillis)
            try tx.insert(certificate: certificate)
            return (certificate, views)
        }
    }

    /// Looks a certificate up by its code and checks it against today's ledger.
    /// - Returns: the certificate and whether its records are still exactly as certified.
    public func verifyCertificate(code: String) throws -> (Certificate, stillMatches: Bool) {
        try read { tx in
            guard let certificate = try tx.certificate(code: Certificate.normalized(code: code)) else {
                throw Certificate.unknown(code: code)
            }
            let current = try tx.recordViews(
                activity: nil, volunteer: certificate.volunteer, pendingOnly: false,
                from: certificate.fromDay, to: certificate.toDay)
            return (certificate, Certificate.digest(current.map(\.record)) == certificate.digest)
        }
    }

    // MARK: Accounts

    public func account(_ id: String) throws -> Account {
        try read { tx in
            guard let account = try tx.account(id) else {
                throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id)
            }
            return account
        }
    }

    /// Balance, holds and open lots: one indexed lookup each, whatever the size of the ledger.
    public func balance(_ id: String, nowMillis: Int64) throws -> BalanceView {
        try read { try BalanceView.read(id, nowMillis: nowMillis, in: $0) }
    }

    /// Transfers touching an account between two instants, oldest first, with running balances.
    /// The opening balance is the stored balance less everything at or after `from`, so the cost
    /// grows with the lines shown, not with the ledger.
    public func statement(
        _ id: String, fromMillis: Int64?, toMillis: Int64?, limit: Int = 10_000
    ) throws -> (opening: Int64, lines: [StatementLine]) {
        try read { tx in
            guard let account = try tx.account(id) else {
                throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), id)
            }
            let since = fromMillis ?? Int64.min
            let moved = try tx.movedSince(account: id, sinceMillis: since)
            let opening = account.balance - moved
            let transfers = try tx.transfers(
                touching: id, fromMillis: since, toMillis: toMillis ?? Int64.max, limit: limit)
            return (opening, StatementLine.lines(transfers, account: id, opening: opening))
        }
    }
}

/// Single rows by id: an unknown id is refused with the same message on every store.
extension Store {
    public func volunteer(_ id: String) throws -> Volunteer {
        try read { tx in
            guard let volunteer = try tx.volunteer(id) else {
                throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), id)
            }
            return volunteer
        }
    }

    public func merchant(_ id: String) throws -> Merchant {
        try read { tx in
            guard let merchant = try tx.merchant(id) else {
                throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), id)
            }
            return merchant
        }
    }

    public func activity(_ id: String) throws -> (Activity, [Participation]) {
        try read { tx in
            guard let activity = try tx.activity(id) else {
                throw JifenError.unknown(Bilingual(zh: "活动", en: "activity"), id)
            }
            return (activity, try tx.participants(activity: id))
        }
    }

    /// Every version of a record, as `RecordVersion.history` lays them out.
    public func recordHistory(_ id: String) throws -> [RecordVersion] {
        try read { tx in
            guard let record = try tx.record(id) else {
                throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), id)
            }
            return RecordVersion.history(of: record, stored: try tx.recordVersions(record: id))
        }
    }
}
