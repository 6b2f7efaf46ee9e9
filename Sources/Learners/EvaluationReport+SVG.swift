import Foundation

extension EvaluationReport {
    /// One self-contained SVG (`domcat eval --plot`): the reliability diagram on the left — per probability
    /// bin, the share right (bars) against the mean probability (the diagonal is perfect calibration; red is
    /// the gap) — and on the right the confusion matrix, each row (true label) normalised to 1, for the
    /// `maxLabels` labels with the most support.
    package func svg(title: String, maxLabels: Int = 40) -> String {
        let shown = Array(perLabel.prefix(maxLabels).map(\.label))
        let cell = shown.count > 25 ? 12.0 : 18.0
        let matrixSize = cell * Double(shown.count)
        let labelWidth = 150.0, plot = 320.0, margin = 50.0
        let width = margin + plot + margin + labelWidth + matrixSize + 30
        let height = max(plot + 2 * margin + 40, labelWidth + matrixSize + margin + 40)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(margin)" y="22" font-size="14" font-weight="bold">\(escape(title))</text>
        <text x="\(margin)" y="38">\(String(format: "%d names · accuracy %.4f · macro-F1 %.4f", examples, accuracy, macroF1))</text>

        """
        // Reliability diagram.
        let x0 = margin, y0 = margin + 10 + plot
        func px(_ p: Double) -> Double { x0 + p * plot }
        func py(_ p: Double) -> Double { y0 - p * plot }
        svg += "<rect x=\"\(x0)\" y=\"\(py(1))\" width=\"\(plot)\" height=\"\(plot)\" fill=\"none\" stroke=\"#999\"/>\n"
        if let calibration {
            for bin in calibration.bins where bin.count > 0 {
                let x = px(bin.lower), w = px(bin.upper) - x
                svg += "<rect x=\"\(x)\" y=\"\(py(bin.accuracy))\" width=\"\(w)\" height=\"\(plot * bin.accuracy)\" fill=\"#4a7ebb\" stroke=\"white\"/>\n"
                let top = max(bin.accuracy, bin.confidence), gap = abs(bin.accuracy - bin.confidence)
                svg += "<rect x=\"\(x)\" y=\"\(py(top))\" width=\"\(w)\" height=\"\(plot * gap)\" fill=\"#d9534f\" fill-opacity=\"0.45\"/>\n"
            }
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">ECE %.4f (15 bins)</text>\n", x0 + 8, py(1) + 16, calibration.expectedCalibrationError)
        }
        svg += "<line x1=\"\(px(0))\" y1=\"\(py(0))\" x2=\"\(px(1))\" y2=\"\(py(1))\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n"
        for t in stride(from: 0.0, through: 1.0, by: 0.2) {
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>\n", px(t), y0 + 14, t)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", x0 - 4, py(t) + 4, t)
        }
        svg += "<text x=\"\(px(0.5))\" y=\"\(y0 + 30)\" text-anchor=\"middle\">top-1 probability</text>\n"
        svg += "<text transform=\"translate(\(x0 - 32),\(py(0.5))) rotate(-90)\" text-anchor=\"middle\">share right</text>\n"

        // Confusion matrix, rows normalised.
        guard let confusion, !shown.isEmpty else { return svg + "</svg>\n" }
        let index = Dictionary(uniqueKeysWithValues: confusion.labels.enumerated().map { ($1, $0) })
        let n = confusion.labels.count
        let mx = margin + plot + margin + labelWidth, my = margin + 10 + labelWidth - 100
        for (row, truth) in shown.enumerated() {
            guard let t = index[truth] else { continue }
            let total = max(1, (0..<n).reduce(0) { $0 + confusion.counts[t * n + $1] })
            svg += "<text x=\"\(mx - 4)\" y=\"\(my + cell * (Double(row) + 0.75))\" text-anchor=\"end\">\(escape(truth))</text>\n"
            for (column, predicted) in shown.enumerated() {
                guard let p = index[predicted] else { continue }
                let share = Double(confusion.counts[t * n + p]) / Double(total)
                guard share > 0 else { continue }
                let shade = Int(255 - 220 * share.squareRoot())
                svg += "<rect x=\"\(mx + cell * Double(column))\" y=\"\(my + cell * Double(row))\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),255)\"><title>\(escape(truth)) → \(escape(predicted)): \(confusion.counts[t * n + p])</title></rect>\n"
            }
        }
        for (column, predicted) in shown.enumerated() {
            let x = mx + cell * (Double(column) + 0.75)
            svg += "<text transform=\"translate(\(x),\(my - 4)) rotate(-60)\">\(escape(predicted))</text>\n"
        }
        svg += "<rect x=\"\(mx)\" y=\"\(my)\" width=\"\(matrixSize)\" height=\"\(matrixSize)\" fill=\"none\" stroke=\"#999\"/>\n"
        svg += "<text x=\"\(mx)\" y=\"\(my + matrixSize + 16)\">rows: true label · columns: predicted · shade: share of the row</text>\n"
        return svg + "</svg>\n"
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
