import Foundation
import JifenTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `jifen serve` on 127.0.0.1 (a free port) over a sandbox's database, stopped with SIGTERM.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL
    /// What the server printed (the addresses it listens on).
    let out: URL
    var base: String { "http://127.0.0.1:\(port)" }
    /// The port of `--metrics-listen`, from the line the server printed; nil when it serves no metrics.
    var metricsPort: Int? {
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.contains("metrics at") }) else { return nil }
        return Int(line.split(separator: ":").last?.split(separator: "/").first ?? "")
    }

    /// - Parameter trustProxy: `--trust-proxy` (the client's address from `X-Real-IP`, so tests can play several).
    init(_ box: Sandbox, now: String = Sandbox.defaultNow, trustProxy: Bool = true, extra: [String] = []) throws {
        log = box.directory.appendingPathComponent("serve-\(UUID().uuidString).log")
        out = box.directory.appendingPathComponent("serve-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process = try jifenProcess(
            ["serve", "--listen", "127.0.0.1:0", "--db", box.db] + (trustProxy ? ["--trust-proxy"] : []) + extra,
            environment: ["PATH": "/usr/bin:/bin", "HOME": box.directory.path, "TZ": "Asia/Shanghai", "JIFEN_NOW": now])
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        var found: Int?
        for _ in 0..<600 where found == nil {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on") }),
                let port = Int(line.split(separator: ":").last ?? "")
            {
                found = port
            } else if !process.isRunning {
                break
            } else {
                usleep(50_000)
            }
        }
        guard let found else {
            process.terminate()
            throw POSIXError(.ECONNREFUSED)
        }
        port = found
    }

    /// SIGTERM, and waits for the process to finish what is in flight and exit.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

/// One HTTP answer.
struct Answer: CustomStringConvertible {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var description: String { "HTTP \(status) \(text)" }
}

/// A plain HTTP call over loopback, synchronous. `rawJSON` is a body sent exactly as written (when a
/// number's spelling matters); `json` one serialized from an object.
func http(
    _ method: String, _ url: String, token: String? = nil, json: Any? = nil, rawJSON: String? = nil,
    headers: [String: String] = [:], timeout: TimeInterval = 30
) throws -> Answer {
    var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if let rawJSON {
        request.httpBody = Data(rawJSON.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    } else if let json {
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    } else if method == "POST" {
        request.httpBody = Data("{}".utf8)
    }
    let session = URLSession(configuration: .ephemeral)
    defer { session.finishTasksAndInvalidate() }
    final class Box: @unchecked Sendable { var answer: Answer?; var error: (any Error)? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    session.dataTask(with: request) { data, response, error in
        if let response = response as? HTTPURLResponse {
            var headers: [String: String] = [:]
            for (key, value) in response.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
            box.answer = Answer(status: response.statusCode, headers: headers, body: data ?? Data())
        }
        box.error = error
        done.signal()
    }.resume()
    done.wait()
    if let answer = box.answer { return answer }
    throw box.error ?? POSIXError(.ECONNRESET)
}
