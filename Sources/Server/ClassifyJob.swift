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
    let arrived: NIODeadline
    /// This job's positions in the worker's `BatchAnswers`, set before `render`.
    var answers: Range<Int> = 0..<0
    let render: (ClassifyJob, BatchAnswers, ServingModel) -> () -> Void

    init(lines: LineBatch, eventLoop: EventLoop, render: @escaping (ClassifyJob, BatchAnswers, ServingModel) -> () -> Void) {
        self.lines = lines
        self.eventLoop = eventLoop
        arrived = .now()
        self.render = render
    }
}

/// The answer to one request line: a name answered in the batch, or why it has none.
enum LineAnswer {
    case name(Int)
    case ipAddress(String)
    case root
    case invalid(String)
    case special(String, SpecialName)
}

/// A worker's answers to every job of one batch.
struct BatchAnswers {
    let names: AnswerBatch
    let lines: [LineAnswer]

    func outcome(_ i: Int) -> LineOutcome {
        switch lines[i] {
        case let .name(k): .classified(name: names.names[k], top: names.top(k))
        case let .ipAddress(ip): .ipAddress(ip)
        case .root: .root
        case let .invalid(reason): .error(reason)
        case let .special(name, kind): .special(name, kind)
        }
    }
}
