import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore
import JifenServer

extension Jifen {
    struct Serve: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Serve the ledger over HTTP: the JSON API at /v1, described at /openapi.json; people sign in with credentials.",
            discussion: """
                Whoever runs it holds the database; everyone else signs in with a credential
                (jifen credential issue) or an enrolment code (jifen credential issue --enrolment).
                Stops on SIGTERM or Ctrl-C after finishing the requests in flight.
                Slow clients are cut off (--header-timeout, --body-timeout); one address holds at most --max-connections-per-address.
                The poster's QR code links to --public-url (set it to the address people reach).
                --metrics-listen serves Prometheus metrics at /metrics on an address of its own (loopback unless --metrics-allow-remote).
                Example: jifen serve --listen 127.0.0.1:8080 --db jifen.sqlite
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Address and port to listen on (port 0: any free port, printed).") var listen = "127.0.0.1:8080"
        @Option(help: "TLS certificate (PEM); with --tls-key, serves HTTPS.") var tlsCert: String?
        @Option(help: "TLS private key (PEM).") var tlsKey: String?
        @Option(help: "Largest request body in bytes.") var maxBodyBytes = 1 << 20
        @Option(help: "Most connections open at once (default 512).") var maxConnections: Int?
        @Option(
            help:
                "Most connections one client address may hold open (default 64; not applied with --trust-proxy: limit at the proxy)."
        )
        var maxConnectionsPerAddress: Int?
        @Option(help: "Seconds before an idle connection is closed (default 30).") var idleTimeout: Int64?
        @Option(help: "Seconds a request's headers may take to arrive (default 10).") var headerTimeout: Int64?
        @Option(help: "Seconds a request's body may take to arrive after its headers (default 30).") var bodyTimeout:
            Int64?
        @Option(
            help:
                """
                The address people reach this server at, e.g. https://jifen.example.org: the poster's QR code links there (default: the \
                --listen address).
                """
        )
        var publicURL: String?
        @Flag(help: "Take the client's address from X-Real-IP (behind nginx on the same machine).") var trustProxy =
            false
        @Option(
            help:
                "Group commit: most writes carried by one commit (1: each write its own transaction; default 64 on SQLite, 1 on PostgreSQL)."
        )
        var batchMax: Int?
        @Option(
            help:
                "SQLite: read connections beside the writer's, so reads never wait for writes or each other (default 8)."
        )
        var readers: Int?
        @Option(
            help:
                "Serve Prometheus metrics at http://ADDRESS:PORT/metrics, e.g. 127.0.0.1:9464 (default: not served; port 0: any free port, printed)."
        )
        var metricsListen: String?
        @Flag(
            help:
                "Allow --metrics-listen on an address other than loopback (metrics carry no secret, but no credential guards them)."
        )
        var metricsAllowRemote = false

        func execute(_ context: Context) throws {
            let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, let port = Int(parts.last!), (0...65535).contains(port) else {
                throw JifenError.usage(
                    .badValue, zh: "--listen 应写成 地址:端口，如 127.0.0.1:8080。",
                    en: "--listen is host:port, e.g. 127.0.0.1:8080.")
            }
            guard (tlsCert == nil) == (tlsKey == nil) else {
                throw JifenError.usage(
                    .badTLS, zh: "--tls-cert 和 --tls-key 要一起给。", en: "Give --tls-cert and --tls-key together.")
            }
            guard (readers ?? 1) >= 1 else {
                throw JifenError.usage(.badValue, zh: "--readers 至少是 1。", en: "--readers is at least 1.")
            }
            guard (batchMax ?? 1) >= 1 else {
                throw JifenError.usage(.badValue, zh: "--batch-max 至少是 1。", en: "--batch-max is at least 1.")
            }
            for (name, value) in [
                ("--max-connections", maxConnections.map(Int64.init)),
                ("--max-connections-per-address", maxConnectionsPerAddress.map(Int64.init)),
                ("--idle-timeout", idleTimeout), ("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout),
            ] {
                guard (value ?? 1) >= 1 else {
                    throw JifenError.usage(.badValue, zh: "\(name) 至少是 1。", en: "\(name) is at least 1.")
                }
            }
            var base = publicURL
            if let given = publicURL {
                let url = URL(string: given)
                guard let url, ["http", "https"].contains(url.scheme?.lowercased() ?? ""), !(url.host ?? "").isEmpty,
                    url.query == nil, url.fragment == nil, url.user == nil
                else {
                    throw JifenError.usage(
                        .badValue, zh: "--public-url 应是 http:// 或 https:// 开头的地址，如 https://jifen.example.org，不带 ? 和 #。",
                        en:
                            "--public-url is an http:// or https:// address like https://jifen.example.org, without ? or #."
                    )
                }
                base = given.hasSuffix("/") ? String(given.dropLast()) : given
            }
            var metricsAddress: (host: String, port: Int)?
            if let metricsListen {
                let metricsParts = metricsListen.split(separator: ":", omittingEmptySubsequences: false)
                guard metricsParts.count >= 2, let metricsPort = Int(metricsParts.last!),
                    (0...65535).contains(metricsPort)
                else {
                    throw JifenError.usage(
                        .badValue, zh: "--metrics-listen 应写成 地址:端口，如 127.0.0.1:9464。",
                        en: "--metrics-listen is host:port, e.g. 127.0.0.1:9464.")
                }
                let metricsHost = metricsParts.dropLast().joined(separator: ":").trimmingCharacters(
                    in: CharacterSet(charactersIn: "[]"))
                guard metricsAllowRemote || Self.isLoopback(metricsHost) else {
                    throw JifenError.usage(
                        .badValue,
                        zh:
                            "--metrics-listen \(metricsListen) 不是本机回环地址：指标不需要凭证就能读。请用 127.0.0.1，或确认后加 --metrics-allow-remote。",
                        en:
                            "--metrics-listen \(metricsListen) is not a loopback address, and metrics are read without a credential. "
                            + "Use 127.0.0.1, or add --metrics-allow-remote if a firewall keeps it private.")
                }
                metricsAddress = (metricsHost, metricsPort)
            }
            let app = try context.app()
            try app.checkStore()
            var options = ServerOptions()
            options.host = parts.dropLast().joined(separator: ":").trimmingCharacters(
                in: CharacterSet(charactersIn: "[]"))
            options.port = port
            options.tlsCertificate = tlsCert
            options.tlsKey = tlsKey
            options.maxBodyBytes = maxBodyBytes
            if let maxConnections { options.maxConnections = maxConnections }
            if let maxConnectionsPerAddress { options.maxConnectionsPerAddress = maxConnectionsPerAddress }
            if let idleTimeout { options.idleTimeoutSeconds = idleTimeout }
            if let headerTimeout { options.headerTimeoutSeconds = headerTimeout }
            if let bodyTimeout { options.requestTimeoutSeconds = bodyTimeout }
            options.publicURL = base
            options.trustProxy = trustProxy
            options.batchMax = batchMax
            options.readers = readers
            options.metricsHost = metricsAddress?.host
            options.metricsPort = metricsAddress?.port ?? options.metricsPort
            // The metrics facade is bootstrapped here only: by the process that serves /metrics.
            let server = JifenServer(
                app: app, options: options, metrics: metricsAddress == nil ? nil : ServerMetrics.bootstrap())
            let scheme = tlsCert == nil ? "http" : "https"
            let host = options.host
            let metricsHost =
                (options.metricsHost ?? "").contains(":") ? "[\(options.metricsHost ?? "")]" : options.metricsHost ?? ""
            try runBlocking {
                try await server.run { bound in
                    FileHandle.standardOutput.write(
                        Data("jifen serve: listening on \(scheme)://\(host):\(bound)\n".utf8))
                } onMetricsListening: { bound in
                    FileHandle.standardOutput.write(
                        Data("jifen serve: metrics at http://\(metricsHost):\(bound)/metrics\n".utf8))
                }
            }
            print("jifen serve: stopped")
        }

        /// 127.0.0.0/8, ::1 or localhost.
        static func isLoopback(_ host: String) -> Bool {
            let parts = host.split(separator: ".")
            if parts.count == 4, parts[0] == "127", parts.allSatisfy({ UInt8($0) != nil }) { return true }
            return host == "::1" || host.lowercased() == "localhost"
        }
    }

    struct Login: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Sign in to a jifen serve with an enrolment code (or a credential) and keep the credential for the next commands.",
            discussion: "Example: jifen login --server http://127.0.0.1:8080 --code 4F7K-9Q2M")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The enrolment code from your organizer, e.g. 4F7K-9Q2M.") var code: String?
        @Option(help: "A device credential (jf_…) issued for you, instead of a code.") var token: String?
        @Option(help: "What to call this device in the credential list.") var label = ""

        func execute(_ context: Context) throws {
            guard let server = context.serverURL else {
                throw JifenError.usage(.badServer, zh: "请用 --server 指定服务器地址。", en: "Name the server with --server.")
            }
            let file = CredentialFile(environment: context.environment)
            let client = RemoteClient(server: server, language: context.language, credentials: file)
            let who: JifenApp.WhoAmI
            if let code {
                let issued = try client.call(API.enrol, .init(code: code, label: label))
                who = try client.call(API.whoami, .init(), token: issued.secret)
                try file.save(issued.secret, for: server)
            } else if let token {
                who = try client.call(API.whoami, .init(), token: token)
                try file.save(token, for: server)
            } else {
                throw JifenError.usage(
                    .badArguments, zh: "请给 --code（登记码）或 --token。", en: "Give --code (the enrolment code) or --token.")
            }
            if context.options.json { return context.printJSON(who) }
            context.print(
                context.t(
                    "已登录：\(who.name ?? who.person)（\(who.person)，\(who.role?.rawValue ?? "")）。凭证保存在 \(file.url.path)。",
                    "Signed in as \(who.name ?? who.person) (\(who.person), \(who.role?.rawValue ?? "")). The credential is kept in \(file.url.path)."
                ))
        }
    }

    struct Logout: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign out of a server: revoke this device's credential there and forget it here.",
            discussion: "Example: jifen logout --server http://127.0.0.1:8080")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: Context) throws {
            guard let server = context.serverURL else {
                throw JifenError.usage(.badServer, zh: "请用 --server 指定服务器地址。", en: "Name the server with --server.")
            }
            let file = CredentialFile(environment: context.environment)
            let client = RemoteClient(server: server, language: context.language, credentials: file)
            if let token = file.token(for: server) {
                if let who = try? client.call(API.whoami, .init(), token: token), let id = who.credential {
                    _ = try? client.call(API.revokeCredential, .init(credential: id), token: token)
                }
                try file.save(nil, for: server)
            }
            context.print(context.t("已退出 \(server)。", "Signed out of \(server)."))
        }
    }

    struct WhoAmI: JifenCommand {
        static let configuration = CommandConfiguration(
            commandName: "whoami",
            abstract: "Who you act as: with --server, whoever signed in; locally, the database's owner (--as).",
            discussion: "Example: jifen whoami")
        @OptionGroup var global: GlobalOptions

        func execute(_ context: Context) throws {
            let who = try context.perform(API.whoami, .init())
            if context.options.json { return context.printJSON(who) }
            context.printTable(
                [context.t("项目", "item"), context.t("内容", "value")],
                [
                    [context.t("人员", "person"), who.person], [context.t("姓名", "name"), who.name ?? "—"],
                    [context.t("身份", "role"), who.role?.rawValue ?? "—"],
                    [
                        context.t("凭证", "credential"),
                        who.credential ?? context.t("本机（数据库所有者）", "local (the database's owner)"),
                    ],
                ])
        }
    }
}
