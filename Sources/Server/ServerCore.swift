import Cache
import Foundation
import Logging
import ModelStore
import NIOCore
import NIOHTTP1

/// What every connection handler shares: the model slot, the workers, metrics, Redis health, reload.
package final class ServerCore: @unchecked Sendable {
    let config: ServeConfig
    let slot: ModelSlot
    let metrics: ServerMetrics
    let redisHealth: RedisHealth?
    let pool: WorkerPool
    let connections: ConnectionLimit
    /// Nil when the admin endpoints are off (no token given).
    let admin: AdminGate?
    /// Nil without `--dashboard`: then nothing is counted for it.
    let dashboard: ServeDashboard?
    private let reloadLock = NSLock()
    private let outboxLock = NSLock()
    private var outboxes: [ObjectIdentifier: LoopOutbox] = [:]

    /// Reloads for SIGHUP and `/admin/reload` when the models do not come from `config.modelPaths` (a registry).
    var reloader: (() -> Result<ServingSet, Error>)?

    /// `models`: loaded from `config.modelPaths`, in that order; throws `ServeError.duplicateModelNames`.
    package convenience init(config: ServeConfig, models: [Model]) throws {
        try self.init(config: config, serving: ServingSet(models: models, config: config))
    }

    init(config: ServeConfig, serving: ServingSet) {
        self.config = config
        slot = ModelSlot(serving)
        metrics = ServerMetrics(models: serving.names)
        redisHealth = config.redis.map { RedisHealth(endpoint: $0.endpoint, logger: config.logger) }
        dashboard = config.dashboard ? ServeDashboard(serving) : nil
        pool = WorkerPool(workers: config.workers, slot: slot, redis: config.redis, health: redisHealth,
                          topK: config.topK, metrics: metrics, dashboard: dashboard)
        metrics.setModels(serving)
        connections = ConnectionLimit(limit: config.maxConnections)
        admin = config.adminToken.map { AdminGate(token: $0) }
    }

    /// The handlers of one accepted connection, on its event loop: the idle timeout, then the line protocol,
    /// or HTTP/1.1 with its request timer and `HTTPHandler` behind it. A connection over the limit is still
    /// set up, to be told so and closed by its handler.
    package func addHandlers(to channel: Channel, http: Bool) throws {
        let admitted = connections.admit()
        if admitted {
            channel.closeFuture.whenComplete { [connections] _ in connections.release() }
        } else {
            metrics.refusedConnections.increment()
        }
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(IdleTimeout(limit: TimeAmount(config.idleTimeout)))
        if http {
            let timer = RequestReadTimer(limit: TimeAmount(config.requestTimeout))
            try pipeline.addHandler(timer)
            try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
            try pipeline.addHandler(HTTPHandler(server: self, requestTimer: timer, admitted: admitted))
        } else {
            try pipeline.addHandler(LineProtocolHandler(core: self, admitted: admitted))
        }
    }

    /// The outbox of one event loop, shared by the connections it serves.
    func outbox(for eventLoop: EventLoop) -> LoopOutbox {
        outboxLock.lock(); defer { outboxLock.unlock() }
        if let existing = outboxes[ObjectIdentifier(eventLoop)] { return existing }
        let made = LoopOutbox(eventLoop: eventLoop, pool: pool)
        outboxes[ObjectIdentifier(eventLoop)] = made
        return made
    }

    /// Loads every model file again and swaps the whole set at once. On any failure (a file unreadable or
    /// corrupt, two names alike, a model renamed) every old model keeps serving and the reason comes back.
    func reload() -> Result<ServingSet, Error> {
        if let reloader { return reloader() }
        reloadLock.lock(); defer { reloadLock.unlock() }
        let old = slot.current
        do {
            let models = try config.modelPaths.map { try Model.load(path: $0, suffixes: config.suffixes) }
            for (was, now) in zip(old.models, models) where was.model.name != now.name {
                throw ServeError.modelRenamed(from: was.model.name, to: now.name)
            }
            var serving = old
            if models.map(\.digest) != old.models.map(\.model.digest) {
                // Unchanged files keep their model and its warm cache; only the set is new.
                serving = try ServingSet(models: models, config: config, keeping: old)
                slot.current = serving
                metrics.setModels(serving)
            }
            metrics.reloadsOK.increment()
            config.logger.notice("models reloaded: \(Self.describe(serving)) (was \(Self.describe(old)))")
            return .success(serving)
        } catch {
            metrics.reloadsFailed.increment()
            config.logger.error("model reload failed, still serving \(Self.describe(old)): \(error)")
            return .failure(error)
        }
    }

    /// Serves `serving` from now on (a registry's production or experiment changed).
    func install(_ serving: ServingSet) {
        let old = slot.current
        slot.current = serving
        metrics.setModels(serving)
        if let retired = old.experiment, retired !== serving.experiment { retired.retire() }
    }

    /// `name version` of each model, for the log.
    static func describe(_ serving: ServingSet) -> String {
        var text = serving.models.map { "\($0.model.name) \($0.version ?? $0.model.shortVersion)" }.joined(separator: ", ")
        if let experiment = serving.experiment {
            text += " (experiment \(experiment.experiment.id), \(experiment.experiment.mode.rawValue): treatment \(experiment.treatment.version ?? experiment.treatment.model.shortVersion))"
        }
        return text
    }

    /// One model: its figures at the top level (as before there were several); several: one object per model.
    func healthJSON() -> String {
        let serving = slot.current
        let redis: String
        if let redisHealth { redis = redisHealth.isUp ? "up" : "down" } else { redis = "off" }
        func figures(_ model: ServingModel) -> String {
            "\"model\":\(JSONText.string(model.model.digest)),\"kind\":\(JSONText.string(model.model.header.kind))"
                + ",\"labels\":\(model.model.classifier.labels.count),\"lru_entries\":\(model.cache.lru.count)"
                + (model.version.map { ",\"version\":\(JSONText.string($0))" } ?? "")
        }
        var experiment = ""
        if let live = serving.experiment {
            let e = live.experiment
            experiment = ",\"experiment\":{\"id\":\(e.id),\"mode\":\"\(e.mode.rawValue)\",\"control\":\(JSONText.string(e.control))"
                + ",\"treatment\":\(JSONText.string(e.treatment)),\"share\":\(e.share),\"unit\":\"\(e.unit.rawValue)\"}"
        }
        let models = serving.isSeveral
            ? "\"models\":{" + serving.models.map { $0.nameJSON + ":{" + figures($0) + "}" }.joined(separator: ",") + "}"
            : figures(serving.models[0])
        return "{\"status\":\"ok\"," + models + experiment + ",\"redis\":\"\(redis)\"}"
    }
}
