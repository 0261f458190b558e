import Foundation
import JifenAPI
public import JifenApp
public import JifenCore

/// The web pages of `jifen serve`: the volunteer's phone, the merchant's counter, the organizer's
/// and the admin's pages. Each page establishes who is acting from the credential in its cookie
/// (`JifenApp.signIn`, as the API does from a bearer token), calls the same endpoints'
/// operations (`API.x.call`) with that `Principal`, and renders the result or the refusal. No
/// rule, permission or default lives here; the script only counts down and scans.
public struct WebSite: Sendable {
    let app: JifenApp
    let guardian: SignInGuard
    /// The HTTP status of a refusal, as the API answers it.
    let status: @Sendable (JifenError) -> Int
    let log: @Sendable (String) -> Void
    /// The address people reach the server at (`serve --public-url`, e.g. `https://jifen.example.org`):
    /// the poster's QR code links there, never to what a request's `Host` header says.
    let publicURL: @Sendable () -> String

    public init(
        app: JifenApp, guardian: SignInGuard, status: @escaping @Sendable (JifenError) -> Int,
        publicURL: @escaping @Sendable () -> String = { "http://127.0.0.1:8080" },
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.app = app; self.guardian = guardian; self.status = status; self.publicURL = publicURL; self.log = log
    }

    /// The cookie holding the device credential, and the one holding the sign-in page's secret.
    static let credentialCookie = "jf", preCookie = "jf_pre", languageCookie = "jf_lang", sizeCookie = "jf_size"
    static let credentialMaxAge = JifenApp.CredentialDefaults.deviceDays * 86_400

