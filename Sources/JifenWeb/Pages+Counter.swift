import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The merchant's counter page: type or scan the customer's code, pick the offer, check it in big
/// figures, confirm; the open holds (hand over, release) and the day's redemptions (tap one to
/// refund) by the customer's name, so nobody needs a receipt number; a receipt page to open again.
/// Every form answers with a redirect (`done`): reload, Back and a restored tab never post twice.
extension Session {
    /// The values the take-a-code form carries to its check and back after a refusal.
    static let counterFields = ["code", "offer", "points"]
    /// `/web/counter/receipt/R030`: a receipt, opened as often as wanted.
    static let receiptPrefix = "/web/counter/receipt/"

    func counterPage(notice: Markup = "", status: Int = 200) -> WebResponse {
        var body = notice
        do {
            let who = try call(API.whoami, .init())
            let shop = who.name ?? me
            let offers = try call(API.offers, .init(merchant: me)).filter { !$0.isRetired }
            let lists = try call(API.counter, .init(merchant: me))
            body += takeCodeForm(offers)
            body += holdsSection(lists.holds)
            body += todaySection(lists)
            body += lookupSection()
            return page(w.text("收银台 · \(shop)", "Counter · \(shop)"), body, status: status)
        } catch {
            return errorPage(w.text("收银台", "Counter"), error, notice: notice)
        }
    }

    /// The first screen: the code (typed or scanned), what for, and the button, all above the fold.
    func takeCodeForm(_ offers: [Offer]) -> Markup {
        // After a refusal the form comes back as it was sent; else the first offer.
        let sent = !kept("code").isEmpty
        let chosen =
            sent && (kept("offer").isEmpty || offers.contains { $0.id == kept("offer") })
            ? kept("offer") : offers.first?.id ?? ""
        var choices: Markup = "<fieldset class=\"offers\"><legend>\(w("兑换什么", "What for"))</legend>"
        for offer in offers {
            choices +=
                "<label class=\"choice\"><input type=\"radio\" name=\"offer\" value=\"\(offer.id)\"\(offer.id == chosen ? " checked" : "")>"
                + "<span>\(offer.title) — <strong>\(w("\(offer.points) 分", "\(offer.points) points"))</strong>"
                + (offer.stock.map { " <small class=\"muted\">\(w("还剩 \($0) 份", "\($0) left"))</small>" } ?? "")
                + "</span></label>"
        }
        choices +=
            "<label class=\"choice\"><input type=\"radio\" name=\"offer\" value=\"\"\(chosen.isEmpty ? " checked" : "")>"
            + "<span>\(w("按分数兑换（填在下面）", "A number of points (below)"))</span></label>"
        choices +=
            "<div class=\"points-field\">"
            + Part.field(
                "points", label: w("分数（按分数兑换时填）", "Points (for a number of points)"),
                value: kept("points"), type: "number", extra: "inputmode=\"numeric\" min=\"1\"")
            + "</div></fieldset>"
        let code: Markup =
            "<div class=\"code-line\">"
            + Part.field(
                "code",
                label: w("顾客的付款码（扫二维码，或输入 6 位数字）", "The customer's pay code (scan its QR, or type the 6 digits)"),
                value: kept("code"),
                extra: "inputmode=\"numeric\" autocomplete=\"off\" autofocus required")
            + "<button type=\"button\" data-scan=\"f-code\" hidden>\(w("用摄像头扫码", "Scan with the camera"))</button></div>"
        return Part.form(
            "/web/counter/confirm", csrf: csrf, fields: code + choices, button: w("下一步：核对", "Next: check"), id: "take",
            label: w("收顾客的付款码", "Take a customer's pay code"))
    }

