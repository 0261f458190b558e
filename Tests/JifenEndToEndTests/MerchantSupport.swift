import Foundation
import JifenTestSupport
import Testing

extension Sandbox {
    /// A fresh one-time code for a volunteer (issued as admin unless `actor` is given).
    func code(_ volunteer: String, env: [String: String] = [:]) throws -> String {
        let run = try jifen(["code", volunteer, "--json"], env: env)
        let code = run.object["code"] as? String ?? ""
        #expect(code.count == 6, "\(run)")
        return code
    }

    /// The ledger's rows (sqlite3 or psql): what "changes nothing" compares. The merchant's wrong
    /// codes (`code_wrong`) are left out: a wrong code is the one refusal that writes.
    func ledgerState() throws -> String {
        try ["account", "transfer", "lot", "hold", "redemption", "redemption_code", "offer", "settlement", "event"]
            .map { "## \($0)\n" + (try query("SELECT * FROM \($0) ORDER BY id")).joined(separator: "\n") }.joined(
                separator: "\n")
    }

    /// Balances as hledger computes them from `jifen export`, by journal account.
    func hledgerBalances(_ journal: String) throws -> [String: Int] {
        // hledger reads the journal in the locale's encoding: the descriptions are UTF-8.
        let out = try run(
            "/usr/bin/hledger", ["-f", journal, "balance", "--flat", "-N", "-O", "csv"], env: ["LANG": "C.UTF-8"])
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
