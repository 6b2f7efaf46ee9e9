import Dispatch
import Foundation
import Tuning

/// `tune`'s live line on a terminal — trial n of ~N, the best so far, time left — redrawn every half
/// second so the clock moves between trials; nothing when stderr is not a terminal.
final class TuneProgressLine: @unchecked Sendable {
    private let enabled = stderrIsTerminal
    private let metric: TuningMetric
    private let lock = NSLock()
    private var status: TuningStatus?
    private var statusAt = DispatchTime.now()
    private var timer: DispatchSourceTimer?

    init(metric: TuningMetric) {
        self.metric = metric
        guard enabled else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
        self.timer = timer
    }

    func update(_ status: TuningStatus) {
        guard enabled else { return }
        lock.lock()
        self.status = status
        statusAt = DispatchTime.now()
        lock.unlock()
        draw()
    }

    private func draw() {
        lock.lock(); defer { lock.unlock() }
        guard let s = status else { return }
        let left = max(0, s.secondsLeft - Double(DispatchTime.now().uptimeNanoseconds - statusAt.uptimeNanoseconds) / 1e9)
        let total = s.estimatedTotal.map { " of ~\(max($0, s.started))" } ?? ""
        let best = s.best.map { String(format: "best %@ %.4f (trial %d)", metric.title, $0.score ?? 0, $0.trial) } ?? "best: none yet"
        let line = String(format: "\rtune: trial %d%@, %d running · %@ · %.0f s left\u{1B}[K", s.started, total, s.running, best, left)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the line before a message, so the message stands on a line of its own.
    func clear() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    func finish() {
        guard enabled else { return }
        timer?.cancel()
        clear()
        lock.lock()
        status = nil
        lock.unlock()
    }
}
