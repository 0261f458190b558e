import Foundation
import JifenTestSupport
import JifenWeb
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension SecurityTests {
    /// The server's part: nobody locks out someone else, slow clients, the poster's link, TLS,
    /// nosniff and 413, page actions in the log. Each through the
    /// real binary and a real `jifen serve` (the sign-in limits live in memory: one store suffices).
    @Suite(.serialized, .tags(.alone)) struct Server {
        static let room = "203.0.113.9"

        /// A signed-in volunteer and a neighbour holding a fresh code share the guesser's address
        /// (one community room behind one router): 150 wrong codes and 150 forged tokens naming the
        /// volunteer's own credential id leave both served.
        @Test func failuresFromOneAddressLockOutNobodyWhoHoldsAValidCredentialOrCode() throws {
            let box = try ServerTests.community()
            let her = try ServerTests.token(box, for: "V0002")
            let herID = try #require(her.split(separator: "_").dropFirst().first.map(String.init))
            let code = try #require(
                try box.jifen(["--json", "credential", "issue", "V0001", "--enrolment"], env: ["JIFEN_ACTOR": "李主任"])
                    .object["secret"] as? String)
            let server = try ServerProcess(box)
            defer { server.stop() }
            // The neighbour's phone opened the sign-in page before the guessing started.
            let page = try RawClient.request(
                port: server.port, "GET /web/signin HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Real-IP: \(Self.room)\r\n")
            let device = try #require(page.cookie("jf_pre"))
            let csrf = try #require(
                page.body.range(of: "name=\"csrf\" value=\"").map {
                    String(page.body[$0.upperBound...].prefix { $0 != "\"" })
                })
            var statuses: [Int: Int] = [:]
            for i in 0..<150 {
                let guess = try http(
                    "POST", server.base + "/v1/enrolments",
                    json: ["code": "ZZZZ-Z\(String(format: "%03d", i))", "label": ""],
                    headers: ["X-Real-IP": Self.room])
                let forged = try http(
                    "GET", server.base + "/v1/me", token: "jf_\(herID)_" + String(repeating: "A", count: 43),
                    headers: ["X-Real-IP": Self.room])
                statuses[guess.status, default: 0] += 1
                statuses[forged.status, default: 0] += 1
            }
            // The guesser is slowed: past 100 of each in the window, 429.
            #expect(statuses[429] == 100 && statuses[401] == 200, "\(statuses)")
            // Her credential, from the same address: served, by the API and by the pages.
            let me = try http("GET", server.base + "/v1/me", token: her, headers: ["X-Real-IP": Self.room])
            #expect(me.status == 200, "\(me)")
            let mine = try RawClient.request(
                port: server.port,
                "GET /web/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Real-IP: \(Self.room)\r\nCookie: jf=\(her)\r\n")
            #expect(mine.status == 200 && mine.body.contains("李志强"), "\(mine.head)")
            // The neighbour signs in with her code from her own device, at the same address.
            let form = "code=\(code)&csrf=\(csrf)&next=%2Fweb"
            let signedIn = try RawClient.request(
                port: server.port,
                "POST /web/signin HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Real-IP: \(Self.room)\r\n"
                    + "Cookie: jf_pre=\(device)\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n",
                body: form)
            #expect(
                signedIn.status == 303 && signedIn.cookie("jf")?.hasPrefix("jf_") == true,
                "\(signedIn.head)\n\(signedIn.body)")
            // The guesser's own next code, without a device, still waits; its log lines carry no secret.
            let waits = try http(
                "POST", server.base + "/v1/enrolments", json: ["code": "ZZZZ-ZZZZ", "label": ""],
                headers: ["X-Real-IP": Self.room])
            #expect(waits.status == 429 && waits.headers["retry-after"] != nil, "\(waits)")
            #expect(
                server.logText.contains("refusal locked-out") && !server.logText.contains(her)
                    && !server.logText.contains(code))
        }

        /// Without `--trust-proxy` the address is the socket's: a client writing X-Real-IP or
        /// X-Forwarded-For of its own cannot spread its guesses over made-up addresses.
        @Test func aForgedForwardingHeaderDoesNotEscapeThePerAddressLimitWithoutTrustProxy() throws {
            let box = try ServerTests.community()
            let server = try ServerProcess(box, trustProxy: false)
            defer { server.stop() }
            var statuses: [Int: Int] = [:]
            for i in 0..<110 {
                let made = "198.51.100.\(i % 250)"
                let answer = try http(
                    "POST", server.base + "/v1/enrolments",
                    json: ["code": "YYYY-Y\(String(format: "%03d", i))", "label": ""],
                    headers: ["X-Real-IP": made, "X-Forwarded-For": made])
                statuses[answer.status, default: 0] += 1
            }
            #expect(statuses[401] == 100 && statuses[429] == 10, "\(statuses)")
        }

        /// One client holds 300 unfinished requests (headers never ended) from its own address; `/health`
        /// from another address answers within a second, and the held connections are closed once
        /// the header timeout passes.
        @Test func aSlowClientHolding300UnfinishedRequestsDoesNotDelayHealth() throws {
            let box = try ServerTests.community()
            let server = try ServerProcess(box, trustProxy: false, extra: ["--header-timeout", "3"])
            defer { server.stop() }
            var held: [RawClient] = []
            for _ in 0..<300 {
                guard let client = try? RawClient(port: server.port, from: "127.0.0.2") else { continue }
                client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                held.append(client)
            }
            var times: [Double] = []
            for _ in 0..<20 {
                let start = Date()
                let answer = try http("GET", server.base + "/health")
                times.append(Date().timeIntervalSince(start))
                #expect(answer.status == 200)
            }
            #expect(times.max()! < 1, "\(times)")
            // The server keeps at most 64 of them (the per-address limit) and closes those after 3 s.
            #expect(held.allSatisfy { $0.closedByServer(within: 8) })
            #expect(
                server.logText.contains("refusal header-timeout")
                    && server.logText.contains("refusal too-many-connections"))
        }

        /// The poster's QR code links to `--public-url`, whatever the request's Host header says.
        @Test func thePostersQRCodeLinksToThePublicURLNotTheHostHeader() throws {
            let box = try ServerTests.community()
            try expectOK(
                box.jifen([
                    "--as", "王队长", "activity", "post", "--team", "T01", "--title", "敬老院探访",
                    "--start", "2026-12-01 14:00", "--end", "2026-12-01 16:00",
                ]))
            let organizer = try ServerTests.token(box, for: "王队长")
            let server = try ServerProcess(box, extra: ["--public-url", "https://jifen.example.org/"])
            defer { server.stop() }
            let poster = try RawClient.request(
                port: server.port,
                "GET /web/poster?activity=A0001 HTTP/1.1\r\nHost: evil.example\r\nCookie: jf=\(organizer)\r\n")
            #expect(poster.status == 200, "\(poster.head)")
            let code = try #require(
                poster.body.range(of: "id=\"poster-code\">").map {
                    String(poster.body[$0.upperBound...].prefix { $0 != "<" })
                })
            let label = "签到二维码：打开「敬老院探访」的签到页，签到码 \(code)"
            let expected = QRCode.svg(
                "https://jifen.example.org/web/checkin?activity=A0001&code=\(code)", label: label, pixels: 340)
            #expect(poster.body.contains(expected))
            #expect(
                !poster.body.contains(
                    QRCode.svg(
                        "https://evil.example/web/checkin?activity=A0001&code=\(code)", label: label, pixels: 340)))
            // A public URL that is not one is a usage error.
            let bad = try box.jifen(["serve", "--listen", "127.0.0.1:0", "--public-url", "jifen.example.org"])
            #expect(bad.status == 64 && bad.stderr.contains("--public-url"), "\(bad)")
        }

        /// `--tls-cert` speaks TLS 1.2 and 1.3 only: a TLS 1.1 handshake is refused.
        @Test func tlsIsOneDotTwoOrNewer() throws {
            let box = try ServerTests.community()
            let (cert, key) = (
                box.directory.appendingPathComponent("cert.pem").path,
                box.directory.appendingPathComponent("key.pem").path
            )
            #expect(
                try Self.run(
                    "/usr/bin/openssl",
                    [
                        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1",
                    ]
                ).status == 0)
            let server = try ServerProcess(box, extra: ["--tls-cert", cert, "--tls-key", key])
            defer { server.stop() }
            func handshake(_ version: String) throws -> (status: Int32, output: String) {
                try Self.run(
                    "/usr/bin/openssl",
                    ["s_client", "-connect", "127.0.0.1:\(server.port)", version, "-cipher", "DEFAULT:@SECLEVEL=0"])
            }
            let old = try handshake("-tls1_1")
            #expect(old.status != 0 && old.output.contains("Cipher is (NONE)"), "\(old.output)")
            let ok = try handshake("-tls1_2")
            #expect(ok.status == 0 && ok.output.contains("TLSv1.2"), "\(ok.output)")
        }

        /// API answers say `nosniff`; a body over `--max-body-bytes` gets the JSON error and the log says 413.
        @Test func answersAreNosniffAndATooLargeBodyIsAJSON413InTheLog() throws {
            let box = try ServerTests.community()
            let admin = try ServerTests.token(box, for: "李主任")
            let server = try ServerProcess(box, extra: ["--max-body-bytes", "2000"])
            defer { server.stop() }
            for answer in [
                try http("GET", server.base + "/health"), try http("GET", server.base + "/v1/me", token: admin),
                try http("GET", server.base + "/v1/me"), try http("GET", server.base + "/openapi.json"),
            ] {
                #expect(answer.headers["x-content-type-options"] == "nosniff", "\(answer.status) \(answer.headers)")
            }
            let body: [String: Any] = ["account": "V0002", "points": 1, "reason": String(repeating: "x", count: 5000)]
            let big = try http("POST", server.base + "/v1/grants", token: admin, json: body)
            #expect(big.status == 413 && big.object["code"] as? String == "body-too-large", "\(big)")
            #expect(big.headers["x-content-type-options"] == "nosniff")
            let form = try RawClient.request(
                port: server.port,
                "POST /web/signin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 5000\r\n", body: String(repeating: "a", count: 5000))
            // A page's form too large: an HTML page (the post/redirect/get base), never the API's JSON.
            #expect(form.status == 413 && form.head.lowercased().contains("content-type: text/html"), "\(form.head)")
            #expect(
                server.logText.contains("POST /v1/grants 413") && server.logText.contains("POST /web/signin 413"),
                "\(server.logText)")
            #expect(
                try box.jifen(["--json", "balance", "V0002"], env: ["JIFEN_ACTOR": "李主任"]).object["balance"] as? Int
                    == 0)
        }

        /// A page action's log line names who acted (the person's id), never the credential.
        @Test func pageActionsAreLoggedWithTheirPrincipal() throws {
            let box = try ServerTests.community()
            let volunteer = try ServerTests.token(box, for: "V0001")
            let server = try ServerProcess(box)
            defer { server.stop() }
            let page = try RawClient.request(
                port: server.port, "GET /web/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: jf=\(volunteer)\r\n")
            #expect(page.status == 200)
            let csrf = try #require(
                page.body.range(of: "name=\"csrf\" value=\"").map {
                    String(page.body[$0.upperBound...].prefix { $0 != "\"" })
                })
            let form = "csrf=\(csrf)"
            let code = try RawClient.request(
                port: server.port,
                "POST /web/me/code HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: jf=\(volunteer)\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n",
                body: form)
            #expect(code.status == 303, "\(code.head)")
            let log = server.logText
            #expect(
                log.contains("GET /web/me 200")
                    && log.split(separator: "\n").contains {
                        $0.hasPrefix("GET /web/me 200") && $0.hasSuffix("principal=V0001")
                    }, "\(log)")
            #expect(
                log.split(separator: "\n").contains {
                    $0.hasPrefix("POST /web/me/code 303") && $0.hasSuffix("principal=V0001")
                }, "\(log)")
            #expect(!log.contains(volunteer) && !log.contains(csrf))
        }

        static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}

