import Foundation
import JifenApp
import JifenCore

/// One address the pages answer: its method, its path (or, for `prefix`, every path that starts
/// with it), and the page that answers it. `WebSite.pages` lists them all, one line each: the
/// server routes them (`WebSite.routes`) and `Session.route` dispatches through them.
struct PageRoute: Sendable {
    let method: String
    let path: String
    let prefix: Bool
    let answer: Answer

    enum Answer: Sendable {
        /// A page for the reader's session (signed in, its form token checked).
        case page(@Sendable (Session) -> WebResponse)
        /// A display choice (language, text size): answered for anyone, before the session, whatever the method.
        case display(@Sendable (WebRequest) -> WebResponse)
    }

    static func get(_ path: String, _ answer: @escaping @Sendable (Session) -> WebResponse) -> PageRoute {
        PageRoute(method: "GET", path: path, prefix: false, answer: .page(answer))
    }

    static func post(_ path: String, _ answer: @escaping @Sendable (Session) -> WebResponse) -> PageRoute {
        PageRoute(method: "POST", path: path, prefix: false, answer: .page(answer))
    }

    static func display(_ path: String, _ answer: @escaping @Sendable (WebRequest) -> WebResponse) -> PageRoute {
        PageRoute(method: "GET", path: path, prefix: false, answer: .display(answer))
    }

    /// Every GET under `prefix` (the rest of the path is the page's argument).
    static func getUnder(
        _ prefix: String, _ answer: @escaping @Sendable (Session, String) -> WebResponse
    )
        -> PageRoute
    {
        PageRoute(
            method: "GET", path: prefix, prefix: true,
            answer: .page { session in answer(session, String(session.request.path.dropFirst(prefix.count))) })
    }

    func matches(_ method: String, _ path: String) -> Bool {
        self.method == method && (prefix ? path.hasPrefix(self.path) : path == self.path)
    }
}

extension WebSite {
    /// Every page: add a page with one line here.
    static let pages: [PageRoute] = [
        .get("/") { $0.home() }, .get("/web") { $0.home() },
        .get("/web/signin") { $0.signInPage() }, .post("/web/signin") { $0.signIn() },
        .get("/web/signout") { $0.signOutQuestion() }, .post("/web/signout") { $0.signOut() },
        .display("/web/lang") { WebSite.switchLanguage($0) }, .display("/web/size") { WebSite.switchSize($0) },
        // The volunteer's phone.
        // A resident's home is her requests; the volunteer's pages are not hers.
        .get("/web/me") { $0.principal?.role == .resident ? .redirect(Session.residentPath) : $0.volunteerPage() },
        .get("/web/me/code") { $0.payCodePage() }, .post("/web/me/code") { $0.openPayCode() },
        .get("/web/me/code/state") { $0.payCodeState() },
        .post("/web/me/join") { $0.joinOrLeave(join: true) }, .post("/web/me/leave") { $0.joinOrLeave(join: false) },
        .post("/web/me/claim") { $0.claim() }, .post("/web/me/dispute") { $0.dispute() },
        .get("/web/me/certificate") { $0.certificatePage() }, .post("/web/me/certificate") { $0.certificate() },
        .get("/web/me/export") { $0.myData() },
        .post("/web/me/devices/end") { $0.endDevice() }, .post("/web/me/devices/confirm") { $0.confirmDevice() },
        .get("/web/checkin") { $0.checkinPage() }, .post("/web/checkin") { $0.checkin() },
        .get("/web/checkout") { $0.checkoutQuestion() }, .post("/web/checkout") { $0.checkout() },
        .post("/web/me/start") { $0.startServing() }, .post("/web/me/finish") { $0.finishServing() },
        .post("/web/me/return") { $0.giveBackRequest() },
        // The merchant's counter.
        .get("/web/counter") { $0.counterPage() }, .post("/web/counter/confirm") { $0.confirmCode() },
        .get("/web/counter/check") { $0.checkPage() },
        .post("/web/counter/redeem") { $0.redeem() }, .post("/web/counter/refund") { $0.refund() },
        .post("/web/counter/pickup") { $0.resolveHold(pickup: true) },
        .post("/web/counter/release") { $0.resolveHold(pickup: false) },
        .get("/web/counter/receipt") { $0.receiptLookup() },
        .getUnder(Session.receiptPrefix) { session, receipt in session.receiptPage(receipt) },
        // The organizer's and the admin's pages.
        .get("/web/team") { $0.teamPage() }, .get("/web/poster") { $0.posterPage() },
        .post("/web/team/approve") { $0.approve() }, .post("/web/team/reject") { $0.reject() },
        .post("/web/team/approve-all") { $0.approveAll() },
        .post("/web/team/enrol") { $0.issueSlip() }, .get("/web/team/slip") { $0.slipPage() },
        .get("/web/admin") { $0.adminPage() }, .get("/web/notice") { $0.noticePage() },
        // The resident's requests.
        .get(Session.residentPath) { $0.residentPage() },
        .post("/web/resident/post") { $0.postOwnRequest() }, .post("/web/resident/confirm") { $0.confirmOwnRequest() },
        .post("/web/resident/rate") { $0.rateOwnRequest() }, .post("/web/resident/reopen") { $0.reopenOwnRequest() },
        .post("/web/resident/cancel") { $0.cancelOwnRequest() },
    ]

    /// Every route the pages and their two files answer: `jifen serve` routes them (and no other paths under /web).
    public static let routes: [(method: String, path: String)] =
        pages.filter { !$0.prefix }.map { ($0.method, $0.path) } + [("GET", Static.cssPath), ("GET", Static.jsPath)]

    /// The page that answers `method` and `path`, if any.
    static func page(_ method: String, _ path: String) -> PageRoute? {
        pages.first { $0.matches(method, path) }
    }

    /// The display choice at `path` (any method), if it is one.
    static func display(_ path: String) -> (@Sendable (WebRequest) -> WebResponse)? {
        for route in pages where route.path == path { if case .display(let answer) = route.answer { return answer } }
        return nil
    }

    /// The language switch: remembered for a year, then back to the page it was on.
    static func switchLanguage(_ request: WebRequest) -> WebResponse {
        let to = request.query["to"] == "en" ? "en" : "zh"
        var back = request.query["back"] ?? "/web"
        if !back.hasPrefix("/web") || back.contains("//") { back = "/web" }
        var response = WebResponse.redirect(back)
        response.setCookie(languageCookie, to, request: request, maxAge: 365 * 86_400)
        return response
    }

    /// 大字 on this device (a display choice like the language: a link, remembered for a year).
    static func switchSize(_ request: WebRequest) -> WebResponse {
        var back = request.query["back"] ?? "/web"
        if !back.hasPrefix("/web") || back.contains("//") { back = "/web" }
        var response = WebResponse.redirect(back)
        response.setCookie(
            sizeCookie, request.query["to"] == "large" ? "large" : "normal", request: request, maxAge: 365 * 86_400)
        return response
    }
}

extension Session {
    /// Each person's home: the page of what they do.
    func home() -> WebResponse {
        switch principal?.role {
        case .merchant?, .staff?: return .redirect("/web/counter")
        case .organizer?: return .redirect("/web/team")
        case .admin?: return .redirect("/web/admin")
        case .resident?: return .redirect(Session.residentPath)
        default: return .redirect("/web/me")
        }
    }
}
