import Foundation
import Lines
import Streaming

/// `classify` reading files on a terminal: one line on stderr, redrawn twice a second — lines done, lines/s,
/// the share of the input read and the time left from the files' sizes, the top labels so far — and erased at
/// the end, so it never mixes with the summary or the output.
final class ClassifyProgress: @unchecked Sendable {
    private let pipeline: ClassifyPipeline
    private let readers: [LineReader]
    private let totalBytes: Int?
    private let labels: [String]
    private let started = Date()
    private var timer: DispatchSourceTimer?

    /// `sizes`: each input file's size, nil when one is a pipe (no ETA then).
    init(pipeline: ClassifyPipeline, readers: [LineReader], sizes: [Int?], labels: [String]) {
        self.pipeline = pipeline
        self.readers = readers
        totalBytes = sizes.contains(where: { $0 == nil }) ? nil : sizes.compactMap { $0 }.reduce(0, +)
        self.labels = labels
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
        self.timer = timer
    }

    func stop() {
        timer?.cancel()
        timer = nil
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw() {
        let stats = pipeline.snapshot()
        let seconds = Date().timeIntervalSince(started)
        var line = String(format: "\r%@ lines, %@ lines/s", Self.count(stats.lines), Self.count(Int(Double(stats.lines) / max(seconds, 1e-3))))
        if let total = totalBytes, total > 0 {
            let done = readers.map(\.progress.bytes).reduce(0, +)
            let fraction = min(1, Double(done) / Double(total))
            line += String(format: ", %.0f%%", fraction * 100)
            if fraction > 0.01 { line += String(format: ", ETA %.0f s", seconds * (1 - fraction) / fraction) }
        }
        if let counts = stats.perLabel.first {
            let top = zip(labels, counts).filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.prefix(3)
            if !top.isEmpty {
                let classified = max(1, counts.reduce(0, +))
                line += " | " + top.map { String(format: "%@ %.0f%%", $0.0, 100 * Double($0.1) / Double(classified)) }.joined(separator: " ")
            }
        }
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }

    private static func count(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.2fM", Double(n) / 1e6) : n >= 10_000 ? String(format: "%.1fk", Double(n) / 1e3) : String(n)
    }
}
