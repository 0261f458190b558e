import Foundation

/// A community a merchant accepts points from besides its home community (通存通兑). The
/// merchant takes those points into its receivable account inside that community
/// (`Account.receivable(merchant:community:)`), so each community's books balance on their own
/// and no transfer ever has its two accounts in two communities. A removed partnership keeps its
/// row (`removedAtMillis`): what was spent before still settles, nothing new is spent.
public struct Partnership: Codable, Sendable, Equatable {
    public var merchant: String
    public var community: String
    public var addedAtMillis: Int64
    public var addedBy: String
    public var removedAtMillis: Int64?
    public var removedBy: String?

    public init(
        merchant: String, community: String, addedAtMillis: Int64, addedBy: String, removedAtMillis: Int64? = nil,
        removedBy: String? = nil
    ) {
        self.merchant = merchant; self.community = community; self.addedAtMillis = addedAtMillis
        self.addedBy = addedBy; self.removedAtMillis = removedAtMillis; self.removedBy = removedBy
    }

    /// True while the merchant accepts the community's points.
    public var isActive: Bool { removedAtMillis == nil }
}

extension Account {
    /// The account a merchant takes a partner community's points into: kind merchant, inside
    /// that community. `M001@C002`: M001's takings from volunteers of C002.
    public static func receivable(merchant: String, community: String) -> String { "\(merchant)@\(community)" }

    /// The merchant a receivable account belongs to (`M001@C002` → `M001`), nil for any other account.
    public static func receivableMerchant(_ id: String) -> String? {
        guard let at = id.firstIndex(of: "@") else { return nil }
        return String(id[..<at])
    }
}

/// A merchant's partner communities, as `partners` lists them.
public struct PartnerList: Codable, Sendable, Equatable {
    public var merchant: String
    /// The merchant's home community: always accepted, never a row.
    public var home: String
    /// Every partnership, removed ones included, by community.
    public var partners: [Partnership]
}

extension Merchants {
    /// Adds a community whose volunteers may spend their points at the merchant. Only an admin
    /// over the community added may add it (`Permissions.requireAdmin(_:over:)`); the merchant
    /// itself may not. Adding an active partner again is harmless.
    /// - Throws: unknown merchant or community, refused `partner-home` for the merchant's own
    ///   community, forbidden for anyone else, and whatever `requirePartnerable` refuses.
    public func addPartner(merchant: String, community: String, actor: String) throws -> PartnerList {
        let at = now().millis
        return try store.write { tx in
            let account = try Self.merchantAccount(merchant, in: tx)
            try Permissions.requireAdmin(
                actor, over: community,
                action: Bilingual(
                    zh: "让 \(merchant) 接受社区 \(community) 的积分", en: "let \(merchant) accept points of \(community)"),
                in: tx)
            try Self.requirePartnerable(merchant: account, community: community, in: tx)
            if let existing = try tx.partnerships(merchant: merchant, community: community).first, existing.isActive {
                return try Self.partnerList(account, in: tx)
            }
            try tx.save(
                partnership: Partnership(merchant: merchant, community: community, addedAtMillis: at, addedBy: actor))
            let receivable = Account.receivable(merchant: merchant, community: community)
            if try tx.account(receivable) == nil {
                try tx.createAccount(Account(id: receivable, kind: .merchant, community: community))
            }
            return try Self.partnerList(account, in: tx)
        }
    }

    /// Stops a community's volunteers spending at the merchant. What they spent before stays in
    /// the merchant's receivable account there and is settled as before.
    /// - Throws: refused `not-partner` when the community is not an active partner.
    public func removePartner(merchant: String, community: String, actor: String) throws -> PartnerList {
        let at = now().millis
        return try store.write { tx in
            let account = try Self.merchantAccount(merchant, in: tx)
            try Permissions.requireAdmin(
                actor, over: community,
                action: Bilingual(
                    zh: "停止 \(merchant) 接受社区 \(community) 的积分", en: "stop \(merchant) accepting points of \(community)"),
                in: tx)
            guard var existing = try tx.partnerships(merchant: merchant, community: community).first, existing.isActive
            else {
                throw JifenError.refused(
                    .notPartner,
                    zh: "社区 \(community) 不是 \(merchant) 的合作社区，无需移除。请用 jifen merchant partner list \(merchant) 查看。",
                    en:
                        "\(community) is not a partner community of \(merchant); there is nothing to remove. "
                        + "See jifen merchant partner list \(merchant).")
            }
            existing.removedAtMillis = at
            existing.removedBy = actor
            try tx.save(partnership: existing)
            return try Self.partnerList(account, in: tx)
        }
    }

