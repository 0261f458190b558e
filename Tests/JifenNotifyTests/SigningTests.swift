import Foundation
import JifenCore
import JifenNotify
import Testing

/// Signatures against published examples, secrets, and the four message formats.
@Suite struct SigningTests {
    /// The Standard Webhooks reference test vector (standard-webhooks test suite, also Svix's docs).
    @Test func standardSignatureMatchesTheReferenceVector() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let body = Data(#"{"test": 2432232314}"#.utf8)
        let signature = WebhookSigning.standardSignature(
            secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(
            WebhookSigning.verifyStandard(
                secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body))
        #expect(
            !WebhookSigning.verifyStandard(
                secret: secret, id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                signatures: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body: body + Data(" ".utf8)))
    }

    /// DingTalk's robot signing, checked against the Python code of DingTalk's robot
    /// documentation run on these inputs (hmac.new(secret, f"{ts}\n{secret}", sha256) → base64 → quote_plus).
    @Test func dingTalkSignatureMatchesTheDocumentedAlgorithm() {
        let secret = "SECb6d0a2e4f7a94c3e8d1f0b5a6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9"
        let sign = WebhookSigning.dingTalkSign(secret: secret, timestampMillis: 1546084445901)
        #expect(WebhookSigning.queryEncode(sign) == "TiPkbKlIUSiNy%2FwbBT8AUiK0tUY1c0IDQX5nnpjbdb0%3D")
    }

    /// Feishu's robot signing, checked against the Python code of Feishu's custom-bot documentation
    /// (hmac.new(f"{ts}\n{secret}", b"", sha256) → base64).
    @Test func feishuSignatureMatchesTheDocumentedAlgorithm() {
        #expect(
            WebhookSigning.feishuSign(secret: "demo-feishu-secret", timestampSeconds: 1599360473)
                == "I14G+BylJBIS1VqI4nUg1mKqMAjMGZlFJGT36IJRUr8=")
    }

    @Test func generatedSecretsAreWhsecAndDistinct() throws {
        let a = try WebhookSigning.secret(nil, for: .standard), b = try WebhookSigning.secret(nil, for: .standard)
        #expect(a.hasPrefix("whsec_") && a != b)
        #expect(Data(base64Encoded: String(a.dropFirst(6)))?.count == 24)
    }

    @Test(arguments: [
        (WebhookFormat.standard, "not-a-secret"), (.standard, "whsec_c2hvcnQ="), (.wecom, "anything"),
    ])
    func unusableSecretsAreRefused(_ format: WebhookFormat, _ secret: String) {
        #expect(throws: JifenError.self) { try WebhookSigning.secret(secret, for: format) }
    }

    func delivery(
        _ format: WebhookFormat, secret: String, previous: String? = nil, type: String = "activity.published",
        payload: String =
            #"{"title":"重阳节敬老院陪伴","starts_at":"2026-10-11T01:00:00Z","ends_at":"2026-10-11T03:30:00Z","#
            + #""place":"玫瑰园社区养老服务站","points_per_hour":10,"places_left":6,"capacity":12}"#
    ) -> ClaimedDelivery {
        let endpoint = WebhookEndpoint(
            id: 7, url: "https://robot.example/send?access_token=t0k", format: format, events: ["*"],
            secret: secret, previousSecret: previous,
            previousSecretUntilMillis: previous == nil ? nil : 1_800_000_000_000,
            ratePerMinute: 0, allowPrivate: false, createdAtMillis: 0, createdBy: "admin")
        return ClaimedDelivery(
            id: 3, webhookID: "msg_abc", attempt: 2,
            event: StoredEvent(id: 42, type: type, payload: payload, createdAtMillis: 1_760_144_400_000),
            endpoint: endpoint)
    }

    @Test func standardMessageCarriesTypeTimestampDataAndBothSignaturesDuringRotation() throws {
        let current = try WebhookSigning.secret(nil, for: .standard),
            old = try WebhookSigning.secret(nil, for: .standard)
        let request = try WebhookMessage.request(
            for: delivery(.standard, secret: current, previous: old), nowMillis: 1_760_000_000_123,
            timeout: 5, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(body["type"] as? String == "activity.published")
        #expect(body["timestamp"] as? String == "2025-10-11T01:00:00.000Z")
        #expect((body["data"] as? [String: Any])?["place"] as? String == "玫瑰园社区养老服务站")
        #expect(request.headers["webhook-id"] == "msg_abc")
        #expect(request.headers["webhook-timestamp"] == "1760000000")
        let signatures = try #require(request.headers["webhook-signature"])
        #expect(signatures.split(separator: " ").count == 2)
        for secret in [current, old] {
            #expect(
                WebhookSigning.verifyStandard(
                    secret: secret, id: "msg_abc", timestamp: "1760000000", signatures: signatures, body: request.body))
        }
    }

    @Test func robotMessagesAreChineseAndSignedTheirWay() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let wecom = try WebhookMessage.request(
            for: delivery(.wecom, secret: ""), nowMillis: 1_760_000_000_123, timeout: 5, timeZone: zone)
        let content = try #require(
            ((try JSONSerialization.jsonObject(with: wecom.body) as? [String: Any])?["markdown"] as? [String: Any])?[
                "content"] as? String)
        #expect(content.contains("**新活动：重阳节敬老院陪伴**"))
        #expect(content.contains("时间：2026年10月11日 09:00–11:30"))
        #expect(content.contains("地点：玫瑰园社区养老服务站") && content.contains("每小时积分：10") && content.contains("剩余名额：6（共 12 个）"))

        let ding = try WebhookMessage.request(
            for: delivery(.dingtalk, secret: "SECx"), nowMillis: 1_760_000_000_123, timeout: 5, timeZone: zone)
        let query = URLComponents(url: ding.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(query.first { $0.name == "access_token" }?.value == "t0k")
        #expect(query.first { $0.name == "timestamp" }?.value == "1760000000123")
        #expect(
            query.first { $0.name == "sign" }?.value
                == WebhookSigning.dingTalkSign(secret: "SECx", timestampMillis: 1_760_000_000_123))
        #expect(String(decoding: ding.body, as: UTF8.self).contains(#""msgtype":"markdown""#))

        let feishu = try WebhookMessage.request(
            for: delivery(.feishu, secret: "fs"), nowMillis: 1_760_000_000_123, timeout: 5, timeZone: zone)
        let object = try #require(try JSONSerialization.jsonObject(with: feishu.body) as? [String: Any])
        #expect(object["timestamp"] as? String == "1760000000")
        #expect(object["sign"] as? String == WebhookSigning.feishuSign(secret: "fs", timestampSeconds: 1_760_000_000))
        #expect(((object["content"] as? [String: Any])?["text"] as? String)?.hasPrefix("新活动：重阳节敬老院陪伴\n") == true)
    }

    @Test func pointsEventsRenderInChinese() {
        let event = StoredEvent(
            id: 1, type: "points.granted",
            payload:
                #"{"actor":"李主任","at":"2026-11-22T02:30:00.000Z","from":"C0001.issuance","memo":"纸质台账结转","points":120,"to":"V0001"}"#,
            createdAtMillis: 0)
        let message = EventText.render(event, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(message.title == "积分发放")
        #expect(message.lines == ["V0001 获得 120 积分", "原因：纸质台账结转", "操作人：李主任", "时间：2026年11月22日 10:30"])
    }
}

