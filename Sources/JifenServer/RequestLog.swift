import Foundation
import HTTPTypes
import Hummingbird
import JifenWeb

/// One log line per request: method, route template (never the path with its ids filled in,
/// never the query), status, duration and the principal's id. Credentials, codes and phone
/// numbers travel in headers, bodies and queries, none of which is logged.
struct RequestLog<Context: RequestContext>: RouterMiddleware {
    /// The handler names the principal to the log in this response header; it is removed before sending.
    static var principalField: HTTPField.Name { HTTPField.Name("X-Jifen-Principal")! }
    let log: @Sendable (String) -> Void
    /// Also count the request in the metrics (`ServerMetrics.request`): when they are served.
    var counts = false

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var status = 500
        var principal = "-"
        defer {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
            // The pages share one wildcard route; a known page's path carries no id (those ride in
            // queries), so it is named.
            var route = context.endpointPath ?? "(no route)"
            if route == "/web/**", WebSite.routes.contains(where: { $0.path == request.uri.path }) {
                route = request.uri.path
            }
            log(String(format: "%@ %@ %d %.1fms principal=%@", request.method.rawValue, route, status, ms, principal))
            if counts {
                ServerMetrics.request(
                    route: route, method: request.method.rawValue, status: status,
                    nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            }
        }
        do {
            var response = try await next(request, context)
            status = response.status.code
            if let who = response.headers[Self.principalField] { principal = who }
            response.headers[Self.principalField] = nil
            // Every answer says what it is: a browser must not guess a type from the content.
            if response.headers[HTTPField.Name("X-Content-Type-Options")!] == nil {
                response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            }
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
