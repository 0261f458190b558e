import Foundation
import JifenApp
import JifenCore
import JifenTestSupport
import Testing

/// The application layer's points operations, in process on a real store: what the CLI's
/// balance, statement, grant and transfer commands call.
@Suite struct AppPointsTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!

    func app(_ f: Fixture) -> JifenApp {
        let clock = f.clock
        return JifenApp(store: f.store, clock: { clock.now }, zone: Self.zone)
    }

    /// The error `body` throws, failing the test when it throws none or another kind.
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

    @Test(arguments: StoreKind.allCases)
    func grantIsSealedShowsTheBalanceAndReplaysByKey(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = app(f)
        let admin = Principal("admin"), volunteer = f.volunteers[0]
        let first = try app.grant(admin, .init(account: volunteer, points: 120, reason: "纸质台账结转", key: "carry-1"))
        #expect(!first.replayed)
        #expect(first.account == volunteer)
        #expect(first.balance == 120)
        #expect(first.transfer.kind == .grant && first.transfer.amount == 120 && first.transfer.actor == "admin")
        // Sealed by the app on both stores: a result never carries an empty hash.
        #expect(first.transfer.isSealed && !first.transfer.hash.isEmpty)
        let again = try app.grant(admin, .init(account: volunteer, points: 120, reason: "纸质台账结转", key: "carry-1"))
        #expect(again.replayed)
        #expect(again.transfer == first.transfer)
        #expect(again.balance == 120)
        // Without a key each call is its own operation.
        let fresh = try app.grant(admin, .init(account: volunteer, points: 5, reason: "补发"))
        #expect(!fresh.replayed && fresh.transfer.key.hasPrefix("grant:") && fresh.balance == 125)
        #expect(try f.balance(volunteer) == 125)
    }

    @Test(arguments: StoreKind.allCases)
    func aVolunteerMayNotGrantAndNothingChanges(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = app(f)
        let volunteer = f.volunteers[0]
        let error = refusal {
            _ = try app.grant(Principal(volunteer), .init(account: volunteer, points: 50, reason: "给自己"))
        }
        #expect(error?.code == .notAllowed)
        #expect(error?.category == .refused)
        #expect(error?.message.en == "\(volunteer) may not grant points. Act as an admin or someone who may (--as).")
        #expect(try f.balance(volunteer) == 0)
        #expect(try app.statement(Principal("admin"), .init(account: volunteer)).lines.isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func transferShowsThePayersBalance(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = app(f)
        let (giver, receiver) = (f.volunteers[0], f.volunteers[1])
        _ = try app.grant(Principal("admin"), .init(account: giver, points: 100, reason: "test"))
        let moved = try app.transfer(Principal(giver), .init(from: giver, to: receiver, points: 30, memo: "给女儿"))
        #expect(moved.account == giver && moved.balance == 70)
        #expect(moved.transfer.debit == giver && moved.transfer.credit == receiver && moved.transfer.actor == giver)
        #expect(try app.balance(Principal("admin"), receiver).view.balance == 30)
    }

    @Test(arguments: StoreKind.allCases)
    func balanceCarriesServiceStandingOnlyForVolunteers(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = app(f)
        _ = try app.grant(Principal("admin"), .init(account: f.volunteers[0], points: 40, reason: "test"))
        let volunteer = try app.balance(Principal("admin"), f.volunteers[0])
        #expect(volunteer.view.balance == 40 && volunteer.view.available == 40 && volunteer.view.held == 0)
        let service = try #require(volunteer.service)
        #expect(service.minutes == 0 && service.records == 0 && service.star == 0)
        let merchant = try app.balance(Principal("admin"), f.merchant)
        #expect(merchant.service == nil)
        let unknown = refusal { _ = try app.balance(Principal("admin"), "V9999") }
        #expect(unknown?.category == .refused)
    }

    @Test(arguments: StoreKind.allCases)
    func statementRangesAreCalendarDaysAndABackwardRangeIsRefused(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let app = app(f)
        let admin = Principal("admin"), volunteer = f.volunteers[0]
        _ = try app.grant(admin, .init(account: volunteer, points: 60, reason: "test"))
        f.clock.advance(days: 1)
        _ = try app.grant(admin, .init(account: volunteer, points: 15, reason: "test"))
        let yesterday = DayFormat.string(f.clock.now.addingTimeInterval(-86_400), in: Self.zone)
        let today = DayFormat.string(f.clock.now, in: Self.zone)

        let all = try app.statement(admin, .init(account: volunteer))
        #expect(all.account == volunteer && all.openingBalance == 0)
        #expect(all.lines.map(\.change) == [60, 15])
        #expect(all.lines.map(\.balanceAfter) == [60, 75])
        // A bare --to day runs through the end of that day: the same day as --from is one whole day.
        let first = try app.statement(admin, .init(account: volunteer, from: yesterday, to: yesterday))
        #expect(first.lines.map(\.change) == [60])
        let second = try app.statement(admin, .init(account: volunteer, from: today, to: today))
        #expect(second.openingBalance == 60 && second.lines.map(\.change) == [15])

        let backward = refusal { _ = try app.statement(admin, .init(account: volunteer, from: today, to: yesterday)) }
        #expect(backward?.code == .badRange)
        #expect(backward?.category == .usage)
        #expect(backward?.message.en == "--to is before --from; check the dates.")
        let unreadable = refusal { _ = try app.statement(admin, .init(account: volunteer, from: "2026-13-45")) }
        #expect(unreadable?.code == .badDate)
        #expect(unreadable?.message.en.contains("--from") == true)
    }

    @Test(arguments: StoreKind.allCases)
    func anUnreadableBirthDateNamesTheFieldInEachLanguage(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let error = refusal {
            _ = try app(f).addVolunteer(
                Principal("admin"), .init(name: "赵淑芬", phone: "13800004321", birthDate: "1952-02-30"))
        }
        #expect(error?.code == .badDate)
        #expect(error?.message.zh.hasPrefix("出生日期「1952-02-30」") == true)
        #expect(error?.message.en.hasPrefix("The birth date \"1952-02-30\"") == true)
    }
}
