import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPTransport` on URLSession (libcurl underneath on Linux): many requests at once, redirects
/// refused, a hard deadline per attempt, bodies read up to a limit.
///
/// **Every attempt has a connection of its own** (a fresh ephemeral session, so a fresh libcurl
/// connection pool, and `Connection: close`), never one kept alive from an earlier attempt. Why:
/// when a receiver resets a kept-alive connection, libcurl quietly reconnects within the same
/// request, but URLSession on Linux streams the body through a read callback that cannot be
/// rewound, so the second connection got the signed headers (`Content-Length: 225`) and no body,
/// and the attempt then sat until the deadline and was recorded as a timeout. libcurl only does
/// that retry on a *reused* connection; on a new one a reset is an error at once, recorded as a
/// failed attempt (`connection failed`) and retried by the policy, with the same `webhook-id`
/// and the whole body. The cost is a TCP (and TLS) handshake per attempt: nothing for the robots
/// (20 messages a minute) and small on loopback (see the benchmark in docs/WEBHOOKS.md).
/// Making the body an upload task would depend on libcurl's rewind through Foundation's stream,
/// which is the very path that failed; a new connection does not depend on it.
public final class URLSessionTransport: HTTPTransport {
    public let bodyLimit: Int

    /// - Parameters:
    ///   - maxConnectionsPerHost: kept for callers; each attempt uses one connection of its own.
    ///   - bodyLimit: bytes of a response body kept; a longer answer is cut off there.
    public init(maxConnectionsPerHost: Int = 64, bodyLimit: Int = 64 * 1024) {
        self.bodyLimit = bodyLimit
    }

    /// An ephemeral configuration: no cookies, no cache, and (new per attempt) no pooled connection.
    static func configuration() -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 1
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return configuration
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        // A second more than the hard deadline below, which is the one that ends the attempt.
        urlRequest.timeoutInterval = request.timeout + 1
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        // Tell the receiver too that this connection ends with the answer (see the type's comment).
        urlRequest.setValue("close", forHTTPHeaderField: "Connection")
        let table = TaskTable(bodyLimit: bodyLimit)
        // A session per attempt: its connection pool holds this attempt's connection only.
        let session = URLSession(configuration: Self.configuration(), delegate: table, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: urlRequest)
        let id = task.taskIdentifier
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                table.start(id, continuation: continuation)
                // URLSession's own timeout is an idle timeout; this is the attempt's hard deadline.
                DispatchQueue.global().asyncAfter(deadline: .now() + request.timeout) { [weak task] in
                    if table.expire(id, seconds: request.timeout) { task?.cancel() }
                }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// Per-task state, filled by URLSession's delegate callbacks and finished exactly once.
private final class TaskTable: NSObject, URLSessionDataDelegate, Sendable {
    struct State {
        var continuation: CheckedContinuation<HTTPResponse, any Error>
        var response: HTTPURLResponse?
        var body = Data()
        var truncated = false
    }

    let bodyLimit: Int
    private let states = Mutex<[Int: State]>([:])

    init(bodyLimit: Int) { self.bodyLimit = bodyLimit }

    func start(_ id: Int, continuation: CheckedContinuation<HTTPResponse, any Error>) {
        states.withLock { $0[id] = State(continuation: continuation) }
    }

    /// Ends a task that ran out of time; false when it had already finished.
    func expire(_ id: Int, seconds: Double) -> Bool {
        guard let state = states.withLock({ $0.removeValue(forKey: id) }) else { return false }
        state.continuation.resume(throwing: TransportFailure.timeout(seconds: seconds))
        return true
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)  // Never follow: the 3xx is the answer, and it is not a success.
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        states.withLock { $0[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = states.withLock { states -> Bool in
            guard var state = states[dataTask.taskIdentifier] else { return false }
            let room = max(0, bodyLimit - state.body.count)
            if data.count > room { state.truncated = true }
            state.body.append(data.prefix(room))
            states[dataTask.taskIdentifier] = state
            return state.truncated
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let state = states.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let response = state.response, error == nil || state.truncated {
            var headers: [String: String] = [:]
            for (name, value) in response.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            state.continuation.resume(
                returning: HTTPResponse(status: response.statusCode, headers: headers, body: state.body))
        } else {
            if let urlError = error as? URLError, urlError.code == .timedOut {
                return state.continuation.resume(
                    throwing: TransportFailure.timeout(seconds: task.originalRequest?.timeoutInterval ?? 0))
            }
            let reason =
                (error as? URLError).map { "\($0.code.rawValue) \($0.localizedDescription)" }
                ?? "\(error.map { "\($0)" } ?? "no response")"
            state.continuation.resume(throwing: TransportFailure.connection(reason))
        }
    }
}
