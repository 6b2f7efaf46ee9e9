import Cache
import Dashboard
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

    init(workers: Int, slot: ModelSlot, redis: RedisSettings?, health: RedisHealth?, topK: Int, metrics: ServerMetrics,
         dashboard: ServeDashboard? = nil) {
        inline = workers == 0 ? Worker(slot: slot, redis: { nil }, topK: max(1, topK), metrics: metrics, dashboard: dashboard) : nil
        // Each model's step of each worker has its own connection, as each lane of classify's workers.
        let connect = { redis.flatMap { settings in health.map { RedisConnection(settings: settings, health: $0) } } }
        for i in 0..<(workers == 0 ? 0 : max(1, workers)) {
            let worker = Worker(slot: slot, redis: connect, topK: max(1, topK), metrics: metrics, dashboard: dashboard)
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

/// One worker thread's state: one cache-aside step per model (a lane, as in classify's `LineWorker`: the
/// model's LRU and Redis, then the model), one for an experiment's treatment, and scratch memory, reused
/// across batches.
private final class Worker {
    let slot: ModelSlot
    let topK: Int
    let metrics: ServerMetrics
    private let connect: () -> RedisConnection?
    /// One per model, in reply order; made as models are first seen (a reload keeps their number).
    private var steps: [CacheAside] = []
    /// The treatment's lane of a split experiment.
    private var treatmentStep: CacheAside?
    private var lines: [LineAnswer] = []
    /// `answerAt[row * models + m]`: where model `m`'s answer to the batch's name `row` is in `steps[m]`.
    private var answerAt: [Int] = []
    /// Per row: the treatment answered it in the first model's place.
    private var treated: [Bool] = []
    /// Rows the shadow arm scores, with their names.
    private var shadowRows: [(row: Int, domain: Domain)] = []
    private var continuations: [(loop: EventLoop, run: () -> Void)] = []
    private let dashboard: ServeDashboard?
    /// This worker's counts for the dashboard, and the counters they go to.
    private var tap: TrafficTap?
    private var tapStats: TrafficStats?

    init(slot: ModelSlot, redis: @escaping () -> RedisConnection?, topK: Int, metrics: ServerMetrics, dashboard: ServeDashboard?) {
        self.slot = slot
        connect = redis
        self.topK = topK
        self.metrics = metrics
        self.dashboard = dashboard
    }

    func run(_ jobs: [ClassifyJob]) {
        let serving = slot.current
        let models = serving.models
        let experiment = serving.experiment
        let splitting = experiment?.experiment.mode == .split
        while steps.count < models.count { steps.append(CacheAside(redis: connect())) }
        for m in models.indices { steps[m].reset() }
        if splitting {
            if treatmentStep == nil { treatmentStep = CacheAside(redis: connect()) }
            treatmentStep!.reset()
        }
        lines.removeAll(keepingCapacity: true)
        answerAt.removeAll(keepingCapacity: true)
        treated.removeAll(keepingCapacity: true)
        shadowRows.removeAll(keepingCapacity: true)
        var rows = 0, errors = 0
        for job in jobs {
            let first = lines.count
            for i in 0..<job.lines.count {
                switch job.lines.withLine(i, DomainParser.parse) {
                case let .domain(domain):
                    if let special = serving.scope?.special(domain) { lines.append(.special(domain.name, special)); continue }
                    let treat = splitting && experiment!.treats(domain.name, client: job.client)
                    for m in models.indices {
                        answerAt.append(m == 0 && treat ? treatmentStep!.add(domain, cache: experiment!.treatment.cache)
                                                        : steps[m].add(domain, cache: models[m].cache))
                    }
                    if splitting { treated.append(treat) }
                    if job.isTraffic, let shadow = experiment?.shadow, shadow.samples(domain.name) { shadowRows.append((rows, domain)) }
                    lines.append(.name(rows))
                    rows += 1
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
        for m in models.indices {
            let started = NIODeadline.now()
            steps[m].answerRest(cache: models[m].cache, classifier: models[m].model.classifier, k: topK)
            if m == 0, let experiment, steps[0].answers.count > 0 {
                experiment.counters.latency(arm: 0, nanoseconds: (NIODeadline.now() - started).nanoseconds)
            }
        }
        var answers = BatchAnswers(models: models.indices.map { steps[$0].answers }, answerAt: answerAt, lines: lines)
        if splitting, let step = treatmentStep, let experiment {
            let started = NIODeadline.now()
            step.answerRest(cache: experiment.treatment.cache, classifier: experiment.treatment.model.classifier, k: topK)
            if step.answers.count > 0 { experiment.counters.latency(arm: 1, nanoseconds: (NIODeadline.now() - started).nanoseconds) }
            answers.treatment = step.answers
            answers.treated = treated
        }
        deliver(jobs, answers, serving)
        if let experiment { count(jobs, answers, experiment, controlLabels: models[0].model.classifier.labels) }
        if let dashboard { tally(jobs, answers, serving, dashboard) }
        if errors > 0 { metrics.errors.increment(by: Int64(errors)) }
        for m in models.indices {
            let step = steps[m], counters = metrics.caches[m]
            if step.lruHits + step.repeats > 0 { counters.lruHits.increment(by: Int64(step.lruHits + step.repeats)) }
            if step.redisHits > 0 { counters.redisHits.increment(by: Int64(step.redisHits)) }
            if step.computed > 0 { counters.misses.increment(by: Int64(step.computed)) }
            step.store(cache: models[m].cache)
        }
        if splitting, let experiment { treatmentStep?.store(cache: experiment.treatment.cache) }
    }

    /// After the replies went out: every name answered, for the dashboard.
    private func tally(_ jobs: [ClassifyJob], _ answers: BatchAnswers, _ serving: ServingSet, _ dashboard: ServeDashboard) {
        let stats = dashboard.stats(for: serving)
        if tapStats !== stats { tap = stats.makeTap(); tapStats = stats }
        let now = NIODeadline.now()
        for job in jobs where job.isTraffic {
            tap!.latency(nanoseconds: (now - job.arrived).nanoseconds)
            for line in job.answers {
                guard case let .name(row) = answers.lines[line] else { continue }
                ServeDashboard.record(tap!, name: answers.name(row), top: { answers.top(row, model: $0).first?.label ?? -1 },
                                      treated: answers.isTreated(row), serving: serving, client: job.client)
            }
        }
        stats.absorb(tap!)
    }

    /// After the replies went out: each arm's names and labels, and the shadow arm's sample.
    private func count(_ jobs: [ClassifyJob], _ answers: BatchAnswers, _ experiment: LiveExperiment, controlLabels: [String]) {
        var counts = ArmCounts()
        for job in jobs where job.isTraffic {
            for line in job.answers {
                guard case let .name(row) = answers.lines[line], let best = answers.top(row, model: 0).first else { continue }
                counts.count(arm: answers.isTreated(row) ? 1 : 0, label: best.label)
            }
        }
        experiment.counters.add(counts, controlLabels: controlLabels, treatmentLabels: experiment.treatment.model.classifier.labels)
        metrics.countExperiment(counts)
        guard let shadow = experiment.shadow, !shadowRows.isEmpty else { return }
        shadow.submit(shadowRows.compactMap { row, domain in
            answers.top(row, model: 0).first.map { (domain, controlLabels[Int($0.label)]) }
        })
    }

    /// Renders every job here, then hands each event loop all of its jobs' replies in one task.
    private func deliver(_ jobs: [ClassifyJob], _ answers: BatchAnswers, _ serving: ServingSet) {
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