@Suite struct URLPolicyTests {
    struct Case: Sendable, CustomStringConvertible {
        var url: String
        var allowPrivate: Bool
        var ok: Bool
        var description: String { "\(url) private=\(allowPrivate)" }
    }

    @Test(arguments: [
        Case(url: "https://hooks.example.org/jifen", allowPrivate: false, ok: true),
        Case(url: "http://93.184.216.34:8080/x", allowPrivate: false, ok: true),
        Case(url: "ftp://hooks.example.org/x", allowPrivate: false, ok: false),
        Case(url: "file:///etc/passwd", allowPrivate: true, ok: false),
        Case(url: "hooks.example.org/x", allowPrivate: false, ok: false),
        Case(url: "http://127.0.0.1:8080/hook", allowPrivate: false, ok: false),
        Case(url: "http://127.0.0.1:8080/hook", allowPrivate: true, ok: true),
        Case(url: "http://localhost/hook", allowPrivate: false, ok: false),
        Case(url: "http://10.1.2.3/hook", allowPrivate: false, ok: false),
        Case(url: "http://172.20.0.1/hook", allowPrivate: false, ok: false),
        Case(url: "http://172.32.0.1/hook", allowPrivate: false, ok: true),
        Case(url: "http://192.168.1.10/hook", allowPrivate: false, ok: false),
        Case(url: "http://169.254.169.254/latest/meta-data", allowPrivate: false, ok: false),
        Case(url: "http://100.64.0.1/", allowPrivate: false, ok: false),
        Case(url: "http://[::1]:8080/hook", allowPrivate: false, ok: false),
        Case(url: "http://[fd00::1]/hook", allowPrivate: false, ok: false),
        Case(url: "http://[::ffff:10.0.0.1]/hook", allowPrivate: false, ok: false),
        Case(url: "http://[2001:db8::1]/hook", allowPrivate: false, ok: true),
        Case(url: "http://internal.example/hook", allowPrivate: false, ok: false),  // resolves to a private address below
    ])
    func urlsAreCheckedForSchemeAndAddress(_ c: Case) {
        let resolve: (String) -> [String] = {
            switch $0 {
            case "internal.example": ["10.0.0.8"]
            case "hooks.example.org": ["93.184.216.34"]
            default: []
            }
        }
        let result = Result { try WebhookURLPolicy.check(c.url, allowPrivate: c.allowPrivate, resolve: resolve) }
        let accepted = (try? result.get()) != nil
        #expect(accepted == c.ok)
    }

