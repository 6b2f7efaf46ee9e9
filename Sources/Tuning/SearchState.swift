import Dispatch
import Foundation
import Learners

/// What the workers of a search share: the trials so far, the choices they tried, and the counts the
/// progress line shows. One lock; the callbacks run under it, so they never overlap.
final class SearchState: @unchecked Sendable {
    let end: Deadline
    let workers: Int
    private let lock = NSLock()
    private(set) var trials: [TrialRecord] = []
    private(set) var choices: [Int: Any] = [:]
    private var numbered = 0
    private var started = 0
    private var running = 0
    private var trainedSeconds = 0.0
    private var trained = 0

    init(end: Deadline, workers: Int) {
        self.end = end
        self.workers = workers
    }

    /// The numbers of the next `count` trials.
    func reserve(_ count: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        numbered += count
        return numbered - count
    }

    func starting<S>(report: ((TuningSearch<S>.Status) -> Void)?, budget: Double) {
        lock.lock(); defer { lock.unlock() }
        started += 1
        running += 1
        report?(status())
    }

    func finished<S>(_ record: TrialRecord, choice: S.Choice, report: ((TuningSearch<S>.Status) -> Void)?,
                     onTrial: ((TrialRecord) -> Void)?, budget: Double) {
        lock.lock(); defer { lock.unlock() }
        trials.append(record)
        choices[record.trial] = choice
        if record.resumed != true {
            running -= 1
            if record.status != .cut { trainedSeconds += record.seconds; trained += 1 }
        }
        onTrial?(record)
        report?(status())
    }

    /// Every choice tried so far, in trial order.
    func tried<C>(_ type: C.Type) -> [C] {
        lock.lock(); defer { lock.unlock() }
        return choices.sorted { $0.key < $1.key }.compactMap { $0.value as? C }
    }

    /// The choice of the best trial on all the training names so far.
    func bestChoice<C>(_ type: C.Type) -> C? {
        lock.lock(); defer { lock.unlock() }
        return complete().flatMap { choices[$0.trial] as? C }
    }

    private func complete() -> TrialRecord? {
        trials.filter(\.isComplete).max { ($0.score ?? 0, -$0.trial) < ($1.score ?? 0, -$1.trial) }
    }

    private func status<S>() -> TuningSearch<S>.Status {
        let left = end.secondsLeft
        let estimate = trained > 0 ? started + Int(left * Double(workers) / (trainedSeconds / Double(trained))) : nil
        return TuningSearch<S>.Status(started: started, running: running, estimatedTotal: estimate,
                                      best: TuningSearch<S>.best(of: trials), secondsLeft: left)
    }
}

/// Hands out 0, 1, 2, … to whichever worker asks first.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