    /// Holds waiting for pickup: the customer's name, what, and 交付 / 退回 in one tap each.
    func holdsSection(_ holds: [CounterRedemption]) -> Markup {
        var html: Markup =
            "<section aria-labelledby=\"h-holds\" id=\"holds\"><h2 id=\"h-holds\">\(w("预留待取", "Held for pickup"))</h2>"
        guard !holds.isEmpty else {
            return html + "<p class=\"muted\">\(w("没有等待领取的预留。", "Nothing is waiting for pickup."))</p></section>"
        }
        html += "<ul class=\"list counter-list\">"
        for line in holds {
            let r = line.redemption
            html +=
                "<li id=\"hold-\(r.label)\"><p><strong>\(line.customerName)</strong> "
                + "\(line.offerTitle ?? w.text("按分数兑换", "Points")) · \(w("\(r.points) 分", "\(r.points) points"))"
                + " <small class=\"muted\">\(w("收据", "receipt")) \(r.label)"
                + (line.holdExpiresAtMillis.map { " · " + w("保留到 \(minute($0))", "held until \(minute($0))") } ?? "")
                + "</small></p>"
                + "<form method=\"post\" action=\"/web/counter/pickup\" class=\"row-actions\">"
                + "\(Part.hidden("csrf", csrf))\(Part.hidden("redemption", r.label))"
                + "<button type=\"submit\" class=\"primary\">"
                + w(
                    "交付",
                    "Hand over") + "<span class=\"visually-hidden\"> \(line.customerName) \(r.label)</span></button>"
                + "<button type=\"submit\" class=\"danger\" formaction=\"/web/counter/release\">"
                + w(
                    "退回",
                    "Release") + "<span class=\"visually-hidden\"> \(line.customerName) \(r.label)</span></button>"
                + "</form></li>"
        }
        return html + "</ul></section>"
    }

    /// The day's redemptions (tap one for its receipt and 退款) and the day's figures.
    func todaySection(_ lists: JifenApp.CounterResult) -> Markup {
        var html: Markup =
            "<section aria-labelledby=\"h-today\" id=\"today\"><h2 id=\"h-today\">"
            + w(
                "今天的兑换",
                "Today's redemptions") + " <small class=\"muted\">\(lists.day)</small></h2>"
        if lists.today.isEmpty {
            html += "<p class=\"muted\">\(w("今天还没有兑换。", "No redemptions yet today."))</p>"
        } else {
            html += "<ul class=\"list counter-list\">"
            for line in lists.today {
                let r = line.redemption
                var state: Markup = ""
                if line.refunded > 0 {
                    state =
                        line.refundable == 0
                        ? w("已全部退回", "fully refunded") : w("已退 \(line.refunded) 分", "\(line.refunded) refunded")
                    state = " <span class=\"status\">\(state)</span>"
                }
                html +=
                    "<li><a class=\"row-link\" href=\"/web/counter/receipt/\(r.label)\">"
                    + "<span>\(time(r.createdAtMillis)) <strong>\(line.customerName)</strong> "
                    + "\(line.offerTitle ?? w.text("按分数兑换", "Points")) · \(w("\(r.points) 分", "\(r.points) points"))\(state)</span>"
                    + "<small class=\"muted\">\(w("收据", "receipt")) \(r.label) · \(w("退款", "Refund")) ›</small></a></li>"
            }
            html += "</ul>"
        }
        html += "</section>"
        // The day's figures: what came in, what went back, what settlement will pay.
        guard let lines = try? call(API.statement, .init(account: me, from: lists.day)).lines,
            let standing = try? call(API.merchant, .init(merchant: me))
        else { return html }
        let taken = lines.filter { $0.transfer.kind == .redeem }
        let refunded = lines.filter { $0.transfer.kind == .refund }
        html +=
            "<section aria-labelledby=\"h-figures\"><h2 id=\"h-figures\">\(w("今天的账", "Today's figures"))</h2><div class=\"figures\">"
        html += figure(
            w("今天收的积分（\(taken.count) 笔）", "Points taken today (\(taken.count))"),
            "\(taken.reduce(0) { $0 + $1.change })", id: "takings")
        html += figure(w("今天退回的", "Refunded today"), "\(-refunded.reduce(0) { $0 + $1.change })", id: "refunded")
        html += figure(w("下次结算将付的积分", "Settlement will pay for"), "\(standing.balance)", main: true, id: "unsettled")
        return html + "</div></section>"
    }

    /// An older receipt by its number (printed on paper, or told by the customer).
    func lookupSection() -> Markup {
        "<section aria-labelledby=\"h-lookup\"><h2 id=\"h-lookup\">\(w("按收据号查找", "Find a receipt by its number"))</h2>"
            + "<form method=\"get\" action=\"/web/counter/receipt\">"
            + Part.field(
                "r", label: w("收据号（如 R001）", "Receipt number (e.g. R001)"),
                extra: "required autocapitalize=\"characters\" autocomplete=\"off\"", id: "f-lookup")
            + "<button type=\"submit\">\(w("打开收据", "Open the receipt"))</button></form></section>"
    }

