import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import JifenApp
import Logging
import NIOCore
import NIOPosix
import Prometheus
import Synchronization

/// Every metric Jifen emits, with its help text and, for a histogram, its buckets. JifenApp,
/// JifenNotify and the server emit through the swift-metrics facade by these names; the factory
/// (`JifenMetricsFactory`) gives each its help here, so every family in a scrape has a `# HELP`.
/// Labels are fixed words or route templates: never an id, a code, a phone number or a credential.
public enum MetricsCatalog {
    public struct Entry: Sendable {
        public var name: String
        public var help: String
    }

    public static let entries: [Entry] = [
        .init(
            name: "jifen_http_requests_total",
            help: "HTTP requests answered, by route template, method and status."),
        .init(
            name: "jifen_http_request_duration_seconds",
            help: "Time from a request's arrival to its answer, by route template and method."),
        .init(
            name: "jifen_write_batch_size",
            help: "Writes carried by one group commit (one transaction, one commit)."),
        .init(
            name: "jifen_write_batch_duration_seconds",
            help: "Time one group commit took, from its first write to its durable commit."),
        .init(
            name: "jifen_signin_refusals_total",
            help:
                "Sign-ins refused, by kind (credential, enrolment_code) and reason (wrong: checked and wrong; wait: refused unchecked, 429)."
        ),
        .init(
            name: "jifen_signin_lockouts_total",
            help: "Sign-in limits reached (from then on that key waits for its window), by the limit reached."),
        .init(
            name: "jifen_webhook_attempts_total",
            help: "Webhook delivery attempts made by this process's notifier, by result."),
        .init(
            name: "jifen_webhook_attempt_duration_seconds",
            help: "Time one webhook delivery attempt took."),
        .init(
            name: "jifen_ledger_transfers",
            help: "Transfers in the ledger (sealed or not), read from the store at scrape time."),
        .init(
            name: "jifen_outbox_backlog",
            help: "Webhook deliveries waiting to be delivered (pending), read from the store at scrape time."),
        .init(
            name: "jifen_webhook_deliveries",
            help: "Webhook deliveries in the store by status (pending, delivered, dead), read at scrape time."),
        .init(
            name: "jifen_store_up",
            help: "1 when the store answered this scrape's reads, 0 when it did not."),
    ]

    static let help: [String: String] = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.help) })

    /// Latency buckets from 1 ms to 10 s.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2.5), .seconds(5), .seconds(10),
    ]
    /// Batch sizes: powers of two up to the largest `--batch-max` worth using.
    static let sizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]

    static func helpText(_ name: String) -> String { help[name] ?? "Jifen metric \(name)." }
}

/// The swift-metrics factory `jifen serve` bootstraps: Prometheus's registry, with each metric's
/// help text and buckets from `MetricsCatalog`.
struct JifenMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: MetricsCatalog.helpText(label))
    }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: MetricsCatalog.helpText(label))
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else {
            return registry.makeGauge(name: label, labels: dimensions, help: MetricsCatalog.helpText(label))
        }
        return registry.makeValueHistogram(
            name: label, labels: dimensions, buckets: MetricsCatalog.sizeBuckets, help: MetricsCatalog.helpText(label))
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(name: label, labels: dimensions, help: MetricsCatalog.helpText(label))
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            name: label, labels: dimensions, buckets: MetricsCatalog.durationBuckets,
            help: MetricsCatalog.helpText(label))
    }
    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }
    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }
    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }
    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}

/// The process's metrics: one Prometheus registry behind the swift-metrics facade. The facade can
/// be bootstrapped once per process, so `bootstrap()` does it the first time and hands back the
/// same registry after (a test that starts several servers in one process reads that one).
public final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    private static let shared = Mutex<ServerMetrics?>(nil)

    private init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Bootstraps the facade with Prometheus (once per process) and returns the process's metrics.
    public static func bootstrap() -> ServerMetrics {
        shared.withLock { existing in
            if let existing { return existing }
            let metrics = ServerMetrics(registry: PrometheusCollectorRegistry())
            MetricsSystem.bootstrap(JifenMetricsFactory(registry: metrics.registry))
            existing = metrics
            return metrics
        }
    }

    /// The deliveries' statuses a scrape names (the store's words; any other is not shown).
    static let deliveryStatuses = ["pending", "delivered", "dead"]

    /// The scrape: the store's counts set as gauges (nil: the store did not answer), then every
    /// metric in Prometheus's text format.
    func scrape(_ counts: JifenApp.MonitorCounts?) -> String {
        func gauge(_ name: String, _ labels: [(String, String)] = []) -> Prometheus.Gauge {
            registry.makeGauge(name: name, labels: labels, help: MetricsCatalog.helpText(name))
        }
        gauge("jifen_store_up").set(to: counts == nil ? 0 : 1)
        if let counts {
            gauge("jifen_ledger_transfers").set(to: Double(counts.transfers))
            gauge("jifen_outbox_backlog").set(to: Double(counts.deliveries["pending"] ?? 0))
            for status in Self.deliveryStatuses {
                gauge("jifen_webhook_deliveries", [("status", status)]).set(to: Double(counts.deliveries[status] ?? 0))
            }
        }
        return registry.emitToString()
    }

    /// The methods a label names; any other is `other` (a client chooses the method: no new series for it).
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    /// One answered HTTP request, by route template (never the path itself), method and status.
    static func request(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let key = SeriesKey(route: route, method: knownMethods.contains(method) ? method : "other", status: status)
        let series = requestSeries.withLock { made in
            if let found = made[key] { return found }
            let new = RequestSeries(
                count: Counter(
                    label: "jifen_http_requests_total",
                    dimensions: [("route", key.route), ("method", key.method), ("status", String(status))]),
                duration: CoreMetrics.Timer(
                    label: "jifen_http_request_duration_seconds",
                    dimensions: [("route", key.route), ("method", key.method)]))
            made[key] = new
            return new
        }
        series.count.increment()
        series.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// A request's series, made once (a lookup per request instead of a registration through the facade).
    struct SeriesKey: Hashable, Sendable {
        var route: String
        var method: String
        var status: Int
    }
    struct RequestSeries: Sendable {
        let count: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
    }
    private static let requestSeries = Mutex<[SeriesKey: RequestSeries]>([:])
}

extension JifenServer {
    /// The metrics listener: `GET /metrics` only, on its own address (`ServerOptions.metricsHost`),
    /// without the API's routes, credentials or request log.
    func metricsApplication(
        _ metrics: ServerMetrics, onListening: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        let (app, pool) = (self.app, self.pool)
        router.get("/metrics") { _, _ in
            let counts = try? await pool.runIfActive { try app.monitorCounts() }
            let text = metrics.scrape(counts)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        var logger = Logger(label: "jifen.metrics")
        logger.logLevel = .critical
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(options.metricsHost ?? "127.0.0.1", port: options.metricsPort), serverName: "jifen"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
