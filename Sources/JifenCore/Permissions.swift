/// Who may do what. The checks live here, in the core, so every front end gets them.
///
/// Jifen is not an authentication system: whoever can write the database file can act as anyone.
/// `--as` says who is acting; it is recorded on every write, and these rules say what that role may do.
public enum Permissions {
    public static func requireAdmin(_ actor: String, action: Bilingual, in tx: any LedgerReading) throws {
        guard try tx.isAdmin(actor) else { throw JifenError.forbidden(actor: actor, action: action) }
    }
}
