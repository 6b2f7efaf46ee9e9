import ArgumentParser
import Cache

extension RedisReads: ExpressibleByArgument {}

/// The Redis cache tier's options, shared by `classify` and `serve`.
struct RedisOptions: ParsableArguments {
    @Option(help: "Shared Redis cache tier, e.g. redis://127.0.0.1:6379 or unix:///run/redis.sock (keys domcat:<model-sha256>:<name>).")
    var redis: String?

    @Option(name: .customLong("redis-timeout-ms"), help: "Longest a Redis connect or round trip may hold a request before the model answers.")
    var redisTimeoutMs: Int = 50

    @Option(name: .customLong("redis-ttl"), help: "Seconds a cached answer lives in Redis.")
    var redisTTL: Int = 86_400

    @Option(name: .customLong("redis-reads"), help: "When names the LRU lacks are read from Redis: auto (when the round trip costs less than the model work it saves, measured as it runs) or always.")
    var redisReads: RedisReads = .auto

    /// nil without `--redis`; a bad URL exits with a clear message.
    func settings() -> RedisSettings? {
        guard let redis else { return nil }
        guard let endpoint = RedisEndpoint(url: redis) else { fail("--redis: not redis://host:port or unix:///path: \(redis)", code: 2) }
        var settings = RedisSettings(endpoint: endpoint, timeoutMilliseconds: max(1, redisTimeoutMs), ttlSeconds: max(1, redisTTL))
        settings.reads = redisReads
        return settings
    }
}