    /// Every route the pages answer: `jifen serve` routes them (and no other paths under /web).
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/"), ("GET", "/web"), ("GET", "/web/signin"), ("POST", "/web/signin"), ("POST", "/web/signout"),
        ("GET", "/web/lang"), ("GET", "/web/size"),
        ("GET", "/web/me"), ("POST", "/web/me/code"), ("POST", "/web/me/join"), ("POST", "/web/me/leave"),
        ("POST", "/web/me/claim"), ("POST", "/web/me/dispute"),
        ("POST", "/web/me/certificate"), ("POST", "/web/me/devices/end"), ("POST", "/web/me/devices/confirm"),
        ("GET", "/web/checkin"), ("POST", "/web/checkin"), ("POST", "/web/checkout"),
        ("GET", "/web/counter"), ("POST", "/web/counter/confirm"), ("POST", "/web/counter/redeem"),
        ("POST", "/web/counter/refund"),
        ("POST", "/web/counter/pickup"), ("POST", "/web/counter/release"), ("GET", "/web/counter/check"),
        ("GET", "/web/counter/receipt"),
        ("GET", "/web/team"), ("GET", "/web/poster"), ("POST", "/web/team/approve"), ("POST", "/web/team/reject"),
        ("GET", "/web/admin"), ("GET", "/web/notice"),
        ("GET", "/web/me/certificate"), ("POST", "/web/team/approve-all"),
        ("GET", "/web/me/code"), ("GET", "/web/me/code/state"), ("GET", "/web/signout"), ("GET", "/web/checkout"),
        ("POST", "/web/team/enrol"), ("GET", "/web/team/slip"),
        // Residents and the requests a volunteer took (issue 22, item 1).
        ("GET", "/web/resident"), ("POST", "/web/resident/post"), ("POST", "/web/resident/confirm"),
        ("POST", "/web/resident/rate"),
        ("POST", "/web/resident/reopen"), ("POST", "/web/resident/cancel"),
        ("POST", "/web/me/start"), ("POST", "/web/me/finish"), ("POST", "/web/me/return"),
        ("GET", Static.cssPath), ("GET", Static.jsPath),
    ]

    /// Answers one request. Runs store operations: call it off the event loop.
    public func respond(_ request: WebRequest) -> WebResponse {
        if let file = Static.file(request.path) { return file }
        let language = Self.language(request)
        if request.path == "/web/lang" {
            let to = request.query["to"] == "en" ? "en" : "zh"
            var back = request.query["back"] ?? "/web"
            if !back.hasPrefix("/web") || back.contains("//") { back = "/web" }
            var response = WebResponse.redirect(back)
            response.setCookie(Self.languageCookie, to, request: request, maxAge: 365 * 86_400)
            return response
        }
        // 大字 on this device (a display choice like the language: a link, remembered for a year).
        if request.path == "/web/size" {
            var back = request.query["back"] ?? "/web"
            if !back.hasPrefix("/web") || back.contains("//") { back = "/web" }
            var response = WebResponse.redirect(back)
            response.setCookie(
                Self.sizeCookie, request.query["to"] == "large" ? "large" : "normal", request: request,
                maxAge: 365 * 86_400)
            return response
        }
        let w = Words(language: language)
        // Who is acting: the credential in the cookie, checked as the API checks a bearer token
        // (always: nobody's failures stop a valid one; `SignInGuard` only slows wrong ones).
        let token = request.cookies[Self.credentialCookie].flatMap { $0.isEmpty ? nil : $0 }
        var principal: Principal?
        var refusedCredential: JifenError?
        if let token {
            do {
                principal = try app.signIn(token: token, address: request.clientAddress, guardian: guardian)
            } catch let wait as SignInGuard.Wait {
                log("refusal locked-out route=\(request.path) address=\(request.clientAddress) wait=\(wait.seconds)s")
                return Session(site: self, request: request, w: w, principal: nil, csrf: "").lockedPage(wait.seconds)
            } catch let error as JifenError {
                refusedCredential = error
            } catch {
                refusedCredential = JifenError.fault(.database, zh: "\(error)", en: "\(error)")
            }
        }
        // Forms: the token derived from this session's secret, checked on every POST.
        let pre = request.cookies[Self.preCookie].flatMap { $0.count == 32 ? $0 : nil }
        let secret = principal != nil ? token : pre
        if request.method == "POST" {
            let sameOrigin =
                request.origin.map { origin in
                    origin == "null"
                        ? false : (URL(string: origin)?.host.map { $0.lowercased() == request.hostName } ?? false)
                } ?? true
            guard sameOrigin, CSRF.check(request.form["csrf"], secret: secret) else {
                log("refusal csrf route=\(request.path) address=\(request.clientAddress)")
                let page = PageLayout(
                    title: w.raw("请重新打开页面", "Please open the page again"),
                    body: Part.notice(
                        w(
                            "这个表单已过期或不是从本站提交的，没有办理任何事。请返回，刷新页面后再试。",
                            "This form has expired or did not come from this site; nothing was done. Go back, reload the page and try again."
                        ),
                        kind: .refused, w: w) + "<p><a href=\"/web\">\(w("返回首页", "Back to the start"))</a></p>",
                    language: language, path: "/web", large: request.cookies[Self.sizeCookie] == "large")
                return .page(page.render(), status: 403)
            }
        }
        // Before sign-in, the form's secret is also the device's id for the sign-in limits: one the
        // guard handed out (a forged or forgotten one is replaced when the address may get a new one).
        var newPre: String?
        if principal == nil && (pre == nil || !guardian.knows(device: pre!)) {
            if let device = guardian.newDevice(address: request.clientAddress) {
                newPre = device
            } else if pre == nil {
                newPre = CSRF.nonce()
            }
        }
        let sessionSecret = (principal != nil ? token : newPre ?? pre) ?? ""
        let flash = Flash.open(request.cookies[Flash.cookie], secret: sessionSecret)
        let session = Session(
            site: self, request: request, w: w, principal: principal,
            csrf: CSRF.token(secret: sessionSecret), flash: flash, flashSecret: sessionSecret)
        var response: WebResponse
        if let refusedCredential {
            response = session.signInPage(
                notice: Part.notice(
                    HTML.escape(session.message(refusedCredential))
                        + " " + w("请用组织者给您的登记码重新登录。", "Sign in again with a code from your organizer."),
                    kind: .refused, w: w), status: 401)
            response.headers.append(
                ("Set-Cookie", "\(Self.credentialCookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
        } else {
            response = session.route()
        }
        // A page (not a redirect) has shown the form's flash: it is not shown again.
        if request.cookies[Flash.cookie] != nil && !(300..<400).contains(response.status)
            && !response.headers.contains(where: { $0.0 == "Set-Cookie" && $0.1.hasPrefix(Flash.cookie + "=") })
        {
            response.headers.append(("Set-Cookie", "\(Flash.cookie)=; Path=/web; Max-Age=0; HttpOnly; SameSite=Strict"))
        }
        // The log names who acted (never a secret): `jifen serve` logs it with the request.
        if response.principal == nil { response.principal = principal?.id }
        if let newPre { response.setCookie(Self.preCookie, newPre, request: request, maxAge: 86_400) }
        return response
    }

    /// A refusal before any page could run (a form too large, too slow): an HTML page in the
    /// reader's language with the way home, never the API's JSON.
    public func errorPage(_ error: JifenError, language: Language, status: Int) -> WebResponse {
        let w = Words(language: language)
        let layout = PageLayout(
            title: w.raw("没有办成", "Not done"),
            body: Part.notice(
                HTML.escape(PlainWords.forPeople(error.message.text(language), english: language == .en)),
                kind: .refused, w: w)
                + "<p><a class=\"button primary\" href=\"/web\">\(w("返回首页", "Back to the start"))</a></p>",
            language: language, path: "/web")
        return .page(layout.render(), status: status)
    }

    /// The reader's language: the switch's cookie, else the browser's first language.
    static func language(_ request: WebRequest) -> Language {
        if let chosen = request.cookies[languageCookie] { return chosen == "en" ? .en : .zh }
        return request.acceptLanguage.lowercased().hasPrefix("en") ? .en : .zh
    }
}

/// One request of one reader: who they are, their language, the form token, and the operations.
struct Session {
    let site: WebSite
    let request: WebRequest
    let w: Words
    let principal: Principal?
    let csrf: String
    /// What the previous form said (post/redirect/get), verified; shown once by `page`.
    var flash: Flash? = nil
    /// The session's secret the flash is signed with (the credential, or the sign-in page's cookie).
    var flashSecret: String? = nil

    var app: JifenApp { site.app }
    var language: Language { w.language }

    /// Calls an endpoint's operation as the signed-in person: the same call the API makes.
    func call<Input, Output>(_ endpoint: Endpoint<Input, Output>, _ input: Input) throws -> Output {
        guard let principal else { throw JifenError.signInRequired }
        return try endpoint.call(app, principal, input)
    }

    func route() -> WebResponse {
        let path = request.path, post = request.method == "POST"
        if path == "/web/signin" { return post ? signIn() : signInPage() }
        if path == "/web/checkin" && !post && principal == nil {
            return signInPage(next: "/web/checkin?" + queryString)
        }
        guard let principal else {
            if path == "/" || path == "/web" { return signInPage() }
            return WebSite.routes.contains(where: { $0.path == path }) || path.hasPrefix(Self.receiptPrefix)
                ? .redirect("/web/signin") : notFound()
        }
        switch (request.method, path) {
        case ("GET", "/"), ("GET", "/web"):
            switch principal.role {
            case .merchant?, .staff?: return .redirect("/web/counter")
            case .organizer?: return .redirect("/web/team")
            case .admin?: return .redirect("/web/admin")
            case .resident?: return .redirect(Session.residentPath)
            default: return .redirect("/web/me")
            }
        case ("POST", "/web/signout"): return signOut()
        // A resident's home is her requests; the volunteer's pages are not hers.
        case ("GET", "/web/me") where principal.role == .resident: return .redirect(Session.residentPath)
        case ("GET", Session.residentPath): return residentPage()
        case ("POST", "/web/resident/post"): return postOwnRequest()
        case ("POST", "/web/resident/confirm"): return confirmOwnRequest()
        case ("POST", "/web/resident/rate"): return rateOwnRequest()
        case ("POST", "/web/resident/reopen"): return reopenOwnRequest()
        case ("POST", "/web/resident/cancel"): return cancelOwnRequest()
        case ("POST", "/web/me/start"): return startServing()
        case ("POST", "/web/me/finish"): return finishServing()
        case ("POST", "/web/me/return"): return giveBackRequest()
        case ("GET", "/web/me"): return volunteerPage()
        case ("POST", "/web/me/code"): return openPayCode()
        case ("GET", "/web/me/code"): return payCodePage()
        case ("GET", "/web/me/code/state"): return payCodeState()
        case ("GET", "/web/signout"): return signOutQuestion()
        case ("GET", "/web/checkout"): return checkoutQuestion()
        case ("POST", "/web/team/enrol"): return issueSlip()
        case ("GET", "/web/team/slip"): return slipPage()
        case ("POST", "/web/me/join"), ("POST", "/web/me/leave"): return joinOrLeave(join: path.hasSuffix("join"))
        case ("POST", "/web/me/claim"): return claim()
        case ("POST", "/web/me/dispute"): return dispute()
        case ("POST", "/web/me/certificate"): return certificate()
        case ("POST", "/web/me/devices/end"): return endDevice()
        case ("POST", "/web/me/devices/confirm"): return confirmDevice()
        case ("GET", "/web/checkin"): return checkinPage()
        case ("POST", "/web/checkin"): return checkin()
        case ("POST", "/web/checkout"): return checkout()
        case ("GET", "/web/counter"): return counterPage()
        case ("POST", "/web/counter/confirm"): return confirmCode()
        case ("GET", "/web/counter/check"): return checkPage()
        case ("GET", "/web/counter/receipt"): return receiptLookup()
        case ("GET", _) where path.hasPrefix(Self.receiptPrefix):
            return receiptPage(String(path.dropFirst(Self.receiptPrefix.count)))
        case ("POST", "/web/counter/redeem"): return redeem()
        case ("POST", "/web/counter/refund"): return refund()
        case ("POST", "/web/counter/pickup"), ("POST", "/web/counter/release"):
            return resolveHold(pickup: path.hasSuffix("pickup"))
        case ("GET", "/web/team"): return teamPage()
        case ("GET", "/web/poster"): return posterPage()
        case ("POST", "/web/team/approve"): return approve()
        case ("POST", "/web/team/reject"): return reject()
        case ("GET", "/web/admin"): return adminPage()
        case ("GET", "/web/notice"): return noticePage()
        case ("GET", "/web/me/certificate"): return certificatePage()
        case ("POST", "/web/team/approve-all"): return approveAll()
        default:
            // A form's address opened again (reload, Back, a restored tab, a bookmark): its page.
            if request.method == "GET", WebSite.routes.contains(where: { $0.method == "POST" && $0.path == path }) {
                return .redirect("/web")
            }
            return notFound()
        }
    }

    /// The page for an address no page answers: in the reader's language, with the way home.
    func notFound() -> WebResponse {
        page(
            w.raw("没有这个页面", "No such page"),
            "<p>\(w("这个网址没有对应的页面，可能输错了或已经过期。", "Nothing is at this address: it may be mistyped or out of date."))</p>"
                + "<p><a class=\"button primary\" href=\"/web\">\(w("返回首页", "Back to the start"))</a></p>", status: 404)
    }

    var queryString: String {
        request.query.sorted { $0.key < $1.key }.map { "\(HTML.query($0.key))=\(HTML.query($0.value))" }.joined(
            separator: "&")
    }

    /// A page in the shared layout.
    func page(_ title: String, _ body: String, status: Int = 200, printable: Bool = false) -> WebResponse {
        .page(
            PageLayout(
                title: title, body: (flash?.notice ?? "") + body, language: language, path: request.path,
                printable: printable, large: request.cookies[WebSite.sizeCookie] == "large",
                signedIn: principal != nil, csrf: csrf
            ).render(), status: status)
    }

    /// A refusal in the reader's language (the operation's own words), boxed.
    func refusal(_ error: Error) -> String {
        Part.notice(HTML.escape(message(error)), kind: .refused, w: w)
    }

    func message(_ error: Error) -> String {
        if let error = error as? JifenError {
            var text = PlainWords.forPeople(error.message.text(language), english: w.isEnglish)
            // The actor a refusal names is the reader: her name, never her id.
            if let principal, text.contains(principal.id), let name = (try? call(API.whoami, .init()))?.name,
                !name.isEmpty
            {
                text = text.replacingOccurrences(of: principal.id, with: name)
            }
            // Anyone else by name where the reader may see it, else by what they are to her.
            while let range = text.range(of: #"(?<![A-Za-z0-9])V\d{4}(?![0-9])"#, options: .regularExpression) {
                let id = String(text[range])
                let counter = principal?.role == .merchant || principal?.role == .staff
                let name =
                    (try? call(API.volunteer, .init(volunteer: id)))?.volunteer.name
                    ?? (counter ? w.raw("顾客", "the customer") : w.raw("这位志愿者", "this volunteer"))
                text.replaceSubrange(range, with: name)
            }
            return text
        }
        return w.raw("出了点问题，没有办成，请稍后再试。", "Something went wrong and nothing was done; try again later.")
    }

    func statusOf(_ error: Error) -> Int { (error as? JifenError).map(site.status) ?? 500 }

    // MARK: Signing in

    func signInPage(notice: String = "", next: String? = nil, status: Int = 200) -> WebResponse {
        let target = next ?? request.form["next"] ?? "/web"
        let body =
            notice
            + "<p>\(w("请输入组织者给您的登记码（纸条上的 8 位字母和数字）。登录后这部手机会一直保持登录，直到组织者收回。", "Type the enrolment code your organizer gave you (8 letters and digits on the paper). This phone then stays signed in until the organizer revokes it."))</p>"
            + Part.form(
                "/web/signin", csrf: csrf,
                fields: Part.field(
                    "code", label: w("登记码", "Enrolment code"),
                    extra: "autocomplete=\"off\" autocapitalize=\"characters\" required")
                    + Part.hidden("next", target),
                button: w("登录", "Sign in"))
        return page(w.raw("登录", "Sign in"), body, status: status)
    }

    func lockedPage(_ seconds: Int) -> WebResponse {
        let minutes = max(1, (seconds + 59) / 60)
        return page(
            w.raw("请稍后再试", "Please try later"),
            Part.notice(
                w(
                    "输错的次数太多，为了安全，这台设备暂时不能登录。请 \(minutes) 分钟后再试，或请组织者重新发一个登记码。",
                    "Too many wrong codes: for safety this device cannot sign in for now. Try again in \(minutes) minutes, or ask your organizer for a new code."
                ),
                kind: .refused, w: w), status: 429)
    }

    func signIn() -> WebResponse {
        let device = request.cookies[WebSite.preCookie]
        do {
            let issued = try site.guardian.enrolment(
                code: request.form["code"] ?? "", device: device, address: request.clientAddress
            ) {
                try API.enrol.call(
                    app, Principal("anonymous"),
                    .init(code: request.form["code"] ?? "", label: w.raw("网页登录", "web sign-in")))
            }
            var next = request.form["next"] ?? "/web"
            if !next.hasPrefix("/web") || next.contains("//") { next = "/web" }
            var response = WebResponse.redirect(next)
            response.setCookie(
                WebSite.credentialCookie, issued.secret, request: request, maxAge: WebSite.credentialMaxAge)
            site.log("web sign-in credential=\(issued.credential.id) person=\(issued.credential.person)")
            response.principal = issued.credential.person
            return response
        } catch let wait as SignInGuard.Wait {
            site.log("refusal locked-out route=/web/signin address=\(request.clientAddress) wait=\(wait.seconds)s")
            return lockedPage(wait.seconds)
        } catch let error as JifenError where error.code == .badEnrolmentCode {
            site.log("refusal bad-enrolment-code route=/web/signin address=\(request.clientAddress)")
            return signInPage(notice: refusal(error), status: 401)
        } catch {
            return signInPage(notice: refusal(error), status: statusOf(error))
        }
    }

    /// Signing out revokes this phone's credential (it works nowhere after) and forgets the cookie.
    func signOut() -> WebResponse {
        if let principal, let id = principal.credential {
            do {
                _ = try API.revokeCredential.call(app, principal, .init(credential: id))
                site.log("web sign-out credential=\(id) principal=\(principal.id)")
            } catch {
                return page(w.raw("没有退出", "Not signed out"), refusal(error), status: statusOf(error))
            }
        }
        return signedOut()
    }

    // MARK: Formatting

    func day(_ millis: Int64) -> String {
        DayFormat.string(Date(timeIntervalSince1970: Double(millis) / 1000), in: app.zone)
    }

    func time(_ millis: Int64) -> String {
        String(DayFormat.minute(Date(timeIntervalSince1970: Double(millis) / 1000), in: app.zone).suffix(5))
    }

    func minute(_ millis: Int64) -> String {
        DayFormat.minute(Date(timeIntervalSince1970: Double(millis) / 1000), in: app.zone)
    }

    /// "11月29日" or "Nov 29".
    func shortDay(_ millis: Int64) -> String { shortDay(day: day(millis)) }

    func hours(_ minutes: Int64) -> String {
        let h = Double(minutes) / 60
        return h == h.rounded() ? String(Int64(h)) : String(format: "%.1f", h)
    }

    func signed(_ points: Int64) -> String { points < 0 ? "−\(-points)" : "+\(points)" }

    func field(_ name: String) -> String { (request.form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
}
