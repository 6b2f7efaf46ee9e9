import Foundation

/// Where Redis listens: `redis://host:port` (port 6379 when omitted), `unix:///path/to/socket`, or a Redis
/// Cluster reached through any of its nodes, `redis-cluster://host1:port1,host2:port2`.
package enum RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)
    case cluster(seeds: [RedisEndpoint])

    package init?(url: String) {
        if url.hasPrefix("redis-cluster://") {
            var rest = Substring(url.dropFirst("redis-cluster://".count))
            if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
            let seeds = rest.split(separator: ",").map { RedisEndpoint(url: "redis://" + $0) }
            guard !seeds.isEmpty, seeds.allSatisfy({ $0 != nil }) else { return nil }
            self = .cluster(seeds: seeds.compactMap { $0 })
            return
        }
        if url.hasPrefix("unix://") {
            let path = String(url.dropFirst("unix://".count))
            guard !path.isEmpty else { return nil }
            self = .unix(path: path)
            return
        }
        guard url.hasPrefix("redis://") else { return nil }
        var rest = Substring(url.dropFirst("redis://".count))
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var host = rest, port = 6379
        if let colon = rest.lastIndex(of: ":") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            host = rest[..<colon]
            port = p
        }
        guard !host.isEmpty else { return nil }
        self = .tcp(host: String(host), port: port)
    }

    package var description: String {
        switch self {
        case let .tcp(host, port): "redis://\(host):\(port)"
        case let .unix(path): "unix://\(path)"
        case let .cluster(seeds): "redis-cluster://" + seeds.map { $0.description.dropFirst("redis://".count) }.joined(separator: ",")
        }
    }
}

/// How the cache talks to Redis.
package struct RedisSettings: Sendable {
    package var endpoint: RedisEndpoint
    /// Longest a connect or one round trip may take before Redis is treated as down for this request.
    package var timeoutMilliseconds: Int = 50
    /// Lifetime of a cached answer (`SET … EX`).
    package var ttlSeconds: Int = 86_400
    /// First wait before reconnecting after a failure; doubles up to `maxBackoffMilliseconds`.
    package var minBackoffMilliseconds: Int = 100
    package var maxBackoffMilliseconds: Int = 5_000
    /// When LRU misses are looked up in Redis (answers the model computed are stored either way).
    package var reads: RedisReads = .auto

    package init(endpoint: RedisEndpoint, timeoutMilliseconds: Int = 50, ttlSeconds: Int = 86_400) {
        self.endpoint = endpoint
        self.timeoutMilliseconds = timeoutMilliseconds
        self.ttlSeconds = ttlSeconds
    }
}