    // MARK: Take a code: check, then confirm

    /// The take-a-code form: nothing is written; its values go to the check page (a GET), so Back
    /// and reload never ask to send a form again.
    func confirmCode() -> WebResponse {
        var keep: [String: String] = [:]
        for name in Self.counterFields { keep[name] = field(name) }
        keep["code"] = keep["code"]?.filter { !$0.isWhitespace }
        // One key per check: a double tap on 确认, or confirming again after Back, redeems once.
        keep["key"] = "web-" + UUID().uuidString.lowercased()
        return done("/web/counter/check", "", keep: keep)
    }

    /// What will be redeemed, in big figures, before the clerk confirms. Nothing is written yet.
    func checkPage() -> WebResponse {
        let code = kept("code"), key = kept("key")
        guard !code.isEmpty, !key.isEmpty else {
            // Opened again after the check was used or had lapsed (Back, a restored tab): the counter, said so.
            return counterPage(
                notice: Part.notice(
                    w(
                        "没有待核对的兑换（已经确认过，或已过期）。请重新收顾客的付款码。",
                        "Nothing is waiting to be checked (it was confirmed, or it lapsed). Take the customer's pay code again."
                    ),
                    kind: .info, w: w))
        }
        let offerID = kept("offer"), pointsText = kept("points")
        var keep: [String: String] = [:]
        for name in Self.counterFields { keep[name] = kept(name) }
        do {
            var title = w.text("按分数兑换", "Points")
            var points = Int64(pointsText)
            if !offerID.isEmpty {
                guard
                    let offer = try call(API.offers, .init(merchant: me)).first(where: {
                        $0.id == offerID && !$0.isRetired
                    })
                else {
                    throw JifenError.refused(
                        .unknownID, zh: "这个兑换项目已不在了，请重新选一个。", en: "That offer is gone; pick another one.")
                }
                title = offer.title; points = offer.points
            } else if points == nil || points! <= 0 {
                throw JifenError.usage(
                    .offerOrPoints, zh: "请二选一：选一个兑换项目，或填写积分数。", en: "Give exactly one: an offer, or a number of points."
                )
            }
            var body: Markup = "<p>\(w("请和顾客核对：", "Check with the customer:"))</p>"
            body += "<p class=\"big\" id=\"confirm-title\">\(title)</p>"
            body +=
                "<p class=\"digits\" id=\"confirm-points\">\(points.map { w("\($0) 分", "\($0) points") } ?? "?")</p>"
            // A scanned QR is a long secret: said as scanned, never echoed.
            let shown = code.count > Codes.length ? w("已扫码", "scanned") : "\(code)"
            body += "<p>\(w("付款码", "Pay code")) <strong>\(shown)</strong></p>"
            let fields =
                Part.hidden("code", code) + Part.hidden("offer", offerID)
                + Part.hidden("points", offerID.isEmpty ? pointsText : "")
                + Part.hidden("key", key)
            body +=
                "<form method=\"post\" action=\"/web/counter/redeem\" class=\"row-actions\">\(Part.hidden("csrf", csrf))\(fields)"
                + "<button type=\"submit\" class=\"primary\" id=\"confirm\">\(w("确认兑换", "Confirm"))</button> "
                + "<button type=\"submit\" name=\"hold\" value=\"1\">\(w("先预留，顾客稍后来取", "Hold it for pickup later"))</button></form>"
            body += "<p><a href=\"/web/counter\">\(w("取消，返回", "Cancel"))</a></p>"
            // A reload within the flash's life shows the same check, with the same key.
            return keepingFlash(
                page(w.text("核对兑换", "Check the redemption"), body), keep: keep.merging(["key": key]) { $1 })
        } catch {
            return done("/web/counter", refusal(error), keep: keep)
        }
    }

