import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The volunteer's signed-in devices: each one she may end (a lost phone, a borrowed tablet), and
/// those someone else signed in for her, which spend her points only once she confirms them.
extension Session {
    func devices() -> Markup {
        guard let list = try? call(API.credentials, .init(person: me)) else { return "" }
        let live = list.filter { $0.kind == .device && $0.state == "live" }
        var html: Markup =
            "<section aria-labelledby=\"h-devices\"><h2 id=\"h-devices\">"
            + w(
                "我登录的设备",
                "My signed-in devices") + "</h2><ul class=\"list\" id=\"devices\">"
        for device in live {
            let this = device.id == principal?.credential
            // Names, not ids: what she called it, and since when.
            let name = device.label.isEmpty ? w.text("一台设备", "A device") : device.label
            html +=
                "<li id=\"device-\(device.id)\">\(name) <small class=\"muted\">"
                + w("登录于 \(day(device.createdAtMillis))", "since \(day(device.createdAtMillis))")
                + (this ? " · " + w("就是这台", "this device") : "") + "</small>"
            if !device.own {
                html +=
                    " <small>"
                    + w(
                        "（别人替您登录的，须您确认后才能花积分）",
                        "(signed in for you by someone else; it spends your points only once you confirm it)")
                    + "</small>"
                if principal?.consented == true {
                    html += Part.form(
                        "/web/me/devices/confirm", csrf: csrf, fields: Part.hidden("credential", device.id),
                        button: w("确认是我的", "Confirm it is mine"), buttonClass: "")
                }
            }
            // This phone signs out through the question at the bottom of every page, never in one tap.
            html +=
                this
                ? "<p><a href=\"/web/signout\">\(w("退出这台设备…", "Sign this device out…"))</a></p>"
                : Part.form(
                    "/web/me/devices/end", csrf: csrf, fields: Part.hidden("credential", device.id),
                    button: w("让它退出", "Sign it out"), buttonClass: "")
            html += "</li>"
        }
        return html + "</ul></section>"
    }

    /// Ends one of her devices (revokes its credential); this one: signs out.
    func endDevice() -> WebResponse {
        let id = field("credential")
        do {
            _ = try call(API.revokeCredential, .init(credential: id))
            site.log("web revoke credential=\(id) principal=\(me)")
            if id == principal?.credential { return signedOut() }
            return done("/web/me", Part.notice(w("那台设备已退出登录。", "That device is signed out."), kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    /// Confirms, from her own signed-in phone, a device someone else signed in for her.
    func confirmDevice() -> WebResponse {
        do {
            let confirmed = try call(API.confirmCredential, .init(credential: field("credential")))
            site.log("web confirm credential=\(confirmed.id) principal=\(me)")
            return done(
                "/web/me",
                Part.notice(
                    w("已确认：那台设备现在可以花您的积分。", "Confirmed: that device may now spend your points."),
                    kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    /// `GET /web/signout`: the second step before signing out, saying what it costs and the way back.
    func signOutQuestion() -> WebResponse {
        let volunteer = principal?.role == nil || principal?.role == .volunteer
        var body = Part.notice(
            w("退出后，这部手机就不再登录，要重新登录才能用。", "Once signed out, this phone needs to sign in again before it can be used."),
            kind: .info, w: w)
        body +=
            "<p>"
            + (volunteer
                ? w(
                    "您纸条上的登记码已经用过，不能再用来登录。要回来：请找您的组织者，他在自己的手机上为您出一个新的登录二维码，您用这部手机扫一下，点“登录”就回来了，不用新纸条。",
                    "The enrolment code on your paper is used up and will not sign you in again. To come back, ask your organizer: "
                        + "they show a new sign-in QR code on their phone, you scan it with this phone and press “Sign in”. No new paper is needed."
                )
                : w(
                    "您用过的登记码不能再用来登录。要回来，请管理员（或组织者）为您发一个新的登记码。",
                    "The enrolment code you used will not sign you in again. To come back, ask the administrator (or your organizer) for a new one."
                )) + "</p>"
        body += Part.form(
            "/web/signout", csrf: csrf, fields: "", button: w("确认退出", "Sign out"), buttonClass: "danger",
            id: "signout-confirm")
        body +=
            "<p><a class=\"button primary huge\" href=\"/web\" id=\"signout-cancel\">\(w("不退出，返回", "Stay signed in, go back"))</a></p>"
        return page(w.text("退出登录？", "Sign out?"), body)
    }

    /// Back to the sign-in page with the cookie forgotten.
    func signedOut() -> WebResponse {
        var response = WebResponse.redirect("/web/signin")
        response.headers.append(
            ("Set-Cookie", "\(WebSite.credentialCookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
        return response
    }
}
