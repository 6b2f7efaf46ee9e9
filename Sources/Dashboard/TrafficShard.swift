import Foundation

/// One part of the dashboard's counters. The taps of one worker (a few, when there are more workers than
/// shards) add their batches here under the shard's own lock, so two workers never count into the same
/// memory: counted into one shared set, every batch moved the summaries' cache lines from the other core
/// (+12% CPU with two workers against +5% with one). `TrafficStats` adds the shards up when the page asks.
final class TrafficShard: @unchecked Sendable {
    let lock = NSLock()
    private(set) var total = 0
    private(set) var perSecond = TimeRing(slots: 3600, width: 1, columns: 1)
    private(set) var perLabel: [TimeRing]
    private(set) var totals: [[Int]]
    /// Per model, one summary per label, for this top-k epoch and the one before.
    private(set) var topNames: [SpaceSaving]
    private(set) var previousTopNames: [SpaceSaving]
    private(set) var clients: SpaceSaving
    private(set) var previousClients: SpaceSaving
    private(set) var latency: [Int: Int] = [:]
    private(set) var previousLatency: [Int: Int] = [:]
    /// The top-k epoch the current summaries count; epochs are counted from the stats' start, the same for
    /// every shard, so the shards' summaries add up epoch by epoch.
    private var epoch = 0

    init(labelCounts: [Int], topNamesPerLabel: Int, topClients: Int) {
        perLabel = labelCounts.map { TimeRing(slots: 360, width: 10, columns: max(1, $0)) }
        totals = labelCounts.map { Array(repeating: 0, count: $0) }
        // Summaries are objects: the previous epoch's are others, never the current ones.
        topNames = labelCounts.map { SpaceSaving(summaries: $0, capacity: topNamesPerLabel) }
        previousTopNames = topNames.map { $0.emptied() }
        clients = SpaceSaving(capacity: topClients)
        previousClients = clients.emptied()
    }

    /// Adds a tap's batch at second `now`, in epoch `epoch` (the caller holds `lock`).
    func absorb(_ tap: TrafficTap, now: Int, epoch: Int) {
        rotate(to: epoch)
        let n = tap.distinct, m = totals.count
        total += tap.count
        perSecond.add(second: now, column: 0, tap.count)
        for model in 0..<m {
            var counts = Array(repeating: 0, count: totals[model].count)
            let tops = topNames[model]
            tap.withNames { names, ends, hashes, repeats, labels in
                for i in 0..<n {
                    let label = Int(labels[i * m + model])
                    guard label >= 0, label < counts.count else { continue }
                    counts[label] += repeats[i]
                    let start = i == 0 ? 0 : ends[i - 1]
                    tops.add(label, hashes[i], by: repeats[i], name: UnsafeBufferPointer(rebasing: names[start..<ends[i]]))
                }
            }
            for (label, count) in counts.enumerated() where count > 0 {
                perLabel[model].add(second: now, column: label, count)
                totals[model][label] += count
            }
        }
        for (hash, client) in tap.clients { client.name.withUnsafeBufferPointer { clients.add(0, hash, by: client.count, name: $0) } }
        for ns in tap.latencies { latency[LatencyBuckets.bucket(nanoseconds: ns), default: 0] += 1 }
    }

    /// Moves the summaries on to epoch `next` (the caller holds `lock`); a gap of two epochs or more leaves
    /// nothing recent to show.
    func rotate(to next: Int) {
        guard next > epoch else { return }
        let stale = next - epoch >= 2
        previousTopNames = stale ? topNames.map { $0.emptied() } : topNames
        previousClients = stale ? clients.emptied() : clients
        previousLatency = stale ? [:] : latency
        latency = [:]
        topNames = topNames.map { $0.emptied() }
        clients = clients.emptied()
        epoch = next
    }
}
