import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Context {
    /// The application layer over the store `--db` (or JIFEN_DB) names, on this command's clock and zone.
    /// With `--server`, only the commands that call `perform` reach the server; the rest say so.
    func app() throws -> JifenApp {
        if let server = serverURL {
            throw JifenError.usage(
                .notServed, zh: "这个命令只能在数据库所在的机器上运行（--db），不能通过服务器（\(server)）。",
                en: "This command runs only on the database's own machine (--db), not through a server (\(server)).")
        }
        return try JifenApp.open(dbPath, busyTimeout: busyTimeout, clock: now, zone: timeZone, idKeyFile: idKeyFile)
    }

    /// Runs one operation of the API: on the local database, or with `--server` on the server as
    /// whoever signed in there (the same result type, so the same table and `--json`).
    /// A write with `--key` runs once per key, locally as on the server: the ledger's own key for
    /// the operations that take one (the command puts it in the input), else the store's record
    /// of the first answer (`Endpoint.perform`); with `--server` the key is the Idempotency-Key.
    func perform<Input, Output>(_ endpoint: Endpoint<Input, Output>, _ input: Input) throws -> Output {
        if let server = serverURL {
            return try RemoteClient(
                server: server, language: language, credentials: CredentialFile(environment: environment)
            )
            .call(endpoint, input, key: options.key)
        }
        if let key = options.key, endpoint.verb == .post, !endpoint.takesKey {
            let (json, _) = try endpoint.perform(app(), principal, input, key: key)
            return try APIJSON.decoder().decode(Output.self, from: json)
        }
        return try endpoint.call(app(), principal, input)
    }

    /// The server `--server` or JIFEN_SERVER names, nil for local use.
    var serverURL: String? { options.server ?? environment["JIFEN_SERVER"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Who acts. Locally the owner of the database file names the person with `--as`
    /// (README: whoever holds the file is its administrator).
    /// Without `--as` (or JIFEN_ACTOR) it is the owner, who may read everything; with it, the
    /// named person's rules apply.
    var principal: Principal {
        Principal(actor, isOwner: options.actor == nil && (environment["JIFEN_ACTOR"] ?? "").isEmpty)
    }
}
