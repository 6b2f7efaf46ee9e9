import Foundation

extension EvaluationReport {
    /// The report as `domcat eval` prints it: totals, a per-label table, the most confused pairs.
    package func text(modelKind: String, version: String) -> String {
        var lines = [String(format: "examples %d  accuracy %.4f  macro-F1 %.4f  (model %@, %@)", examples, accuracy, macroF1, modelKind, version)]
        lines.append("label".padding(toLength: 24, withPad: " ", startingAt: 0) + "  support  precision  recall      f1")
        for s in perLabel {
            lines.append(s.label.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: "  %7d  %9.4f  %6.4f  %6.4f", s.support, s.precision, s.recall, s.f1))
        }
        if !confusedPairs.isEmpty {
            lines.append("most confused (truth → predicted):")
            for c in confusedPairs { lines.append("  \(c.truth) → \(c.predicted): \(c.count)") }
        }
        if let calibration {
            lines.append(String(format: "calibration: expected calibration error %.4f (15 bins)", calibration.expectedCalibrationError))
            lines.append("  p range        names  mean p  accuracy")
            for bin in calibration.bins where bin.count > 0 {
                lines.append(String(format: "  %.3f–%.3f  %7d  %6.4f  %8.4f", bin.lower, bin.upper, bin.count, bin.confidence, bin.accuracy))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
