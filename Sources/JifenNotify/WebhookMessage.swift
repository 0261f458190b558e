public import Foundation
public import JifenCore

/// Builds the HTTP request of one attempt in the endpoint's format, signed for that attempt.
public enum WebhookMessage {
    /// - Parameters:
    ///   - nowMillis: the attempt's time: the signed timestamp of every format.
    ///   - timeZone: for times shown in robots' messages.
    /// - Throws: `JifenError` when the stored URL is not usable (it was checked when added).
    public static func request(
        for delivery: ClaimedDelivery, nowMillis: Int64, timeout: TimeInterval,
        timeZone: TimeZone
    ) throws -> HTTPRequest {
        let endpoint = delivery.endpoint
        var headers = ["Content-Type": "application/json; charset=utf-8", "User-Agent": "Jifen-Notify/1"]
        var url = try parseURL(endpoint.url)
        let body: Data
        switch endpoint.format {
        case .standard:
            body = standardBody(delivery.event)
            let seconds = nowMillis / 1000
            headers["webhook-id"] = delivery.webhookID
            headers["webhook-timestamp"] = "\(seconds)"
            let signatures = endpoint.signingSecrets(nowMillis: nowMillis).compactMap {
                WebhookSigning.standardSignature(secret: $0, id: delivery.webhookID, timestamp: seconds, body: body)
            }
            if !signatures.isEmpty { headers["webhook-signature"] = signatures.joined(separator: " ") }
        case .wecom:
            let text = EventText.render(delivery.event, timeZone: timeZone)
            body = json(["msgtype": "markdown", "markdown": ["content": text.markdown]])
        case .dingtalk:
            let text = EventText.render(delivery.event, timeZone: timeZone)
            body = json(["msgtype": "markdown", "markdown": ["title": text.title, "text": text.markdown]])
            if !endpoint.secret.isEmpty {
                let sign = WebhookSigning.queryEncode(
                    WebhookSigning.dingTalkSign(secret: endpoint.secret, timestampMillis: nowMillis))
                url = try appendQuery(url, "timestamp=\(nowMillis)&sign=\(sign)")
            }
        case .feishu:
            let text = EventText.render(delivery.event, timeZone: timeZone)
            var object: [String: Any] = ["msg_type": "text", "content": ["text": text.text]]
            if !endpoint.secret.isEmpty {
                let seconds = nowMillis / 1000
                object["timestamp"] = "\(seconds)"
                object["sign"] = WebhookSigning.feishuSign(secret: endpoint.secret, timestampSeconds: seconds)
            }
            body = json(object)
        }
        // Robots have no id header of their own; ours still lets a log be matched to a delivery.
        headers["webhook-id"] = delivery.webhookID
        return HTTPRequest(url: url, headers: headers, body: body, timeout: timeout)
    }

    /// `{"type":…,"timestamp":…,"data":…}`: `data` is the outbox payload exactly as the ledger wrote it.
    public static func standardBody(_ event: StoredEvent) -> Data {
        let timestamp = DayFormat.iso(Date(millis: event.createdAtMillis))
        let data =
            (try? JSONSerialization.jsonObject(with: Data(event.payload.utf8), options: [.fragmentsAllowed])) != nil
            ? event.payload : quoted(event.payload)
        return Data("{\"type\":\(quoted(event.type)),\"timestamp\":\(quoted(timestamp)),\"data\":\(data)}".utf8)
    }

    static func quoted(_ string: String) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: [string], options: [.withoutEscapingSlashes]))
            ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    static func json(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
    }

    static func parseURL(_ text: String) throws -> URL {
        guard let url = URL(string: text) else {
            throw JifenError.fault(
                .badURL, zh: "Webhook 地址无法解析：\(WebhookURLPolicy.redacted(text))。请删除后重新添加。",
                en: "The webhook URL cannot be parsed: \(WebhookURLPolicy.redacted(text)). Remove it and add it again.")
        }
        return url
    }

    static func appendQuery(_ url: URL, _ query: String) throws -> URL {
        let text = url.absoluteString
        let separator = text.contains("?") ? "&" : "?"
        return try parseURL(text + separator + query)
    }
}
