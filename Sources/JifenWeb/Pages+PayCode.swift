import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The pay code on her phone. Opening one is a form (it voids her last code); its answer redirects
/// to `GET /web/me/code`, which shows the code again on every reload for as long as it lives: the
/// digits and the QR's secret ride in a cookie sealed for her session (`SealedCookie`), since the
/// store keeps only their hashes. Reloading never mints a new code; a used, voided or expired one
/// is said in words with a button for a new one. While the code shows, the script asks
/// `GET /web/me/code/state` every second and says "已兑换：理发一次 −30 分，余额 70" the moment
/// the merchant redeems it.
extension Session {
    static let payCookie = "jf_code", payPath = "/web/me/code"

    var sessionSecret: String { request.cookies[WebSite.credentialCookie] ?? "" }

    /// The code this phone last opened: digits, the QR's secret, ceiling and expiry.
    var heldCode: (code: String, secret: String, maxPoints: Int64, expiresAtMillis: Int64)? {
        guard principal != nil, let f = SealedCookie.open(Self.payCookie, request: request, session: sessionSecret),
            f["volunteer"] == me, let code = f["code"], let secret = f["secret"],
            let max = f["max"].flatMap({ Int64($0) }), let expires = f["expires"].flatMap({ Int64($0) })
        else { return nil }
        return (code, secret, max, expires)
    }

