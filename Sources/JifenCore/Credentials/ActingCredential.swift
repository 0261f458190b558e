import Foundation

/// The role of the credential the current operation acts with: a credential's role limits what its
/// person's roles in the database allow (DESIGN, "a credential's role is enforced, not a label").
/// A volunteer's phone credential never acts as an admin or an organizer, even when its person is
/// one; an organizer's never as an admin. `JifenAPI`'s endpoints bind it for the length of each
/// call (`ActingCredential.$role.withValue(principal.role)`), so every rule that asks "is the actor an
/// admin / an organizer" asks it through `actsAsAdmin` / `actsAsOrganizer` below and gets the
/// limited answer. Unbound (nil): the local owner of the database naming a person with `--as`,
/// whose rules are all the roles the database gives.
public enum ActingCredential {
    @TaskLocal public static var role: CredentialRole?

    /// Whether the acting credential may act as an admin.
    public static var mayActAsAdmin: Bool { role == nil || role == .admin }
    /// Whether the acting credential may act as an organizer (an admin's may too).
    public static var mayActAsOrganizer: Bool { mayActAsAdmin || role == .organizer }

    /// A resident's credential reaches only what a resident does (her own service requests, her
    /// profile, her sign-in): `may` is the operation's word on it (`Endpoint`'s `residents`).
    /// - Throws: refused `not-allowed` for anything else, whatever the input names.
    public static func requireResidentMay(_ may: Bool) throws {
        guard role == .resident, !may else { return }
        throw JifenError.refused(
            .notAllowed,
            zh: "居民的登录凭证只能提交和办理自己的服务请求（点单、确认、评价、重办、取消），不能做这件事。",
            en:
                "A resident's sign-in only posts and answers for her own service requests (post, confirm, rate, reopen, cancel); it cannot do this."
        )
    }

    /// The refusal for a person who holds the role in the database but signed in with a
    /// credential of a lesser one: it names the credential and how to go on.
    static func wrongCredential(_ actor: String, action: Bilingual) -> JifenError {
        let held = role?.rawValue ?? ""
        return .refused(
            .notAllowed,
            zh: "\(actor) 用的是「\(held)」身份的登录凭证，不能\(action.zh)。请用管理员（或组织者）身份的凭证登录后再操作。",
            en:
                "\(actor) signed in with a \(held) credential, which may not \(action.en). Sign in with an admin's (or organizer's) credential."
        )
    }
}

extension ReadTransaction {
    /// `isAdmin`, as far as the acting credential's role lets its person be one.
    public func actsAsAdmin(_ actor: String) throws -> Bool { try ActingCredential.mayActAsAdmin && isAdmin(actor) }
    /// `organizesAnyTeam`, as far as the acting credential's role lets its person be an organizer.
    public func actsAsOrganizerOfAnyTeam(_ actor: String) throws -> Bool {
        try ActingCredential.mayActAsOrganizer && organizesAnyTeam(actor)
    }
}

extension WriteTransaction {
    /// `isOrganizer`, as far as the acting credential's role lets its person be an organizer.
    public func actsAsOrganizer(_ actor: String, team: String) throws -> Bool {
        try ActingCredential.mayActAsOrganizer && isOrganizer(actor, team: team)
    }
}

extension Store {
    /// `isAdmin`, as far as the acting credential's role lets its person be one.
    public func actsAsAdmin(_ actor: String) throws -> Bool { try ActingCredential.mayActAsAdmin && isAdmin(actor) }
    /// `organizedTeams`, empty when the acting credential's role is below an organizer's.
    public func actsAsOrganizerOf(_ actor: String) throws -> [String] {
        ActingCredential.mayActAsOrganizer ? try organizedTeams(actor) : []
    }
}
