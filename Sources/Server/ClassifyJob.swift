import Cache
import DomainKit
import Learners
import Lines
import NIOCore
import Streaming

/// Requests that arrived together on one connection (a read's worth of lines, or one HTTP body).
/// A worker answers them, calls `render` on its own thread (the answers are readable only during that
/// call), and runs what `render` returns on the job's event loop.
final class ClassifyJob: @unchecked Sendable {
    let lines: LineBatch
    let eventLoop: EventLoop
    /// The client's address: an experiment's unit when it splits by client.
    let client: String?
    /// False for names asked on the server's own account (feedback): not counted as an experiment's traffic.
    let isTraffic: Bool
    let arrived: NIODeadline
    /// This job's positions in the worker's `BatchAnswers`, set before `render`.
    var answers: Range<Int> = 0..<0
    let render: (ClassifyJob, BatchAnswers, ServingSet) -> () -> Void

    init(lines: LineBatch, eventLoop: EventLoop, client: String? = nil, isTraffic: Bool = true,
         render: @escaping (ClassifyJob, BatchAnswers, ServingSet) -> () -> Void) {
        self.lines = lines
        self.eventLoop = eventLoop
        self.client = client
        self.isTraffic = isTraffic
        arrived = .now()
        self.render = render
    }
}

/// The answer to one request line: a name (its row of answers, one per model), or why it has none.
enum LineAnswer {
    case name(Int)
    case ipAddress(String)
    case root
    case invalid(String)
    case special(String, SpecialName)
}

/// A worker's answers to every job of one batch: each model's answers (its `CacheAside` batch), and where
/// each name's answer sits in each of them (a repeated name shares its first answer, so positions differ).
/// In a split experiment the treatment answers some names in the first model's place.
struct BatchAnswers {
    /// One per model, in reply order.
    let models: [AnswerBatch]
    /// `answerAt[row * models.count + m]`: where model `m`'s answer to name `row` is.
    let answerAt: [Int]
    let lines: [LineAnswer]
    /// The experiment's treatment's answers, and which rows it answered (empty without a split experiment).
    var treatment = AnswerBatch()
    var treated: [Bool] = []

    func isTreated(_ row: Int) -> Bool { row < treated.count && treated[row] }
    func position(_ row: Int, model m: Int) -> Int { answerAt[row * models.count + m] }
    private func batch(_ row: Int, _ m: Int) -> AnswerBatch { m == 0 && isTreated(row) ? treatment : models[m] }
    func name(_ row: Int) -> String { batch(row, 0).names[position(row, model: 0)] }
    func top(_ row: Int, model m: Int) -> ArraySlice<LabelScore> { batch(row, m).top(position(row, model: m)) }
    func tier(_ row: Int, model m: Int) -> CacheTier { batch(row, m).tiers[position(row, model: m)] ?? .model }

    /// The formatter of line `i`: the treatment's labels and version in the first model's place when it answered.
    func formatter(_ i: Int, _ serving: ServingSet) -> AnswerFormatter {
        if case let .name(row) = lines[i], isTreated(row), let experiment = serving.experiment { return experiment.treatedFormatter }
        return serving.lineFormatter
    }

    /// Line `i` as the formatter takes it; `more` is scratch for the models after the first, reused line
    /// after line (cleared here).
    func outcome(_ i: Int, more: inout [ModelAnswer]) -> LineOutcome {
        switch lines[i] {
        case let .name(row):
            more.removeAll(keepingCapacity: true)
            for m in models.indices.dropFirst() { more.append(ModelAnswer(top: top(row, model: m))) }
            return .classified(name: name(row), top: top(row, model: 0), more: more)
        case let .ipAddress(ip): return .ipAddress(ip)
        case .root: return .root
        case let .invalid(reason): return .error(reason)
        case let .special(name, kind): return .special(name, kind)
        }
    }
}
