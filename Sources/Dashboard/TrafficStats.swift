import Foundation
import Lines

/// What the dashboard shows, in fixed memory however long the stream: names per second over the last hour
/// (3,600 one-second slots), names per label per model over the last hour (360 ten-second slots), and the top
/// names of each label and the top clients asking for risky labels, as Space-Saving summaries over the
/// current and the previous `window` (so "since" is between one and two windows ago, and says when), as are
/// the batch latencies a server hands over.
/// Workers hand over a batch at a time (`absorb`), each into its own shard; the page reads `json` once a
/// second, adding the shards up.
package final class TrafficStats: @unchecked Sendable {
    package struct ModelInfo: Sendable {
        package var name: String
        package var labels: [String]
        package var version: String
        package init(name: String, labels: [String], version: String) { (self.name, self.labels, self.version) = (name, labels, version) }
    }

    /// Labels whose askers are counted: what a network watcher wants to trace back to a machine.
    package static let riskyLabels: Set<String> = ["ads", "tracking", "badware", "cryptojacking"]
    /// Space-Saving capacity per label: every name seen more than 1/64 of its label's total is held.
    package static let topNamesPerLabel = 64
    static let topClients = 64
    static let seriesLabels = 8

    package let models: [ModelInfo]
    /// Seconds of one top-k epoch.
    package let window: Int
    private let clock: @Sendable () -> Int
    private let started: Int
    /// One per core at most: a tap counts into its own shard (`makeTap` hands them out in turn).
    private let shards: [TrafficShard]
    private let tapsLock = NSLock()
    private var taps = 0

    /// `clock`: seconds since 1970 (tests give their own); `shards`: how many workers count apart.
    package init(models: [ModelInfo], window: Int = 600, shards: Int = min(8, ProcessInfo.processInfo.activeProcessorCount),
                 clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.models = models
        self.window = window
        self.clock = clock
        started = clock()
        self.shards = (0..<max(1, shards)).map { _ in
            TrafficShard(labelCounts: models.map(\.labels.count), topNamesPerLabel: Self.topNamesPerLabel, topClients: Self.topClients)
        }
    }

    /// A tap for one worker: it knows which labels count their clients, and its shard.
    package func makeTap() -> TrafficTap {
        tapsLock.lock(); defer { tapsLock.unlock() }
        taps += 1
        return TrafficTap(risky: models.map { model in model.labels.map(Self.riskyLabels.contains) }, shard: (taps - 1) % shards.count)
    }

    /// Adds a worker's batch and empties its tap.
    package func absorb(_ tap: TrafficTap) {
        guard !tap.isEmpty else { return }
        let now = clock()
        let shard = shards[tap.shard]
        shard.lock.lock()
        shard.absorb(tap, now: now, epoch: epoch(now))
        shard.lock.unlock()
        tap.removeAll()
    }

    /// Top-k epochs are `window` seconds from the start.
    private func epoch(_ now: Int) -> Int { max(0, (now - started) / window) }

    /// `/api/stats`: the figures above as JSON; `extra` adds the host's own members (cache, latency, experiment).
    package func json(extra: String = "") -> String {
        let now = clock()
        let current = epoch(now)
        for shard in shards { shard.lock.lock(); shard.rotate(to: current) }
        defer { for shard in shards { shard.lock.unlock() } }
        let since = started + max(0, current - 1) * window
        var out = "{\"now\":\(now),\"started\":\(started),\"names\":\(shards.map(\.total).reduce(0, +)),\"since\":\(since)"
        let rate = summed(shards.map { $0.perSecond.rows(endingAt: now, count: 3600) }).map { $0[0] }
        out += ",\"per_second\":[" + rate.map(String.init).joined(separator: ",") + "]"
        out += ",\"models\":[" + models.indices.map { modelJSON($0, now: now) }.joined(separator: ",") + "]"
        out += ",\"clients\":{\"labels\":" + jsonArray(Self.riskyLabels.sorted()) + ",\"top\":["
        out += merged(shards.flatMap { [$0.previousClients, $0.clients] }, 0, 20)
            .map { "{\"client\":\(jsonString($0.name)),\"count\":\($0.count),\"error\":\($0.error)}" }.joined(separator: ",") + "]}"
        var both: [Int: Int] = [:]
        for shard in shards {
            for (bucket, n) in shard.previousLatency { both[bucket, default: 0] += n }
            for (bucket, n) in shard.latency { both[bucket, default: 0] += n }
        }
        if !both.isEmpty {
            // Upper edges of the histogram buckets holding each quantile.
            let quantiles = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)].compactMap { name, q in
                LatencyBuckets.quantile(both, q).map { "\"\(name)\":\($0)" }
            }
            out += ",\"latency\":{\"samples\":\(both.values.reduce(0, +)),\"seconds\":{" + quantiles.joined(separator: ",") + "}}"
        }
        if !extra.isEmpty { out += "," + extra }
        return out + "}"
    }

    private func modelJSON(_ m: Int, now: Int) -> String {
        let model = models[m]
        let rows = summed(shards.map { $0.perLabel[m].rows(endingAt: now, count: 360) })
        let hour = rows.reduce(into: Array(repeating: 0, count: max(1, model.labels.count))) { sums, row in
            for c in row.indices { sums[c] += row[c] }
        }
        let totals = summed(shards.map { [$0.totals[m]] })[0]
        let ranked = model.labels.indices.filter { hour[$0] > 0 }.sorted { hour[$0] != hour[$1] ? hour[$0] > hour[$1] : $0 < $1 }
        let shown = Array(ranked.prefix(Self.seriesLabels))
        var out = "{\"name\":\(jsonString(model.name)),\"version\":\(jsonString(model.version))"
        out += ",\"top_labels\":[" + ranked.prefix(20).map { "{\"label\":\(jsonString(model.labels[$0])),\"count\":\(hour[$0])}" }.joined(separator: ",") + "]"
        out += ",\"totals\":{" + model.labels.indices.filter { totals[$0] > 0 }.map { "\(jsonString(model.labels[$0])):\(totals[$0])" }.joined(separator: ",") + "}"
        // The hour by ten-second slot: the top labels' series and the rest as "other".
        out += ",\"series\":{\"width\":10,\"labels\":" + jsonArray(shown.map { model.labels[$0] } + ["other"]) + ",\"rows\":["
        out += rows.map { row in
            let mine = shown.map { row[$0] }
            return "[" + (mine + [row.reduce(0, +) - mine.reduce(0, +)]).map(String.init).joined(separator: ",") + "]"
        }.joined(separator: ",") + "]}"
        let summaries = shards.flatMap { [$0.previousTopNames[m], $0.topNames[m]] }
        out += ",\"top_names\":{" + ranked.prefix(20).map { label in
            jsonString(model.labels[label]) + ":[" + merged(summaries, label, 10)
                .map { "{\"name\":\(jsonString($0.name)),\"count\":\($0.count),\"error\":\($0.error)}" }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "}"
        return out + "}"
    }

    /// Row by row, column by column sums of several shards' rows (all the same shape).
    private func summed(_ tables: [[[Int]]]) -> [[Int]] {
        var sum = tables[0]
        for table in tables.dropFirst() {
            for r in table.indices { for c in table[r].indices { sum[r][c] += table[r][c] } }
        }
        return sum
    }

    /// The top `n` of several summaries `summary` (shards and epochs) together. Counts and errors add; a key one
    /// summary does not hold adds that summary's bound (what it may have counted of it before letting it go,
    /// unseen), so each count stays an upper bound and count − error a lower one.
    private func merged(_ summaries: [SpaceSaving], _ summary: Int, _ n: Int) -> [SpaceSaving.Entry] {
        let held = summaries.map { Dictionary(uniqueKeysWithValues: $0.top(summary, $0.capacity).map { ($0.key, $0) }) }
        let bounds = summaries.map { $0.bound(summary) }
        var byKey: [UInt64: SpaceSaving.Entry] = [:]
        for entry in held.flatMap(\.values) where byKey[entry.key] == nil {
            var sum = SpaceSaving.Entry(key: entry.key, name: entry.name, count: 0, error: 0)
            for (s, entries) in held.enumerated() {
                if let mine = entries[entry.key] {
                    sum.count += mine.count; sum.error += mine.error
                } else {
                    sum.count += bounds[s]; sum.error += bounds[s]
                }
            }
            byKey[entry.key] = sum
        }
        // Ranked by the count each is sure to have: in a long tail, a name just taken in inherits a large count
        // but is sure of little.
        return Array(byKey.values.sorted { a, b in
            let (sureA, sureB) = (a.count - a.error, b.count - b.error)
            return sureA != sureB ? sureA > sureB : a.count != b.count ? a.count > b.count : a.name < b.name
        }.prefix(n))
    }
}

func jsonArray(_ strings: [String]) -> String { "[" + strings.map(jsonString).joined(separator: ",") + "]" }
