import Foundation
import JifenCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which URLs a webhook may point at: http and https only, and no loopback or private address
/// unless the subscription allows it (a community's notifier must not become a way into the LAN).
public enum WebhookURLPolicy {
    /// Checks a URL given to `webhook add`.
    /// - Parameter resolve: host name → addresses; a name that does not resolve now is accepted
    ///   and checked again before every attempt.
    /// - Throws: `JifenError` (usage) saying what is wrong and how to fix it.
    public static func check(_ text: String, allowPrivate: Bool,
                             resolve: (String) -> [String] = WebhookURLPolicy.resolve) throws -> URL {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let url = components.url else {
            throw JifenError.usage("bad-url", zh: "「\(redacted(text))」不是有效的网址。请给出完整地址，如 https://example.org/hooks/jifen。",
                                   en: "\"\(redacted(text))\" is not a valid URL. Give a full address such as https://example.org/hooks/jifen.")
        }
        guard scheme == "http" || scheme == "https" else {
            throw JifenError.usage("bad-url-scheme", zh: "Webhook 地址只能用 http 或 https，不能用 \(scheme)。",
                                   en: "A webhook URL must use http or https, not \(scheme).")
        }
        guard let host = components.host, !host.isEmpty else {
            throw JifenError.usage("bad-url", zh: "网址「\(redacted(text))」缺少主机名。", en: "The URL \"\(redacted(text))\" has no host name.")
        }
        guard !allowPrivate else { return url }
        if let address = forbiddenAddress(host: host, resolve: resolve) {
            throw JifenError.usage("private-address", zh: "\(host) 指向本机或内网地址 \(address)，默认不允许。若确属本地接收端，请加 --allow-private。",
                                   en: "\(host) points at the loopback or private address \(address), which is refused by default. Add --allow-private if this is your own local receiver.")
        }
        return url
    }

    /// The first loopback/private address the host is or resolves to, nil when there is none.
    public static func forbiddenAddress(host: String, resolve: (String) -> [String]) -> String? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let lower = bare.lowercased()
        if lower == "localhost" || lower.hasSuffix(".localhost") { return lower }
        let addresses = isIPAddress(bare) ? [bare] : resolve(bare)
        return addresses.first(where: isPrivate)
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// True for loopback, private, link-local, shared (CGNAT), unspecified and multicast addresses.
    public static func isPrivate(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return isPrivateV4(bytes)
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return false }
        let b = withUnsafeBytes(of: v6) { Array($0) }
        if b[0..<15].allSatisfy({ $0 == 0 }) && (b[15] == 0 || b[15] == 1) { return true }  // :: and ::1
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return isPrivateV4(Array(b[12..<16])) }
        if b[0] & 0xFE == 0xFC { return true }                 // fc00::/7 unique local
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
        return b[0] == 0xFF                                     // multicast
    }

    static func isPrivateV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true
        case (169, 254): true
        case (172, 16...31): true
        case (192, 168): true
        case (224...255, _): true
        default: false
        }
    }

    /// The host's addresses by the system resolver; empty when it does not resolve.
    @Sendable public static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var pointer: UnsafeMutablePointer<addrinfo>? = first
        while let info = pointer {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if info.pointee.ai_family == AF_INET {
                var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            } else if info.pointee.ai_family == AF_INET6 {
                var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.isEmpty { addresses.append(text) }
            pointer = info.pointee.ai_next
        }
        return addresses
    }

    /// The URL with query values hidden: robots carry their key or token there (`?key=****`).
    public static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), let items = components.queryItems, !items.isEmpty else { return text }
        components.queryItems = items.map { URLQueryItem(name: $0.name, value: "****") }
        return components.string ?? text
    }
}
