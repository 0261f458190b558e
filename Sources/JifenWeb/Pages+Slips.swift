import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// Enrolment slips and getting a volunteer back in. The organizer picks a volunteer and gets a new
/// enrolment code (the core's rule says whom they may issue for), shown on a slip page: her name, the
/// code in large letters, and a QR that opens the sign-in page with the code filled in. The code
/// rides in the link's fragment (`/web/signin#code=…`), which a browser never sends to a server, so
/// it reaches no log; the page's script fills it in (typing it still works without script).
/// She scans the organizer's screen with her phone (no new paper), or the slip is printed for a new
/// volunteer. Reloading the slip shows the same code again (sealed in the organizer's cookie, as the
/// pay code is), never a new one.
extension Session {
    static let slipCookie = "jf_slip", slipPath = "/web/team/slip"

    /// The form on the organizer's page: which volunteer gets a new sign-in code.
    func reenrolSection() -> Markup {
        // The volunteers of the teams her desk covers (the core's rule: an organizer's own teams; an admin's, all).
        guard let desk = try? call(API.teamDesk, .init()) else { return "" }
        let people =
            desk.everyTeam
            ? ((try? call(API.volunteers, .init())) ?? [])
            : desk.teams.flatMap { team in (try? call(API.volunteers, .init(team: team.id))) ?? [] }
        guard !people.isEmpty else { return "" }
        var html: Markup =
            "<section aria-labelledby=\"h-reenrol\"><h2 id=\"h-reenrol\">\(w("登记码与重新登录", "Sign-in codes"))</h2>"
        let why = w(
            "志愿者退出了、换了手机或清除了浏览器：在这里为她出一个新的登记码，让她用手机扫您屏幕上的二维码就能回来，不用新纸条；也可以打印成纸条。",
            "A volunteer who signed out, changed phones or cleared her browser: "
                + "issue her a new code here and let her phone scan the QR on your screen, no new paper needed; or print it as a slip."
        )
        html += "<p>\(why)</p>"
        let options = people.sorted { $0.id < $1.id }.map { person -> Markup in
            "<option value=\"\(person.id)\">\(person.name)</option>"
        }.joined()
        html += Part.form(
            "/web/team/enrol", csrf: csrf,
            fields:
                "<label for=\"f-enrol-who\">"
                + w(
                    "志愿者",
                    "Volunteer") + "</label><select id=\"f-enrol-who\" name=\"volunteer\" required>\(options)</select>",
            button: w("出登记码", "Issue a sign-in code"), buttonClass: "", id: "reenrol")
        return html + "</section>"
    }

    /// `POST /web/team/enrol`: a new enrolment code for the volunteer, kept for the slip page.
    func issueSlip() -> WebResponse {
        let person = field("volunteer")
        do {
            let issued = try call(
                API.issueCredential,
                .init(person: person, enrolment: true, label: w.text("组织者出的登记码", "code from the organizer")))
            let name = (try? call(API.volunteer, .init(volunteer: person)))?.volunteer.name ?? person
            var response = done(
                Self.slipPath,
                Part.notice(
                    w(
                        "已为 \(name) 出了新的登记码。请她用手机扫下面的二维码，再点“登录”。",
                        "A new code for \(name). Let her phone scan the QR below, then press “Sign in”."), kind: .ok,
                    w: w))
            let stays = Int(
                max(60, (issued.credential.expiresAtMillis - app.clock().timeIntervalSince1970Millis) / 1000))
            if let cookie = SealedCookie.seal(
                ["name": name, "code": issued.secret, "expires": "\(issued.credential.expiresAtMillis)"],
                name: Self.slipCookie, path: Self.slipPath, session: sessionSecret, maxAge: min(stays, 86_400),
                request: request)
            {
                response.headers.append(("Set-Cookie", cookie))
            }
            return response
        } catch {
            return done("/web/team#h-reenrol", refusal(error))
        }
    }

    /// `GET /web/team/slip`: the slip of the code last issued here, to scan or to print on A4.
    func slipPage() -> WebResponse {
        guard let f = SealedCookie.open(Self.slipCookie, request: request, session: sessionSecret),
            let code = f["code"], let name = f["name"]
        else {
            return page(
                w.text("登记码纸条", "Sign-in slip"),
                "<p>\(w("还没有在这里出登记码。", "No code was issued here yet."))</p>" + reenrolSection()
                    + "<p><a href=\"/web/team\">\(w("返回", "Back"))</a></p>")
        }
        let link = "\(site.publicURL())/web/signin#code=\(HTML.query(code))"
        let until = f["expires"].flatMap { Int64($0) }.map { minute($0) } ?? ""
        var body: Markup = "<div class=\"slip\" id=\"slip\"><p class=\"big\">\(name)</p>"
        body +=
            "<p>\(w("用手机相机扫这个二维码，打开后点“登录”。", "Scan this QR code with the phone's camera, then press “Sign in”."))</p>"
        body += QRCode.markup(
            link,
            label: w.text(
                "登录二维码：打开登录页并填好登记码 \(code)", "Sign-in QR code: opens the sign-in page with code \(code) filled in"),
            pixels: 300)
        body += "<p>\(w("或打开登录页输入登记码", "Or type the code on the sign-in page"))</p>"
        body += "<p class=\"digits\" id=\"slip-code\">\(code)</p>"
        body +=
            "<p>\(w("只能用一次，\(until) 前有效。请妥善保管，不要给别人。", "Works once, until \(until). Keep it to yourself."))</p></div>"
        body +=
            "<p class=\"noprint\"><button type=\"button\" class=\"primary\" data-print-slip>\(w("打印纸条", "Print the slip"))</button></p>"
        body += "<p class=\"noprint\"><a href=\"/web/team#h-reenrol\">\(w("返回", "Back"))</a></p>"
        return page(w.text("登记码纸条", "Sign-in slip"), body, printable: true)
    }
}
