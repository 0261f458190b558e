import Foundation

/// The notifier's settings, kept in the same settings table as the ledger's rules
/// (`jifen config set webhook.retry_schedule 5s,5m,30m,2h,5h,10h,10h`).
public struct WebhookSettings: Sendable, Equatable {
    /// Delays before the 2nd, 3rd, … attempt, in milliseconds; after the last one fails the
    /// delivery is dead. The default follows the Standard Webhooks recommendation: about 27 hours.
    public var retrySchedule: [Int64] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]
    /// Each delay is moved by up to this share (percent) either way, so retries do not arrive in step.
    public var jitterPercent: Int = 20
    /// Per attempt: connect, send, and read the answer.
    public var timeoutSeconds: Int = 10
    /// Deliveries in flight at once, per notifier process.
    public var concurrency: Int = 32
    /// The rate a robot endpoint gets when `webhook add` is given no `--rate`.
    public var robotRatePerMinute: Int = 20
    /// How long a claim holds. Always at least twice the timeout, whatever is set.
    public var leaseSeconds: Int = 60

    public init() {}

    /// Reads the `webhook.*` settings; other keys are ignored.
    /// - Throws: `JifenError` (usage) for a value out of range.
    public init(settings: [String: String]) throws {
        self.init()
        for (key, value) in settings where key.hasPrefix("webhook.") {
            try Self.apply(key: key, value: value, to: &self)
        }
    }

    public var leaseMillis: Int64 { Int64(max(leaseSeconds, 2 * timeoutSeconds)) * 1000 }

    /// The rules between settings, checked by `config set` on the settings as they would be after
    /// the change: a lease that is set must be at least twice the timeout (as `config show` says),
    /// or a slow attempt would outlive its claim and another notifier would send it again at once.
    /// An unset lease follows the timeout (`leaseMillis`), so raising the timeout alone is fine.
    /// - Throws: `JifenError` (usage, `bad-setting`) saying which value to change.
    public static func checkTogether(_ settings: [String: String]) throws {
        let webhook = try WebhookSettings(settings: settings)
        guard settings["webhook.lease_seconds"] != nil, webhook.leaseSeconds < 2 * webhook.timeoutSeconds else {
            return
        }
        throw JifenError.usage(
            .badSetting,
            zh:
                "webhook.lease_seconds（\(webhook.leaseSeconds) 秒）至少应为 "
                + "webhook.timeout_seconds（\(webhook.timeoutSeconds) 秒）的两倍，即不少于 \(2 * webhook.timeoutSeconds)。"
                + "请调大租期或调小超时。",
            en:
                "webhook.lease_seconds (\(webhook.leaseSeconds) s) must be at least twice webhook.timeout_seconds "
                + "(\(webhook.timeoutSeconds) s), that is at least \(2 * webhook.timeoutSeconds). Raise the lease "
                + "or lower the timeout."
        )
    }

    static func apply(key: String, value: String, to settings: inout WebhookSettings) throws {
        let value = value.trimmingCharacters(in: .whitespaces)
        switch key {
        case "webhook.retry_schedule": settings.retrySchedule = try parseSchedule(value)
        case "webhook.retry_jitter_percent": settings.jitterPercent = try int(value, key: key, in: 0...50)
        case "webhook.timeout_seconds": settings.timeoutSeconds = try int(value, key: key, in: 1...120)
        case "webhook.concurrency": settings.concurrency = try int(value, key: key, in: 1...256)
        case "webhook.robot_rate_per_minute": settings.robotRatePerMinute = try int(value, key: key, in: 1...600)
        case "webhook.lease_seconds": settings.leaseSeconds = try int(value, key: key, in: 1...3600)
        default:
            throw JifenError.usage(
                .unknownSetting, zh: "没有名为 \(key) 的设置。用 jifen config show 查看所有设置。",
                en: "There is no setting named \(key). See them all with jifen config show.")
        }
    }

    /// Parses `5s,5m,30m,2h` (units ms, s, m, h, d) into milliseconds.
    /// - Throws: `JifenError` (usage) naming the bad part.
    public static func parseSchedule(_ text: String) throws -> [Int64] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var delays: [Int64] = []
        for part in parts {
            let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
            guard
                let (suffix, factor) = units.first(where: {
                    part.hasSuffix($0.0) && Int64(part.dropLast($0.0.count)) != nil
                }),
                let number = Int64(part.dropLast(suffix.count)), number >= 0, number <= 30 * 86_400_000 / factor
            else {
                throw JifenError.usage(
                    .badSetting, zh: "重试间隔「\(part)」无效。应为逗号分隔的时长，如 5s,5m,30m,2h,5h,10h,10h（单位 ms、s、m、h、d）。",
                    en:
                        "The retry delay \"\(part)\" is not valid. Give comma-separated durations such as "
                        + "5s,5m,30m,2h,5h,10h,10h (units ms, s, m, h, d)."
                )
            }
            delays.append(number * factor)
        }
        guard !delays.isEmpty, delays.count <= 30 else {
            throw JifenError.usage(
                .badSetting, zh: "重试间隔应有 1 到 30 项，如 5s,5m,30m,2h,5h,10h,10h。",
                en: "The retry schedule needs 1 to 30 delays, such as 5s,5m,30m,2h,5h,10h,10h.")
        }
        return delays
    }

    private static func int(_ value: String, key: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw JifenError.usage(
                .badSetting, zh: "设置 \(key) 的值「\(value)」无效，应为 \(range.lowerBound) 到 \(range.upperBound) 之间的整数。",
                en:
                    "The value \"\(value)\" for \(key) is not valid; expected a whole number from \(range.lowerBound) to \(range.upperBound)."
            )
        }
        return number
    }
}

extension Rules {
    /// The notifier's settings, listed by `config show` and checked by `config set`. They change
    /// nothing in `Rules`: the notifier reads them with `WebhookSettings(settings:)`.
    static let webhookDefinitions: [SettingDefinition] = [
        webhook(
            "webhook.retry_schedule", "5s,5m,30m,2h,5h,10h,10h",
            zh: "Webhook 失败后的重试间隔（逗号分隔，单位 ms/s/m/h/d），用完即转为死信",
            en: "delays between webhook retries (comma-separated, ms/s/m/h/d); after the last the delivery is dead"),
        webhook(
            "webhook.retry_jitter_percent", "20", zh: "重试间隔的随机浮动（百分比）",
            en: "random spread of each retry delay (percent)"),
        webhook("webhook.timeout_seconds", "10", zh: "每次投递的超时（秒）", en: "timeout of one delivery attempt (seconds)"),
        webhook(
            "webhook.concurrency", "32", zh: "每个 notify 进程同时进行的投递数",
            en: "deliveries in flight at once per notify process"),
        webhook(
            "webhook.robot_rate_per_minute", "20", zh: "群机器人默认每分钟最多发送条数",
            en: "default most messages a minute to a group-chat robot"),
        webhook(
            "webhook.lease_seconds", "60", zh: "投递认领的租期（秒，至少为超时的两倍）",
            en: "how long a claimed delivery is held (seconds, at least twice the timeout)"),
    ]

    private static func webhook(_ key: String, _ defaultValue: String, zh: String, en: String) -> SettingDefinition {
        SettingDefinition(key: key, defaultValue: defaultValue, meaning: Bilingual(zh: zh, en: en)) { _, value in
            var settings = WebhookSettings()
            try WebhookSettings.apply(key: key, value: value, to: &settings)
        }
    }
}
