import Foundation
import HTTPTypes
import Hummingbird
import JifenApp
import JifenCore
import JifenWeb
import NIOCore
import NIOFoundationEssentialsCompat
import NIOPosix

/// The web pages (`JifenWeb`) on the server's router: each request becomes a `WebRequest`, is
/// answered on the worker pool (pages run store operations), and its answer is sent as is.
extension JifenServer {
    var site: WebSite {
        let base = publicBase
        return WebSite(app: app, guardian: guardian, status: { Self.status($0) }, publicURL: { base.get() }, log: log)
    }

    func addWebRoutes(_ router: Router<JifenRequestContext>) {
        let site = self.site
        // Every page's path (`WebSite.pages`), and every other path under /web: the pages answer them all
        // (a form's address opened with GET, an unknown address: their HTML, never the API's JSON).
        var paths = ["/", "/web", "/web/**"]
        for route in WebSite.routes where !route.path.hasPrefix("/static/") && !paths.contains(route.path) {
            paths.append(route.path)
        }
        for path in paths {
            for method in [HTTPRequest.Method.get, .post] {
                router.on(RouterPath(path), method: method) { request, context in
                    try await self.page(site, request, context)
                }
            }
        }
        for route in WebSite.routes where route.path.hasPrefix("/static/") {
            router.get(RouterPath(route.path)) { request, context in try await self.page(site, request, context) }
        }
    }

    func page(_ site: WebSite, _ request: Request, _ context: JifenRequestContext) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        var form: [String: String] = [:]
        if request.method == .post {
            do {
                let body = try await Self.collect(
                    request, limit: min(options.maxBodyBytes, 64 * 1024), seconds: options.requestTimeoutSeconds)
                form = WebRequest.parseForm(String(decoding: body ?? Data(), as: UTF8.self))
            } catch let error as JifenError {
                let page = site.errorPage(error, language: Self.language(request), status: Self.status(error))
                return Response(
                    status: .init(code: page.status),
                    headers: HTTPFields(
                        page.headers.compactMap { name, value in
                            HTTPField.Name(name).map { HTTPField(name: $0, value: value) }
                        }), body: .init(byteBuffer: ByteBuffer(data: page.body)))
            }
        }
        let web = WebRequest(
            method: request.method == .post ? "POST" : "GET", path: request.uri.path, query: query, form: form,
            cookies: WebRequest.parseCookies(request.headers[.cookie]),
            acceptLanguage: request.headers[.acceptLanguage] ?? "", origin: request.headers[.origin],
            host: request.head.authority ?? "127.0.0.1",
            clientAddress: clientAddress(request, context),
            tls: options.tlsCertificate != nil
                || (options.trustProxy && request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"))
        let answer = try await pool.runIfActive { site.respond(web) }
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        // Who acted goes to the request's log line (`RequestLog` removes the header before sending).
        if let principal = answer.principal { headers[RequestLog<JifenRequestContext>.principalField] = principal }
        return Response(
            status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(data: answer.body))
        )
    }
}
