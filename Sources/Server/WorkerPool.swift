import Cache
import DomainKit
import Foundation
import Learners
import NIOCore

/// A fixed set of classification threads, never the event loop. A worker takes the jobs waiting (up to
/// `maxBatchNames` names, half of them when another worker is idle, so a burst is shared), so requests
/// from many connections that arrive together share one cache round trip; it owns its classifier scratch
/// memory and its Redis connection.
final class WorkerPool: @unchecked Sendable {
    static let maxBatchNames = 4096
    private var queue: [ClassifyJob] = []
    private var head = 0
    private var queuedLines = 0
    private var idle = 0
    private var stopped = false
    private let condition = NSCondition()
    private var threads: [Thread] = []
    private let finished = DispatchGroup()
    /// With `workers == 0` there are no threads: `submit` runs the jobs on the thread that hands them over.
    /// For the fuzz harness, whose `EmbeddedEventLoop` may only be touched from the thread that made it.
    private let inline: Worker?

    init(workers: Int, slot: ModelSlot, redis: RedisSettings?, health: RedisHealth?, topK: Int, metrics: ServerMetrics) {
        inline = workers == 0 ? Worker(slot: slot, redis: nil, topK: max(1, topK), metrics: metrics) : nil
        for i in 0..<(workers == 0 ? 0 : max(1, workers)) {
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

    func submit(_ jobs: [ClassifyJob]) {
        guard !jobs.isEmpty else { return }
        if let inline { return inline.run(jobs) }
        condition.lock()
        queue.append(contentsOf: jobs)
        for job in jobs { queuedLines += job.lines.count }
        if idle > 0 { condition.signal() }
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
            idle += 1
            condition.wait()
            idle -= 1
        }
        let share = min(Self.maxBatchNames, idle > 0 ? (queuedLines + 1) / 2 : queuedLines)
        var jobs: [ClassifyJob] = []
        var lines = 0
        while head < queue.count, lines < share || jobs.isEmpty {
            let job = queue[head]
            jobs.append(job)
            lines += job.lines.count
            head += 1
        }
        queuedLines -= lines
        if head == queue.count {
            queue.removeAll(keepingCapacity: true); head = 0
        } else if idle > 0 {
            condition.signal()
        }
        return jobs
    }
}

/// One worker thread's state: its cache-aside step and scratch memory, reused across batches.
private final class Worker {
    let slot: ModelSlot
    let step: CacheAside
    let topK: Int
    let metrics: ServerMetrics
    var lines: [LineAnswer] = []
    var continuations: [(loop: EventLoop, run: () -> Void)] = []

    init(slot: ModelSlot, redis: RedisConnection?, topK: Int, metrics: ServerMetrics) {
        self.slot = slot
        step = CacheAside(redis: redis)
        self.topK = topK
        self.metrics = metrics
    }

    func run(_ jobs: [ClassifyJob]) {
        let serving = slot.current
        step.reset()
        lines.removeAll(keepingCapacity: true)
        var errors = 0
        for job in jobs {
            let first = lines.count
            for i in 0..<job.lines.count {
                switch job.lines.withLine(i, DomainParser.parse) {
                case let .domain(domain):
                    if let special = serving.scope?.special(domain) { lines.append(.special(domain.name, special)); continue }
                    lines.append(.name(step.add(domain, cache: serving.cache)))
                case let .ipAddress(ip):
                    lines.append(.ipAddress(ip))
                case .root:
                    lines.append(.root)
                case let .invalid(reason):
                    errors += 1
                    lines.append(.invalid(reason.description))
                }
            }
            job.answers = first..<lines.count
        }
        step.answerRest(cache: serving.cache, classifier: serving.model.classifier, k: topK)
        deliver(jobs, BatchAnswers(names: step.answers, lines: lines), serving)
        if errors > 0 { metrics.errors.increment(by: Int64(errors)) }
        if step.lruHits + step.repeats > 0 { metrics.lruHits.increment(by: Int64(step.lruHits + step.repeats)) }
        if step.redisHits > 0 { metrics.redisHits.increment(by: Int64(step.redisHits)) }
        if step.computed > 0 { metrics.misses.increment(by: Int64(step.computed)) }
        step.store(cache: serving.cache)
    }
    /// Renders every job here, then hands each event loop all of its jobs' replies in one task.
    private func deliver(_ jobs: [ClassifyJob], _ answers: BatchAnswers, _ serving: ServingModel) {
        continuations.removeAll(keepingCapacity: true)
        for job in jobs {
            continuations.append((job.eventLoop, job.render(job, answers, serving)))
            metrics.latency.recordNanoseconds((NIODeadline.now() - job.arrived).nanoseconds)
        }
        while let loop = continuations.first?.loop {
            var mine: [() -> Void] = []
            continuations.removeAll { entry in
                guard entry.loop === loop else { return false }
                mine.append(entry.run)
                return true
            }
            loop.execute { for run in mine { run() } }
        }
    }
}