    /// `POST /web/me/code`: a new code (voiding her last one), kept for the page it redirects to.
    func openPayCode() -> WebResponse {
        do {
            // The ceiling she set (kept when the page renews the code); empty: the community's default.
            let asked = field("max_points").trimmingCharacters(in: .whitespaces)
            var ceiling: Int64?
            if !asked.isEmpty {
                guard let number = Int64(asked) else {
                    throw JifenError.usage(
                        .badAmount, zh: "上限应为整数积分，不是「\(asked)」。",
                        en: "The ceiling is a whole number of points, not \"\(asked)\".")
                }
                ceiling = number
            }
            let renewing = heldCode != nil
            let issued = try call(API.issueCode, .init(account: me, maxPoints: ceiling))
            let stays = max(60, Int((issued.expiresAtMillis - app.clock().timeIntervalSince1970Millis) / 1000) + 600)
            var response = done(
                Self.payPath,
                renewing
                    ? Part.notice(
                        w("已换新码：之前的付款码已作废，不能再用。", "A new code: the previous pay code is void and cannot be used."),
                        kind: .ok, w: w)
                    : "")
            if let cookie = SealedCookie.seal(
                [
                    "volunteer": me, "code": issued.code, "secret": issued.secret, "max": "\(issued.maxPoints)",
                    "expires": "\(issued.expiresAtMillis)",
                ],
                name: Self.payCookie, path: Self.payPath, session: sessionSecret, maxAge: stays, request: request)
            {
                response.headers.append(("Set-Cookie", cookie))
            }
            return response
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    /// `GET /web/me/code`: the live code again, or what became of it.
    func payCodePage() -> WebResponse {
        guard let held = heldCode else {
            let body: Markup =
                "<p>\(w("付款码只在您点下面的按钮后出现，每个码只能用一次。", "A pay code appears when you press the button below; each works once."))</p>"
                + newCodeForm(first: true) + backLink()
            return page(w.text("付款码", "Pay code"), body)
        }
        let state: JifenApp.CodeStateResult
        do {
            state = try call(API.codeState, .init(account: me, secret: held.secret))
        } catch {
            return page(
                w.text("付款码", "Pay code"), refusal(error) + newCodeForm(first: true) + backLink(),
                status: statusOf(error))
        }
        guard state.state == .live else {
            let body: Markup =
                "<div id=\"code-status\" class=\"code-status big \(state.state.rawValue)\" aria-live=\"assertive\" aria-atomic=\"true\">"
                + "\(codeWords(state))" + "</div>" + newCodeForm(first: false) + backLink()
            return page(w.text("付款码", "Pay code"), body)
        }
        let remaining = max(0, (held.expiresAtMillis - app.clock().timeIntervalSince1970Millis) / 1000)
        let spaced = held.code.count == 6 ? "\(held.code.prefix(3)) \(held.code.suffix(3))" : held.code
        var body: Markup =
            "<div id=\"code-status\" class=\"code-status big\" aria-live=\"assertive\" aria-atomic=\"true\"></div>"
        body += "<div class=\"live-code\" data-poll=\"\(Self.payPath)/state\">"
        body +=
            "<p>\(w("请让商户扫这个二维码；扫不了时，把下面的数字念给商户。", "Let the merchant scan this QR code; if they cannot, read them the digits below."))</p>"
        body += QRCode.markup(
            held.secret, label: w.text("付款码的二维码，数字 \(spaced)", "QR code of the pay code, digits \(spaced)"))
        body += "<p class=\"digits\" id=\"pay-code\">\(spaced)</p>"
        body +=
            "<p class=\"big\" id=\"pay-ceiling\">\(w("最多可兑换 \(held.maxPoints) 分", "At most \(held.maxPoints) points"))</p>"
        body +=
            "<p data-remaining=\"\(remaining)\" aria-live=\"off\">"
            + w(
                "还剩",
                "Time left")
            + " <strong class=\"left\">\(remaining / 60):\(String(format: "%02d", remaining % 60))</strong>"
            + " · \(w("\(time(held.expiresAtMillis)) 前有效，过期后自动换新码", "valid until \(time(held.expiresAtMillis)); a new one comes when it ends"))</p>"
        let most = min(held.maxPoints, state.available)
        body += Part.notice(
            w(
                "这个码只能用一次：商户凭它为您兑换一次，最多 \(held.maxPoints) 分（您现在可用 \(state.available) 分，所以最多用掉 \(most) 分）。"
                    + "超过上限的兑换会被拒绝。换新码后旧码立即作废；用过或过期也作废，别人拿到旧码也没有用。",
                "This code works once: the merchant can redeem one thing for you with it, for at most \(held.maxPoints) points "
                    + "(you can use \(state.available) now, so at most \(most) will go). A redemption above the ceiling is refused. "
                    + "A new code voids this one at once; once used or expired it is void too, and an old code is useless to anyone."
            ),
            kind: .info, w: w)
        body += "</div>"
        body += Part.form(
            "/web/me/code", csrf: csrf,
            fields: Part.field(
                "max_points", label: w("这个码最多可兑换（分）", "The most points this code may take"), value: "\(held.maxPoints)",
                type: "number", extra: "inputmode=\"numeric\" min=\"1\" required"),
            button: w("换一个新码（旧码作废）", "Get a new code (voids this one)"), buttonClass: "", id: "refresh")
        body += backLink()
        return page(w.text("付款码", "Pay code"), body)
    }

    /// `GET /web/me/code/state`: what became of the code this phone shows, for the page's script
    /// (a small JSON answer: its state and the sentence to say).
    func payCodeState() -> WebResponse {
        var answer: [String: String] = ["state": "none", "message": ""]
        if let held = heldCode, let state = try? call(API.codeState, .init(account: me, secret: held.secret)) {
            answer = ["state": state.state.rawValue, "message": codeWords(state)]
        }
        let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])) ?? Data("{}".utf8)
        return WebResponse(
            status: 200,
            headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
                + WebResponse.security, body: data)
    }

    /// What became of a code, in one sentence ("已兑换：理发一次 −30 分，余额 70").
    func codeWords(_ s: JifenApp.CodeStateResult) -> String {
        let points = s.points ?? 0
        let what = s.offerTitle ?? s.merchantName ?? ""
        let at = s.merchantName.map { w.text("（\($0)）", " (\($0))") } ?? ""
        switch s.state {
        case .live: return ""
        case .redeemed:
            return w.text(
                "已兑换：\(what) −\(points) 分，余额 \(s.balance)", "Redeemed: \(what) −\(points) points, balance \(s.balance)")
                + (s.offerTitle != nil ? at : "")
        case .held:
            return w.text(
                "已预留：\(what) \(points) 分，取货时扣除；现在可用 \(s.available) 分",
                "Held: \(what) \(points) points, taken at pickup; \(s.available) usable now")
                + (s.offerTitle != nil ? at : "")
        case .voided: return w.text("这个付款码已作废：您已经换了新码。", "This pay code is void: you opened a newer one.")
        case .expired: return w.text("这个付款码已过期作废。", "This pay code has expired and is void.")
        }
    }

    func newCodeForm(first: Bool) -> Markup {
        Part.form(
            "/web/me/code", csrf: csrf, fields: "",
            button: first ? w("出示付款码", "Show my pay code") : w("出示新的付款码", "Show a new pay code"),
            buttonClass: "primary huge", id: "show-code")
    }

    func backLink() -> Markup { "<p><a href=\"/web/me\">\(w("返回我的积分", "Back to my points"))</a></p>" }
}
