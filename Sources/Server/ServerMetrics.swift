import Cache
import Foundation
import Prometheus

/// Everything `/metrics` shows, in one Prometheus registry per server (not the process-wide MetricsSystem,
/// so several servers — tests — can live in one process).
final class ServerMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    let lineRequests: Counter
    let httpRequests: Counter
    let errors: Counter
    let lruHits: Counter
    let redisHits: Counter
    let misses: Counter
    let latency: DurationHistogram
    let connections: Gauge
    let refusedConnections: Counter
    let reloadsOK: Counter
    let reloadsFailed: Counter
    private let redisUp: Gauge
    private let redisErrors: Counter
    private var reportedRedisErrors = 0
    private var modelInfo: Gauge?
    private let lock = NSLock()

    init() {
        lineRequests = registry.makeCounter(descriptor: metric("domcat_requests_total", "Names asked for."), labels: [("protocol", "line")])
        httpRequests = registry.makeCounter(descriptor: metric("domcat_requests_total", "Names asked for."), labels: [("protocol", "http")])
        errors = registry.makeCounter(descriptor: metric("domcat_request_errors_total", "Requests answered with an error: not a name, too long, bad HTTP body."))
        lruHits = registry.makeCounter(descriptor: metric("domcat_cache_hits_total", "Answers served from a cache tier."), labels: [("tier", "lru")])
        redisHits = registry.makeCounter(descriptor: metric("domcat_cache_hits_total", "Answers served from a cache tier."), labels: [("tier", "redis")])
        misses = registry.makeCounter(descriptor: metric("domcat_cache_misses_total", "Answers the model had to compute."))
        latency = registry.makeDurationHistogram(
            descriptor: metric("domcat_batch_latency_seconds", "From a batch of requests arriving on a connection to its answers being ready."),
            buckets: [.microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                      .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1)])
        connections = registry.makeGauge(descriptor: metric("domcat_open_connections", "Open client connections (line and HTTP)."))
        refusedConnections = registry.makeCounter(descriptor: metric("domcat_refused_connections_total", "Connections refused over --max-connections."))
        reloadsOK = registry.makeCounter(descriptor: metric("domcat_model_reloads_total", "Model reloads."), labels: [("result", "ok")])
        reloadsFailed = registry.makeCounter(descriptor: metric("domcat_model_reloads_total", "Model reloads."), labels: [("result", "failed")])
        redisUp = registry.makeGauge(descriptor: metric("domcat_redis_up", "1 when the Redis cache tier answers, 0 when it is down or not configured."))
        redisErrors = registry.makeCounter(descriptor: metric("domcat_redis_errors_total", "Redis connects and commands that failed or timed out (each one served from the model)."))
    }

    func setModel(version: String) {
        lock.lock(); defer { lock.unlock() }
        if let modelInfo { registry.unregisterGauge(modelInfo) }
        let gauge = registry.makeGauge(descriptor: metric("domcat_model_info", "The model being served (SHA-256 of its file)."), labels: [("version", version)])
        gauge.set(Double(1))
        modelInfo = gauge
    }

    /// Prometheus text, with the Redis figures brought up to date first.
    func render(redis: RedisHealth?) -> [UInt8] {
        lock.lock()
        redisUp.set(Double((redis?.isUp ?? false) ? 1 : 0))
        if let redis {
            let now = redis.errors
            if now > reportedRedisErrors { redisErrors.increment(by: Int64(now - reportedRedisErrors)) }
            reportedRedisErrors = now
        }
        lock.unlock()
        return registry.emitToBuffer()
    }
}

private func metric(_ name: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
}
