public import Foundation

/// Organizers and volunteers: activities, taking part, service records, approvals that earn
/// points. Who may do what is checked here, so every front end gets the same rules.
public struct Service: Sendable {
    public let store: any Store
    public let now: @Sendable () -> Date
    /// The role of the credential the actor signed in with (nil: the local database's owner naming
    /// a person, whose roles are all those the database gives them). A credential's role is
    /// enforced: a volunteer's credential never acts as an organizer or admin, even when its
    /// person also organizes a team; an organizer's credential never acts as an admin.
    public let role: CredentialRole?

    public init(store: any Store, now: @escaping @Sendable () -> Date = { Date() }, role: CredentialRole? = nil) {
        self.store = store
        self.now = now
        self.role = role
    }

    func write<T>(_ body: (any WriteTransaction, Rules, Int64) throws -> T) throws -> T {
        let at = now().millis
        return try store.write { tx in try body(tx, try Rules(settings: tx.settings()), at) }
    }

    // MARK: Who may

    /// An admin or an organizer of `team`, as far as the credential's `role` lets its holder be one.
    static func requireOrganizer(
        _ actor: String, team: String, action: Bilingual, role: CredentialRole? = nil,
        in tx: any WriteTransaction
    ) throws {
        let role = role ?? ActingCredential.role
        if try isOrganizer(actor, team: team, role: role, in: tx) { return }
        if role != nil, try tx.isAdmin(actor) || tx.isOrganizer(actor, team: team) {
            throw wrongCredential(actor, role: role, action: action)
        }
        throw JifenError.refused(
            .notAllowed,
            zh: "\(actor) 不是服务队 \(team) 的组织者，无权\(action.zh)。请由该队组织者或管理员（--as）操作。",
            en:
                "\(actor) is not an organizer of team \(team) and may not \(action.en). Act as one of its organizers or an admin (--as)."
        )
    }

    /// The volunteer themself, or an organizer of the team, or an admin (as far as `role` lets).
    static func requireSelfOrOrganizer(
        _ actor: String, volunteer: String, team: String, action: Bilingual, role: CredentialRole? = nil,
        in tx: any WriteTransaction
    ) throws {
        if actor == volunteer { return }
        let role = role ?? ActingCredential.role
        if try isOrganizer(actor, team: team, role: role, in: tx) { return }
        if role != nil, try tx.isAdmin(actor) || tx.isOrganizer(actor, team: team) {
            throw wrongCredential(actor, role: role, action: action)
        }
        throw JifenError.refused(
            .notAllowed,
            zh: "\(actor) 只能为自己\(action.zh)，不能替 \(volunteer) 操作。",
            en: "\(actor) may \(action.en) only for themself, not for \(volunteer).")
    }

    /// Whether `actor` acts as an admin or an organizer of `team`: the roles the database gives,
    /// limited by the credential's role (an admin's credential may do both, an organizer's only
    /// the organizer's part, any other none).
    static func isOrganizer(
        _ actor: String, team: String, role: CredentialRole?, in tx: any WriteTransaction
    ) throws -> Bool {
        switch role ?? ActingCredential.role {
        case nil, .admin?: return try tx.isAdmin(actor) || tx.isOrganizer(actor, team: team)
        case .organizer?: return try tx.isOrganizer(actor, team: team)
        case .volunteer?, .merchant?, .staff?, .resident?: return false
        }
    }

    static func wrongCredential(_ actor: String, role: CredentialRole?, action: Bilingual) -> JifenError {
        let held = role?.rawValue ?? ""
        return .refused(
            .notAllowed,
            zh: "\(actor) 用的是「\(held)」身份的登录凭证，不能\(action.zh)。请用组织者（或管理员）身份的凭证登录后再操作。",
            en:
                "\(actor) signed in with a \(held) credential, which may not \(action.en). Sign in with an organizer's (or admin's) credential."
        )
    }

    func requireOrganizer(_ actor: String, team: String, action: Bilingual, in tx: any WriteTransaction) throws {
        try Self.requireOrganizer(actor, team: team, action: action, role: role, in: tx)
    }

    func requireSelfOrOrganizer(
        _ actor: String, volunteer: String, team: String, action: Bilingual, in tx: any WriteTransaction
    ) throws {
        try Self.requireSelfOrOrganizer(actor, volunteer: volunteer, team: team, action: action, role: role, in: tx)
    }

    /// A record by id for `actor`. A missing one and someone else's that `actor` may not read (not
    /// its volunteer, an admin or an organizer) answer alike, so ids cannot be probed.
    static func record(_ id: String, for actor: String, in tx: any WriteTransaction) throws -> ServiceRecord {
        guard let record = try tx.record(id),
            try record.volunteer == actor || tx.actsAsAdmin(actor) || tx.actsAsOrganizerOfAnyTeam(actor)
        else {
            throw JifenError.unknown(Bilingual(zh: "服务记录", en: "service record"), id)
        }
        return record
    }

    static func activity(_ id: String, in tx: any WriteTransaction) throws -> Activity {
        guard let activity = try tx.activity(id) else {
            throw JifenError.unknown(Bilingual(zh: "活动", en: "activity"), id)
        }
        return activity
    }

    static func volunteer(_ id: String, in tx: any WriteTransaction) throws -> Volunteer {
        guard let volunteer = try tx.volunteer(id) else {
            throw JifenError.unknown(Bilingual(zh: "志愿者", en: "volunteer"), id)
        }
        return volunteer
    }

    static func requireOpen(_ activity: Activity) throws {
        switch activity.status {
        case .open: return
        case .cancelled:
            throw JifenError.refused(
                .activityCancelled, zh: "活动 \(activity.id) 已取消。", en: "Activity \(activity.id) was cancelled.")
        case .closed:
            throw JifenError.refused(
                .activityClosed, zh: "活动 \(activity.id) 已结束关闭。", en: "Activity \(activity.id) is closed.")
        }
    }
}
