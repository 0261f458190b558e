import Foundation
import JifenTestSupport
import Testing

extension SecurityTests {
    /// Item 8 beyond the hours: a credential's role limits every rule that asks whether its person is
    /// an admin or an organizer (`ActingCredential`), through a real `jifen serve` on both stores.
    @Suite struct Roles {
        static let admin = ["JIFEN_ACTOR": "李主任"]

        /// The admin 李主任 also organizes T01. Her organizer credential acts as an organizer only:
        /// it neither grants points, nor mints itself an admin credential, nor lists everyone's
        /// credentials; it does what an organizer does; her admin credential still grants.
        @Test(arguments: StoreKind.allCases)
        func anAdminsOrganizerCredentialActsAsAnOrganizerOnly(store: StoreKind) throws {
            let box = try ServerTests.community(store)
            expectOK(try box.jifen(["team", "add-organizer", "T01", "李主任"], env: Self.admin))
            let adminToken = try ServerTests.token(box, for: "李主任")
            let server = try ServerProcess(box)
            defer { _ = server.stop() }
            let credentials = server.base + "/v1/credentials"
            let issued = try http(
                "POST", credentials, token: adminToken,
                json: ["person": "李主任", "role": "organizer", "enrolment": false, "label": "队长手机"])
            #expect(issued.status == 200, "\(issued)")
            let asOrganizer = try #require(issued.object["secret"] as? String)
            func balance() throws -> Int? {
                try box.jifen(["--json", "balance", "V0001"], env: Self.admin).object["balance"] as? Int
            }

            let grant = try http(
                "POST", server.base + "/v1/grants", token: asOrganizer,
                json: ["account": "V0001", "points": 50, "reason": "试试", "key": "roles-1"])
            #expect(grant.status == 403 && grant.object["code"] as? String == "not-allowed", "\(grant)")
            #expect(
                (grant.object["en"] as? String)?.contains("signed in with a organizer credential") == true, "\(grant)")
            let mint = try http(
                "POST", credentials, token: asOrganizer,
                json: ["person": "李主任", "role": "admin", "enrolment": false, "label": "偷偷"])
            #expect(mint.status == 403, "\(mint)")
            // A credential 王队长 issued for V0001: an admin lists it, her organizer credential does not.
            expectOK(try box.jifen(["credential", "issue", "V0001", "--label", "张桂兰的手机"], env: ["JIFEN_ACTOR": "王队长"]))
            func people(_ token: String) throws -> Set<String> {
                let seen = try http("GET", credentials, token: token)
                #expect(seen.status == 200, "\(seen)")
                return Set(
                    ((try? JSONSerialization.jsonObject(with: seen.body)) as? [[String: Any]] ?? []).compactMap {
                        $0["person"] as? String
                    })
            }
            #expect(try people(adminToken).contains("V0001"))
            #expect(
                try !people(asOrganizer).contains("V0001"),
                "an organizer's credential lists its own and those it issued, not everyone's")
            #expect(try balance() == 100)

            // What an organizer of T01 may do, it does: a paper code for a T01 volunteer.
            let code = try http(
                "POST", credentials, token: asOrganizer,
                json: ["person": "V0001", "role": "volunteer", "enrolment": true, "label": "纸条"])
            #expect(code.status == 200, "\(code)")
            // Her admin credential is an admin's.
            let granted = try http(
                "POST", server.base + "/v1/grants", token: adminToken,
                json: ["account": "V0001", "points": 50, "reason": "结转", "key": "roles-2"])
            #expect(granted.status == 200, "\(granted)")
            #expect(try balance() == 150)
            expectOK(try box.jifen(["verify"], env: Self.admin))
        }
    }
}
