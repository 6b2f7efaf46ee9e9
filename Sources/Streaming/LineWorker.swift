import Cache
import DomainKit
import Learners

/// Classifies the lines of a batch into output bytes. One per thread: it owns its scratch memory and its
/// log-format state; the answer cache (recent names: DNS traffic repeats itself) is shared by all workers.
final class LineWorker {
    let classifier: (any DomainClassifier)?
    let options: ClassifyOptions
    let formatter: AnswerFormatter
    var format: any LogFormat
    /// The parser for batch 0, which starts at the input's first line (and so at its header).
    let firstBatchFormat: () -> any LogFormat
    var stats: ClassifyStats
    private let workspace = ClassifierWorkspace()
    private var top: [LabelScore] = []
    /// The names of a batch asked of Redis, with their answers.
    private var fetched = AnswerBatch()
    private let onlyLabels: [Bool]?
    /// The answers shared by every worker (an LRU, and Redis when asked for), and this thread's Redis connection.
    private let answers: AnswerCache
    private let redis: RedisConnection?

    init(classifier: (any DomainClassifier)?, options: ClassifyOptions, format: any LogFormat,
         firstBatchFormat: @escaping () -> any LogFormat, includeLogFields: Bool,
         answers: AnswerCache, redisHealth: RedisHealth?) {
        self.answers = answers
        redis = redisHealth.flatMap { health in options.redis.map { RedisConnection(settings: $0, health: health) } }
        self.classifier = classifier
        self.options = options
        self.format = format
        self.firstBatchFormat = firstBatchFormat
        let labels = classifier?.labels ?? []
        formatter = AnswerFormatter(format: options.output, labels: labels, includeLogFields: includeLogFields)
        stats = ClassifyStats(labelCount: labels.count)
        onlyLabels = options.onlyLabels.map { only in labels.map { only.contains($0) } }
    }

    func process(_ batch: LineBatch, into out: inout [UInt8]) {
        if batch.sequence == 0 {
            let primed = format
            format = firstBatchFormat()
            defer { format = primed }
            processLines(batch, into: &out)
        } else {
            processLines(batch, into: &out)
        }
    }

    private func processLines(_ batch: LineBatch, into out: inout [UInt8]) {
        if redis != nil { prefetchFromRedis(batch) }
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count {
                let line = UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]])
                stats.lines += 1
                if batch.overlong.contains(i) {
                    stats.errors += 1
                    formatter.append(.error("line over \(LineReader.maxLineLength) bytes"), line: line, record: nil, to: &out)
                    continue
                }
                processLine(line, into: &out)
            }
        }
    }

    private func processLine(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let record: LogRecord
        switch format.parse(line) {
        case let .query(r): record = r
        case .noQuery:
            stats.noQuery += 1
            if options.passNoQuery, options.onlyLabels == nil { formatter.append(.noQuery, line: line, record: nil, to: &out) }
            return
        case let .malformed(reason):
            stats.errors += 1
            formatter.append(.error(reason), line: line, record: nil, to: &out)
            return
        }
        switch DomainParser.parse(UnsafeBufferPointer(rebasing: line[record.name])) {
        case let .domain(domain):
            guard let classifier else {
                stats.classified += 1
                formatter.append(.name(domain.name), line: line, record: record, to: &out)
                return
            }
            let scores = lookup(domain, classifier)
            let best = scores[0]
            stats.classified += 1
            stats.perLabel[Int(best.label)] += 1
            if let onlyLabels, !onlyLabels[Int(best.label)] { stats.filteredOut += 1; return }
            if best.probability < options.minProbability { stats.filteredOut += 1; return }
            let why = options.explainTokens > 0
                ? Array(classifier.explain(domain, label: best.label).prefix(options.explainTokens)) : []
            formatter.append(.classified(name: domain.name, top: scores[...], why: why), line: line, record: record, to: &out)
        case let .ipAddress(ip):
            stats.ipAddresses += 1
            if options.onlyLabels != nil { stats.filteredOut += 1; return }
            formatter.append(.ipAddress(ip), line: line, record: record, to: &out)
        case let .invalid(reason):
            stats.errors += 1
            formatter.append(.error(reason.description), line: line, record: record, to: &out)
        }
    }

    /// Before a batch is written: the names this worker has not cached are asked of Redis in one MGET,
    /// the rest classified and stored back in one pipelined round, so the line pass below only hits.
    /// Redis down: the MGET misses and the model answers, slower, never wrong.
    private func prefetchFromRedis(_ batch: LineBatch) {
        guard let classifier else { return }
        var format = batch.sequence == 0 ? firstBatchFormat() : self.format
        var names: [String] = []
        var seen = Set<String>()
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count where !batch.overlong.contains(i) {
                let line = UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]])
                guard case let .query(record) = format.parse(line),
                      case let .domain(domain) = DomainParser.parse(UnsafeBufferPointer(rebasing: line[record.name])),
                      !answers.lru.contains(NameKey(domain.name)), seen.insert(domain.name).inserted else { continue }
                names.append(domain.name)
            }
        }
        guard !names.isEmpty else { return }
        fetched.removeAll()
        for name in names { fetched.append(name) }
        answers.lookup(&fetched, redis: redis)
        for i in 0..<fetched.count {
            if fetched.tiers[i] == .redis { stats.redisHits += 1 }
            if fetched.tiers[i] != nil { continue }
            classifier.classify(Domain(normalised: names[i]), k: max(1, options.topK), workspace: workspace, into: &top)
            fetched.answer(i, top, tier: .model)
        }
        answers.store(fetched, redis: redis)
    }

    /// The answer for `domain` in `top`: from the shared LRU, or from the model (then remembered).
    private func lookup(_ domain: Domain, _ classifier: any DomainClassifier) -> [LabelScore] {
        let key = NameKey(domain.name)
        top.removeAll(keepingCapacity: true)
        if answers.lru.get(key, appendingTo: &top) {
            stats.cacheHits += 1
            return top
        }
        classifier.classify(domain, k: max(1, options.topK), workspace: workspace, into: &top)
        answers.lru.set(key, top[...])
        return top
    }
}
