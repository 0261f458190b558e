public import Foundation

/// One HTTP request of a delivery attempt. Always sent without following redirects.
public struct HTTPRequest: Sendable, Equatable {
    public var url: URL
    public var method: String
    /// Header names as sent; one value each.
    public var headers: [String: String]
    public var body: Data
    /// The whole attempt: connect, send, and read the answer.
    public var timeout: TimeInterval

    public init(url: URL, method: String = "POST", headers: [String: String], body: Data, timeout: TimeInterval) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The answer, whatever its status: a 500 is a result to record, not an error.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    /// At most the transport's body limit; the rest is not read.
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why no answer came. Each is a failed attempt, retried by the policy.
public enum TransportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete answer within the attempt's timeout.
    case timeout(seconds: Double)
    /// The connection could not be made, or broke (refused, reset, DNS).
    case connection(String)
    /// The address is in a loopback or private range and the subscription does not allow it.
    case forbiddenAddress(String)

    public var description: String {
        switch self {
        case .timeout(let seconds): "timeout after \(seconds) s"
        case .connection(let reason): "connection failed: \(reason)"
        case .forbiddenAddress(let address):
            "address \(address) is private or loopback and the webhook was not added with --allow-private"
        }
    }
}

/// Sends one HTTP request. The notifier needs nothing else from the network, so tests and other
/// clients plug in here.
public protocol HTTPTransport: Sendable {
    /// - Returns: the response, whatever its status.
    /// - Throws: `TransportFailure` when no answer came.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