    /// Every spelling of a loopback, private or link-local address is refused
    /// without --allow-private, whatever resolves; with it each is accepted.
    @Test(arguments: [
        "http://localhost./",
        "http://LOCALHOST../hook",
        "http://api.localhost./",
        "http://[::1%25lo]/",
        "http://[::1%25lo]:8080/hook",
        "http://[fe80::1%25eth0]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[64:ff9b:1::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::127.0.0.1]/",
        "http://[2002:7f00:1::1]/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://0.0.0.0/",
        "http://0/",
        "http://[::]/",
        "http://169.254.169.254/latest/meta-data",
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://[fc00::1]/",
        "http://[fdff:ffff::1]/",
        "http://[fe80::1]/",
        "http://[febf::1]/",
        "http://198.18.0.1/",
        "http://internal.example./hook",
    ])
    func everySpellingOfAPrivateAddressIsRefused(_ url: String) throws {
        // The stub resolver knows no name but internal.example (private): names are judged by
        // spelling first, literals by their address, and an unknown name fails closed.
        let resolve: (String) -> [String] = { $0 == "internal.example" ? ["10.0.0.8"] : [] }
        #expect(throws: JifenError.self) { try WebhookURLPolicy.check(url, allowPrivate: false, resolve: resolve) }
        #expect(try WebhookURLPolicy.check(url, allowPrivate: true, resolve: resolve).absoluteString.isEmpty == false)
    }

    @Test func theCanonicalHostIsWhatAConnectionUses() {
        #expect(WebhookURLPolicy.canonicalHost("localhost.") == "localhost")
        #expect(WebhookURLPolicy.canonicalHost("[::1%25lo]") == "::1")
        #expect(WebhookURLPolicy.canonicalHost("Example.ORG..") == "example.org")
        #expect(WebhookURLPolicy.numericIPv4("2130706433") == "127.0.0.1")
        #expect(WebhookURLPolicy.numericIPv4("0x7f.1") == "127.0.0.1")
        #expect(WebhookURLPolicy.numericIPv4("0177.0.0.1") == "127.0.0.1")
        #expect(WebhookURLPolicy.numericIPv4("127.1") == "127.0.0.1")
        #expect(WebhookURLPolicy.numericIPv4("10.258") == "10.0.1.2")
        #expect(WebhookURLPolicy.numericIPv4("256.0.0.1") == nil)
        #expect(WebhookURLPolicy.numericIPv4("example.org") == nil)
        #expect(WebhookURLPolicy.numericIPv4("1.2.3.4.5") == nil)
        #expect(WebhookURLPolicy.isPrivate("64:ff9b::7f00:1"))
        #expect(!WebhookURLPolicy.isPrivate("64:ff9b::5db8:d822"))  // NAT64 of 93.184.216.34: public
        #expect(!WebhookURLPolicy.isPrivate("2606:2800:220:1:248:1893:25c8:1946"))
    }

    /// A public name, a public literal and public NAT64 are still accepted.
    @Test(arguments: [
        "https://hooks.example.org/jifen", "http://93.184.216.34/", "http://[64:ff9b::5db8:d822]/",
        "https://hooks.example.org./x",
    ])
    func publicAddressesAreAccepted(_ url: String) throws {
        let resolve: (String) -> [String] = {
            $0 == "hooks.example.org" ? ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] : []
        }
        _ = try WebhookURLPolicy.check(url, allowPrivate: false, resolve: resolve)
    }

    /// A name with one private address among public ones is refused: every address is checked.
    @Test func everyAddressOfANameIsChecked() {
        let resolve: (String) -> [String] = { _ in ["93.184.216.34", "127.0.0.1"] }
        #expect(WebhookURLPolicy.verdict(host: "mixed.example", resolve: resolve) == .forbidden("127.0.0.1"))
    }

    /// A name that does not resolve when it is added is refused (fail closed), in both languages.
    @Test func aNameThatDoesNotResolveIsRefused() throws {
        let error = try #require(throws: JifenError.self) {
            try WebhookURLPolicy.check("https://nowhere.invalid/hook", allowPrivate: false, resolve: { _ in [] })
        }
        #expect(error.code == .unresolvedHost)
        #expect(error.message.zh.contains("查不到地址") && error.message.en.contains("does not resolve"))
        _ = try WebhookURLPolicy.check("https://nowhere.invalid/hook", allowPrivate: true, resolve: { _ in [] })
    }

    @Test func queryValuesAreHiddenWhenShown() {
        #expect(
            WebhookURLPolicy.redacted("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123")
                == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****")
    }
}
