import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// The volunteer's service certificate (志愿服务证明) in the page: readable at phone width,
/// printable on one A4 page. It shows her latest certificate with its number; a new number is
/// issued only when she asks for one ("重新开一份"), or the first time.
extension Session {
    /// `GET /web/me/certificate`: her latest certificate, or the offer to issue the first one.
    func certificatePage() -> WebResponse {
        var body: Markup = ""
        do {
            let shown = try call(API.latestCertificate, .init(volunteer: me))
            guard let c = shown.certificate else {
                body +=
                    "<p>"
                    + w(
                        "您还没有开过服务证明。开一份后，这里会一直显示它，可以打印，也可以给单位看验证码。",
                        "You have no certificate yet. Once issued it stays here: print it, or show its check code.")
                    + "</p>"
                body += Part.form(
                    "/web/me/certificate", csrf: csrf, fields: Part.hidden("again", "1"),
                    button: w("开一份服务证明", "Issue my certificate"))
                body += "<p><a href=\"/web\">\(w("返回我的积分", "Back to my points"))</a></p>"
                return page(w.text("服务证明", "Service certificate"), body)
            }
            if !shown.matches {
                body += Part.notice(
                    w(
                        "这份证明开出以后，其中的服务记录有更正。请点下面的“重新开一份”，写上现在的时长。",
                        "Some of its records were corrected after it was issued. Press “Issue a new one” below to state them as they are now."
                    ), kind: .info, w: w)
            }
            body += certificateArticle(shown, c)
            body +=
                "<p class=\"noprint\"><button type=\"button\" class=\"primary\" data-print>"
                + w(
                    "打印证明（一张 A4）",
                    "Print the certificate (one A4 page)") + "</button></p>"
            body +=
                "<section class=\"noprint\" aria-labelledby=\"h-again\"><h2 id=\"h-again\">\(w("需要新的证明？", "Need a new one?"))</h2>"
            body +=
                "<p>"
                + w(
                    "重新开一份会写到今天为止的服务，换一个新编号；旧的证明仍可凭它的验证码核对。",
                    "A new one covers your service up to today with a new number; the old one can still be checked with its code."
                ) + "</p>"
            body += Part.form(
                "/web/me/certificate", csrf: csrf, fields: Part.hidden("again", "1"),
                button: w("重新开一份", "Issue a new one"), buttonClass: "")
            body += "</section><p class=\"noprint\"><a href=\"/web\">\(w("返回我的积分", "Back to my points"))</a></p>"
        } catch {
            return errorPage(w.text("服务证明", "Service certificate"), error)
        }
        return page(w.text("服务证明", "Service certificate"), body, printable: true)
    }

    func certificateArticle(_ shown: JifenApp.LatestCertificate, _ c: Certificate) -> Markup {
        let id = shown.idNumber.map { w("（身份证号 \($0)）", " (ID \($0))") } ?? ""
        var html: Markup =
            "<article class=\"certificate\" aria-labelledby=\"cert-title\"><p class=\"cert-org\">\(shown.community)</p>"
        html += "<h2 id=\"cert-title\" class=\"cert-title\">\(w("志愿服务证明", "Certificate of volunteer service"))</h2>"
        html +=
            "<p>" + w("兹证明 ", "This certifies that ") + "<strong>\(shown.volunteerName)</strong>\(id)"
            + w(
                " 于 \(longDay(c.fromDay)) 至 \(longDay(c.toDay)) 期间参加志愿服务，累计服务时长 \(JifenApp.hoursText(c.minutes)) 小时（\(c.records) 次）。",
                " served as a volunteer from \(longDay(c.fromDay)) to \(longDay(c.toDay)): "
                    + "\(JifenApp.hoursText(c.minutes)) hours in \(c.records) services."
            ) + "</p>"
        if !shown.records.isEmpty {
            html +=
                "<table class=\"cert-records\"><caption>\(w("服务记录", "Services"))</caption><thead><tr><th scope=\"col\">\(w("日期", "Date"))</th>"
                + "<th scope=\"col\">\(w("活动与服务队", "Activity and team"))</th><th scope=\"col\">\(w("小时", "Hours"))</th></tr></thead><tbody>"
            for v in shown.records {
                html +=
                    "<tr><td>\(shortDay(day: v.record.serviceDay))</td><td>\(v.activityTitle)<br><small>\(v.teamName)</small></td>"
                    + "<td class=\"n\">\(JifenApp.hoursText(v.record.minutes))</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "<dl class=\"cert-foot\"><dt>\(w("出具单位", "Issued by"))</dt><dd>\(shown.community)</dd>"
        html += "<dt>\(w("证明编号", "Number"))</dt><dd id=\"cert-number\">\(c.number)</dd>"
        html += "<dt>\(w("出具日期", "Issued on"))</dt><dd>\(longDay(shown.issuedOn ?? c.toDay))</dd>"
        html += "<dt>\(w("验证码", "Check code"))</dt><dd class=\"cert-code\">\(c.code)</dd></dl>"
        html +=
            "<p class=\"muted\">\(w("接收单位可请社区凭验证码核对这份证明。", "Whoever receives it may ask the community to check it by its code."))</p>"
        return html + "<p class=\"cert-stamp\">\(w("（盖章）", "(stamp)"))</p></article>"
    }

    /// `POST /web/me/certificate`: issues a new certificate only when asked ("again"), or when she
    /// has none; otherwise back to the one she has. Either way to the certificate's page.
    func certificate() -> WebResponse {
        do {
            if field("again") != "1", try call(API.latestCertificate, .init(volunteer: me)).certificate != nil {
                return done(
                    "/web/me/certificate",
                    Part.notice(
                        w(
                            "这是您已有的证明，编号不变。要新的请点“重新开一份”。",
                            "This is the certificate you have; its number stays. For a new one press “Issue a new one”."
                        ), kind: .info, w: w))
            }
            let issued = try call(API.issueCertificate, .init(volunteer: me))
            return done(
                "/web/me/certificate",
                Part.notice(
                    w(
                        "已开出服务证明，编号 \(issued.certificate.number)。",
                        "Certificate issued: number \(issued.certificate.number)."), kind: .ok, w: w))
        } catch {
            return done("/web/me/certificate", refusal(error))
        }
    }
}
