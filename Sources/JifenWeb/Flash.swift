import Crypto
import Foundation

/// Post/redirect/get: every form is answered with a 303 to a page (so reload, Back and a restored
/// tab never post again), and what that page should say once travels in a short-lived cookie:
/// the notice (HTML the server built, escaped) and form values to fill in again. The cookie is
/// HttpOnly, SameSite=Strict, and signed with the session's secret, so only this server, for this
/// session, can put HTML on a page through it.
struct Flash: Codable, Equatable {
    /// A notice (`Part.notice`, `Session.refusal`), shown at the top of the next page.
    var notice: Markup
    /// Form values the next page fills in again (e.g. the pay code after a refusal).
    var keep: [String: String] = [:]

    init(notice: Markup, keep: [String: String] = [:]) {
        self.notice = notice; self.keep = keep
    }

    enum CodingKeys: String, CodingKey { case notice, keep }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notice.html, forKey: .notice)
        try container.encode(keep, forKey: .keep)
    }

    /// Read back only from a cookie whose signature `open` checked: markup this server sealed.
    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        notice = Markup(sealed: try container.decode(String.self, forKey: .notice))
        keep = try container.decodeIfPresent([String: String].self, forKey: .keep) ?? [:]
    }

    static let cookie = "jf_flash"
    /// Long enough for a slow phone to follow the redirect, short enough that it is never seen twice.
    static let maxAge = 120

    /// `base64url(json).hmac`.
    func sealed(secret: String) -> String {
        let json = (try? JSONEncoder().encode(self)) ?? Data()
        let body = Self.base64url(json)
        return body + "." + Self.mac(body, secret: secret)
    }

    static func open(_ value: String?, secret: String?) -> Flash? {
        guard let value, let secret, !secret.isEmpty else { return nil }
        let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, CSRF.equal(mac(parts[0], secret: secret), parts[1]) else { return nil }
        var text = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONDecoder().decode(Flash.self, from: data)
    }

    static func mac(_ body: String, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data(("jifen-web-flash-v1|" + body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension Session {
    /// Answers a form: 303 to `path` (a page under /web, may carry a query and a `#fragment`); the
    /// page shows `notice` once at its top, and `kept(name)` gives back the values in `keep`.
    /// Every form answers through this, refusals too (not sign-in's and the form token's refusals).
    func done(_ path: String, _ notice: Markup, keep: [String: String] = [:]) -> WebResponse {
        var target = path
        if !target.hasPrefix("/web") || target.contains("//") { target = "/web" }
        return carrying(Flash(notice: notice, keep: keep), .redirect(target))
    }

    /// `response` with `flash` set for the next page of this session (nothing without a session secret).
    func carrying(_ flash: Flash, _ response: WebResponse) -> WebResponse {
        guard let secret = flashSecret, !secret.isEmpty else { return response }
        var response = response
        var cookie =
            "\(Flash.cookie)=\(flash.sealed(secret: secret)); Path=/web; Max-Age=\(Flash.maxAge); HttpOnly; SameSite=Strict"
        if request.tls || !request.isLoopback { cookie += "; Secure" }
        response.headers.append(("Set-Cookie", cookie))
        return response
    }

    /// A value the previous form asked to keep (`done(keep:)`), or "".
    func kept(_ name: String) -> String { flash?.keep[name] ?? "" }
}
