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
    /// Each model's cache tiers, in reply order.
    let caches: [CacheCounters]
    let latency: DurationHistogram
    let connections: Gauge
    let refusedConnections: Counter
    let reloadsOK: Counter
    let reloadsFailed: Counter
    private let redisUp: Gauge
    private let redisErrors: Counter
    private var reportedRedisErrors = 0
    private var modelInfo: [Gauge] = []
    /// Names each experiment arm answered (`serve --registry` with an experiment running).
    private let armCounters: [Counter]
    private let feedbackRight: Counter
    private let feedbackWrong: Counter
    private let lock = NSLock()
    private let models: [String]

    /// One model's answers by tier: every name asked is looked up once per model.
    struct CacheCounters {
        let lruHits: Counter
        let redisHits: Counter
        let misses: Counter
    }

    /// `models`: the names of the models served. One model's series carry no `model` label (as before there
    /// were several); several models' do.
    init(models: [String]) {
        let several = models.count > 1
        self.models = models
        lineRequests = registry.makeCounter(descriptor: metric("domcat_requests_total", "Names asked for."), labels: [("protocol", "line")])
        httpRequests = registry.makeCounter(descriptor: metric("domcat_requests_total", "Names asked for."), labels: [("protocol", "http")])
        errors = registry.makeCounter(descriptor: metric("domcat_request_errors_total", "Requests answered with an error: not a name, too long, bad HTTP body."))
        caches = models.map { [registry] name in
            let model = several ? [("model", name)] : []
            return CacheCounters(
                lruHits: registry.makeCounter(descriptor: metric("domcat_cache_hits_total", "Answers served from a cache tier."), labels: [("tier", "lru")] + model),
                redisHits: registry.makeCounter(descriptor: metric("domcat_cache_hits_total", "Answers served from a cache tier."), labels: [("tier", "redis")] + model),
                misses: registry.makeCounter(descriptor: metric("domcat_cache_misses_total", "Answers the model had to compute."), labels: model))
        }
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
        armCounters = ["control", "treatment"].map { [registry] in
            registry.makeCounter(descriptor: metric("domcat_experiment_names_total", "Names answered by each arm of the running experiment."), labels: [("arm", $0)])
        }
        feedbackRight = registry.makeCounter(descriptor: metric("domcat_feedback_total", "Labelled names received on POST /feedback, by whether the answer was right."), labels: [("result", "right")])
        feedbackWrong = registry.makeCounter(descriptor: metric("domcat_feedback_total", "Labelled names received on POST /feedback, by whether the answer was right."), labels: [("result", "wrong")])
    }

    private var armNames = [0, 0]

    func countExperiment(_ counts: ArmCounts) {
        for arm in 0..<2 where counts.names[arm] > 0 { armCounters[arm].increment(by: Int64(counts.names[arm])) }
        lock.lock(); armNames[0] += counts.names[0]; armNames[1] += counts.names[1]; lock.unlock()
    }

    /// Names each arm answered since the server started (the dashboard's figures).
    var experimentNames: (control: Int, treatment: Int) {
        lock.lock(); defer { lock.unlock() }
        return (armNames[0], armNames[1])
    }

    func feedback(correct: Bool) { (correct ? feedbackRight : feedbackWrong).increment() }

    /// The models served now, in the order of `models`: the SHA-256 of each file and, from a registry, its
    /// version there (and an experiment's treatment, as `arm="treatment"`).
    func setModels(_ serving: ServingSet) {
        lock.lock(); defer { lock.unlock() }
        for gauge in modelInfo { registry.unregisterGauge(gauge) }
        var served = zip(models, serving.models).map { name, model in (name, model, [(String, String)]()) }
        if let experiment = serving.experiment {
            served[0].2 = [("arm", "control")]
            served.append((models[0], experiment.treatment, [("arm", "treatment")]))
        }
        modelInfo = served.map { name, model, arm in
            var labels = [("version", model.model.digest)]
            if models.count > 1 { labels.append(("model", name)) }
            if let version = model.version { labels.append(("registry_version", version)) }
            labels += arm
            let gauge = registry.makeGauge(descriptor: metric("domcat_model_info", "The model being served (SHA-256 of its file)."), labels: labels)
            gauge.set(Double(1))
            return gauge
        }
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
