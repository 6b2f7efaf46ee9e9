/// Accuracy, macro-F1, per-label precision/recall/F1 and the most confused pairs, from (truth, prediction) pairs.
package struct EvaluationReport: Codable, Sendable {
    package struct LabelStats: Codable, Sendable {
        package var label: String
        package var support: Int
        package var precision: Double
        package var recall: Double
        package var f1: Double
    }
    package struct Confusion: Codable, Sendable {
        package var truth: String
        package var predicted: String
        package var count: Int
    }
    package var examples: Int
    package var accuracy: Double
    package var macroF1: Double
    package var perLabel: [LabelStats]
    package var confusedPairs: [Confusion]
    /// How well the top-1 probabilities match the accuracy (15 bins); nil when not measured.
    package var calibration: Reliability?
    /// Every (truth, predicted) count: `labels` × `labels`, row-major by truth.
    package var confusion: ConfusionMatrix?

    package struct ConfusionMatrix: Codable, Sendable {
        package var labels: [String]
        package var counts: [Int]
    }
}

package struct ConfusionCounter: Sendable {
    package let labels: [String]
    private var matrix: [Int]

    package init(labels: [String]) {
        self.labels = labels
        matrix = [Int](repeating: 0, count: labels.count * labels.count)
    }

    package mutating func add(truth: Int, predicted: Int) {
        matrix[truth * labels.count + predicted] += 1
    }

    /// Macro-F1 averages over labels present in the truth (labels never seen in this test set have no recall).
    package func report(topConfusions: Int = 10) -> EvaluationReport {
        let n = labels.count
        var total = 0, correct = 0
        var stats: [EvaluationReport.LabelStats] = []
        var confusions: [EvaluationReport.Confusion] = []
        for l in 0..<n {
            var support = 0, predictedAs = 0
            for j in 0..<n {
                support += matrix[l * n + j]
                predictedAs += matrix[j * n + l]
                if j != l, matrix[l * n + j] > 0 {
                    confusions.append(.init(truth: labels[l], predicted: labels[j], count: matrix[l * n + j]))
                }
            }
            let tp = matrix[l * n + l]
            total += support
            correct += tp
            guard support > 0 else { continue }
            let precision = predictedAs > 0 ? Double(tp) / Double(predictedAs) : 0
            let recall = Double(tp) / Double(support)
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            stats.append(.init(label: labels[l], support: support, precision: precision, recall: recall, f1: f1))
        }
        confusions.sort { $0.count > $1.count }
        return EvaluationReport(
            examples: total,
            accuracy: total > 0 ? Double(correct) / Double(total) : 0,
            macroF1: stats.isEmpty ? 0 : stats.map(\.f1).reduce(0, +) / Double(stats.count),
            perLabel: stats.sorted { $0.support > $1.support },
            confusedPairs: Array(confusions.prefix(topConfusions)),
            confusion: .init(labels: labels, counts: matrix))
    }
}
