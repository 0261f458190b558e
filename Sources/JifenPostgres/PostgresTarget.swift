import Foundation
import JifenCore
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives, parsed from `postgres://user[:password]@host[:port]/database`.
///
/// Several hosts, as libpq takes them (`postgres://user@h1:5433,h2:5434,h3/db`, or
/// `?host=h1,h2&port=5433,5434`): a connection goes to the first, in order, that accepts writes
/// (`target_session_attrs=read-write`, the default with several hosts; `any` takes the first that
/// answers). One host is used as it is, unless `target_session_attrs=read-write` asks for the check.
/// `connect_timeout=` bounds a connection attempt, `answer_timeout=` a statement's answer.
///
/// Query parameters: `host=/dir` reaches the server over its unix socket in `/dir` (as libpq
/// does), `schema=name` keeps the ledger in its own schema (tests use one per fixture), and, as
/// in libpq, `sslmode=disable` (the default), `require` (encrypted, certificate not checked) or
/// `verify-full` (encrypted, certificate and host name checked against `sslrootcert=file`, else
/// the system's roots).
public struct PostgresTarget: Sendable {
    public enum TLSMode: String, Sendable {
        case disable
        case require
        case verifyFull = "verify-full"
    }

    /// One server of the list: a host name, an address or a unix socket's folder, and its port.
    public struct Host: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var port: Int
        public var description: String {
            name.hasPrefix("/")
                ? "\(name)/.s.PGSQL.\(port)" : name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)"
        }
    }

    public var user: String
    public var password: String?
    /// The servers, in the order they are tried (at least one).
    public var hosts: [Host]
    /// A connection is kept only on a server that accepts writes (not a standby, not read-only).
    public var requiresWritable: Bool
    /// The first host (the only one, unless several are given).
    public var host: String { hosts[0].name }
    public var port: Int { hosts[0].port }
    public var database: String
    public var schema: String?
    public var tls: TLSMode
    public var rootCertificate: String?
    /// The URL with any password removed, for messages.
    public var display: String

    /// True when `text` names a PostgreSQL store rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses a store URL.
    /// - Throws: `JifenError` (usage) naming what is wrong with it.
    public init(url text: String) throws {
        func bad(_ zh: String, _ en: String) -> JifenError {
            .usage(
                .badPostgresURL, zh: "PostgreSQL 地址 \(text) 无效：\(zh)。格式为 postgres://用户@主机:端口/数据库",
                en: "The PostgreSQL URL \(text) is not valid: \(en). Write it as postgres://user@host:port/database")
        }
        // URLComponents takes one host: the list (`h1:5433,h2,…`) is cut out and parsed here.
        guard Self.isURL(text), let (single, listed) = Self.splitHosts(text),
            let components = URLComponents(string: single)
        else {
            throw bad("无法解析", "it cannot be parsed")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let queryPorts = (query["port"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map {
            String($0)
        }
        var names: [(name: String, port: String?)] = listed
        if listed.isEmpty { names = [(components.host ?? "", components.port.map(String.init))] }
        if let hostList = query["host"], !hostList.isEmpty {
            // A unix socket's folder (`?host=/run/postgresql`), or a list; the URL's port still applies.
            let port = listed.isEmpty ? components.port.map(String.init) : nil
            names = hostList.split(separator: ",", omittingEmptySubsequences: false).map { (String($0), port) }
        }
        guard queryPorts.count <= 1 || queryPorts.count == names.count else {
            throw bad("port= 的个数与主机个数不同", "port= names a different number of ports than there are hosts")
        }
        hosts = []
        for (index, entry) in names.enumerated() {
            let name = entry.name.removingPercentEncoding ?? entry.name
            let portText = (queryPorts.count > 1 ? queryPorts[index] : nil) ?? entry.port ?? queryPorts.first ?? ""
            guard let port = portText.isEmpty ? 5432 : Int(portText), (1...65535).contains(port) else {
                throw bad("端口不在 1–65535 之内", "the port is not within 1–65535")
            }
            guard !name.isEmpty || names.count == 1 else {
                throw bad("主机列表里有空的主机名", "the host list has an empty host name")
            }
            hosts.append(Host(name: name.isEmpty ? "127.0.0.1" : name, port: port))
        }
        switch query["target_session_attrs"] ?? "" {
        case "": requiresWritable = hosts.count > 1
        case "read-write": requiresWritable = true
        case "any": requiresWritable = false
        default:
            throw bad("target_session_attrs 只能是 read-write 或 any", "target_session_attrs must be read-write or any")
        }
        connectTimeout = 10
        if let seconds = query["connect_timeout"], !seconds.isEmpty {
            guard let value = Int(seconds), (1...600).contains(value) else {
                throw bad("connect_timeout 应是 1 到 600 秒", "connect_timeout must be 1 to 600 seconds")
            }
            connectTimeout = value
        }
        answerDeadline = hosts.count > 1 ? 30 : nil
        if let seconds = query["answer_timeout"], !seconds.isEmpty {
            guard let value = Int(seconds), (0...86_400).contains(value) else {
                throw bad("answer_timeout 应是 0 到 86400 秒", "answer_timeout must be 0 to 86400 seconds")
            }
            answerDeadline = value == 0 ? nil : value
        }
        database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw bad("缺少数据库名", "the database name is missing") }
        schema = query["schema"].flatMap { $0.isEmpty ? nil : $0 }
        if let schema, !Self.isPlainName(schema) {
            throw bad("schema 只能含小写字母、数字和下划线", "the schema may hold only lower-case letters, digits and underscores")
        }
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "disable") else {
            throw bad("sslmode 只能是 disable、require 或 verify-full", "sslmode must be disable, require or verify-full")
        }
        tls = mode
        rootCertificate = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        if tls != .disable, hosts.contains(where: { $0.name.hasPrefix("/") }) {
            throw bad("unix 套接字上不能用 TLS，请写服务器的主机名", "TLS does not run over a unix socket; name the server's host")
        }
        var shown = components
        shown.password = nil
        display = (shown.string ?? single).replacingOccurrences(of: Self.placeholder, with: Self.joined(listed))
    }

    /// The timeout of a connection attempt to one host (`connect_timeout=`, as libpq's; 10 s).
    public var connectTimeout: Int
    /// The longest Jifen waits for the answer to one statement before it closes the connection
    /// and treats the server as lost (`answer_timeout=` seconds, 0 for none): 30 s with several
    /// hosts, none with one. A COMMIT left unanswered is then reported as `commit-unknown`.
    public var answerDeadline: Int?

    /// Stands for a host list in the URL handed to URLComponents.
    private static let placeholder = "jifen-host-list.invalid"

    /// `text` with a host list (two or more hosts, or one with a port) replaced by one placeholder
    /// host, and the list; nil when an entry cannot be read.
    static func splitHosts(_ text: String) -> (String, [(name: String, port: String?)])? {
        guard let scheme = text.range(of: "://") else { return nil }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let list = authority[hostStart...]
        guard list.contains(",") else { return (text, []) }
        var entries: [(name: String, port: String?)] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            var name = Substring(item)
            var port: String?
            if name.hasPrefix("[") {
                guard let close = name.firstIndex(of: "]") else { return nil }
                let after = name[name.index(after: close)...]
                if after.hasPrefix(":") { port = String(after.dropFirst()) } else if !after.isEmpty { return nil }
                name = name[name.index(after: name.startIndex)..<close]
            } else if let colon = name.firstIndex(of: ":") {
                port = String(name[name.index(after: colon)...])
                name = name[..<colon]
            }
            if let port, !port.isEmpty, Int(port) == nil { return nil }
            entries.append((String(name), port.flatMap { $0.isEmpty ? nil : $0 }))
        }
        return (text[..<hostStart] + placeholder + text[authorityEnd...], entries)
    }

    private static func joined(_ list: [(name: String, port: String?)]) -> String {
        list.map { entry in
            let name = entry.name.contains(":") ? "[\(entry.name)]" : entry.name
            return entry.port.map { "\(name):\($0)" } ?? name
        }.joined(separator: ",")
    }

    /// How to connect to `host` (one of `hosts`).
    func configuration(_ host: Host) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if host.name.hasPrefix("/") {
            configuration = .init(
                unixSocketPath: "\(host.name)/.s.PGSQL.\(host.port)", username: user, password: password,
                database: database)
        } else {
            configuration = .init(
                host: host.name, port: host.port, username: user, password: password, database: database,
                tls: try tlsSetting())
        }
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        if tls == .verifyFull { configuration.options.tlsServerName = host.name }
        return configuration
    }

    private func tlsSetting() throws -> PostgresConnection.Configuration.TLS {
        guard tls != .disable else { return .disable }
        var settings = TLSConfiguration.makeClientConfiguration()
        if tls == .require {
            settings.certificateVerification = .none
        } else if let rootCertificate {
            settings.trustRoots = .file(rootCertificate)
        }
        do {
            return .require(try NIOSSLContext(configuration: settings))
        } catch {
            throw JifenError.usage(
                .badTLS, zh: "无法准备 TLS（sslrootcert=\(rootCertificate ?? "")）：\(error)。请检查证书文件。",
                en: "Cannot set up TLS (sslrootcert=\(rootCertificate ?? "")): \(error). Check the certificate file.")
        }
    }

    /// A name safe to splice into SQL once quoted: lower-case ASCII letters, digits, underscores.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func quoted(_ name: String) -> String { "\"\(name)\"" }
}
