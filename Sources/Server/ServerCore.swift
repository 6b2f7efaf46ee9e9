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
    private let reloadLock = NSLock()
    private let outboxLock = NSLock()
    private var outboxes: [ObjectIdentifier: LoopOutbox] = [:]

    package init(config: ServeConfig, model: Model) {
        self.config = config
        slot = ModelSlot(ServingModel(model: model, lruEntries: config.lruEntries, topK: max(1, config.topK), lineFormat: config.lineFormat))
        redisHealth = config.redis.map { RedisHealth(endpoint: $0.endpoint, logger: config.logger) }
        pool = WorkerPool(workers: config.workers, slot: slot, redis: config.redis, health: redisHealth,
                          topK: config.topK, metrics: metrics)
        metrics.setModel(version: model.digest)
    }

    /// The handlers of one accepted connection: the line protocol, or HTTP/1.1 with `HTTPHandler` behind it.
    package func addHandlers(to channel: Channel, http: Bool) -> EventLoopFuture<Void> {
        guard http else { return channel.pipeline.addHandler(LineProtocolHandler(core: self)) }
        return channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
            channel.pipeline.addHandler(HTTPHandler(server: self))
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
                slot.current = ServingModel(model: model, lruEntries: config.lruEntries, topK: max(1, config.topK), lineFormat: config.lineFormat)
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
