import Foundation
import JifenCore
import JifenTestSupport
import Testing

/// The outbox's events carry the names and titles a group chat shows — the
/// volunteer's and merchant's names, the activity's and offer's titles — on both stores, so no
/// robot has to show an id (`R001`, `H0000001`, `V0001`) where a person reads a name.
@Suite struct EventPayloadTests {
    func object(_ payload: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
    }

    func last(_ f: Fixture, _ type: String) throws -> [String: Any] {
        try object(try #require(try f.eventPayloads(type).last, "no \(type) event"))
    }

    @Test(arguments: StoreKind.allCases)
    func eventsNameThePeopleActivitiesAndOffers(kind: StoreKind) throws {
        let f = try Fixture.make(kind)
        let (v0, v1) = (f.volunteers[0], f.volunteers[1])
        let tests = ServiceConformanceTests()
        let team = try tests.team(f)
        let service = try tests.service(f)
        let start = f.clock.now.addingTimeInterval(10 * 60)
        let activity = try service.post(
            ActivityRequest(
                team: team, title: "夜间巡逻", start: start, end: start.addingTimeInterval(3 * 3600),
                place: "小区东门", category: "patrol", capacity: 4, rate: 12), actor: "杨建军")
        let published = try last(f, "activity.published")
        #expect(
            published["rate"] as? Int == 12 && published["team_name"] as? String == "平安使者巡逻队"
                && published["title"] as? String == "夜间巡逻")

        // Earned: the volunteer's name, the activity's title and the minutes, not only the record id.
        // Checked in and out at the service's clock (a time given would be a correction, for review).
        f.clock.advance(minutes: 10)
        _ = try service.checkin(activity.id, volunteer: v0, code: nil, at: nil, actor: "杨建军")
        f.clock.advance(minutes: 180)
        let record = try service.checkout(activity.id, volunteer: v0, at: nil, actor: "杨建军")
        #expect(record.status == .approved)
        let earned = try last(f, "points.earned")
        #expect(earned["to_name"] as? String == "志愿者甲")
        #expect(earned["activity_title"] as? String == "夜间巡逻" && earned["activity_id"] as? String == activity.id)
        #expect(earned["minutes"] as? Int == 180 && earned["reference"] as? String == record.id)  // existing fields kept
        #expect(earned["from_name"] == nil)  // the community's issuance account has no person's name

        _ = try service.close(activity.id, actor: "杨建军")
        let closed = try last(f, "activity.closed")
        #expect(
            closed["team_name"] as? String == "平安使者巡逻队" && closed["records"] as? Int == 1
                && closed["minutes"] as? Int == 180)
        #expect(closed["start"] as? String != nil)
        let other = try service.post(
            ActivityRequest(
                team: team, title: "楼道清扫", start: start.addingTimeInterval(86_400),
                end: start.addingTimeInterval(86_400 + 3600), place: "3号楼"), actor: "杨建军")
        _ = try service.cancel(other.id, reason: "下雨", actor: "杨建军")
        let cancelled = try last(f, "activity.cancelled")
        #expect(cancelled["title"] as? String == "楼道清扫" && cancelled["reason"] as? String == "下雨")
        #expect(
            cancelled["team_name"] as? String == "平安使者巡逻队" && cancelled["place"] as? String == "3号楼"
                && cancelled["end"] != nil)

        // Granted and given: both names.
        _ = try f.grant(v0, 200)
        #expect(try last(f, "points.granted")["to_name"] as? String == "志愿者甲")
        _ = try f.ledger.transfer(from: v0, to: v1, amount: 10, memo: "给家人", key: "gift", actor: v0)
        let gift = try last(f, "points.transferred")
        #expect(gift["from_name"] as? String == "志愿者甲" && gift["to_name"] as? String == "志愿者乙")

        // Redeemed against an offer: the offer's title, the merchant's name; the redemption id stays the reference.
        let offer = try Merchants(store: f.facade).addOffer(
            merchant: f.merchant, title: "理发", points: 30, stock: nil, validFrom: nil, validTo: nil,
            actor: "admin", nowMillis: f.clock.now.millis)
        let code = try Merchants(store: f.ledger.store, now: f.ledger.now).issueCode(volunteer: v0, actor: v0).code
        let receipt = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(merchant: f.merchant, code: code, offer: offer.id, key: "r1"), actor: f.merchant)
        let redeemed = try last(f, "points.redeemed")
        #expect(redeemed["offer_title"] as? String == "理发" && redeemed["offer_id"] as? String == offer.id)
        #expect(redeemed["from_name"] as? String == "志愿者甲" && redeemed["to_name"] as? String == "测试商户")
        #expect(redeemed["reference"] as? String == "R001")

        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).refund(
            receipt.redemption.id, points: 10, reason: "未完成", key: "rf1", actor: f.merchant)
        let refunded = try last(f, "points.refunded")
        #expect(
            refunded["offer_title"] as? String == "理发" && refunded["from_name"] as? String == "测试商户"
                && refunded["to_name"] as? String == "志愿者甲")

        // A held redemption: held, picked up (a redeemed event with the offer), and one released.
        let held = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(
                merchant: f.merchant,
                code: try Merchants(store: f.ledger.store, now: f.ledger.now).issueCode(volunteer: v0, actor: v0).code,
                offer: offer.id, key: "h1", hold: true), actor: f.merchant)
        let heldEvent = try last(f, "points.held")
        #expect(
            heldEvent["offer_title"] as? String == "理发" && heldEvent["from_name"] as? String == "志愿者甲"
                && heldEvent["to_name"] as? String == "测试商户")
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).pickup(held.redemption.id, actor: f.merchant)
        let picked = try last(f, "points.redeemed")
        #expect(picked["offer_title"] as? String == "理发" && picked["hold_id"] != nil)
        let second = try Merchants(store: f.ledger.store, now: f.ledger.now).redeem(
            RedeemRequest(
                merchant: f.merchant,
                code: try Merchants(store: f.ledger.store, now: f.ledger.now).issueCode(volunteer: v0, actor: v0).code,
                offer: offer.id, key: "h2", hold: true), actor: f.merchant)
        _ = try Merchants(store: f.ledger.store, now: f.ledger.now).release(second.redemption.id, actor: v0)
        let released = try last(f, "points.released")
        #expect(
            released["offer_title"] as? String == "理发" && released["from_name"] as? String == "志愿者甲"
                && released["status"] as? String == "voided")

        // A reversal names the volunteer; the community's account stays unnamed.
        let grant = try f.grant(v1, 50)
        _ = try f.ledger.reverse(grant.transfer.id, reason: "重复录入", actor: "admin")
        let reversed = try last(f, "points.reversed")
        #expect(reversed["from_name"] as? String == "志愿者乙" && reversed["to_name"] == nil)
        #expect(try f.verify().ok)
    }
}
