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
    let metrics = ServerMetrics()
    let redisHealth: RedisHealth?
    let pool: WorkerPool
    let connections: ConnectionLimit
    /// Nil when the admin endpoints are off (no token given).
    let admin: AdminGate?
    private let reloadLock = NSLock()
    private let outboxLock = NSLock()
    private var outboxes: [ObjectIdentifier: LoopOutbox] = [:]

    package init(config: ServeConfig, model: Model) {
        self.config = config
        slot = ModelSlot(ServingModel(model: model, config: config))
        redisHealth = config.redis.map { RedisHealth(endpoint: $0.endpoint, logger: config.logger) }
        pool = WorkerPool(workers: config.workers, slot: slot, redis: config.redis, health: redisHealth,
                          topK: config.topK, metrics: metrics)
        metrics.setModel(version: model.digest)
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

    /// Loads the model file again. On any failure the old model keeps serving and the reason comes back.
    func reload() -> Result<String, Error> {
        reloadLock.lock(); defer { reloadLock.unlock() }
        do {
            let model = try Model.load(path: config.modelPath, suffixes: config.suffixes)
            let old = slot.current.model.digest
            if model.digest != old {
                slot.current = ServingModel(model: model, config: config)
                metrics.setModel(version: model.digest)
            }
            metrics.reloadsOK.increment()
            config.logger.notice("model reloaded from \(config.modelPath): \(model.shortVersion) (was \(old.prefix(12)))")
            return .success(model.digest)
        } catch {
            metrics.reloadsFailed.increment()
            config.logger.error("model reload from \(config.modelPath) failed, still serving \(slot.current.model.shortVersion): \(error)")
            return .failure(error)
        }
    }

    func healthJSON() -> String {
        let serving = slot.current
        let redis: String
        if let redisHealth { redis = redisHealth.isUp ? "up" : "down" } else { redis = "off" }
        return "{\"status\":\"ok\",\"model\":\(JSONText.string(serving.model.digest)),\"kind\":\(JSONText.string(serving.model.header.kind))"
            + ",\"labels\":\(serving.model.classifier.labels.count),\"redis\":\"\(redis)\""
            + ",\"lru_entries\":\(serving.cache.lru.count)}"
    }
}
