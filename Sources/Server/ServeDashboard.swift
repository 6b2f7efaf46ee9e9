import Cache
import Dashboard
import Foundation
import Lines

/// `serve --dashboard`: the live page on the HTTP listener (`GET /`, `/api/stats`, `/api/explain`), counting
/// what the workers and the event loops answer. The counters follow the served models' labels: a reload or a
/// registry switch to models with other labels starts them afresh (a switch between versions with the same
/// labels keeps them).
final class ServeDashboard: @unchecked Sendable {
    private let lock = NSLock()
    private var stats: TrafficStats
    private var labels: [[String]]

    init(_ serving: ServingSet) {
        labels = Self.labels(serving)
        stats = Self.makeStats(serving)
    }

    /// The counters for names answered by `serving`.
    func stats(for serving: ServingSet) -> TrafficStats {
        lock.lock(); defer { lock.unlock() }
        let now = Self.labels(serving)
        if now != labels {
            labels = now
            stats = Self.makeStats(serving)
        }
        return stats
    }

    /// Counts one answered name: each model's top label (a split experiment's treatment's, by name, in the
    /// first model's place).
    static func record(_ tap: TrafficTap, name: String, top: (Int) -> Int32, treated: Bool, serving: ServingSet, client: String?) {
        for m in 0..<tap.models {
            let label = top(m)
            tap.label(m == 0 && treated ? serving.experiment?.controlLabel(ofTreatment: label) ?? -1 : label)
        }
        var client = client
        guard client != nil else { return tap.record(name, client: nil) }
        client!.withUTF8 { tap.record(name, client: $0) }
    }

    func respond(path: String, query: String, core: ServerCore) -> SmallHTTPListener.Response? {
        let serving = core.slot.current
        let page = Dashboard(stats: stats(for: serving), explainModels: {
            serving.models.map { .init(name: $0.model.name, classifier: $0.model.classifier, minProbability: $0.minProbability) }
        }, extra: { Self.extra(serving, core: core) })
        return page.respond(path: path, query: query)
    }

    /// Cache tiers (the first model's), and the running experiment.
    private static func extra(_ serving: ServingSet, core: ServerCore) -> String {
        let cache = serving.models[0].cache
        let total = Double(max(1, cache.lruHits + cache.redisHits + cache.misses))
        var out = String(format: "\"cache\":{\"hit_ratio\":{\"memory\":%.4f,\"redis\":%.4f}}", Double(cache.lruHits) / total, Double(cache.redisHits) / total)
        if let live = serving.experiment {
            let e = live.experiment
            let names = core.metrics.experimentNames
            out += ",\"experiment\":{\"id\":\(e.id),\"mode\":\"\(e.mode.rawValue)\",\"control\":\(jsonString(e.control)),\"treatment\":\(jsonString(e.treatment))"
            out += ",\"control_names\":\(names.control),\"treatment_names\":\(names.treatment)}"
        }
        return out
    }

    private static func labels(_ serving: ServingSet) -> [[String]] { serving.models.map(\.model.classifier.labels) }

    private static func makeStats(_ serving: ServingSet) -> TrafficStats {
        TrafficStats(models: serving.models.map { .init(name: $0.model.name, labels: $0.model.classifier.labels, version: $0.version ?? $0.model.shortVersion) })
    }
}
