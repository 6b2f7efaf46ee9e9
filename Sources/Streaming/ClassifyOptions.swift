import Cache
import Learners

package struct ClassifyOptions: Sendable {
    package var output: OutputFormat = .tsv
    package var topK = 1
    /// nil: detect from the first lines.
    package var input: LogFormatKind? = nil
    package var column: String? = nil
    /// Lines that hold no query (replies, chatter): echoed as `!noquery` lines, or left out.
    package var passNoQuery = true
    /// Only these labels are written (others are counted, not printed).
    package var onlyLabels: Set<String>? = nil
    package var minProbability: Float = 0
    /// Entries of the cache of recent names all workers share (about 60 bytes each).
    package var cacheEntries = 524_288
    package var threads = 2
    /// Also write the tokens that weighed most in each answer (the attention or contribution weights).
    package var explainTokens = 0
    /// A shared Redis cache tier behind each worker's own cache, keyed by `modelDigest`.
    package var redis: RedisSettings? = nil
    package var modelDigest = ""
    package init() {}
}

/// Counters of one run; workers keep their own and the summary adds them up.
package struct ClassifyStats: Sendable {
    package var lines = 0
    package var classified = 0
    package var ipAddresses = 0
    package var rootQueries = 0
    package var errors = 0
    package var noQuery = 0
    package var filteredOut = 0
    package var cacheHits = 0
    package var redisHits = 0
    package var perLabel: [Int]

    package init(labelCount: Int) { perLabel = [Int](repeating: 0, count: labelCount) }

    package mutating func add(_ other: ClassifyStats) {
        lines += other.lines; classified += other.classified; ipAddresses += other.ipAddresses; rootQueries += other.rootQueries
        errors += other.errors; noQuery += other.noQuery; filteredOut += other.filteredOut; cacheHits += other.cacheHits
        redisHits += other.redisHits
        for i in perLabel.indices { perLabel[i] += other.perLabel[i] }
    }

    package func summary(labels: [String], seconds: Double) -> String {
        var s = "domcat: \(lines) lines, \(classified) classified, \(noQuery) without a query, \(ipAddresses) IP addresses, \(errors) errors"
        if rootQueries > 0 { s += ", \(rootQueries) root queries" }
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
