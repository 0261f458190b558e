public import Foundation
import JifenCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which URLs a webhook may point at: http and https only, and no loopback or private address
/// unless the subscription allows it (a community's notifier must not become a way into the LAN).
///
/// The check is made on what the connection will actually use, whatever the URL's spelling:
/// the host is unbracketed, percent-decoded, stripped of an IPv6 zone (`%lo`) and of trailing
/// dots (`localhost.`), and IPv4 in the forms the C resolver accepts (`2130706433`, `0x7f.1`,
/// `0177.0.0.1`) is read as the address it is. IPv6 forms that carry an IPv4 address (mapped
/// `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged
/// by that address. A name is resolved and **every** address it has must be public; a name that
/// does not resolve is refused (fail closed). `Notifier` makes the same check before each attempt.
public enum WebhookURLPolicy {
    /// What the check found for a host.
    public enum Verdict: Sendable, Equatable {
        /// Public; these are the addresses checked (the literal itself, or what the name resolved to).
        case allowed([String])
        /// Loopback, private or otherwise local: the first such address (or `localhost`).
        case forbidden(String)
        /// The name has no address now.
        case unresolved
    }

    /// Checks a URL given to `webhook add`.
    /// - Parameter resolve: host name → addresses. A name that does not resolve is refused
    ///   unless `allowPrivate` (then nothing about the address is checked).
    /// - Throws: `JifenError` (usage) saying what is wrong and how to fix it.
    public static func check(
        _ text: String, allowPrivate: Bool,
        resolve: (String) -> [String] = WebhookURLPolicy.resolve
    ) throws -> URL {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let url = components.url
        else {
            throw JifenError.usage(
                .badURL, zh: "「\(redacted(text))」不是有效的网址。请给出完整地址，如 https://example.org/hooks/jifen。",
                en:
                    "\"\(redacted(text))\" is not a valid URL. Give a full address such as https://example.org/hooks/jifen."
            )
        }
        guard scheme == "http" || scheme == "https" else {
            throw JifenError.usage(
                .badURLScheme, zh: "Webhook 地址只能用 http 或 https，不能用 \(scheme)。",
                en: "A webhook URL must use http or https, not \(scheme).")
        }
        guard let host = host(of: components), !host.isEmpty else {
            throw JifenError.usage(
                .badURL, zh: "网址「\(redacted(text))」缺少主机名。", en: "The URL \"\(redacted(text))\" has no host name.")
        }
        guard !allowPrivate else { return url }
        switch verdict(host: host, resolve: resolve) {
        case .allowed:
            return url
        case .forbidden(let address):
            throw JifenError.usage(
                .privateAddress, zh: "\(host) 指向本机或内网地址 \(address)，默认不允许。若确属本地接收端，请加 --allow-private。",
                en:
                    """
                    \(host) points at the loopback or private address \(address), which is refused by default. Add --allow-private if \
                    this is your own local receiver.
                    """
            )
        case .unresolved:
            throw JifenError.usage(
                .unresolvedHost,
                zh: "主机名 \(host) 现在查不到地址，无法确认它不是本机或内网地址，因此不予添加。请检查拼写和网络（DNS）后再试；若确属本地接收端，请加 --allow-private。",
                en:
                    """
                    The host name \(host) does not resolve now, so it cannot be checked to be outside loopback and private networks; it \
                    is refused. Check the spelling and the network (DNS) and try again; add --allow-private if this is your own local \
                    receiver.
                    """
            )
        }
    }

    /// The host of a URL as the check reads it (percent-encoding kept, so a zone `%25lo` is seen).
    public static func host(of url: URL) -> String? {
        URLComponents(url: url, resolvingAgainstBaseURL: false).flatMap(host(of:)) ?? url.host
    }

    static func host(of components: URLComponents) -> String? {
        components.percentEncodedHost ?? components.host
    }

    /// The host as a connection would use it: no brackets, percent-decoded, no IPv6 zone, no
    /// trailing dots, lower case.
    public static func canonicalHost(_ host: String) -> String {
        var bare = host
        if bare.hasPrefix("[") && bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        bare = bare.removingPercentEncoding ?? bare
        if bare.contains(":"), let zone = bare.firstIndex(of: "%") { bare = String(bare[..<zone]) }
        while bare.hasSuffix(".") { bare.removeLast() }
        return bare.lowercased()
    }

