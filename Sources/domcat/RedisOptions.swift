import ArgumentParser
import Cache

/// The Redis cache tier's options, shared by `classify` and `serve`.
struct RedisOptions: ParsableArguments {
    @Option(help: "Shared Redis cache tier, e.g. redis://127.0.0.1:6379, unix:///run/redis.sock or redis-cluster://h1:p1,h2:p2 (a redis:// node of a cluster is found to be one with CLUSTER SLOTS; keys domcat:<model-sha256>:<name>).")
    var redis: String?

    @Option(name: .customLong("redis-timeout-ms"), help: "Longest a Redis connect or round trip may hold a request before the model answers.")
    var redisTimeoutMs: Int = 50

    @Option(name: .customLong("redis-ttl"), help: "Seconds a cached answer lives in Redis.")
    var redisTTL: Int = 86_400

    @Option(name: .customLong("redis-reads"), help: "When names the LRU lacks are read from Redis: auto (when the round trip costs less than the model work it saves, measured as it runs) or always.")
    var redisReads: RedisReads = .auto

    func validate() throws {
        if let redis, RedisEndpoint(url: redis) == nil { throw ValidationError("--redis: not redis://host:port, unix:///path or redis-cluster://h1:p1,h2:p2: \(redis)") }
        try Check.range(redisTimeoutMs, 1...60_000, "--redis-timeout-ms")
        try Check.range(redisTTL, 1...(365 * 86_400), "--redis-ttl")
    }

    /// nil without `--redis`.
    func settings() -> RedisSettings? {
        guard let redis, let endpoint = RedisEndpoint(url: redis) else { return nil }
        var settings = RedisSettings(endpoint: endpoint, timeoutMilliseconds: redisTimeoutMs, ttlSeconds: redisTTL)
        settings.reads = redisReads
        return settings
    }
}
