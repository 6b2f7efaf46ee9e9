import Cache
import Dashboard
import DomainKit
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
    /// Entries of the cache of recent names all workers share (about 60 bytes each).
    package var cacheEntries = 524_288
    package var threads = 2
    /// Also write the tokens that weighed most in each answer (the attention or contribution weights).
    package var explainTokens = 0
    /// A shared Redis cache tier behind the in-process caches, keyed by each model's digest.
    package var redis: RedisSettings? = nil
    /// Names no model should label (local, reverse lookups, no public suffix) get a marker instead; nil: every
    /// name goes to the model.
    package var nameScope: NameScope? = nil
    /// Counts every answer for a live dashboard (`--dashboard`); nil: nothing is counted.
    package var dashboard: TrafficStats? = nil
    package init() {}
}

/// Counters of one run; workers keep their own and the summary adds them up.
package struct ClassifyStats: Sendable {
    package var lines = 0
    package var classified = 0
    package var ipAddresses = 0
    /// Names answered with a `SpecialName` marker instead of a model label.
    package var special = 0
    package var rootQueries = 0
    package var errors = 0
    package var noQuery = 0
    package var filteredOut = 0
    package var cacheHits = 0
    package var redisHits = 0
    /// Top labels counted per model: `perLabel[model][label]`.
    package var perLabel: [[Int]]

    package init(labelCounts: [Int]) { perLabel = labelCounts.map { [Int](repeating: 0, count: $0) } }

    package mutating func add(_ other: ClassifyStats) {
        lines += other.lines; classified += other.classified; ipAddresses += other.ipAddresses; special += other.special
        rootQueries += other.rootQueries
        errors += other.errors; noQuery += other.noQuery; filteredOut += other.filteredOut; cacheHits += other.cacheHits
        redisHits += other.redisHits
        for m in perLabel.indices { for i in perLabel[m].indices { perLabel[m][i] += other.perLabel[m][i] } }
    }

    /// `models`: each model's name and labels, as the run was given them.
    package func summary(models: [(name: String, labels: [String])], seconds: Double) -> String {
        // Cache figures count one answer per model and name.
        let answers = Double(max(classified * max(1, models.count), 1))
        var s = "domcat: \(lines) lines, \(classified) classified, \(noQuery) without a query, \(ipAddresses) IP addresses, \(errors) errors"
        if special > 0 { s += ", \(special) local/reverse/no-suffix names" }
        if rootQueries > 0 { s += ", \(rootQueries) root queries" }
        if filteredOut > 0 { s += ", \(filteredOut) filtered out" }
        s += String(format: "; %.2f s, %.0f lines/s, cache hits %.1f%%", seconds, Double(lines) / max(seconds, 1e-9),
                    classified > 0 ? 100 * Double(cacheHits) / answers : 0)
        s += redisHits > 0 ? String(format: " (redis %.1f%%)\n", 100 * Double(redisHits) / answers) : "\n"
        for (m, model) in models.enumerated() where m < perLabel.count {
            let counted = zip(model.labels, perLabel[m]).filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            guard !counted.isEmpty else { continue }
            let heading = models.count > 1 ? "domcat: \(model.name): " : "domcat: labels: "
            s += heading + counted.prefix(20).map { "\($0.0)=\($0.1)" }.joined(separator: " ") + "\n"
        }
        return s
    }
}

import Foundation
