import Cache
import Foundation
import Learners
import Lines
import Logging

/// reader (calling thread) → N workers on batches → writer restoring input order.
/// Queues are bounded, so memory stays flat on endless input and a slow reader of our output slows us down.
package final class ClassifyPipeline {
    /// In output order; none: extract and normalise names only (`domcat extract`).
    let models: [ClassifyModel]
    private var labelCounts: [Int] { models.map(\.classifier.labels.count) }
    let options: ClassifyOptions
    package private(set) var stats: ClassifyStats
    /// Called on SIGUSR1-style requests; reads a snapshot of the counters so far.
    private let statsLock = NSLock()
    private var liveStats: [ClassifyStats] = []

    package init(models: [ClassifyModel], options: ClassifyOptions) {
        self.models = models
        self.options = options
        stats = ClassifyStats(labelCounts: models.map(\.classifier.labels.count))
    }

    /// Counters so far, safe to call from another thread while `run` goes on.
    package func snapshot() -> ClassifyStats {
        statsLock.lock(); defer { statsLock.unlock() }
        var total = ClassifyStats(labelCounts: labelCounts)
        for s in liveStats { total.add(s) }
        return total
    }

    package func run(_ readers: [LineReader], sink: OutputSink) throws {
        var first = LineBatch()
        var readerIndex = 0
        // The first lines decide the log format (unless given) before any worker starts.
        while readerIndex < readers.count, first.count == 0 {
            if try !readers[readerIndex].nextBatch(into: &first) { readerIndex += 1 }
        }
        let kind = options.input ?? LogFormats.detect((0..<min(first.count, 20)).map { i in
            first.bytes.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[first.starts[i]..<first.ends[i]]) }
        })
        // Formats with a header (Zeek's #fields, a CSV header row) learn it from the first lines; every worker
        // starts from that learned state, and the first batch itself is read by a fresh parser, headers included.
        var primed = LogFormats.make(kind, column: options.column)
        for i in 0..<first.count { _ = first.withLine(i) { primed.parse($0) } }
        let threads = max(1, options.threads)
        // The in-process caches are shared by the workers, one per model, each holding `cacheEntries` names:
        // split between the models, a working set that fits one cache would thrash both.
        let caches = models.map { model in
            AnswerCache(modelDigest: model.digest, labelCount: model.classifier.labels.count,
                        lruEntries: options.cacheEntries, width: max(1, options.topK))
        }
        let redisHealth = redisHealth()
        let workers = (0..<threads).map { _ in
            LineWorker(models: models, caches: caches, options: options, format: primed,
                       firstBatchFormat: { LogFormats.make(kind, column: self.options.column) }, includeLogFields: kind != .plain,
                       redisHealth: redisHealth)
        }
        statsLock.lock(); liveStats = workers.map(\.stats); statsLock.unlock()
        defer {
            stats = ClassifyStats(labelCounts: labelCounts)
            for w in workers { stats.add(w.stats) }
        }
        if threads == 1 {
            try runInline(first: first, readers: readers, from: readerIndex, worker: workers[0], sink: sink)
        } else {
            try runThreaded(first: first, readers: readers, from: readerIndex, workers: workers, sink: sink)
        }
    }

    /// The Redis tier's health, when asked for: one for the process (each worker has its own connection).
    private func redisHealth() -> RedisHealth? {
        guard let settings = options.redis, !models.isEmpty else { return nil }
        var logger = Logger(label: "domcat.classify")
        logger.logLevel = .warning
        return RedisHealth(endpoint: settings.endpoint, logger: logger)
    }

    private func runInline(first: LineBatch, readers: [LineReader], from start: Int, worker: LineWorker, sink: OutputSink) throws {
        var batch = first
        var out: [UInt8] = []
        var index = start
        var sequence = 0
        while batch.count > 0 {
            batch.sequence = sequence
            sequence += 1
            out.removeAll(keepingCapacity: true)
            worker.process(batch, into: &out)
            publish(0, worker.stats)
            try sink.write(out)
            batch.removeAll()
            while index < readers.count, batch.count == 0 {
                if try !readers[index].nextBatch(into: &batch) { index += 1 }
            }
        }
        worker.finish()
    }

    private func publish(_ i: Int, _ s: ClassifyStats) {
        statsLock.lock(); liveStats[i] = s; statsLock.unlock()
    }

    private func runThreaded(first: LineBatch, readers: [LineReader], from start: Int, workers: [LineWorker], sink: OutputSink) throws {
        let work = BoundedQueue<LineBatch>(capacity: workers.count * 2)
        let done = OrderedResults(capacity: workers.count * 4)
        let group = DispatchGroup()
        for (i, worker) in workers.enumerated() {
            let thread = Thread {
                var out: [UInt8] = []
                while let batch = work.pop() {
                    out = []
                    out.reserveCapacity(batch.bytes.count + batch.count * 24)
                    worker.process(batch, into: &out)
                    self.publish(i, worker.stats)
                    done.put(batch.sequence, out)
                }
                worker.finish()
                group.leave()
            }
            group.enter()
            thread.stackSize = 1 << 22
            thread.start()
        }
        let writeError = ErrorBox()
        let writer = Thread {
            while let out = done.takeNext() {
                do { try sink.write(out) } catch { writeError.error = error; done.cancel(); work.cancel() }
            }
            group.leave()
        }
        group.enter()
        writer.start()

        var readError: Error?
        var sequence = 0
        var batch = first
        var index = start
        do {
            while batch.count > 0 {
                batch.sequence = sequence
                sequence += 1
                done.reserve()
                guard work.push(batch) else { break }
                batch = LineBatch()
                while index < readers.count, batch.count == 0 {
                    if try !readers[index].nextBatch(into: &batch) { index += 1 }
                }
            }
        } catch {
            readError = error
        }
        work.close()
        done.finish(total: sequence)
        group.wait()
        if let error = writeError.error { throw error }
        if let readError { throw readError }
    }
}
