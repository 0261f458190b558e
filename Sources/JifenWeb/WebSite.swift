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

    /// Answers one request. Runs store operations: call it off the event loop.
    public func respond(_ request: WebRequest) -> WebResponse {
        if let file = Static.file(request.path) { return file }
        let language = Self.language(request)
        if let display = Self.display(request.path) { return display(request) }
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
                let refused = ErrorPage(
                    title: w.text("请重新打开页面", "Please open the page again"),
                    message: w(
                        "这个表单已过期或不是从本站提交的，没有办理任何事。请返回，刷新页面后再试。",
                        "This form has expired or did not come from this site; nothing was done. "
                            + "Go back, reload the page and try again."),
                    status: 403)
                return refused.response(language: language, large: request.cookies[Self.sizeCookie] == "large")
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
                    "\(session.message(refusedCredential))"
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
        let message = PlainWords.forPeople(error.message.text(language), english: language == .en)
        return ErrorPage(title: w.text("没有办成", "Not done"), message: "\(message)", status: status)
            .response(language: language)
    }

    /// The reader's language: the switch's cookie, else the browser's first language.
    static func language(_ request: WebRequest) -> Language {
        if let chosen = request.cookies[languageCookie] { return chosen == "en" ? .en : .zh }
        return request.acceptLanguage.lowercased().hasPrefix("en") ? .en : .zh
    }
}

/// The one page a refusal is shown on (a form's token refused, an address no page answers, a body
/// too large, an operation refused): the status, what happened in the reader's language, and the
/// way back (home, or the page it came from).
struct ErrorPage {
    var title: String
    var message: Markup
    var status: Int
    var back = "/web"
    var backLabel: Markup? = nil

    func body(_ w: Words) -> Markup {
        Part.notice(message, kind: .refused, w: w)
            + "<p><a class=\"button primary\" href=\"\(back)\">\(backLabel ?? w("返回首页", "Back to the start"))</a></p>"
    }

    /// The page before any session (its layout without the sign-out or a flash).
    func response(language: Language, large: Bool = false) -> WebResponse {
        let layout = PageLayout(
            title: title, body: body(Words(language: language)), language: language, path: "/web", large: large)
        return .page(layout.render(), status: status)
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
        guard principal != nil else {
            if path == "/" || path == "/web" { return signInPage() }
            return WebSite.routes.contains(where: { $0.path == path }) || path.hasPrefix(Self.receiptPrefix)
                ? .redirect("/web/signin") : notFound()
        }
        if let page = WebSite.page(request.method, path), case .page(let answer) = page.answer { return answer(self) }
        // A form's address opened again (reload, Back, a restored tab, a bookmark): its page.
        if request.method == "GET", WebSite.routes.contains(where: { $0.method == "POST" && $0.path == path }) {
            return .redirect("/web")
        }
        return notFound()
    }

    /// The page for an address no page answers: in the reader's language, with the way home.
    func notFound() -> WebResponse {
        errorPage(
            ErrorPage(
                title: w.text("没有这个页面", "No such page"),
                message: w(
                    "这个网址没有对应的页面，可能输错了或已经过期。",
                    "Nothing is at this address: it may be mistyped or out of date."),
                status: 404))
    }

    /// A page's refusal on the one error page, in this session's layout (its flash, its sign-out),
    /// after `notice` when the page had one to say first.
    func errorPage(_ refused: ErrorPage, notice: Markup = "") -> WebResponse {
        page(refused.title, notice + refused.body(w), status: refused.status)
    }

    /// An operation's refusal on the error page: its words, and the status the API would answer.
    func errorPage(
        _ title: String, _ error: Error, notice: Markup = "", back: String = "/web", backLabel: Markup? = nil
    ) -> WebResponse {
        errorPage(
            ErrorPage(
                title: title, message: "\(message(error))", status: statusOf(error), back: back, backLabel: backLabel),
            notice: notice)
    }

    var queryString: String {
        request.query.sorted { $0.key < $1.key }.map { "\(HTML.query($0.key))=\(HTML.query($0.value))" }.joined(
            separator: "&")
    }

    /// A page in the shared layout.
    func page(_ title: String, _ body: Markup, status: Int = 200, printable: Bool = false) -> WebResponse {
        .page(
            PageLayout(
                title: title, body: (flash?.notice ?? "") + body, language: language, path: request.path,
                printable: printable, large: request.cookies[WebSite.sizeCookie] == "large",
                signedIn: principal != nil, csrf: csrf
            ).render(), status: status)
    }

    /// A refusal in the reader's language (the operation's own words), boxed.
    func refusal(_ error: Error) -> Markup {
        Part.notice("\(message(error))", kind: .refused, w: w)
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
                    ?? (counter ? w.text("顾客", "the customer") : w.text("这位志愿者", "this volunteer"))
                text.replaceSubrange(range, with: name)
            }
            return text
        }
        return w.text("出了点问题，没有办成，请稍后再试。", "Something went wrong and nothing was done; try again later.")
    }

    func statusOf(_ error: Error) -> Int { (error as? JifenError).map(site.status) ?? 500 }

    // MARK: Signing in

    func signInPage(notice: Markup = "", next: String? = nil, status: Int = 200) -> WebResponse {
        let target = next ?? request.form["next"] ?? "/web"
        let body =
            notice
            + "<p>"
            + w(
                "请输入组织者给您的登记码（纸条上的 8 位字母和数字）。登录后这部手机会一直保持登录，直到组织者收回。",
                "Type the enrolment code your organizer gave you (8 letters and digits on the paper). "
                    + "This phone then stays signed in until the organizer revokes it."
            ) + "</p>"
            + Part.form(
                "/web/signin", csrf: csrf,
                fields: Part.field(
                    "code", label: w("登记码", "Enrolment code"),
                    extra: "autocomplete=\"off\" autocapitalize=\"characters\" required")
                    + Part.hidden("next", target),
                button: w("登录", "Sign in"))
        return page(w.text("登录", "Sign in"), body, status: status)
    }

    func lockedPage(_ seconds: Int) -> WebResponse {
        let minutes = max(1, (seconds + 59) / 60)
        return page(
            w.text("请稍后再试", "Please try later"),
            Part.notice(
                w(
                    "输错的次数太多，为了安全，这台设备暂时不能登录。请 \(minutes) 分钟后再试，或请组织者重新发一个登记码。",
                    "Too many wrong codes: for safety this device cannot sign in for now. "
                        + "Try again in \(minutes) minutes, or ask your organizer for a new code."
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
                    .init(code: request.form["code"] ?? "", label: w.text("网页登录", "web sign-in")))
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
                return errorPage(w.text("没有退出", "Not signed out"), error)
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