    /// A merchant's home community and partnerships (anyone who may read the merchant list).
    public func partners(merchant: String) throws -> PartnerList {
        try store.read { tx in try Self.partnerList(try Self.merchantAccount(merchant, in: tx), in: tx) }
    }

    /// Every account a merchant holds (its own, then its receivable accounts by community).
    public func accounts(merchant: String) throws -> [Account] {
        try store.read { tx in try Self.accounts(merchant: try Self.merchantAccount(merchant, in: tx), in: tx) }
    }

    /// The one check of whether `community` may partner with `merchant`: the community exists, is
    /// not the merchant's home, and lies under one street office or district with the merchant's
    /// home (`Offices.shareOffice`). An installation that has placed neither community under any
    /// office has no tree yet and counts as one place, as before there were offices.
    /// - Throws: unknown community, refused `partner-home`, `partner-outside`.
    public static func requirePartnerable(merchant: Account, community: String, in tx: any ReadTransaction) throws {
        guard try tx.account(Account.issuance(community)) != nil else {
            throw JifenError.unknown(Bilingual(zh: "社区", en: "community"), community)
        }
        guard community != merchant.community else {
            throw JifenError.refused(
                .partnerHome,
                zh: "\(community) 是 \(merchant.id) 所在的社区，本来就接受它的积分，无需添加。",
                en: "\(community) is the home community of \(merchant.id); its points are accepted already.")
        }
        let home = try tx.placedCommunity(merchant.community)?.office
        let other = try tx.placedCommunity(community)?.office
        if home == nil && other == nil { return }
        guard try Offices.shareOffice(merchant.community, community, in: tx) else {
            throw JifenError.refused(
                .partnerOutside,
                zh: "\(community) 与 \(merchant.id) 所在的社区 \(merchant.community) 不属于同一个街道或区，不能通存通兑。"
                    + "请用 jifen community list 查看各社区的归属。",
                en:
                    "\(community) and \(merchant.id)'s home community \(merchant.community) are not under one street office"
                    + " or district, so they cannot share points. See where each lies with jifen community list.")
        }
    }

    /// The account a merchant takes `volunteer`'s points into: its own account for its home
    /// community, its receivable account in an active partner community, nil for any other.
    static func takingsAccount(merchant: Account, volunteer: Account, in tx: any ReadTransaction) throws -> String? {
        if volunteer.community == merchant.community { return merchant.id }
        guard let p = try tx.partnerships(merchant: merchant.id, community: volunteer.community).first, p.isActive
        else { return nil }
        return Account.receivable(merchant: merchant.id, community: volunteer.community)
    }

    /// Every account a merchant holds: its own, then one per partner community ever added, by community.
    public static func accounts(merchant: Account, in tx: any ReadTransaction) throws -> [Account] {
        var accounts = [merchant]
        for p in try tx.partnerships(merchant: merchant.id, community: nil) {
            if let a = try tx.account(Account.receivable(merchant: merchant.id, community: p.community)) {
                accounts.append(a)
            }
        }
        return accounts
    }

    static func merchantAccount(_ id: String, in tx: any ReadTransaction) throws -> Account {
        guard let account = try tx.account(id), account.kind == .merchant, Account.receivableMerchant(id) == nil else {
            throw JifenError.unknown(Bilingual(zh: "商户", en: "merchant"), id)
        }
        return account
    }

    static func partnerList(_ merchant: Account, in tx: any ReadTransaction) throws -> PartnerList {
        PartnerList(
            merchant: merchant.id, home: merchant.community,
            partners: try tx.partnerships(merchant: merchant.id, community: nil))
    }
}
