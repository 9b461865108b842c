import Metrics
import Prometheus
import Synchronization

/// Prometheus metrics of the server, kept in their own registry (no process-wide bootstrap, so tests can build
/// many applications).
public struct ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// Metric objects by label values: the registry looks each one up under its lock, with its label list
    /// rebuilt and compared, on every `Counter(label:dimensions:factory:)`; this is one dictionary lookup.
    private let handles = MetricHandles()

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
            .seconds(5),
        ]
        self.factory = factory
    }

    /// Counts one finished request and records its latency.
    func request(method: String, route: String, status: Int, nanoseconds: Int64) {
        let factory = factory
        handles.counter("\(method) \(route) \(status)") {
            Metrics.Counter(
                label: "maa_http_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))],
                factory: factory
            )
        }.increment()
        handles.timer(route) {
            Metrics.Timer(label: "maa_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
        }.recordNanoseconds(nanoseconds)
    }

    /// Counts one attestation by evidence type and outcome (`success`, or an error code).
    func attestation(type: String, outcome: String) {
        let factory = factory
        handles.counter("attestation \(type) \(outcome)") {
            Metrics.Counter(label: "maa_attestations_total", dimensions: [("type", type), ("outcome", outcome)], factory: factory)
        }.increment()
    }

    /// The text exposition format.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Metric objects already made, by a key naming their label values. Label values come from a closed set (routes,
/// methods the router accepts, status codes, error codes), so the tables stay small.
private final class MetricHandles: Sendable {
    let counters = HandleTable<Metrics.Counter>()
    let timers = HandleTable<Metrics.Timer>()

    func counter(_ key: String, make: () -> Metrics.Counter) -> Metrics.Counter { counters.handle(key, make: make) }
    func timer(_ key: String, make: () -> Metrics.Timer) -> Metrics.Timer { timers.handle(key, make: make) }
}

private final class HandleTable<Handle: Sendable>: Sendable {
    private let table = Mutex<[String: Handle]>([:])

    func handle(_ key: String, make: () -> Handle) -> Handle {
        table.withLock { table in
            if let existing = table[key] { return existing }
            let made = make()
            table[key] = made
            return made
        }
    }
}
