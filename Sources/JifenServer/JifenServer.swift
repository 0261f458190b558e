public import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JifenAPI
public import JifenApp
public import JifenCore
import JifenWeb
import Logging
public import NIOCore
import NIOFoundationEssentialsCompat
import NIOPosix
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// How `jifen serve` listens and what it allows.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The largest request body accepted (bytes); larger ones get 413.
    public var maxBodyBytes = 1 << 20
    /// Connections open at once; past it, new ones wait in the backlog.
    public var maxConnections = 512
    /// Connections one client address may hold open at once; past it, a new one is closed at once.
    /// Not applied with `trustProxy` (every connection then comes from the proxy: limit there).
    public var maxConnectionsPerAddress = 64
    /// A connection idle this long (no request, or a request that stalls) is closed.
    public var idleTimeoutSeconds: Int64 = 30
    /// The longest a request's headers may take to arrive, from the connection's start.
    public var headerTimeoutSeconds: Int64 = 10
    /// The longest a request's body may take to arrive, from its headers.
    public var requestTimeoutSeconds: Int64 = 30
    /// Where people reach the server (`https://jifen.example.org`): the poster's QR code links
    /// there. nil: the address it listens on.
    public var publicURL: String?
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Take the client's address from X-Real-IP (set by nginx in front) instead of the socket.
    public var trustProxy = false
    /// Threads that run store operations (they block on SQLite and PostgreSQL).
    public var workers = 8
    /// Read connections of a SQLite store besides the writer's (`JifenApp.serving`); nil: the
    /// application's default (`JifenApp.Defaults.readers`).
    public var readers: Int?
    /// Group commit: the most write operations one commit carries (1: each its own transaction).
    /// nil: the store's own default (`JifenApp.defaultWriteBatch`).
    public var batchMax: Int?
    /// Where `GET /metrics` is served, on an address of its own (`--metrics-listen`); nil: not served.
    public var metricsHost: String?
    public var metricsPort = 9464
    public init() {}
}

/// The request context: Hummingbird's, plus the client's address for limiting guesses, and what
/// an API route's pipeline (`Pipeline.swift`) found before its handler runs.
public struct JifenRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Who the request's credential signs in as (`Authentication`); nil for an anonymous endpoint.
    public var principal: Principal?
    /// A POST's body, collected within its limits (`BodyLimits`); nil for a GET.
    public var body: Data?
    /// A write's `Idempotency-Key`, checked (`IdempotentReplay`); nil when the request gives none.
    public var idempotencyKey: String?
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
    public var maxUploadSize: Int { 1 << 20 }
}

/// `jifen serve`: the API of `API.all` over `JifenApp`, with credentials, limits and logs.
public struct JifenServer: Sendable {
    let app: JifenApp
    let options: ServerOptions
    let guardian: SignInGuard
    let pool: NIOThreadPool
    /// The poster's link base: `publicURL`, else the address bound (set once listening).
    let publicBase: PublicBase
    /// Carries writes that arrive together in one transaction and one commit (nil: `batchMax` 1).
    let batcher: WriteBatcher?
    /// Writes one log line (a request, a refusal, the start): never a credential, code or phone.
    let log: @Sendable (String) -> Void
    /// The process's metrics (`ServerMetrics.bootstrap()`), served at `options.metricsHost`; nil: none.
    let metrics: ServerMetrics?

    public init(
        app: JifenApp, options: ServerOptions, guardian: SignInGuard? = nil, metrics: ServerMetrics? = nil,
        log: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    ) {
        self.app = app.serving(readers: options.readers); self.options = options;
        self.guardian = guardian ?? SignInGuard(clock: app.clock);
        self.log = log; self.metrics = metrics
        publicBase = PublicBase(options.publicURL)
        pool = NIOThreadPool(numberOfThreads: max(1, options.workers))
        let batchMax = options.batchMax ?? app.defaultWriteBatch
        batcher = batchMax > 1 ? WriteBatcher(app: app, maxBatch: batchMax) : nil
    }

