import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPTransport` on URLSession (libcurl underneath on Linux): many requests at once over
/// reused connections, redirects refused, a hard deadline per attempt, bodies read up to a limit.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let tasks: TaskTable
    public let bodyLimit: Int

    /// - Parameters:
    ///   - maxConnectionsPerHost: parallel connections to one receiver (URLSession's default is 6).
    ///   - bodyLimit: bytes of a response body kept; a longer answer is cut off there.
    public init(maxConnectionsPerHost: Int = 64, bodyLimit: Int = 64 * 1024) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        tasks = TaskTable(bodyLimit: bodyLimit)
        self.bodyLimit = bodyLimit
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: tasks, delegateQueue: queue)
    }

    deinit { session.invalidateAndCancel() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        // A second more than the hard deadline below, which is the one that ends the attempt.
        urlRequest.timeoutInterval = request.timeout + 1
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        let task = session.dataTask(with: urlRequest)
        let table = tasks
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

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)  // Never follow: the 3xx is the answer, and it is not a success.
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
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
            state.continuation.resume(returning: HTTPResponse(status: response.statusCode, headers: headers, body: state.body))
        } else {
            if let urlError = error as? URLError, urlError.code == .timedOut {
                return state.continuation.resume(throwing: TransportFailure.timeout(seconds: task.originalRequest?.timeoutInterval ?? 0))
            }
            let reason = (error as? URLError).map { "\($0.code.rawValue) \($0.localizedDescription)" } ?? "\(error.map { "\($0)" } ?? "no response")"
            state.continuation.resume(throwing: TransportFailure.connection(reason))
        }
    }
}
