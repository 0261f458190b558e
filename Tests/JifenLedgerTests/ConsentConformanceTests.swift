import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// ID numbers encrypted at rest and consent records, on both stores: the raw database never
/// holds a plain ID number, a missing or wrong key writes nothing, the same number is found
/// twice, consent keeps its history, and the notice and the counter name a person only with hers.
@Suite struct ConsentConformanceTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    static let idNumber = "110101199003071233"
    static let otherIDNumber = "440304198506154024"

    func app(_ f: Fixture, key: String = "id.key") -> JifenApp {
        let clock = f.clock
        return JifenApp(
            store: f.store, clock: { clock.now }, zone: Self.zone,
            idKeyFile: IDKeyFile(path: f.directory.appendingPathComponent(key).path))
    }

    func keyed(_ f: Fixture, key: String = "id.key") throws -> JifenApp {
        let app = self.app(f, key: key)
        try app.idKeyFile!.create()
        return app
    }

    func refusal(_ body: () throws -> Void) -> JifenError? {
        do {
            try body()
            Issue.record("expected a JifenError, got success")
        } catch let error as JifenError {
            return error
        } catch {
            Issue.record("expected a JifenError, got \(error)")
        }
        return nil
    }

    /// Every byte the database holds: the SQLite file and its WAL, or PostgreSQL's rows read directly.
    func rawDatabase(_ f: Fixture) throws -> String {
        switch f.kind {
        case .sqlite:
            let files = [f.location, f.location + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
            return files.map { String(decoding: $0, as: UTF8.self) }.joined()
        case .postgres:
            return try
                (f.strings("SELECT COALESCE(id_number, '') || ' ' || COALESCE(id_number_digest, '') FROM volunteer")
                + f.strings("SELECT COALESCE(id_number, '') || ' ' || COALESCE(id_number_digest, '') FROM resident"))
                .joined(separator: "\n")
        }
    }

    func volunteerInput(_ name: String, phone: String, id: String?) -> JifenApp.VolunteerInput {
        JifenApp.VolunteerInput(name: name, phone: phone, idNumber: id)
    }

    @Test(arguments: StoreKind.allCases)
    func idNumbersAreSealedAtRestAndShownMasked(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try keyed(f)
        let admin = Principal("admin")
        let added = try app.addVolunteer(admin, volunteerInput("张秀兰", phone: "13900001111", id: Self.idNumber))
        #expect(added.idNumber == "110***********1233")
        _ = try app.addResident(
            admin, .init(name: "赵大爷", phone: "13900002222", idNumber: Self.otherIDNumber, address: "幸福里7号楼"))
        let stored = try f.strings("SELECT id_number FROM volunteer WHERE id = '\(added.id)'")
        #expect(stored.count == 1 && IDNumberKey.isSealed(stored[0]))
        let raw = try rawDatabase(f)
        #expect(!raw.contains(Self.idNumber) && !raw.contains(Self.otherIDNumber))
        #expect(!raw.contains("199003071233") && !raw.contains("198506154024"))
        // Listings open and mask with the key; without it they still list, the number unreadable.
        #expect(try app.volunteer(admin, added.id).volunteer.idNumber == "110***********1233")
        #expect(try app.residents(admin, .init()).first?.idNumber == "440***********4024")
        let keyless = self.app(f, key: "elsewhere.key")
        let listed = try keyless.volunteers(admin, .init()).first { $0.id == added.id }
        #expect(listed?.idNumber == IDNumberKey.unreadable && listed?.name == "张秀兰")
        // The key file is its owner's only.
        let mode = try FileManager.default.attributesOfItem(atPath: app.idKeyFile!.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test(arguments: StoreKind.allCases)
    func aMissingOrWrongKeyWritesNothing(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let admin = Principal("admin")
        // No key at all: refused before anything is written.
        let none = app(f, key: "missing.key")
        let before = try f.strings("SELECT id FROM volunteer ORDER BY id")
        let missing = refusal {
            _ = try none.addVolunteer(admin, volunteerInput("张秀兰", phone: "13900001111", id: Self.idNumber))
        }
        #expect(missing?.code == .idKeyMissing && missing?.category == .fault)
        #expect(missing?.message.en.contains("missing.key") == true)
        #expect(try f.strings("SELECT id FROM volunteer ORDER BY id") == before)
        #expect(try f.strings("SELECT fingerprint FROM id_key").isEmpty)
        // Without an ID number no key is needed.
        _ = try none.addVolunteer(admin, volunteerInput("李四", phone: "13900003333", id: nil))
        // The database's key established, then another key: refused, nothing written.
        let app = try keyed(f)
        _ = try app.addVolunteer(admin, volunteerInput("张秀兰", phone: "13900001111", id: Self.idNumber))
        let established = try f.strings("SELECT id FROM volunteer ORDER BY id")
        let other = try keyed(f, key: "other.key")
        let wrong = refusal {
            _ = try other.addVolunteer(admin, volunteerInput("王五", phone: "13900004444", id: Self.otherIDNumber))
        }
        #expect(wrong?.code == .idKeyWrong)
        let wrongResident = refusal {
            _ = try other.addResident(admin, .init(name: "赵大爷", phone: "13900002222", idNumber: Self.otherIDNumber))
        }
        #expect(wrongResident?.code == .idKeyWrong)
        #expect(try f.strings("SELECT id FROM volunteer ORDER BY id") == established)
        #expect(try f.strings("SELECT id FROM resident").isEmpty)
        // A malformed ID number is reported as such even without the key.
        #expect(
            refusal { _ = try none.addVolunteer(admin, volunteerInput("王五", phone: "13900004444", id: "123")) }?
                .code == .badIDNumber)
    }

    @Test(arguments: StoreKind.allCases)
    func theSameIDNumberIsFoundThroughItsDigest(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = try keyed(f)
        let admin = Principal("admin")
        let first = try app.addVolunteer(admin, volunteerInput("张秀兰", phone: "13900001111", id: Self.idNumber))
        let before = try f.strings("SELECT id FROM volunteer ORDER BY id")
        // Another name and phone, and --allow-duplicate: one ID number is still one person.
        var again = volunteerInput("张三", phone: "13900005555", id: Self.idNumber)
        again.allowDuplicate = true
        let duplicate = refusal { _ = try app.addVolunteer(admin, again) }
        #expect(duplicate?.code == .duplicateIDNumber && duplicate?.message.en.contains(first.id) == true)
        #expect(duplicate?.message.en.contains(Self.idNumber) == false)
        let asResident = refusal {
            _ = try app.addResident(admin, .init(name: "张秀兰", phone: "13900001111", idNumber: Self.idNumber))
        }
        #expect(asResident?.code == .duplicateIDNumber)
        #expect(try f.strings("SELECT id FROM volunteer ORDER BY id") == before)
    }

    @Test(arguments: StoreKind.allCases)
    func plainIDNumbersOfAnOlderDatabaseAreSealedOnce(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        // A database from before sealing: the number in plain text, no digest, no key.
        try f.store.write { tx in
            try tx.setIDNumber(sealed: Self.idNumber, digest: "", person: f.volunteers[0], table: .volunteer)
        }
        let app = self.app(f)
        #expect(try app.volunteer(Principal("admin"), f.volunteers[0]).volunteer.idNumber == "110***********1233")
        let result = try app.sealIDNumbers(Principal("admin"))
        #expect(result.keyCreated && result.sealed == 1 && result.duplicates.isEmpty)
        #expect(!(try rawDatabase(f)).contains(Self.idNumber))
        #expect(try app.sealIDNumbers(Principal("admin")).sealed == 0)
        #expect(try app.volunteer(Principal("admin"), f.volunteers[0]).volunteer.idNumber == "110***********1233")
        // Found again as a duplicate after sealing.
        let again = refusal {
            _ = try app.addVolunteer(Principal("admin"), volunteerInput("张三", phone: "13900005555", id: Self.idNumber))
        }
        #expect(again?.code == .duplicateIDNumber)
        // Key file lost after sealing: seal-ids will not make a new one that cannot open them.
        try FileManager.default.removeItem(atPath: app.idKeyFile!.path)
        #expect(refusal { _ = try app.sealIDNumbers(Principal("admin")) }?.code == .idKeyMissing)
        #expect(!app.idKeyFile!.exists)
        // Only an admin seals.
        try app.idKeyFile!.create()
        #expect(refusal { _ = try app.sealIDNumbers(Principal(f.volunteers[1])) }?.code != nil)
    }

    /// A resident's publication consent is one thing: the column her listing shows
    /// (`resident.consent`) is what her registration said until she records otherwise, and
    /// follows every record after, in the same transaction.
    @Test(arguments: StoreKind.allCases)
    func aResidentsPublicationConsentAndHerColumnAgree(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = self.app(f)
        let admin = Principal("admin")
        let column = { (id: String) in try f.strings("SELECT CAST(consent AS TEXT) FROM resident WHERE id = '\(id)'") }
        let said = try app.addResident(admin, .init(name: "赵大爷", phone: "13900002222", consent: true)).id
        let unsaid = try app.addResident(admin, .init(name: "钱大妈", phone: "13900003333")).id
        // Before any record: what her registration said.
        #expect(try app.consents(admin, .init(person: said)).publish)
        #expect(try !app.consents(admin, .init(person: unsaid)).publish)
        // Withdrawn on her paper form: the record and the column say no.
        let withdrawn = try app.recordConsent(admin, .init(person: said, publish: false, version: "2026-02"))
        #expect(!withdrawn.publish && withdrawn.history.count == 1)
        #expect(try column(said) == ["0"])
        #expect(try app.residents(admin, .init()).first { $0.id == said }?.consent == false)
        // Given: both say yes; the other resident is untouched.
        let given = try app.recordConsent(admin, .init(person: unsaid, publish: true, version: "2026-02"))
        #expect(given.publish)
        #expect(try column(unsaid) == ["1"] && column(said) == ["0"])
        // Sharing alone leaves publication as it was.
        _ = try app.recordConsent(admin, .init(person: unsaid, share: true, version: "2026-02"))
        #expect(try column(unsaid) == ["1"] && app.consents(admin, .init(person: unsaid)).publish)
    }

    @Test(arguments: StoreKind.allCases)
    func consentKeepsItsHistoryWithVersions(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = self.app(f)
        let v = f.volunteers[0]
        let untouched = try app.consents(Principal("admin"), .init(person: v))
        #expect(untouched.keep && !untouched.publish && !untouched.share && untouched.history.isEmpty)
        // Her own, signed in as herself.
        let given = try app.recordConsent(
            Principal(v), .init(person: v, publish: true, share: true, version: "2026-01"))
        #expect(given.publish && given.share && given.history.count == 2)
        f.clock.advance(minutes: 1)
        // The admin records her paper form withdrawing publication under a newer text.
        let withdrawn = try app.recordConsent(Principal("admin"), .init(person: v, publish: false, version: "2026-02"))
        #expect(!withdrawn.publish && withdrawn.share && withdrawn.keep)
        #expect(withdrawn.history.map(\.version) == ["2026-01", "2026-01", "2026-02"])
        #expect(withdrawn.history.map(\.recordedBy) == [v, v, "admin"])
        #expect(withdrawn.history.last?.granted == false && withdrawn.history.last?.kind == .publish)
        #expect(withdrawn.history[0].atMillis < withdrawn.history[2].atMillis)
        // The column the notice reads follows publication.
        #expect(try f.strings("SELECT CAST(consent AS TEXT) FROM volunteer WHERE id = '\(v)'") == ["0"])
        // Nobody else records or reads it; an empty version and nothing to record are malformed.
        let other = f.volunteers[1]
        #expect(
            refusal { _ = try app.recordConsent(Principal(other), .init(person: v, share: false)) }?.code == .notAllowed
        )
        #expect(refusal { _ = try app.consents(Principal(other), .init(person: v)) }?.code == .notAllowed)
        #expect(
            refusal { _ = try app.recordConsent(Principal(v), .init(person: v, share: false, version: " ")) }?.code
                == .badConsent)
        #expect(refusal { _ = try app.recordConsent(Principal(v), .init(person: v)) }?.code == .badConsent)
        #expect(
            refusal { _ = try app.recordConsent(Principal("admin"), .init(person: "V9999", keep: true)) }?.code
                == .unknownID)
        #expect(try app.consents(Principal(v), .init(person: v)).history.count == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func theNoticeNamesOnlyWithPublicationConsent(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = self.app(f)
        let v = f.volunteers[0]
        _ = try f.grant(v, 50)
        let month = String(DayFormat.string(f.clock.now, in: Self.zone).prefix(7))
        func label() throws -> String? {
            try app.report(Principal("admin"), .init(month: month, grouping: .volunteer)).report.rows.first {
                $0.key == v
            }?
            .label
        }
        #expect(try label() == "志**甲")
        _ = try app.recordConsent(Principal(v), .init(person: v, publish: true))
        #expect(try label() == "志愿者甲")
        _ = try app.recordConsent(Principal(v), .init(person: v, publish: false))
        #expect(try label() == "志**甲")
    }

    @Test(arguments: StoreKind.allCases)
    func theCounterShowsANameOnlyWithSharingConsent(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = self.app(f)
        let v = f.volunteers[0]
        _ = try f.grant(v, 100)
        let merchants = Merchants(store: f.store, now: { f.clock.now })
        let code = try merchants.issueCode(volunteer: v, actor: v).code
        let receipt = try merchants.redeem(
            RedeemRequest(merchant: f.merchant, code: code, points: 10, key: "k1"), actor: f.merchant)
        func shown() throws -> (String?, String) {
            let counter = try app.counter(Principal(f.merchant), .init(merchant: f.merchant))
            let one = try app.redemption(Principal(f.merchant), receipt.redemption.id)
            return (counter.today.first?.customerName, one.customerName)
        }
        #expect(try shown() == ("志**甲", "志**甲"))
        _ = try app.recordConsent(Principal(v), .init(person: v, share: true))
        #expect(try shown() == ("志愿者甲", "志愿者甲"))
        _ = try app.recordConsent(Principal(v), .init(person: v, share: false))
        #expect(try shown() == ("志**甲", "志**甲"))
    }

    @Test func namesAreMaskedToTheirFirstAndLastCharacter() {
        #expect(ReportNames.masked("张秀兰") == "张*兰")
        #expect(ReportNames.masked("张兰") == "张*")
        #expect(ReportNames.masked("欧阳秀兰") == "欧**兰")
        #expect(ReportNames.masked("Zhang Lan") == "Z*******n")
        #expect(ReportNames.inNotice("张秀兰", published: true) == "张秀兰")
        #expect(ReportNames.atCounter("张秀兰", shared: false) == "张*兰")
    }
}
