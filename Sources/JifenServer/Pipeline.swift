import Foundation
import HTTPTypes
import Hummingbird
import JifenAPI
import JifenApp
import JifenCore
import NIOCore
import NIOPosix

// Every API route runs through one pipeline, outermost first: `ErrorMapping` (a refusal becomes
// the JSON error answer), `Authentication` (the bearer credential becomes the `Principal`),
// `BodyLimits` (the body, within its size and time limits), `IdempotentReplay` (the write's
// `Idempotency-Key`); then the handler decodes the input, calls the operation and encodes its answer.

/// Turns what a route throws into the API's JSON error answer (`JifenServer.errorResponse`, its
/// status from `ErrorStatus`), and logs sign-in refusals with the route and the client's address.
struct ErrorMapping: RouterMiddleware {
    typealias Context = JifenRequestContext
    /// The route's path template, as the log names it.
    let route: String
    let address: @Sendable (Request, JifenRequestContext) -> String
    let log: @Sendable (String) -> Void

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let language = JifenServer.language(request)
            var (thrown, principal): (any Error, String?) = (error, nil)
            if let signedIn = error as? SignedIn { (thrown, principal) = (signedIn.error, signedIn.principal) }
            switch thrown {
            case let detailed as DetailedError:
                return JifenServer.errorResponse(detailed.error, language: language, detail: detailed.detail)
            case let wait as SignInGuard.Wait:
                log("refusal locked-out route=\(route) address=\(address(request, context)) wait=\(wait.seconds)s")
                return JifenServer.errorResponse(wait.error, language: language, retryAfter: wait.seconds)
            case let error as JifenError:
                if JifenServer.isSignInRefusal(error.code) {
                    log("refusal \(error.code.rawValue) route=\(route) address=\(address(request, context))")
                }
                var response = JifenServer.errorResponse(error, language: language)
                if let principal { response.headers[RequestLog<JifenRequestContext>.principalField] = principal }
                return response
            default:
                throw thrown
            }
        }
    }
}

/// An error thrown after the request signed in, with who it signed in as (the log names them).
struct SignedIn: Error {
    var error: any Error
    var principal: String
}

/// Turns the request's bearer credential into the `Principal` the operation acts as
/// (`JifenApp.signIn`, with the sign-in limits), carried in the context; an anonymous endpoint
/// (`enrol`) takes none. Who acted is named to the request's log.
struct Authentication: RouterMiddleware {
    typealias Context = JifenRequestContext
    /// The endpoint may be called without a credential.
    let anonymous: Bool
    let address: @Sendable (Request, JifenRequestContext) -> String
    /// Signs in with a token from an address (on the worker pool: it reads the store).
    let signIn: @Sendable (_ token: String, _ address: String) async throws -> Principal

    /// - Throws: `signInRequired` (no credential), `badCredential`, `SignInGuard.Wait` (429 with
    ///   Retry-After); what the rest of the pipeline throws, wrapped in `SignedIn`.
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let field = RequestLog<JifenRequestContext>.principalField
        if anonymous {
            var response = try await next(request, context)
            response.headers[field] = Principal("anonymous").id
            return response
        }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw JifenError.signInRequired
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let principal = try await signIn(token, address(request, context))
        var context = context
        context.principal = principal
        do {
            var response = try await next(request, context)
            response.headers[field] = principal.id
            return response
        } catch {
            throw SignedIn(error: error, principal: principal.id)
        }
    }
}

/// Collects a POST's body into the context, refusing one larger than `limit` bytes (413) or
/// slower than `seconds` (400).
struct BodyLimits: RouterMiddleware {
    typealias Context = JifenRequestContext
    let limit: Int
    let seconds: Int64

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.body = try await JifenServer.collect(request, limit: limit, seconds: seconds)
        return try await next(request, context)
    }
}

/// A write's `Idempotency-Key`, checked and carried in the context: the operation then runs once
/// per key (the ledger's own key for the operations that take one, else the first answer kept in
/// the store with the write: `Endpoint.perform`), and a replay is answered with `Idempotent-Replay`.
struct IdempotentReplay: RouterMiddleware {
    typealias Context = JifenRequestContext
    static var keyField: HTTPField.Name { HTTPField.Name("Idempotency-Key")! }
    static var replayField: HTTPField.Name { HTTPField.Name("Idempotent-Replay")! }
    /// The endpoint writes (a read takes no key).
    let writes: Bool

    /// - Throws: usage `bad-value` for a key that is not 1 to 200 visible ASCII characters.
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard writes, let key = request.headers[Self.keyField] else { return try await next(request, context) }
        // As the document says (OpenAPIDocument.idempotencyKey): a header's other bytes
        // arrive mangled, and the key is kept in the ledger's hash chain.
        guard (1...200).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw JifenError.usage(
                .badValue,
                zh: "Idempotency-Key 应是 1 到 200 个可见的 ASCII 字符（不含空格），例如一个 UUID。",
                en: "An Idempotency-Key is 1 to 200 visible ASCII characters (no spaces), e.g. a UUID.")
        }
        var context = context
        context.idempotencyKey = key
        return try await next(request, context)
    }
}
