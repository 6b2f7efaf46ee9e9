import Foundation
import Lines

/// What the dashboard shows, in fixed memory however long the stream: names per second over the last hour
/// (3,600 one-second slots), names per label per model over the last hour (360 ten-second slots), and the top
/// names of each label and the top clients asking for risky labels, as Space-Saving summaries over the
/// current and the previous `window` (so "since" is between one and two windows ago, and says when), as are
/// the batch latencies a server hands over.
/// Workers hand over a batch at a time (`absorb`); the page reads `json` once a second.
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
    private let lock = NSLock()
    private let started: Int
    private var total = 0
    private var perSecond = TimeRing(slots: 3600, width: 1, columns: 1)
    private var perLabel: [TimeRing]
    private var totals: [[Int]]
    private var topNames: [[SpaceSaving]]
    private var previousTopNames: [[SpaceSaving]]
    private var clients: SpaceSaving
    private var previousClients: SpaceSaving
    private var latency: [Int: Int] = [:]
    private var previousLatency: [Int: Int] = [:]
    private var epochStart: Int
    private var previousEpochStart: Int

    /// `clock`: seconds since 1970 (tests give their own).
    package init(models: [ModelInfo], window: Int = 600, clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.models = models
        self.window = window
        self.clock = clock
        started = clock()
        perLabel = models.map { TimeRing(slots: 360, width: 10, columns: max(1, $0.labels.count)) }
        totals = models.map { Array(repeating: 0, count: $0.labels.count) }
        // Summaries are objects: the previous window's are others, never the current ones.
        topNames = models.map { model in model.labels.map { _ in SpaceSaving(capacity: Self.topNamesPerLabel) } }
        previousTopNames = models.map { model in model.labels.map { _ in SpaceSaving(capacity: Self.topNamesPerLabel) } }
        clients = SpaceSaving(capacity: Self.topClients)
        previousClients = SpaceSaving(capacity: Self.topClients)
        epochStart = started
        previousEpochStart = started
    }

    /// A tap for one worker: it knows which labels count their clients.
    package func makeTap() -> TrafficTap {
        TrafficTap(risky: models.map { model in model.labels.map(Self.riskyLabels.contains) })
    }

    /// Adds a worker's batch and empties its tap.
    package func absorb(_ tap: inout TrafficTap) {
        guard !tap.isEmpty else { return }
        let now = clock()
        lock.lock()
        rotate(now)
        let n = tap.count, m = models.count
        total += n
        perSecond.add(second: now, column: 0, n)
        tap.nameBytes.withUnsafeBufferPointer { names in
            for model in 0..<m {
                var counts = Array(repeating: 0, count: totals[model].count)
                let tops = topNames[model]
                for i in 0..<n {
                    let label = Int(tap.labels[i * m + model])
                    guard label >= 0, label < counts.count else { continue }
                    counts[label] += 1
                    let start = i == 0 ? 0 : tap.nameEnds[i - 1]
                    tops[label].add(tap.hashes[i], name: UnsafeBufferPointer(rebasing: names[start..<tap.nameEnds[i]]))
                }
                for (label, count) in counts.enumerated() where count > 0 {
                    perLabel[model].add(second: now, column: label, count)
                    totals[model][label] += count
                }
            }
        }
        for (hash, client) in tap.clients { client.name.withUnsafeBufferPointer { clients.add(hash, by: client.count, name: $0) } }
        for ns in tap.latencies { latency[LatencyBuckets.bucket(nanoseconds: ns), default: 0] += 1 }
        lock.unlock()
        tap.removeAll()
    }

    private func rotate(_ now: Int) {
        guard now - epochStart >= window else { return }
        // A gap of two windows or more leaves nothing recent to show.
        let stale = now - epochStart >= 2 * window
        previousTopNames = stale ? topNames.map { $0.map { SpaceSaving(capacity: $0.capacity) } } : topNames
        previousClients = stale ? SpaceSaving(capacity: clients.capacity) : clients
        previousLatency = stale ? [:] : latency
        latency = [:]
        previousEpochStart = stale ? now : epochStart
        topNames = topNames.map { $0.map { SpaceSaving(capacity: $0.capacity) } }
        clients = SpaceSaving(capacity: clients.capacity)
        epochStart = now
    }

    /// `/api/stats`: the figures above as JSON; `extra` adds the host's own members (cache, latency, experiment).
    package func json(extra: String = "") -> String {
        let now = clock()
        lock.lock(); defer { lock.unlock() }
        rotate(now)
        var out = "{\"now\":\(now),\"started\":\(started),\"names\":\(total),\"since\":\(previousEpochStart)"
        let rate = perSecond.rows(endingAt: now, count: 3600).map { $0[0] }
        out += ",\"per_second\":[" + rate.map(String.init).joined(separator: ",") + "]"
        out += ",\"models\":[" + models.indices.map { modelJSON($0, now: now) }.joined(separator: ",") + "]"
        out += ",\"clients\":{\"labels\":" + jsonArray(Self.riskyLabels.sorted()) + ",\"top\":["
        out += merged(previousClients, clients, 20).map { "{\"client\":\(jsonString($0.name)),\"count\":\($0.count),\"error\":\($0.error)}" }
            .joined(separator: ",") + "]}"
        var both = previousLatency
        for (bucket, n) in latency { both[bucket, default: 0] += n }
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
        let hour = perLabel[m].sums(endingAt: now, count: 360)
        let ranked = model.labels.indices.filter { hour[$0] > 0 }.sorted { hour[$0] != hour[$1] ? hour[$0] > hour[$1] : $0 < $1 }
        let shown = Array(ranked.prefix(Self.seriesLabels))
        let rows = perLabel[m].rows(endingAt: now, count: 360)
        var out = "{\"name\":\(jsonString(model.name)),\"version\":\(jsonString(model.version))"
        out += ",\"top_labels\":[" + ranked.prefix(20).map { "{\"label\":\(jsonString(model.labels[$0])),\"count\":\(hour[$0])}" }.joined(separator: ",") + "]"
        out += ",\"totals\":{" + model.labels.indices.filter { totals[m][$0] > 0 }.map { "\(jsonString(model.labels[$0])):\(totals[m][$0])" }.joined(separator: ",") + "}"
        // The hour by ten-second slot: the top labels' series and the rest as "other".
        out += ",\"series\":{\"width\":10,\"labels\":" + jsonArray(shown.map { model.labels[$0] } + ["other"]) + ",\"rows\":["
        out += rows.map { row in
            let mine = shown.map { row[$0] }
            return "[" + (mine + [row.reduce(0, +) - mine.reduce(0, +)]).map(String.init).joined(separator: ",") + "]"
        }.joined(separator: ",") + "]}"
        out += ",\"top_names\":{" + ranked.prefix(20).map { label in
            jsonString(model.labels[label]) + ":[" + merged(previousTopNames[m][label], topNames[m][label], 10)
                .map { "{\"name\":\(jsonString($0.name)),\"count\":\($0.count),\"error\":\($0.error)}" }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "}"
        return out + "}"
    }

    /// The top `n` of two epochs' summaries together (counts and errors add).
    private func merged(_ a: SpaceSaving, _ b: SpaceSaving, _ n: Int) -> [SpaceSaving.Entry] {
        var byKey: [UInt64: SpaceSaving.Entry] = [:]
        for entry in a.top(a.capacity) + b.top(b.capacity) {
            if var seen = byKey[entry.key] {
                seen.count += entry.count
                seen.error += entry.error
                byKey[entry.key] = seen
            } else {
                byKey[entry.key] = entry
            }
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
