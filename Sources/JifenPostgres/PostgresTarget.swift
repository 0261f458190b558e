import Foundation
import JifenCore
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives, parsed from `postgres://user[:password]@host[:port]/database`.
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

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
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
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw bad("无法解析", "it cannot be parsed")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        host = query["host"] ?? components.host.flatMap { $0.removingPercentEncoding } ?? ""
        if host.isEmpty { host = "127.0.0.1" }
        port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw bad("缺少数据库名", "the database name is missing") }
        guard (1...65535).contains(port) else { throw bad("端口不在 1–65535 之内", "the port is not within 1–65535") }
        schema = query["schema"].flatMap { $0.isEmpty ? nil : $0 }
        if let schema, !Self.isPlainName(schema) {
            throw bad("schema 只能含小写字母、数字和下划线", "the schema may hold only lower-case letters, digits and underscores")
        }
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "disable") else {
            throw bad("sslmode 只能是 disable、require 或 verify-full", "sslmode must be disable, require or verify-full")
        }
        tls = mode
        rootCertificate = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        if tls != .disable, host.hasPrefix("/") {
            throw bad("unix 套接字上不能用 TLS，请写服务器的主机名", "TLS does not run over a unix socket; name the server's host")
        }
        var shown = components
        shown.password = nil
        display = shown.string ?? text
    }

    func configuration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if host.hasPrefix("/") {
            configuration = .init(
                unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database, tls: try tlsSetting())
        }
        configuration.options.connectTimeout = .seconds(10)
        if tls == .verifyFull { configuration.options.tlsServerName = host }
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
