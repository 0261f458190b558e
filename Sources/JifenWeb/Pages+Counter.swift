import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The merchant's counter page: type or scan the volunteer's code, see the offer and points in
/// big figures, confirm; the receipt; refunds; holds; today's takings and what settlement pays.
extension Session {
    func counterPage(notice: String = "", status: Int = 200) -> WebResponse {
        var body = notice
        do {
            let who = try call(API.whoami, .init())
            body += "<p class=\"big\">\(HTML.escape(who.name ?? me))</p>"
            let offers = try call(API.offers, .init(merchant: me)).filter { !$0.isRetired }
            body += "<section aria-labelledby=\"h-take\"><h2 id=\"h-take\">\(w("收顾客的付款码", "Take a customer's pay code"))</h2>"
            var choices = "<fieldset><legend>\(w("兑换什么", "What for"))</legend>"
            for (i, offer) in offers.enumerated() {
                choices += "<label class=\"choice\"><input type=\"radio\" name=\"offer\" value=\"\(HTML.escape(offer.id))\"\(i == 0 ? " checked" : "")>"
                    + "\(HTML.escape(offer.title)) — \(w("\(offer.points) 分", "\(offer.points) points"))"
                    + (offer.stock.map { " <small class=\"muted\">\(w("还剩 \($0) 份", "\($0) left"))</small>" } ?? "") + "</label>"
            }
            choices += "<label class=\"choice\"><input type=\"radio\" name=\"offer\" value=\"\"\(offers.isEmpty ? " checked" : "")>\(w("按分数兑换（填在下面）", "A number of points (below)"))</label>"
            choices += "</fieldset>"
            choices += Part.field("points", label: w("分数（按分数兑换时填）", "Points (for a number of points)"), type: "number", extra: "inputmode=\"numeric\" min=\"1\"")
            body += Part.form("/web/counter/confirm", csrf: csrf,
                              fields: Part.field("code", label: w("顾客的付款码（扫二维码，或输入 6 位数字）", "The customer's pay code (scan its QR, or type the 6 digits)"),
                                                 extra: "inputmode=\"numeric\" autocomplete=\"off\" required")
                                  + "<button type=\"button\" data-scan=\"f-code\" hidden>\(w("用摄像头扫码", "Scan with the camera"))</button>" + choices,
                              button: w("下一步：核对", "Next: check"))
            body += "</section>"
            let today = DayFormat.string(app.clock(), in: app.zone)
            let lines = try call(API.statement, .init(account: me, from: today)).lines
            let taken = lines.filter { $0.transfer.kind == .redeem }
            let refunded = lines.filter { $0.transfer.kind == .refund }
            let standing = try call(API.merchant, .init(merchant: me))
            body += "<section aria-labelledby=\"h-today\"><h2 id=\"h-today\">\(w("今天", "Today")) \(HTML.escape(today))</h2><div class=\"figures\">"
            body += figure(w("今天收的积分（\(taken.count) 笔）", "Points taken today (\(taken.count))"), "\(taken.reduce(0) { $0 + $1.change })", id: "takings")
            body += figure(w("今天退回的", "Refunded today"), "\(-refunded.reduce(0) { $0 + $1.change })", id: "refunded")
            body += figure(w("下次结算将付的积分", "Settlement will pay for"), "\(standing.balance)", main: true, id: "unsettled")
            body += "</div></section>"
            body += "<section aria-labelledby=\"h-refund\"><h2 id=\"h-refund\">\(w("退款", "Refund"))</h2>"
            body += Part.form("/web/counter/refund", csrf: csrf,
                              fields: Part.field("redemption", label: w("收据号（如 R001）", "Receipt number (e.g. R001)"), extra: "required autocapitalize=\"characters\"", id: "f-refund-r")
                                  + Part.field("points", label: w("退多少分（不填：全部）", "Points to give back (empty: all)"), type: "number", extra: "inputmode=\"numeric\" min=\"1\"", id: "f-refund-p")
                                  + Part.field("reason", label: w("原因", "Reason"), extra: "required", id: "f-refund-why"),
                              button: w("退回积分", "Give the points back"), buttonClass: "")
            body += "</section><section aria-labelledby=\"h-holds\"><h2 id=\"h-holds\">\(w("预留的兑换", "Held redemptions"))</h2>"
            body += "<form method=\"post\" action=\"/web/counter/pickup\">\(Part.hidden("csrf", csrf))"
                + Part.field("redemption", label: w("收据号（如 R002）", "Receipt number (e.g. R002)"), extra: "required autocapitalize=\"characters\"", id: "f-hold-r")
                + "<button type=\"submit\" class=\"primary\">\(w("顾客来取了：交付", "Hand it over"))</button> "
                + "<button type=\"submit\" class=\"danger\" formaction=\"/web/counter/release\">\(w("不要了：退回预留", "Release it"))</button></form></section>"
        } catch {
            body += refusal(error)
            return page(w.raw("收银台", "Counter"), body, status: statusOf(error))
        }
        return page(w.raw("收银台", "Counter"), body, status: status)
    }

