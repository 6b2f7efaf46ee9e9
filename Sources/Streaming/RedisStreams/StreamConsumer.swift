import Cache
import Foundation
import Lines
import Logging

/// `classify --from`: `options.threads` consumers of one group, each answering batches of entries as
/// `classify` answers batches of plain names (same models, caches, `--redis` tier and output format).
package final class StreamConsumer {
    let models: [ClassifyModel]
    let options: ClassifyOptions
    let consume: ConsumeOptions
    package let stop = StopFlag()
    package private(set) var stats: ClassifyStats
    /// The consumers' counts, read while they run and at the end.
    package let tally = ConsumeTally()
    package var streamStats: ConsumeStats { tally.snapshot }
    private let health: RedisHealth

    package init(models: [ClassifyModel], options: ClassifyOptions, consume: ConsumeOptions) {
        self.models = models
        self.options = options
        self.consume = consume
        stats = ClassifyStats(labelCounts: models.map(\.classifier.labels.count))
        var logger = Logger(label: "domcat.consume")
        logger.logLevel = .warning
        health = RedisHealth(endpoint: consume.source.endpoint, logger: logger)
    }

    /// Creates the group if needed (waiting for Redis to be reachable), then runs the consumers until they stop.
    package func run(sink: OutputSink) throws {
        let setup = RedisConnection(settings: StreamRedis.settings(consume.source.endpoint), health: health)
        while try !StreamGroups.create(setup, consume.source, group: consume.group) {
            if stop.isSet { return }
            StreamRedis.pause()
        }
        let caches = models.map { model in
            AnswerCache(modelDigest: model.digest, labelCount: model.classifier.labels.count,
                        lruEntries: options.cacheEntries, width: max(1, options.topK))
        }
        let cacheHealth = options.redis.map { settings -> RedisHealth in
            var logger = Logger(label: "domcat.classify")
            logger.logLevel = .warning
            return RedisHealth(endpoint: settings.endpoint, logger: logger)
        }
        let threads = max(1, options.threads)
        let loops = (0..<threads).map { i in
            ConsumerLoop(name: consume.consumerName(i, of: threads), options: consume,
                         worker: LineWorker(models: models, caches: caches, options: options, format: PlainFormat(),
                                            firstBatchFormat: { PlainFormat() }, includeLogFields: false, redisHealth: cacheHealth),
                         health: health, tally: tally, stop: stop)
        }
        let sinkLock = NSLock()
        let failure = ErrorBox()
        let group = DispatchGroup()
        for loop in loops {
            group.enter()
            let thread = Thread {
                do { try loop.run(sink: sink, sinkLock: sinkLock) } catch {
                    // The first error wins; the lock orders threads failing at once.
                    sinkLock.lock()
                    if failure.error == nil { failure.error = error }
                    sinkLock.unlock()
                    self.stop.raise()
                }
                loop.worker.finish()
                group.leave()
            }
            thread.stackSize = 1 << 22
            thread.start()
        }
        group.wait()
        for loop in loops { stats.add(loop.worker.stats) }
        if let error = failure.error { throw error }
    }

    /// The group's backlog now (XINFO GROUPS), for the summary.
    package func backlog() -> GroupBacklog? {
        let redis = RedisConnection(settings: StreamRedis.settings(consume.source.endpoint), health: health)
        return StreamGroups.backlog(redis, consume.source, group: consume.group)
    }

    /// `/metrics` for this process's consumers, with a Redis connection of its own.
    package func metrics() -> ConsumerMetrics {
        let threads = max(1, options.threads)
        return ConsumerMetrics(consume: consume, consumers: (0..<threads).map { consume.consumerName($0, of: threads) },
                               tally: tally, redis: RedisConnection(settings: StreamRedis.settings(consume.source.endpoint), health: health))
    }

    /// The stream lines of the summary, after the run's `ClassifyStats` summary.
    package func summary() -> String {
        let s = streamStats
        var text = "domcat: stream \(consume.source.key) group \(consume.group): \(s.answered) entries answered (\(s.names) names)"
        if s.claimed > 0 { text += ", \(s.claimed) entries claimed from other consumers" }
        if s.trimmed > 0 { text += ", \(s.trimmed) trimmed before answered" }
        if s.retried > 0 { text += ", \(s.retried) batches read again after a Redis failure" }
        text += "; group " + (backlog()?.description ?? "backlog unknown (Redis unreachable)")
        return text + "\n"
    }
}
