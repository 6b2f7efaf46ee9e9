import Cache
import Learners
import NIOCore

/// The answer to one request.
enum Answer {
    case classified(name: String, top: [LabelScore], tier: CacheTier)
    case ipAddress(String)
    case invalid(String)
}

/// Requests that arrived together on one connection (a read's worth of lines, or one HTTP body).
/// A worker fills `answers`, then calls `finish` on its own thread, which renders and hands bytes to the event loop.
final class ClassifyJob: @unchecked Sendable {
    let inputs: [[UInt8]]
    var answers: [Answer] = []
    let arrived: NIODeadline
    let finish: (ClassifyJob, ServingModel) -> Void

    init(inputs: [[UInt8]], finish: @escaping (ClassifyJob, ServingModel) -> Void) {
        self.inputs = inputs
        arrived = .now()
        self.finish = finish
    }
}