extension SecurityTests.Server {
    /// A plain TCP connection to the server from a chosen loopback address (127.0.0.2, 127.0.0.3, …
    /// are other clients to the server), for what URLSession does not do: hold a request unfinished,
    /// send a Host header of one's own.
    final class RawClient {
        let fd: Int32

        init(port: Int, from source: String = "127.0.0.1") throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.EMFILE) }
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            var remote = sockaddr_in()
            remote.sin_family = sa_family_t(AF_INET)
            remote.sin_port = in_port_t(UInt16(port).bigEndian)
            remote.sin_addr.s_addr = inet_addr("127.0.0.1")
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
            }
            let connected =
                bound == 0
                ? withUnsafePointer(to: &remote) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) }
                } : -1
            guard connected == 0 else { Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
        }

        deinit { Glibc.close(fd) }

        @discardableResult
        func send(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                == bytes.count
        }

        private func timeout(_ seconds: Int) {
            var time = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        }

        /// What arrives until the server closes the connection (or `seconds` pass without a byte).
        func receive(seconds: Int = 15) -> Data {
            timeout(seconds)
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            return data
        }

        /// Whether the server closed (or reset) the connection within `seconds` without answering.
        func closedByServer(within seconds: Int) -> Bool {
            timeout(seconds)
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)
            return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }

        struct Answer {
            var status: Int
            var head: String
            var body: String
            func cookie(_ name: String) -> String? {
                head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: \(name)=") }
                    .map { String($0.dropFirst("set-cookie: \(name)=".count).prefix { $0 != ";" }) }
            }
        }

        /// One request (`head` without its blank line; `Connection: close` is added), read to the end.
        static func request(
            port: Int, from source: String = "127.0.0.1", _ head: String, body: String = ""
        ) throws -> Answer {
            let client = try RawClient(port: port, from: source)
            client.send(head + "Connection: close\r\n\r\n" + body)
            let text = String(decoding: client.receive(), as: UTF8.self)
            let parts = text.components(separatedBy: "\r\n\r\n")
            let status = Int(parts.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            return Answer(
                status: status, head: parts.first ?? "", body: parts.dropFirst().joined(separator: "\r\n\r\n"))
        }
    }
}
