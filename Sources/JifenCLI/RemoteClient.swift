import Foundation
import JifenAPI
import JifenApp
import JifenCore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The credentials `jifen login` keeps: one per server, in the user's config folder
/// (`$XDG_CONFIG_HOME/jifen/credentials.json`, else `~/.config/jifen/`), mode 0600.
struct CredentialFile {
    let url: URL

    init(environment: [String: String]) {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        url = URL(fileURLWithPath: base).appendingPathComponent("jifen").appendingPathComponent("credentials.json")
    }

    func all() -> [String: String] {
        guard let data = try? Data(contentsOf: url) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    func token(for server: String) -> String? { all()[Self.key(server)] }

    func save(_ token: String?, for server: String) throws {
        var tokens = all()
        tokens[Self.key(server)] = token
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(tokens)
            // Created 0600 before the secret is written into it.
            if !FileManager.default.fileExists(atPath: url.path) {
                FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            try data.write(to: url)
        } catch {
            throw JifenError.fault(
                .cannotWrite, zh: "无法保存登录凭证到 \(url.path)：\(error.localizedDescription)",
                en: "Cannot save the credential to \(url.path): \(error.localizedDescription)")
        }
    }

    static func key(_ server: String) -> String { server.hasSuffix("/") ? String(server.dropLast()) : server }
}

/// Calls `jifen serve` for the CLI: URLSession on libcurl, as the notifier's transport. Errors
/// come back as the server's typed `JifenError`, so the exit status is the local one.
struct RemoteClient {
    let server: String
    let language: Language
    let credentials: CredentialFile

    /// - Parameter key: the write's idempotency key (`--key`); the input's own `key` when it has
    /// one, else a fresh one: a retry of this command with the same key is answered once.
    func call<Input, Output>(
        _ endpoint: Endpoint<Input, Output>, _ input: Input, token explicit: String? = nil, key: String? = nil
    ) throws -> Output {
        let base = try Self.baseURL(server)
        let (path, query, body) = try endpoint.request(for: input)
        guard var components = URLComponents(string: base + path) else { throw Self.badServer(server) }
        if !query.isEmpty { components.queryItems = query }
        guard let url = components.url else { throw Self.badServer(server) }
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.httpMethod = endpoint.verb.rawValue
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(language == .zh ? "zh" : "en", forHTTPHeaderField: "Accept-Language")
        if !endpoint.anonymous {
            guard let token = explicit ?? credentials.token(for: server) else { throw JifenError.signInRequired }
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        if endpoint.verb == .post {
            // The command's key (`--key`, which the ledger's operations also carry in their input),
            // else one of its own: a retry of this request is answered once.
            let inputKey =
                (try? JSONSerialization.jsonObject(with: APIJSON.encoder().encode(input)) as? [String: Any])?["key"]
                as? String
            request.setValue(inputKey ?? key ?? UUID().uuidString, forHTTPHeaderField: "Idempotency-Key")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body ?? Data("{}".utf8)
        }
        var (data, status) = try send(request)
        // The server's database is failing over: the same request, with the same Idempotency-Key
        // (acting at most once), is sent again each second until it is answered or the wait is over.
        let started = Date()
        while status == 503, Self.isFailover(data), Date().timeIntervalSince(started) < Self.failoverWait {
            Thread.sleep(forTimeInterval: 1)
            (data, status) = try send(request)
        }
        guard status == 200 else { throw Self.failure(from: data, status: status) }
        do {
            return try APIJSON.decoder().decode(Output.self, from: data)
        } catch {
            throw JifenError.fault(
                .unexpected, zh: "服务器的回答无法读取：\(error)", en: "The server's answer cannot be read: \(error)")
        }
    }

    func send(_ request: URLRequest) throws -> (Data, Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, error in
            box.result = (data, (response as? HTTPURLResponse)?.statusCode, error)
            done.signal()
        }.resume()
        done.wait()
        guard let (data, status, error) = box.result, error == nil, let status else {
            let reason = box.result?.2?.localizedDescription ?? "no answer"
            throw JifenError.fault(
                .cannotReachServer, zh: "无法连接服务器 \(server)：\(reason)。请检查地址，并确认 jifen serve 正在运行。",
                en:
                    "Cannot reach the server at \(server): \(reason). Check the address and that jifen serve is running."
            )
        }
        return (data ?? Data(), status)
    }

    /// How long a call waits out a failover of the server's database (`no-primary`, `commit-unknown`).
    static let failoverWait: TimeInterval = 30

    static func isFailover(_ data: Data) -> Bool {
        struct Body: Decodable { var code: String }
        guard let code = (try? JSONDecoder().decode(Body.self, from: data)).map(\.code) else { return false }
        return [JifenError.Code.noPrimary.rawValue, JifenError.Code.commitUnknown.rawValue].contains(code)
    }

    static func error(from data: Data, status: Int) -> JifenError {
        struct Body: Decodable {
            var error: String; var code: String; var zh: String?; var en: String?; var message: String
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: data),
            let code = JifenError.Code(rawValue: body.code)
        else {
            return .fault(.unexpected, zh: "服务器回答 HTTP \(status)。", en: "The server answered HTTP \(status).")
        }
        let category: JifenError.Category = ["usage": .usage, "refused": .refused, "busy": .busy][body.error] ?? .fault
        return JifenError(code, category, zh: body.zh ?? body.message, en: body.en ?? body.message)
    }

    /// The error of a non-200 answer: an import's refusal with its rows' problems, else the typed error.
    static func failure(from data: Data, status: Int) -> any Error {
        let error = error(from: data, status: status)
        struct Detailed: Decodable { var detail: JifenApp.ImportOutcome }
        if error.code == .badRows, let detailed = try? APIJSON.decoder().decode(Detailed.self, from: data) {
            return JifenApp.ImportRejected(error: error, outcome: detailed.detail)
        }
        return error
    }

    static func baseURL(_ server: String) throws -> String {
        let trimmed = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw badServer(server)
        }
        return trimmed
    }

    static func badServer(_ server: String) -> JifenError {
        .usage(
            .badServer, zh: "服务器地址「\(server)」不是 http:// 或 https:// 网址。",
            en: "The server address \"\(server)\" is not an http:// or https:// URL.")
    }

    private final class Box: @unchecked Sendable { var result: (Data?, Int?, (any Error)?)? }
}
