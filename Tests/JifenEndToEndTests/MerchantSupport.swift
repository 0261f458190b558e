import Foundation
import Testing

extension Sandbox {
    /// A fresh one-time code for a volunteer (issued as admin unless `actor` is given).
    func code(_ volunteer: String, env: [String: String] = [:]) throws -> String {
        let run = try jifen(["code", volunteer, "--json"], env: env)
        let code = run.object["code"] as? String ?? ""
        #expect(code.count == 6, "\(run)")
        return code
    }

    /// The ledger's rows, read with sqlite3: what "changes nothing" compares.
    func ledgerState() throws -> String {
        try run("/usr/bin/sqlite3", [db, """
            SELECT * FROM account ORDER BY id; SELECT * FROM transfer ORDER BY id; SELECT * FROM lot ORDER BY id;
            SELECT * FROM hold ORDER BY id; SELECT * FROM redemption ORDER BY id; SELECT * FROM redemption_code ORDER BY id;
            SELECT * FROM offer ORDER BY id; SELECT * FROM settlement ORDER BY id; SELECT * FROM event ORDER BY id;
            """]).stdout
    }

    /// Balances as hledger computes them from `jifen export`, by journal account.
    func hledgerBalances(_ journal: String) throws -> [String: Int] {
        // hledger reads the journal in the locale's encoding: the descriptions are UTF-8.
        let out = try run("/usr/bin/hledger", ["-f", journal, "balance", "--flat", "-N", "-O", "csv"], env: ["LANG": "C.UTF-8"])
        #expect(out.status == 0, "\(out)")
        var balances: [String: Int] = [:]
        for line in out.stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            guard fields.count == 2 else { continue }
            balances[fields[0]] = Int(fields[1].replacingOccurrences(of: " PTS", with: ""))
        }
        return balances
    }
}