    func redeem() -> WebResponse {
        let offerID = field("offer")
        var keep: [String: String] = [:]
        for name in Self.counterFields { keep[name] = field(name) }
        do {
            let input = JifenApp.RedeemInput(
                merchant: me, code: field("code"), offer: offerID.isEmpty ? nil : offerID,
                points: Int64(field("points")), key: field("key").isEmpty ? nil : field("key"),
                hold: field("hold") == "1")
            let r = try call(API.redeem, input).redemption
            let notice =
                r.status == .held
                ? w(
                    "已预留。顾客来取时，在收银台的“预留待取”里点“交付”。",
                    "Held. When the customer comes, press “Hand over” under “Held for pickup” at the counter.")
                : w("兑换成功，积分已收到。", "Redeemed: the points are yours.")
            return done("/web/counter/receipt/\(r.label)", Part.notice(notice, kind: .ok, w: w))
        } catch {
            return done("/web/counter", refusal(error), keep: keep)
        }
    }

    // MARK: Receipts

    /// `/web/counter/receipt?r=R001` (the lookup form) opens `/web/counter/receipt/R001`.
    func receiptLookup() -> WebResponse {
        let typed = (request.query["r"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let id = try? Redemption.parseID(typed) else {
            return errorPage(receiptMissing(typed))
        }
        return .redirect("/web/counter/receipt/\(Registry.id(prefix: "R", number: Int(id)))")
    }

    /// One receipt, as often as it is opened: what, for whom, when, what was given back, and
    /// what can still be done (退款, or 交付 / 退回 for a hold). Someone else's is missing (404).
    func receiptPage(_ label: String) -> WebResponse {
        let line: CounterRedemption
        do {
            line = try call(API.redemption, .init(redemption: try Redemption.parseID(label)))
        } catch let error as JifenError where error.code == .unknownID || error.code == .badRedemptionID {
            return errorPage(receiptMissing(label))
        } catch {
            return errorPage(w.text("收据", "Receipt"), error)
        }
        let r = line.redemption
        var body: Markup =
            "<div class=\"receipt-head\"><p>\(w("收据号", "Receipt number"))</p><p class=\"digits\" id=\"receipt\">\(r.label)</p>"
        body += "<p class=\"big\">\(line.offerTitle ?? w.text("按分数兑换", "Points"))</p>"
        body += "<p class=\"digits\" id=\"receipt-points\">\(w("\(r.points) 分", "\(r.points) points"))</p>"
        body +=
            "<p>\(w("顾客", "Customer")) <strong id=\"receipt-customer\">\(line.customerName)</strong> · "
            + "\(minute(r.createdAtMillis)) · <span class=\"status\" id=\"receipt-state\">\(stateWords(line))</span></p></div>"
        if line.refunded > 0 {
            body +=
                "<p id=\"receipt-refunded\">"
                + w(
                    "已退回 \(line.refunded) 分，还可以退 \(line.refundable) 分。",
                    "\(line.refunded) points given back; \(line.refundable) more can be.") + "</p>"
        }
        body +=
            "<p><a class=\"button primary\" href=\"/web/counter\" id=\"next-customer\">\(w("下一位顾客", "Next customer"))</a></p>"
        if r.merchant == me && r.status == .held {
            body +=
                "<section aria-labelledby=\"h-hold\"><h2 id=\"h-hold\">\(w("预留", "The hold"))</h2>"
                + "<form method=\"post\" action=\"/web/counter/pickup\" class=\"row-actions\">"
                + "\(Part.hidden("csrf", csrf))\(Part.hidden("redemption", r.label))"
                + "<button type=\"submit\" class=\"primary\">\(w("顾客来取了：交付", "Hand it over"))</button>"
                + "<button type=\"submit\" class=\"danger\" formaction=\"/web/counter/release\">"
                + w(
                    "不要了：退回预留",
                    "Release it") + "</button></form></section>"
        }
        if r.merchant == me && line.refundable > 0 {
            let reasons = [
                w.text("顾客不要了", "The customer changed her mind"),
                w.text("收错了（项目或分数不对）", "Taken by mistake (wrong offer or points)"),
                w.text("没有做完或不满意", "Not done or not satisfied"),
            ]
            var fields =
                Part.hidden("redemption", r.label) + Part.hidden("key", "web-refund-" + UUID().uuidString.lowercased())
            fields += Part.field(
                "points",
                label: w("退多少分（不填：全部 \(line.refundable) 分）", "Points to give back (empty: all \(line.refundable))"),
                value: kept("points"), type: "number",
                extra: "inputmode=\"numeric\" min=\"1\" max=\"\(line.refundable)\"", id: "f-refund-p")
            fields += "<fieldset><legend>\(w("原因", "Reason"))</legend>"
            for (i, reason) in reasons.enumerated() {
                fields +=
                    "<label class=\"choice\"><input type=\"radio\" name=\"why\" value=\"\(reason)\" id=\"f-why-\(i)\""
                    + "\(kept("why") == reason ? " checked" : "")><span>\(reason)</span></label>"
            }
            fields +=
                Part.field(
                    "reason", label: w("其他原因或说明", "Another reason, or a note"), value: kept("reason"),
                    id: "f-refund-why") + "</fieldset>"
            body +=
                "<section aria-labelledby=\"h-refund\"><h2 id=\"h-refund\">\(w("退款", "Refund"))</h2>"
                + Part.form(
                    "/web/counter/refund", csrf: csrf, fields: fields, button: w("退回积分", "Give the points back"),
                    buttonClass: "danger", id: "refund")
                + "</section>"
        }
        return page(w.text("收据 \(r.label)", "Receipt \(r.label)"), body)
    }

    func stateWords(_ line: CounterRedemption) -> Markup {
        switch line.redemption.status {
        case .redeemed, .pickedUp:
            if line.refundable == 0 && line.refunded > 0 { return w("已全部退回", "Fully refunded") }
            return line.redemption.status == .pickedUp ? w("已交付", "Handed over") : w("已兑换", "Redeemed")
        case .held: return w("预留待取", "Held for pickup")
        case .released: return w("已退回预留", "Released")
        case .lapsed: return w("预留已过期，积分已退回", "The hold lapsed; the points went back")
        }
    }

    func receiptMissing(_ typed: String) -> ErrorPage {
        ErrorPage(
            title: w.text("没有这张收据", "No such receipt"),
            message: w(
                "没有这张收据（\(typed)），或它不是本店的。请核对收据号。", "There is no receipt \(typed) at this counter. Check the number."),
            status: 404, back: "/web/counter", backLabel: w("返回收银台", "Back to the counter"))
    }

    // MARK: Refunds and holds

    func refund() -> WebResponse {
        let label = field("redemption")
        var reason = field("why")
        if !field("reason").isEmpty { reason = reason.isEmpty ? field("reason") : reason + "：" + field("reason") }
        let back =
            (try? Redemption.parseID(label)).map { "/web/counter/receipt/\(Registry.id(prefix: "R", number: Int($0)))" }
            ?? "/web/counter"
        do {
            let number = try Redemption.parseID(label)
            let outcome = try call(
                API.refund,
                .init(
                    redemption: number, points: Int64(field("points")), reason: reason,
                    key: field("key").isEmpty ? nil : field("key")))
            return done(
                back,
                Part.notice(
                    w(
                        "已退回 \(outcome.transfer.amount) 分（收据 \(outcome.redemption.label)），还可以退 \(outcome.refundableLeft) 分。",
                        "Gave back \(outcome.transfer.amount) points (receipt \(outcome.redemption.label)); "
                            + "\(outcome.refundableLeft) more can be refunded."
                    ),
                    kind: .ok, w: w))
        } catch {
            return done(
                back, refusal(error), keep: ["points": field("points"), "why": field("why"), "reason": field("reason")])
        }
    }

    func resolveHold(pickup: Bool) -> WebResponse {
        do {
            let number = try Redemption.parseID(field("redemption"))
            let receipt =
                pickup
                ? try call(API.pickup, .init(redemption: number)) : try call(API.release, .init(redemption: number))
            let r = receipt.redemption
            return done(
                "/web/counter",
                Part.notice(
                    pickup
                        ? w(
                            "已交付（收据 \(r.label)，\(r.points) 分）。", "Handed over (receipt \(r.label), \(r.points) points)."
                        )
                        : w(
                            "已退回预留（收据 \(r.label)），积分回到顾客账上。",
                            "Released (receipt \(r.label)): the points are back with the customer."),
                    kind: .ok, w: w))
        } catch {
            return done("/web/counter", refusal(error))
        }
    }

    /// Sets the flash again with `keep`, so reloading this page shows it again (the flash is otherwise
    /// shown once); the same cookie `done` sets.
    func keepingFlash(_ response: WebResponse, keep: [String: String]) -> WebResponse {
        carrying(Flash(notice: "", keep: keep), response)
    }
}
