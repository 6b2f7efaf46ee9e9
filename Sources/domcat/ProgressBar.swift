import Foundation

/// A one-line progress display on a terminal (rate and ETA); silent when stderr is piped.
final class ProgressBar: @unchecked Sendable {
    private let enabled = isatty(2) == 1
    private let start = Date()
    private var phase = ""
    private var phaseStart = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    func update(_ phase: String, _ done: Int, _ total: Int, _ loss: Double) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if phase != self.phase { self.phase = phase; phaseStart = Date() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(phaseStart)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let fraction = total > 0 ? Double(done) / Double(total) : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let lossText = loss > 0 ? String(format: " loss %.4f", loss) : ""
        let line = String(format: "\r%@ [%@] %3.0f%% %.0f/s ETA %.0fs%@\u{1B}[K", phase, bar, fraction * 100, rate, eta, lossText)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