    /// Serves until SIGTERM or SIGINT: then stops accepting, finishes requests in flight, and returns.
    /// - Parameters:
    ///   - onListening: called with the bound port (0 in the options picks a free one).
    ///   - onMetricsListening: called with the metrics address's bound port, when it is served.
    public func run(
        onListening: @escaping @Sendable (Int) -> Void = { _ in },
        onMetricsListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        let router = Router(context: JifenRequestContext.self)
        router.add(middleware: RequestLog(log: log, counts: metrics != nil))
        router.add(
            middleware: NoRoute(
                routes: API.all.map { ($0.verb.rawValue, $0.path) }
                    + [("GET", "/health"), ("GET", "/ready"), ("GET", "/openapi.json")] + WebSite.routes))
        router.get("/health") { _, _ in Self.json(["status": "ok"]) }
        router.get("/ready") { _, _ in try await self.ready() }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(data: OpenAPIDocument.json())))
        }
        addWebRoutes(router)
        for endpoint in API.all {
            let method: HTTPRequest.Method = endpoint.verb == .get ? .get : .post
            pipeline(router, for: endpoint).on(RouterPath(endpoint.path), method: method) { request, context in
                try await self.handle(endpoint, request, context)
            }
        }
        var logger = Logger(label: "jifen.serve")
        logger.logLevel = .critical
        // Slow clients: deadlines for headers and bodies, and connections per address.
        let (header, body, idle) = (
            TimeAmount.seconds(options.headerTimeoutSeconds), TimeAmount.seconds(options.requestTimeoutSeconds),
            TimeAmount.seconds(options.idleTimeoutSeconds)
        )
        let perAddress =
            options.trustProxy ? nil : ConnectionsPerAddress(limit: max(1, options.maxConnectionsPerAddress))
        let log = self.log
        var server: HTTPServerBuilder = .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    SlowClientHandler(header: header, body: body, idle: idle, perAddress: perAddress, log: log)
                ],
                idleTimeout: idle))
        if let certificate = options.tlsCertificate, let key = options.tlsKey {
            do {
                var tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                tls.minimumTLSVersion = .tlsv12
                server = try .tls(server, tlsConfiguration: tls)
            } catch {
                throw JifenError.usage(
                    .badTLS, zh: "无法读取 TLS 证书或私钥（\(certificate)、\(key)）：\(error)",
                    en: "Cannot read the TLS certificate or key (\(certificate), \(key)): \(error)")
            }
        }
        let options = self.options, publicBase = self.publicBase
        let application = Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: "jifen",
                availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let host = options.host.contains(":") ? "[\(options.host)]" : options.host
                publicBase.set("\(options.tlsCertificate == nil ? "http" : "https")://\(host):\(port)")
                onListening(port)
            },
            logger: logger)
        guard let metrics, options.metricsHost != nil else {
            return try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        }
        // Both listeners in one service group: SIGTERM stops both, each finishing what is in flight.
        let group = ServiceGroup(
            configuration: .init(
                services: [application, metricsApplication(metrics, onListening: onMetricsListening)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    // MARK: Requests

    func ready() async throws -> Response {
        do {
            try await pool.runIfActive { try self.app.checkStore() }
            return Self.json(["status": "ready"])
        } catch let error as JifenError {
            return Self.errorResponse(error, language: .en)
        }
    }

    /// The middlewares an API route runs through, outermost first (`Pipeline.swift`): error
    /// mapping, authentication, the body's limits, the write's idempotency key.
    func pipeline(_ router: Router<JifenRequestContext>, for endpoint: AnyEndpoint) -> RouterGroup<JifenRequestContext>
    {
        let address: @Sendable (Request, JifenRequestContext) -> String = { self.clientAddress($0, $1) }
        let (app, guardian, pool) = (self.app, self.guardian, self.pool)
        return router.group()
            .add(middleware: ErrorMapping(route: endpoint.path, address: address, log: log))
            .add(
                middleware: Authentication(anonymous: endpoint.anonymous, address: address) { token, address in
                    try await pool.runIfActive { try app.signIn(token: token, address: address, guardian: guardian) }
                }
            )
            .add(middleware: BodyLimits(limit: options.maxBodyBytes, seconds: options.requestTimeoutSeconds))
            .add(middleware: IdempotentReplay(writes: endpoint.writes))
    }

    /// One API request past its pipeline: decodes the input from the path, the query and the body,
    /// calls the endpoint's operation as the signed-in principal, and encodes its answer as JSON.
    func handle(_ endpoint: AnyEndpoint, _ request: Request, _ context: JifenRequestContext) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        var path: [String: String] = [:]
        for name in endpoint.pathParameters { path[name] = context.parameters.get(name) }
        // The ledger's own key, when the operation takes one: durable across restarts.
        if let key = context.idempotencyKey, endpoint.takesKey { query["key"] = key }
        let answer = try await call(endpoint, path: path, query: query, request, context)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if answer.replayed { headers[IdempotentReplay.replayField] = "true" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: answer.json)))
    }

    /// Runs the endpoint's operation: a write through the group commit (or on the worker pool), a
    /// read on the worker pool. Writes with a key run once per key: the ledger's own key for the
    /// operations that take one, else the first answer kept in the store with the write
    /// (`Endpoint.perform`): the same key and request get it again, concurrent or after a restart;
    /// another request 409.
    func call(
        _ endpoint: AnyEndpoint, path: [String: String], query: [String: String], _ request: Request,
        _ context: JifenRequestContext
    ) async throws -> (json: Data, replayed: Bool) {
        let (who, body, key) = (context.principal ?? Principal("anonymous"), context.body, context.idempotencyKey)
        // An enrolment code: tried only when the sign-in limits allow it (the API has no device cookie).
        let enrolment: (code: String, address: String)? =
            endpoint.operationID == API.enrol.operationID
            ? (
                body.flatMap { try? JSONDecoder().decode(JifenApp.EnrolInput.self, from: $0) }?.code ?? "",
                clientAddress(request, context)
            ) : nil
        if endpoint.writes, let batcher {
            // The writer only runs the operation (its SQL and commit): the input is decoded and
            // checked before, on this task, and the answer encoded after.
            let prepared = try endpoint.prepare(app, who, path, query, body, key)
            var run = prepared.run
            if let enrolment {
                let plain = run
                run = {
                    try self.guardian.enrolment(code: enrolment.code, device: nil, address: enrolment.address, plain)
                }
            }
            let output: any Sendable
            do {
                output = try await batcher.perform(run)
            } catch {
                throw PreparedCall.failure(error)
            }
            return try prepared.render(output)
        }
        var operation: @Sendable () throws -> (json: Data, replayed: Bool) = {
            try endpoint.handle(self.app, who, path, query, body, key)
        }
        if let enrolment {
            let plain = operation
            operation = {
                try self.guardian.enrolment(code: enrolment.code, device: nil, address: enrolment.address, plain)
            }
        }
        return try await pool.runIfActive(operation)
    }

    func clientAddress(_ request: Request, _ context: JifenRequestContext) -> String {
        if options.trustProxy, let real = request.headers[HTTPField.Name("X-Real-IP")!] { return real }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    static func isSignInRefusal(_ code: JifenError.Code) -> Bool {
        [.badCredential, .badEnrolmentCode, .lockedOut].contains(code)
    }

    static func collect(_ request: Request, limit: Int, seconds: Int64) async throws -> Data? {
        guard request.method == .post else { return nil }
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await request.body.collect(upTo: limit)
                } catch is NIOTooManyBytesError {
                    throw JifenError.usage(
                        .bodyTooLarge,
                        zh: "请求内容超过 \(limit) 字节。",
                        en: "The request body is larger than \(limit) bytes.")
                }
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000); return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let buffer else {
            throw JifenError.usage(
                .badJSON,
                zh: "请求内容在 \(seconds) 秒内没有传完。",
                en: "The request body did not arrive within \(seconds) s.")
        }
        return Data(buffer: buffer)
    }

    // MARK: Answers

    static func language(_ request: Request) -> Language {
        let accept = request.headers[.acceptLanguage]?.lowercased() ?? ""
        return accept.hasPrefix("en") ? .en : .zh
    }

    static func json(_ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// The HTTP status of an error (`ErrorStatus`, the one table).
    public static func status(_ error: JifenError) -> Int { error.httpStatus }

    /// The JSON error answer. `status` overrides the one `ErrorStatus` gives the error (405).
    static func errorResponse(
        _ error: JifenError, language: Language, retryAfter: Int? = nil, detail: Data? = nil,
        status code: Int? = nil
    ) -> Response {
        var body: [String: Any] = [
            "error": "\(error.category)", "code": error.code.rawValue, "message": error.message.text(language),
            "zh": error.message.zh, "en": error.message.en,
        ]
        if let detail, let object = try? JSONSerialization.jsonObject(with: detail) { body["detail"] = object }
        let data =
            (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
        ]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.category == .busy { headers[.retryAfter] = "1" }
        if error.httpStatus == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: .init(code: code ?? error.httpStatus), headers: headers,
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

/// The poster's link base, set when the server is listening (the bound port is known then).
final class PublicBase: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    private let configured: Bool
    init(_ configured: String?) { value = configured; self.configured = configured != nil }
    func set(_ bound: String) { lock.lock(); if !configured { value = bound }; lock.unlock() }
    func get() -> String { lock.lock(); defer { lock.unlock() }; return value ?? "http://127.0.0.1" }
}

extension HTTPField.Name {
    static var xContentTypeOptions: Self { .init("X-Content-Type-Options")! }
}

/// Answers what no route takes with the API's JSON error (code `no-route`) instead of an empty
/// 404: 405 with `Allow` when the path is served with other methods, 404 when it is not served.
struct NoRoute<Context: RequestContext>: RouterMiddleware {
    /// Every served method and path template (`{name}` matches one segment).
    let routes: [(method: String, path: String)]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let path = String(request.uri.path.prefix(200))
            let method = String(request.method.rawValue.prefix(20))
            let allowed = Self.methods(for: path, in: routes)
            if allowed.isEmpty {
                return JifenServer.errorResponse(
                    .usage(
                        .noRoute, zh: "没有 \(method) \(path) 这个接口。见 /openapi.json。",
                        en: "There is no \(method) \(path). See /openapi.json for the API."),
                    language: JifenServer.language(request))
            }
            let allow = allowed.joined(separator: ", ")
            var response = JifenServer.errorResponse(
                .usage(
                    .noRoute, zh: "\(path) 不接受 \(method)，只接受 \(allow)。见 /openapi.json。",
                    en: "\(path) does not take \(method), only \(allow). See /openapi.json for the API."),
                language: JifenServer.language(request), status: 405)
            response.headers[.allow] = allow
            return response
        }
    }

    /// The methods served at `path`, sorted; empty when no template matches it.
    static func methods(for path: String, in routes: [(method: String, path: String)]) -> [String] {
        let segments = path.split(separator: "/")
        return Set(
            routes.filter { route in
                let template = route.path.split(separator: "/")
                return template.count == segments.count
                    && zip(template, segments).allSatisfy { pattern, segment in
                        pattern.hasPrefix("{") || pattern == segment
                    }
            }.map(\.method)
        ).sorted()
    }
}