    /// What will be redeemed, in big figures, before the clerk confirms. Nothing is written yet.
    func confirmPage() -> WebResponse {
        let code = field("code").filter { !$0.isWhitespace }
        let offerID = field("offer")
        do {
            var title = w.raw("按分数兑换", "Points")
            var points = Int64(field("points"))
            if !offerID.isEmpty {
                guard let offer = try call(API.offers, .init(merchant: me)).first(where: { $0.id == offerID }) else {
                    throw JifenError.refused(.unknownID, zh: "没有这个兑换项目：\(offerID)。", en: "No such offer: \(offerID).")
                }
                title = offer.title; points = offer.points
            }
            var body = "<p>\(w("请和顾客核对：", "Check with the customer:"))</p>"
            body += "<p class=\"big\" id=\"confirm-title\">\(HTML.escape(title))</p>"
            body += "<p class=\"digits\" id=\"confirm-points\">\(points.map { w("\($0) 分", "\($0) points") } ?? "?")</p>"
            // A scanned QR is a long secret: said as scanned, never echoed.
            let shown = code.count > Codes.length ? w("已扫码", "scanned") : HTML.escape(code)
            body += "<p>\(w("付款码", "Pay code")) <strong>\(shown)</strong></p>"
            let key = "web-" + UUID().uuidString.lowercased()
            let fields = Part.hidden("code", code) + Part.hidden("offer", offerID) + Part.hidden("points", offerID.isEmpty ? field("points") : "")
                + Part.hidden("key", key)
            body += "<form method=\"post\" action=\"/web/counter/redeem\">\(Part.hidden("csrf", csrf))\(fields)"
                + "<button type=\"submit\" class=\"primary\" id=\"confirm\">\(w("确认兑换", "Confirm"))</button> "
                + "<button type=\"submit\" name=\"hold\" value=\"1\">\(w("先预留，顾客稍后来取", "Hold it for pickup later"))</button></form>"
            body += "<p><a href=\"/web/counter\">\(w("取消，返回", "Cancel"))</a></p>"
            return page(w.raw("核对兑换", "Check the redemption"), body)
        } catch {
            return done("/web/counter", refusal(error))
        }
    }

    func redeem() -> WebResponse {
        let offerID = field("offer")
        do {
            let input = JifenApp.RedeemInput(merchant: me, code: field("code"), offer: offerID.isEmpty ? nil : offerID,
                                             points: Int64(field("points")), key: field("key").isEmpty ? nil : field("key"), hold: field("hold") == "1")
            let receipt = try call(API.redeem, input)
            let r = receipt.redemption
            let title = offerID.isEmpty ? w.raw("按分数兑换", "Points") : ((try? call(API.offers, .init(merchant: me)))?.first { $0.id == offerID }?.title ?? offerID)
            var body = Part.notice(r.status == .held ? w("已预留。顾客来取时，输入收据号点“交付”。", "Held. When the customer comes, type the receipt number and press “Hand it over”.")
                                                     : w("兑换成功，积分已收到。", "Redeemed: the points are yours."), kind: .ok, w: w)
            body += "<p>\(w("收据号", "Receipt number"))</p><p class=\"digits\" id=\"receipt\">\(HTML.escape(r.label))</p>"
            body += "<p class=\"big\">\(HTML.escape(title))</p><p class=\"digits\" id=\"receipt-points\">\(w("\(r.points) 分", "\(r.points) points"))</p>"
            body += "<p class=\"muted\">\(HTML.escape(minute(r.createdAtMillis)))</p>"
            body += "<p><a class=\"button primary\" href=\"/web/counter\">\(w("下一位顾客", "Next customer"))</a></p>"
            return page(w.raw("收据", "Receipt"), body)
        } catch {
            return done("/web/counter", refusal(error))
        }
    }

    func refund() -> WebResponse {
        do {
            let number = try Redemption.parseID(field("redemption"))
            let outcome = try call(API.refund, .init(redemption: number, points: Int64(field("points")), reason: field("reason"),
                                                     key: nil))
            return done("/web/counter", Part.notice(w("已退回 \(outcome.transfer.amount) 分（收据 \(outcome.redemption.label)），还可以退 \(outcome.refundableLeft) 分。",
                                                     "Gave back \(outcome.transfer.amount) points (receipt \(outcome.redemption.label)); \(outcome.refundableLeft) more can be refunded."),
                                                   kind: .ok, w: w))
        } catch {
            return done("/web/counter", refusal(error))
        }
    }

    func resolveHold(pickup: Bool) -> WebResponse {
        do {
            let number = try Redemption.parseID(field("redemption"))
            let receipt = pickup ? try call(API.pickup, .init(redemption: number)) : try call(API.release, .init(redemption: number))
            return done("/web/counter", Part.notice(pickup ? w("已交付（收据 \(receipt.redemption.label)，\(receipt.redemption.points) 分）。", "Handed over (receipt \(receipt.redemption.label), \(receipt.redemption.points) points).")
                                                          : w("已退回预留（收据 \(receipt.redemption.label)），积分回到顾客账上。", "Released (receipt \(receipt.redemption.label)): the points are back with the customer."),
                                                   kind: .ok, w: w))
        } catch {
            return done("/web/counter", refusal(error))
        }
    }
}
