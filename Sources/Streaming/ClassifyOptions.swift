import Cache
import Learners

public struct ClassifyOptions: Sendable {
    public var output: OutputFormat = .tsv
    public var topK = 1
    /// nil: detect from the first lines.
    public var input: LogFormatKind? = nil
    public var column: String? = nil
    /// Lines that hold no query (replies, chatter): echoed as `!noquery` lines, or left out.
    public var passNoQuery = true
    /// Only these labels are written (others are counted, not printed).
    public var onlyLabels: Set<String>? = nil
    public var minProbability: Float = 0
    /// Entries of the cache of recent names all workers share (about 60 bytes each).
    public var cacheEntries = 524_288
    public var threads = 2
    /// Also write the tokens that weighed most in each answer (the attention or contribution weights).
    public var explainTokens = 0
    /// A shared Redis cache tier behind each worker's own cache, keyed by `modelDigest`.
    public var redis: RedisSettings? = nil
    public var modelDigest = ""
    public init() {}
}

/// Counters of one run; workers keep their own and the summary adds them up.
public struct ClassifyStats: Sendable {
    public var lines = 0
    public var classified = 0
    public var ipAddresses = 0
    public var errors = 0
    public var noQuery = 0
    public var filteredOut = 0
    public var cacheHits = 0
    public var redisHits = 0
    public var perLabel: [Int]

    public init(labelCount: Int) { perLabel = [Int](repeating: 0, count: labelCount) }

    public mutating func add(_ other: ClassifyStats) {
        lines += other.lines; classified += other.classified; ipAddresses += other.ipAddresses
        errors += other.errors; noQuery += other.noQuery; filteredOut += other.filteredOut; cacheHits += other.cacheHits
        redisHits += other.redisHits
        for i in perLabel.indices { perLabel[i] += other.perLabel[i] }
    }

    public func summary(labels: [String], seconds: Double) -> String {
        var s = "domcat: \(lines) lines, \(classified) classified, \(noQuery) without a query, \(ipAddresses) IP addresses, \(errors) errors"
        if filteredOut > 0 { s += ", \(filteredOut) filtered out" }
        s += String(format: "; %.2f s, %.0f lines/s, cache hits %.1f%%", seconds, Double(lines) / max(seconds, 1e-9),
                    classified > 0 ? 100 * Double(cacheHits) / Double(classified) : 0)
        s += redisHits > 0 ? String(format: " (redis %.1f%%)\n", 100 * Double(redisHits) / Double(max(classified, 1))) : "\n"
        let counted = zip(labels, perLabel).filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        if !counted.isEmpty {
            s += "domcat: labels: " + counted.prefix(20).map { "\($0.0)=\($0.1)" }.joined(separator: " ") + "\n"
        }
        return s
    }
}

import Foundation
