import Cache
import Dashboard
import DomainKit
import Learners
import Lines

/// Classifies the lines of a batch into output bytes. One per thread: it owns its scratch memory and its
/// log-format state; each model's answer cache (recent names: DNS traffic repeats itself) is shared by all
/// workers.
final class LineWorker {
    let options: ClassifyOptions
    let formatter: AnswerFormatter
    var format: any LogFormat
    /// The parser for batch 0, which starts at the input's first line (and so at its header).
    let firstBatchFormat: () -> any LogFormat
    var stats: ClassifyStats
    /// Between the passes over a batch: what each line is, and where each model's answer to its name is
    /// (`answerAt[name * lanes.count + model]`).
    private var parsed: [ParsedLine] = []
    private var answerAt: [Int] = []
    private var names = 0
    /// The other models' answers to one line, reused line after line.
    private var more: [ModelAnswer] = []
    /// One per model, in output order; empty for `extract`.
    private let lanes: [Lane]
    /// This batch's answers for the dashboard (`--dashboard`).
    private let tap: TrafficTap?

    /// One model's part of the work: its answers shared by every worker (an LRU, and Redis when asked for),
    /// this thread's step through them, and which of its labels `--only` keeps.
    private struct Lane {
        let model: ClassifyModel
        let answers: AnswerCache
        let step: CacheAside
        let onlyLabels: [Bool]?
    }

    init(models: [ClassifyModel], caches: [AnswerCache], options: ClassifyOptions, format: any LogFormat,
         firstBatchFormat: @escaping () -> any LogFormat, includeLogFields: Bool, redisHealth: RedisHealth?) {
        lanes = zip(models, caches).map { model, cache in
            let redis = redisHealth.flatMap { health in options.redis.map { RedisConnection(settings: $0, health: health) } }
            return Lane(model: model, answers: cache, step: CacheAside(redis: redis),
                        onlyLabels: options.onlyLabels.map { only in model.classifier.labels.map { only.contains($0) } })
        }
        self.options = options
        self.format = format
        self.firstBatchFormat = firstBatchFormat
        formatter = AnswerFormatter(format: options.output, models: models.map { ($0.name, $0.classifier.labels, $0.minProbability) },
                                    includeLogFields: includeLogFields)
        stats = ClassifyStats(labelCounts: models.map(\.classifier.labels.count))
        tap = options.dashboard?.makeTap()
    }

    /// After the last batch: the answers stored in Redis are applied before the run ends.
    func finish() { for lane in lanes { lane.step.finish() } }

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

    /// Three passes over a batch: parse every line (each model's LRU answers the names it knows), answer the
    /// rest together (`CacheAside`, model by model), then write one output line per input line, in order.
    private func processLines(_ batch: LineBatch, into out: inout [UInt8]) {
        guard !lanes.isEmpty else { return extractLines(batch, into: &out) }
        parse(batch)
        for lane in lanes {
            lane.step.answerRest(cache: lane.answers, classifier: lane.model.classifier, k: options.topK)
            stats.cacheHits += lane.step.lruHits + lane.step.repeats
            stats.redisHits += lane.step.redisHits
        }
        batch.bytes.withUnsafeBufferPointer { all in
            for i in 0..<batch.count {
                write(parsed[i], line: UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]]), into: &out)
            }
        }
        for lane in lanes { lane.step.store(cache: lane.answers) }
        if tap != nil { options.dashboard!.absorb(tap!) }
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
        /// A name; `answers` is its row in `answerAt` (nil when there is no model: `extract`).
        case name(LogRecord, Domain, answers: Int?)
        case ipAddress(LogRecord, String)
        case special(LogRecord, Domain, SpecialName)
        case root(LogRecord)
        case invalid(LogRecord, String)
    }

    private func parse(_ batch: LineBatch) {
        parsed.removeAll(keepingCapacity: true)
        answerAt.removeAll(keepingCapacity: true)
        names = 0
        for lane in lanes { lane.step.reset() }
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
            guard !lanes.isEmpty else { return .name(record, domain, answers: nil) }
            if let special = options.nameScope?.special(domain) { return .special(record, domain, special) }
            // Per line and model: by index, so no lane is copied (each copy retains its references).
            for m in lanes.indices { answerAt.append(lanes[m].step.add(domain, cache: lanes[m].answers)) }
            names += 1
            return .name(record, domain, answers: names - 1)
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
        case let .name(record, domain, row):
            stats.classified += 1
            guard let row else {
                formatter.append(.name(domain.name), line: bytes, record: record, to: &out)
                return
            }
            more.removeAll(keepingCapacity: true)
            var wanted = options.onlyLabels == nil
            var first = ModelAnswer(top: [][...])
            for m in lanes.indices {
                let top = lanes[m].step.top(answerAt[row * lanes.count + m])
                let best = top[top.startIndex]
                stats.perLabel[m][Int(best.label)] += 1
                tap?.label(best.label)
                // `unknown` (below --min-p) is none of the labels --only asks for.
                if let only = lanes[m].onlyLabels, only[Int(best.label)], best.probability >= lanes[m].model.minProbability { wanted = true }
                let why = options.explainTokens > 0
                    ? Array(lanes[m].model.classifier.explain(domain, label: best.label).prefix(options.explainTokens)) : []
                if m == 0 { first = ModelAnswer(top: top, why: why) } else { more.append(ModelAnswer(top: top, why: why)) }
            }
            // The name read out of `line` once: each read of an enum payload's field copies the payload.
            let name = domain.name
            tap?.record(name, client: record.client.map { UnsafeBufferPointer(rebasing: bytes[$0]) })
            guard wanted else { stats.filteredOut += 1; return }
            formatter.append(.classified(name: name, top: first.top, why: first.why, more: more), line: bytes, record: record, to: &out)
        case let .ipAddress(record, ip):
            stats.ipAddresses += 1
            if options.onlyLabels != nil { stats.filteredOut += 1; return }
            formatter.append(.ipAddress(ip), line: bytes, record: record, to: &out)
        case let .special(record, domain, special):
            stats.special += 1
            if options.onlyLabels != nil { stats.filteredOut += 1; return }
            formatter.append(.special(domain.name, special), line: bytes, record: record, to: &out)
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
