/// Who may do what. The checks live here, in the core, so every front end gets them.
///
/// Jifen is not an authentication system: whoever can write the database file can act as anyone.
/// `--as` says who is acting; it is recorded on every write, and these rules say what that role may do.
public enum Permissions {
    public static func requireAdmin(_ actor: String, action: Bilingual, in tx: any LedgerReading) throws {
        guard try tx.isAdmin(actor) else { throw JifenError.forbidden(actor: actor, action: action) }
    }
}

extension Permissions {
    /// Which volunteer's records a listing may show: a volunteer sees only their own.
    /// - Returns: the volunteer filter to apply (nil: everyone's).
    public static func recordFilter(actor: String, actorIsVolunteer: Bool, requested: String?) throws -> String? {
        guard actorIsVolunteer else { return requested }
        if let requested, requested != actor {
            throw JifenError.forbidden(actor: actor, action: Bilingual(zh: "查看 \(requested) 的服务记录", en: "see the service records of \(requested)"))
        }
        return actor
    }
}
