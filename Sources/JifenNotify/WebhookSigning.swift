public import Crypto
public import Foundation
public import JifenCore

/// Secrets and signatures of the four formats.
public enum WebhookSigning {
    /// A new Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes.
    public static func generateStandardSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    /// Checks a secret given with `--secret` for a format; generates one for `standard` when none is given.
    /// - Returns: the secret to store; empty when the endpoint is not signed.
    /// - Throws: `JifenError` (usage) saying which form the format needs.
    public static func secret(_ given: String?, for format: WebhookFormat) throws -> String {
        let given = given?.trimmingCharacters(in: .whitespaces)
        switch format {
        case .standard:
            guard let given, !given.isEmpty else { return generateStandardSecret() }
            guard standardKey(given) != nil else {
                throw JifenError.usage(
                    .badSecret, zh: "Standard Webhooks 的密钥应为 whsec_ 加 base64（解码后 24 到 64 字节）。不给 --secret 时会自动生成。",
                    en:
                        "A Standard Webhooks secret is whsec_ followed by base64 (24 to 64 bytes decoded). Leave out --secret to have one generated."
                )
            }
            return given
        case .wecom:
            guard given?.isEmpty ?? true else {
                throw JifenError.usage(
                    .badSecret, zh: "企业微信群机器人不使用签名密钥：地址中的 key 就是凭据。请去掉 --secret。",
                    en: "WeCom robots are not signed: the key in the URL is the credential. Leave out --secret.")
            }
            return ""
        case .dingtalk, .feishu:
            // The robot's platform issues this secret (钉钉: SEC…); Jifen cannot make one up.
            return given ?? ""
        }
    }

    /// The HMAC key of a `whsec_` secret, nil when it is not one.
    public static func standardKey(_ secret: String) -> SymmetricKey? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))),
            (24...64).contains(data.count)
        else { return nil }
        return SymmetricKey(data: data)
    }

    /// `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
    public static func standardSignature(secret: String, id: String, timestamp: Int64, body: Data) -> String? {
        guard let key = standardKey(secret) else { return nil }
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Checks a received Standard Webhooks message: any of the space-separated `v1,` signatures
    /// made with `secret` over the id, timestamp and raw body. (What a receiver does; used by tests.)
    public static func verifyStandard(
        secret: String, id: String, timestamp: String, signatures: String, body: Data
    ) -> Bool {
        guard let timestamp = Int64(timestamp),
            let expected = standardSignature(secret: secret, id: id, timestamp: timestamp, body: body)
        else {
            return false
        }
        return signatures.split(separator: " ").contains { candidate in
            let a = Array(candidate.utf8), b = Array(expected.utf8)
            return a.count == b.count && zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    /// DingTalk: base64(HMAC-SHA256(key: secret, "{timestamp ms}\n{secret}")), before URL encoding.
    public static func dingTalkSign(secret: String, timestampMillis: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestampMillis)\n\(secret)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Feishu: base64(HMAC-SHA256(key: "{timestamp s}\n{secret}", message: empty)).
    public static func feishuSign(secret: String, timestampSeconds: Int64) -> String {
        let key = SymmetricKey(data: Data("\(timestampSeconds)\n\(secret)".utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(), using: key)).base64EncodedString()
    }

    /// Percent-encodes a query value the way DingTalk expects (`+`, `/`, `=` encoded).
    public static func queryEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
