import Foundation
import JifenApp
import JifenCore

extension Context {
    /// The application layer over the store `--db` (or JIFEN_DB) names, on this command's clock and zone.
    func app() throws -> JifenApp {
        try JifenApp.open(dbPath, busyTimeout: busyTimeout, clock: now, zone: timeZone)
    }

    /// Who acts. Locally the owner of the database file names the person with `--as`
    /// (README: whoever holds the file is its administrator).
    var principal: Principal { Principal(actor) }
}
