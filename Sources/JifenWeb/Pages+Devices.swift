import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The volunteer's signed-in devices: each one she may end (a lost phone, a borrowed tablet), and
/// those someone else signed in for her, which spend her points only once she confirms them.
extension Session {
    func devices() -> String {
        guard let list = try? call(API.credentials, .init(person: me)) else { return "" }
        let live = list.filter { $0.kind == .device && $0.state == "live" }
        var html = "<section aria-labelledby=\"h-devices\"><h2 id=\"h-devices\">\(w("我登录的设备", "My signed-in devices"))</h2><ul class=\"list\" id=\"devices\">"
        for device in live {
            let this = device.id == principal?.credential
            let name = device.label.isEmpty ? device.id : device.label
            html += "<li id=\"device-\(HTML.escape(device.id))\">\(HTML.escape(name)) <small class=\"muted\">\(HTML.escape(device.id)) · "
                + w("登录于 \(day(device.createdAtMillis))", "since \(day(device.createdAtMillis))")
                + (this ? " · " + w("就是这台", "this device") : "") + "</small>"
            if !device.own {
                html += " <small>" + w("（别人替您登录的，须您确认后才能花积分）", "(signed in for you by someone else; it spends your points only once you confirm it)") + "</small>"
                if principal?.consented == true {
                    html += Part.form("/web/me/devices/confirm", csrf: csrf, fields: Part.hidden("credential", device.id),
                                      button: w("确认是我的", "Confirm it is mine"), buttonClass: "")
                }
            }
            html += Part.form("/web/me/devices/end", csrf: csrf, fields: Part.hidden("credential", device.id),
                              button: this ? w("退出这台设备", "Sign this device out") : w("让它退出", "Sign it out"), buttonClass: "")
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
            return done("/web/me", Part.notice(w("已确认：那台设备现在可以花您的积分。", "Confirmed: that device may now spend your points."),
                                                     kind: .ok, w: w))
        } catch {
            return done("/web/me", refusal(error))
        }
    }

    /// Back to the sign-in page with the cookie forgotten.
    func signedOut() -> WebResponse {
        var response = WebResponse.redirect("/web/signin")
        response.headers.append(("Set-Cookie", "\(WebSite.credentialCookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
        return response
    }
}
