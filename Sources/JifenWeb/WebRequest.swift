import Crypto
public import Foundation
import JifenCore

/// A request as the pages see it; `jifen serve` fills it from the HTTP request.
public struct WebRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// The fields of a posted form (`application/x-www-form-urlencoded`).
    public var form: [String: String]
    public var cookies: [String: String]
    public var acceptLanguage: String
    /// The `Origin` header of a POST, when the browser sent one.
    public var origin: String?
    /// The `Host` header: for the same-origin check and the cookie's `Secure` only (the poster links
    /// to the configured public URL, never to this).
    public var host: String
    /// The client's address (for `SignInGuard`).
    public var clientAddress: String
    /// Served over TLS (or behind a proxy that says so).
    public var tls: Bool

    public init(
        method: String, path: String, query: [String: String] = [:], form: [String: String] = [:],
        cookies: [String: String] = [:],
        acceptLanguage: String = "", origin: String? = nil, host: String = "127.0.0.1",
        clientAddress: String = "127.0.0.1",
        tls: Bool = false
    ) {
        self.method = method; self.path = path; self.query = query; self.form = form; self.cookies = cookies
        self.acceptLanguage = acceptLanguage; self.origin = origin; self.host = host;
        self.clientAddress = clientAddress; self.tls = tls
    }

    /// The host part of `host` (no port), lowercased.
    var hostName: String {
        var h = host.lowercased()
        if h.hasPrefix("[") { return String(h.dropFirst().prefix { $0 != "]" }) }
        if let colon = h.lastIndex(of: ":") { h = String(h[..<colon]) }
        return h
    }

    /// Loopback (127.0.0.1, ::1, localhost): the only place a cookie may go without `Secure`.
    var isLoopback: Bool { hostName == "localhost" || hostName == "::1" || hostName.hasPrefix("127.") }

    /// `a=1&b=x+y` as a dictionary (the last of a repeated name wins).
    public static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// `Cookie: a=1; b=2` as a dictionary.
    public static func parseCookies(_ header: String?) -> [String: String] {
        var cookies: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return cookies
    }
}

/// What the pages answer.
public struct WebResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data
    /// Who acted (a person's id, never a secret), for the server's log line; nil: nobody signed in.
    public var principal: String?

    init(status: Int = 200, headers: [(String, String)] = [], body: Data) {
        self.status = status; self.headers = headers; self.body = body
    }

    /// The policy every page is served with: scripts and styles only from this server's files.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// A page: HTML, never cached (it shows points), with the security headers.
    static func page(_ markup: Markup, status: Int = 200) -> WebResponse {
        WebResponse(
            status: status,
            headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")] + security,
            body: Data(markup.html.utf8))
    }

    static let security: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy), ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
    ]

    /// 303 to `location` (after a form: reloading does not post again).
    static func redirect(_ location: String) -> WebResponse {
        WebResponse(
            status: 303, headers: [("Location", location), ("Cache-Control", "no-store")] + security, body: Data())
    }

    mutating func setCookie(_ name: String, _ value: String, request: WebRequest, maxAge: Int) {
        var cookie = "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        // Secure always, but on plain HTTP to loopback (a browser would drop it there).
        if request.tls || !request.isLoopback { cookie += "; Secure" }
        headers.append(("Set-Cookie", cookie))
    }
}

/// Cross-site request forgery: every form carries a token derived by HMAC from the session's
/// secret (the credential in the cookie, or before sign-in a random value in its own cookie).
/// Another site can neither read the cookie nor the token, so its forged POST is refused.
enum CSRF {
    static func token(secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("jifen-web-csrf-v1".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in constant time.
    static func check(_ given: String?, secret: String?) -> Bool {
        guard let given, let secret, !secret.isEmpty else { return false }
        return equal(token(secret: secret), given)
    }

    /// Two strings compared in constant time (for their length).
    static func equal(_ a: String, _ b: String) -> Bool {
        let expected = Array(a.utf8), actual = Array(b.utf8)
        guard expected.count == actual.count else { return false }
        return zip(expected, actual).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A fresh random value for the sign-in page's cookie.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
