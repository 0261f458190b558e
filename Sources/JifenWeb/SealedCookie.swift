import Crypto
import Foundation

/// A secret the page showed once (a pay code, an enrolment code for a slip) kept on the reader's
/// own device between a form's answer and the page it redirects to, so reloading that page shows
/// it again: the store keeps only its hash, and nothing else can show it. Sealed (AES-GCM) with a
/// key derived from this session's secret (the credential in its cookie), HttpOnly, scoped to the
/// one path that reads it, and short-lived: nobody without the session can open it.
enum SealedCookie {
    static func key(_ session: String, purpose: String) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data("jifen-web-sealed-v1\u{1F}\(purpose)\u{1F}\(session)".utf8)))
    }

    /// The `Set-Cookie` value holding `fields`.
    static func seal(
        _ fields: [String: String], name: String, path: String, session: String, maxAge: Int, request: WebRequest
    ) -> String? {
        guard let data = try? JSONEncoder().encode(fields),
            let box = try? AES.GCM.seal(data, using: key(session, purpose: name)).combined
        else { return nil }
        let value = box.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
        var cookie = "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if request.tls || !request.isLoopback { cookie += "; Secure" }
        return cookie
    }

    /// The fields in the request's cookie `name`, nil when there is none or it was not sealed for this session.
    static func open(_ name: String, request: WebRequest, session: String) -> [String: String]? {
        guard var text = request.cookies[name], !text.isEmpty else { return nil }
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key(session, purpose: name))
        else { return nil }
        return try? JSONDecoder().decode([String: String].self, from: plain)
    }

    static func clear(_ name: String, path: String) -> String {
        "\(name)=; Path=\(path); Max-Age=0; HttpOnly; SameSite=Strict"
    }
}
