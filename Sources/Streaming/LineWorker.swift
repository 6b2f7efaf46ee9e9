import Cache
import DomainKit
import Learners
import Lines

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
    /// Between the passes over a batch: what each line is.
    private var parsed: [ParsedLine] = []
    private let onlyLabels: [Bool]?
    /// The answers shared by every worker (an LRU, and Redis when asked for), and this thread's step through them.
    private let answers: AnswerCache
    private let step: CacheAside

    init(classifier: (any DomainClassifier)?, options: ClassifyOptions, format: any LogFormat,
         firstBatchFormat: @escaping () -> any LogFormat, includeLogFields: Bool,
         answers: AnswerCache, redisHealth: RedisHealth?) {
        self.answers = answers
        step = CacheAside(redis: redisHealth.flatMap { health in options.redis.map { RedisConnection(settings: $0, health: health) } })
        self.classifier = classifier
        self.options = options
        self.format = format
        self.firstBatchFormat = firstBatchFormat
        let labels = classifier?.labels ?? []
        formatter = AnswerFormatter(format: options.output, labels: labels, includeLogFields: includeLogFields)
        stats = ClassifyStats(labelCount: labels.count)
        onlyLabels = options.onlyLabels.map { only in labels.map { only.contains($0) } }
    }

    /// After the last batch: the answers stored in Redis are applied before the run ends.
    func finish() { step.finish() }

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

    /// Three passes over a batch: parse every line (the LRU answers the names it knows), answer the rest
    /// together (`CacheAside`), then write one output line per input line, in order.
    private func processLines(_ batch: LineBatch, into out: inout [UInt8]) {
        guard let classifier else { return extractLines(batch, into: &out) }
        parse(batch)
        step.answerRest(cache: answers, classifier: classifier, k: options.topK)
        stats.cacheHits += step.lruHits + step.repeats
        stats.redisHits += step.redisHits
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count {
                write(parsed[i], line: UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]]), into: &out)
            }
        }
        step.store(cache: answers)
    }

    /// `extract`: no model, so nothing to wait for; each line is written as it is parsed.
    private func extractLines(_ batch: LineBatch, into out: inout [UInt8]) {
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count {
                let line = UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]])
                write(batch.overlong.contains(i) ? .overlong : parseLine(line), line: line, into: &out)
            }
        }
    }

    /// What one line turned out to be, between the passes.
    private enum ParsedLine {
        case overlong
        case noQuery
        case malformed(String)
        /// A name; `answer` is its position in the batch's answers (nil when there is no model: `extract`).
        case name(LogRecord, Domain, answer: Int?)
        case ipAddress(LogRecord, String)
        case root(LogRecord)
        case invalid(LogRecord, String)
    }

    private func parse(_ batch: LineBatch) {
        parsed.removeAll(keepingCapacity: true)
        step.reset()
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count {
                if batch.overlong.contains(i) { parsed.append(.overlong); continue }
                parsed.append(parseLine(UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]])))
            }
        }
    }

    private func parseLine(_ line: UnsafeBufferPointer<UInt8>) -> ParsedLine {
        let record: LogRecord
        switch format.parse(line) {
        case let .query(r): record = r
        case .noQuery: return .noQuery
        case let .malformed(reason): return .malformed(reason)
        }
        switch DomainParser.parse(UnsafeBufferPointer(rebasing: line[record.name])) {
        case let .domain(domain):
            guard classifier != nil else { return .name(record, domain, answer: nil) }
            return .name(record, domain, answer: step.add(domain, cache: answers))
        case let .ipAddress(ip): return .ipAddress(record, ip)
        case .root: return .root(record)
        case let .invalid(reason): return .invalid(record, reason.description)
        }
    }

    private func write(_ line: ParsedLine, line bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        stats.lines += 1
        switch line {
        case .overlong:
            stats.errors += 1
            formatter.append(.error("line over \(LineReader.maxLineLength) bytes"), line: bytes, record: nil, to: &out)
        case .noQuery:
            stats.noQuery += 1
            if options.passNoQuery, options.onlyLabels == nil { formatter.append(.noQuery, line: bytes, record: nil, to: &out) }
        case let .malformed(reason):
            stats.errors += 1
            formatter.append(.error(reason), line: bytes, record: nil, to: &out)
        case let .name(record, domain, answer):
            stats.classified += 1
            guard let answer, let classifier else {
                formatter.append(.name(domain.name), line: bytes, record: record, to: &out)
                return
            }
            let top = step.top(answer)
            let best = top[top.startIndex]
            stats.perLabel[Int(best.label)] += 1
            if let onlyLabels, !onlyLabels[Int(best.label)] { stats.filteredOut += 1; return }
            if best.probability < options.minProbability { stats.filteredOut += 1; return }
            let why = options.explainTokens > 0
                ? Array(classifier.explain(domain, label: best.label).prefix(options.explainTokens)) : []
            formatter.append(.classified(name: domain.name, top: top, why: why), line: bytes, record: record, to: &out)
        case let .ipAddress(record, ip):
            stats.ipAddresses += 1
            if options.onlyLabels != nil { stats.filteredOut += 1; return }
            formatter.append(.ipAddress(ip), line: bytes, record: record, to: &out)
        case let .root(record):
            stats.rootQueries += 1
            if options.onlyLabels != nil { stats.filteredOut += 1; return }
            formatter.append(.root, line: bytes, record: record, to: &out)
        case let .invalid(record, reason):
            stats.errors += 1
            formatter.append(.error(reason), line: bytes, record: record, to: &out)
        }
    }
}