    /// Decides a host: every address it is or resolves to must be public.
    public static func verdict(host: String, resolve: (String) -> [String]) -> Verdict {
        let bare = canonicalHost(host)
        if bare.isEmpty { return .unresolved }
        if bare == "localhost" || bare.hasSuffix(".localhost") { return .forbidden(bare) }
        let addresses: [String]
        if isIPAddress(bare) {
            addresses = [bare]
        } else if let v4 = numericIPv4(bare) {
            addresses = [v4]
        } else {
            addresses = resolve(bare)
        }
        guard !addresses.isEmpty else { return .unresolved }
        if let bad = addresses.first(where: { isPrivate($0) || !isIPAddress($0) }) { return .forbidden(bad) }
        return .allowed(addresses)
    }

    /// The first loopback/private address the host is or resolves to, nil when there is none
    /// (also nil when it does not resolve: use `verdict` to tell the two apart).
    public static func forbiddenAddress(host: String, resolve: (String) -> [String]) -> String? {
        if case .forbidden(let address) = verdict(host: host, resolve: resolve) { return address }
        return nil
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// IPv4 written as the C library's `inet_aton` (and so libcurl and browsers) reads it: one to
    /// four parts, each decimal, octal (leading 0) or hex (0x), the last part filling the rest,
    /// e.g. `2130706433`, `0x7f.1`, `0177.0.0.1` → `127.0.0.1`. Nil when it is not such a number.
    public static func numericIPv4(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            var digits = Substring(part.lowercased())
            var radix = 10
            if digits.hasPrefix("0x") {
                radix = 16; digits = digits.dropFirst(2)
            } else if digits.count > 1 && digits.hasPrefix("0") {
                radix = 8; digits = digits.dropFirst()
            }
            if digits.isEmpty { if radix == 16 { values.append(0); continue } else { return nil } }
            guard digits.count <= 12, let value = UInt64(digits, radix: radix) else { return nil }
            values.append(value)
        }
        let last = values.removeLast()
        guard values.allSatisfy({ $0 <= 255 }), last < (UInt64(1) << (8 * UInt64(4 - values.count))) else { return nil }
        var number = last
        for (index, value) in values.enumerated() { number |= value << UInt64(8 * (3 - index)) }
        return "\(number >> 24 & 255).\(number >> 16 & 255).\(number >> 8 & 255).\(number & 255)"
    }

    /// True for loopback, private, link-local, shared (CGNAT), reserved, unspecified and
    /// multicast addresses, and for IPv6 addresses that carry such an IPv4 address (mapped,
    /// compatible, NAT64, 6to4), local-use NAT64 and Teredo.
    public static func isPrivate(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return isPrivateV4(bytes)
        }
        var v6 = in6_addr()
        let bare = canonicalHost(address)
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        let b = withUnsafeBytes(of: v6) { Array($0) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return true }  // ::, ::1 and IPv4-compatible ::a.b.c.d (deprecated)
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return isPrivateV4(Array(b[12..<16])) }  // ::ffff:a.b.c.d
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return isPrivateV4(Array(b[12..<16])) }  // NAT64 64:ff9b::/96
        if b[0..<6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return true }  // local-use NAT64 64:ff9b:1::/48
        if b[0] == 0x20 && b[1] == 0x02 { return isPrivateV4(Array(b[2..<6])) }  // 6to4 2002::/16
        if b[0..<4] == [0x20, 0x01, 0x00, 0x00] { return true }  // Teredo 2001::/32
        if b[0..<8] == [0x01, 0, 0, 0, 0, 0, 0, 0] { return true }  // discard-only 100::/64
        if b[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return true }  // fec0::/10 site-local (deprecated)
        return b[0] == 0xFF  // multicast
    }

    static func isPrivateV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1], b[2]) {
        case (0, _, _), (10, _, _), (127, _, _): true
        case (100, 64...127, _): true
        case (169, 254, _): true
        case (172, 16...31, _): true
        case (192, 168, _): true
        case (192, 0, 0): true  // IETF protocol assignments
        case (198, 18...19, _): true  // benchmarking
        case (224...255, _, _): true  // multicast, reserved, broadcast
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
                var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    $0.pointee.sin_addr
                }
                inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            } else if info.pointee.ai_family == AF_INET6 {
                var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    $0.pointee.sin6_addr
                }
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
        guard var components = URLComponents(string: text), let items = components.queryItems, !items.isEmpty else {
            return text
        }
        components.queryItems = items.map { URLQueryItem(name: $0.name, value: "****") }
        return components.string ?? text
    }
}
