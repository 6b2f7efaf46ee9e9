import Cache
import DomainKit
import Learners

/// Classifies the lines of a batch into output bytes. One per thread: it owns its scratch memory,
/// its log-format state and a cache of recent names (DNS traffic repeats itself).
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
    private var cache: [String: [LabelScore]] = [:]
    private let onlyLabels: [Bool]?
    /// The shared Redis tier and this thread's connection to it.
    private let answers: AnswerCache?
    private let redis: RedisConnection?

    init(classifier: (any DomainClassifier)?, options: ClassifyOptions, format: any LogFormat,
         firstBatchFormat: @escaping () -> any LogFormat, includeLogFields: Bool,
         shared: (answers: AnswerCache, health: RedisHealth)? = nil) {
        answers = shared?.answers
        redis = shared.flatMap { s in options.redis.map { RedisConnection(settings: $0, health: s.health) } }
        self.classifier = classifier
        self.options = options
        self.format = format
        self.firstBatchFormat = firstBatchFormat
        let labels = classifier?.labels ?? []
        formatter = AnswerFormatter(format: options.output, labels: labels, includeLogFields: includeLogFields)
        stats = ClassifyStats(labelCount: labels.count)
        onlyLabels = options.onlyLabels.map { only in labels.map { only.contains($0) } }
        cache.reserveCapacity(min(options.cacheEntries, 1 << 16))
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
        if answers != nil { prefetchFromRedis(batch) }
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
        guard let answers, let classifier else { return }
        var format = batch.sequence == 0 ? firstBatchFormat() : self.format
        var names: [String] = []
        var seen = Set<String>()
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count where !batch.overlong.contains(i) {
                let line = UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]])
                guard case let .query(record) = format.parse(line),
                      case let .domain(domain) = DomainParser.parse(UnsafeBufferPointer(rebasing: line[record.name])),
                      cache[domain.name] == nil, seen.insert(domain.name).inserted else { continue }
                names.append(domain.name)
            }
        }
        guard !names.isEmpty else { return }
        fetched.removeAll()
        for name in names { fetched.append(name) }
        answers.lookup(&fetched, redis: redis)
        for i in 0..<fetched.count {
            if fetched.tiers[i] != nil {
                remember(names[i], Array(fetched.top(i)))
                stats.redisHits += 1
                continue
            }
            classifier.classify(Domain(normalised: names[i]), k: max(1, options.topK), workspace: workspace, into: &top)
            remember(names[i], top)
            fetched.answer(i, top, tier: .model)
        }
        answers.store(fetched, redis: redis)
    }

    private func remember(_ name: String, _ scores: [LabelScore]) {
        if cache.count >= max(options.cacheEntries, 1) { cache.removeAll(keepingCapacity: true) }
        cache[name] = scores
    }

    private func lookup(_ domain: Domain, _ classifier: any DomainClassifier) -> [LabelScore] {
        if let hit = cache[domain.name] {
            stats.cacheHits += 1
            return hit
        }
        classifier.classify(domain, k: max(1, options.topK), workspace: workspace, into: &top)
        // Full: start over. Cheaper than LRU bookkeeping and enough for the heavy head of DNS traffic.
        if options.cacheEntries > 0 { remember(domain.name, top) }
        return top
    }
}
