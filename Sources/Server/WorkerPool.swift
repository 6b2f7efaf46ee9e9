import Cache
import DomainKit
import Foundation
import Learners
import NIOCore

/// A fixed set of classification threads, never the event loop. Each worker takes every job waiting
/// (up to `maxBatchNames` names), so requests from many connections that arrive together share one cache
/// round trip; it owns its classifier scratch memory and its Redis connection.
final class WorkerPool: @unchecked Sendable {
    static let maxBatchNames = 4096
    private var queue: [ClassifyJob] = []
    private var head = 0
    private var stopped = false
    private let condition = NSCondition()
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    init(workers: Int, slot: ModelSlot, redis: RedisSettings?, health: RedisHealth?, topK: Int, metrics: ServerMetrics) {
        for i in 0..<max(1, workers) {
            let connection = redis.flatMap { settings in health.map { RedisConnection(settings: settings, health: $0) } }
            let worker = Worker(slot: slot, redis: connection, topK: max(1, topK), metrics: metrics)
            let thread = Thread { [self] in
                while let jobs = take() { worker.run(jobs) }
                finished.leave()
            }
            thread.name = "domcat-worker-\(i)"
            thread.stackSize = 1 << 22
            finished.enter()
            threads.append(thread)
        }
        for t in threads { t.start() }
    }

    func submit(_ job: ClassifyJob) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Stops after the queued jobs are done.
    func shutdown() {
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
        finished.wait()
    }

    private func take() -> [ClassifyJob]? {
        condition.lock(); defer { condition.unlock() }
        while head == queue.count {
            if stopped { return nil }
            condition.wait()
        }
        var jobs: [ClassifyJob] = []
        var names = 0
        while head < queue.count, names < Self.maxBatchNames || jobs.isEmpty {
            let job = queue[head]
            jobs.append(job)
            names += job.inputs.count
            head += 1
        }
        if head == queue.count { queue.removeAll(keepingCapacity: true); head = 0 }
        return jobs
    }
}

/// One worker thread's state: scratch memory reused across batches.
private final class Worker {
    let slot: ModelSlot
    let redis: RedisConnection?
    let topK: Int
    let metrics: ServerMetrics
    let workspace = ClassifierWorkspace()
    var top: [LabelScore] = []
    var names: [String] = []
    var domains: [Domain] = []
    var owners: [(job: Int, index: Int)] = []
    var found: [(top: [LabelScore], tier: CacheTier)?] = []
    var computed: [(name: String, top: [LabelScore])] = []

    init(slot: ModelSlot, redis: RedisConnection?, topK: Int, metrics: ServerMetrics) {
        self.slot = slot
        self.redis = redis
        self.topK = topK
        self.metrics = metrics
    }

    func run(_ jobs: [ClassifyJob]) {
        let serving = slot.current
        names.removeAll(keepingCapacity: true)
        domains.removeAll(keepingCapacity: true)
        owners.removeAll(keepingCapacity: true)
        computed.removeAll(keepingCapacity: true)
        var errors = 0
        for (j, job) in jobs.enumerated() {
            job.answers.removeAll(keepingCapacity: true)
            job.answers.reserveCapacity(job.inputs.count)
            for (i, input) in job.inputs.enumerated() {
                let parsed = input.withUnsafeBufferPointer { DomainParser.parse($0) }
                switch parsed {
                case let .domain(domain):
                    names.append(domain.name)
                    domains.append(domain)
                    owners.append((j, i))
                    job.answers.append(.invalid(""))
                case let .ipAddress(ip):
                    job.answers.append(.ipAddress(ip))
                case let .invalid(reason):
                    errors += 1
                    job.answers.append(.invalid(reason.description))
                }
            }
        }
        serving.cache.lookup(names, redis: redis, into: &found)
        var lru = 0, cached = 0
        for k in names.indices {
            let answer: Answer
            if let hit = found[k] {
                answer = .classified(name: names[k], top: hit.top, tier: hit.tier)
                if hit.tier == .lru { lru += 1 }
                cached += 1
            } else {
                serving.model.classifier.classify(domains[k], k: topK, workspace: workspace, into: &top)
                computed.append((names[k], top))
                answer = .classified(name: names[k], top: top, tier: .model)
            }
            jobs[owners[k].job].answers[owners[k].index] = answer
        }
        for job in jobs {
            job.finish(job, serving)
            metrics.latency.recordNanoseconds((NIODeadline.now() - job.arrived).nanoseconds)
        }
        if errors > 0 { metrics.errors.increment(by: Int64(errors)) }
        if lru > 0 { metrics.lruHits.increment(by: Int64(lru)) }
        if cached > lru { metrics.redisHits.increment(by: Int64(cached - lru)) }
        if !computed.isEmpty { metrics.misses.increment(by: Int64(computed.count)) }
        // After answering: a slow SET never delays a reply.
        serving.cache.store(computed, redis: redis)
    }
}
