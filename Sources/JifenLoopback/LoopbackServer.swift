public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests and the benchmark: a webhook receiver whose
/// every answer is chosen by a handler: a status, a hang past the client's timeout, a reset.
/// Blocking sockets, one thread per connection, keep-alive; nothing it does leaves this machine.
public final class LoopbackServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        /// Path and query, as sent.
        public var target: String
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data
        /// How many requests this connection carried before this one: 0 on a new connection,
        /// 1 or more on a kept-alive one (so a handler can reset reused connections).
        public var connectionIndex: Int = 0
        /// True when the body is exactly as long as `Content-Length` said (the server waits for
        /// the whole body, so a request reaching the handler always has it; this makes it explicit).
        public var bodyComplete: Bool { body.count == (Int(headers["content-length"] ?? "0") ?? 0) }

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public var query: [String: String] {
            var items: [String: String] = [:]
            for item in URLComponents(string: "http://h" + target)?.percentEncodedQueryItems ?? [] {
                items[item.name] = item.value ?? ""
            }
            return items
        }
    }

    public enum Reply: Sendable {
        case respond(status: Int, headers: [String: String] = [:], body: String = "")
        /// Reads the request, then answers nothing for this long (or until the server stops), and closes.
        case hang(seconds: Double)
        /// Closes the connection with a TCP reset instead of answering.
        case reset
    }

    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let received = Mutex<[Request]>([])
    private let connections = Mutex<Set<Int32>>([])
    private let stopped = Atomic<Bool>(false)
    private let incomplete = Atomic<Int>(0)

    /// Requests whose headers arrived but whose body (per `Content-Length`) never did before the
    /// connection ended.
    public var incompleteRequests: Int { incomplete.load(ordering: .relaxed) }

    /// Starts listening on 127.0.0.1 at a free port.
    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 256) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT` followed by `path`.
    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request read so far, in order of arrival.
    public var requests: [Request] { received.withLock { $0 } }

    /// Stops accepting and closes every open connection (ending hangs).
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in connections.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            var yes: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            connections.withLock { _ = $0.insert(fd) }
            Thread { [self] in
                serve(fd)
                connections.withLock { _ = $0.remove(fd) }
            }.start()
        }
    }

    private func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        var closeFD = true
        defer { if closeFD { close(fd) } }
        let separator: [UInt8] = [13, 10, 13, 10]
        var served = 0
        while !stopped.load(ordering: .acquiring) {
            var headerEnd: Int? = nil
            while headerEnd == nil {
                headerEnd = Self.find(separator, in: buffer)
                if headerEnd == nil, !read(fd, into: &buffer) { return }
            }
            guard let end = headerEnd else { return }
            let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let parts = lines.first?.split(separator: " ") ?? []
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            if headers["expect"]?.lowercased() == "100-continue" { write(fd, "HTTP/1.1 100 Continue\r\n\r\n") }
            while buffer.count < end + 4 + length {
                if !read(fd, into: &buffer) {
                    // Headers came, the body never did: a malformed request the handler never sees.
                    incomplete.wrappingAdd(1, ordering: .relaxed)
                    return
                }
            }
            let body = Data(buffer[(end + 4)..<(end + 4 + length)])
            buffer.removeFirst(end + 4 + length)
            let request = Request(
                method: parts.first.map(String.init) ?? "", target: parts.count > 1 ? String(parts[1]) : "/",
                headers: headers, body: body, connectionIndex: served)
            served += 1
            received.withLock { $0.append(request) }
            switch handler(request) {
            case .respond(let status, let extra, let text):
                let payload = Array(text.utf8)
                var head =
                    "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(payload.count)\r\nContent-Type: application/json\r\n"
                for (name, value) in extra { head += "\(name): \(value)\r\n" }
                if !write(fd, head + "\r\n") || !write(fd, payload) { return }
                if headers["connection"]?.lowercased() == "close" { return }
            case .hang(let seconds):
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline && !stopped.load(ordering: .acquiring) { usleep(20_000) }
                return
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(fd)
                closeFD = false
                return
            }
        }
    }

    private func read(_ fd: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    @discardableResult
    private func write(_ fd: Int32, _ text: String) -> Bool { write(fd, Array(text.utf8)) }

    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        [
            200: "OK", 204: "No Content", 302: "Found", 410: "Gone", 429: "Too Many Requests",
            500: "Internal Server Error",
            503: "Service Unavailable",
        ][status] ?? "Status"
    }
}
