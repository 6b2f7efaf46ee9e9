/// Accuracy, macro-F1, per-label precision/recall/F1 and the most confused pairs, from (truth, prediction) pairs.
public struct EvaluationReport: Codable, Sendable {
    public struct LabelStats: Codable, Sendable {
        public var label: String
        public var support: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }
    public struct Confusion: Codable, Sendable {
        public var truth: String
        public var predicted: String
        public var count: Int
    }
    public var examples: Int
    public var accuracy: Double
    public var macroF1: Double
    public var perLabel: [LabelStats]
    public var confusedPairs: [Confusion]
}

public struct ConfusionCounter: Sendable {
    public let labels: [String]
    private var matrix: [Int]

    public init(labels: [String]) {
        self.labels = labels
        matrix = [Int](repeating: 0, count: labels.count * labels.count)
    }

    public mutating func add(truth: Int, predicted: Int) {
        matrix[truth * labels.count + predicted] += 1
    }

    /// Macro-F1 averages over labels present in the truth (labels never seen in this test set have no recall).
    public func report(topConfusions: Int = 10) -> EvaluationReport {
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
            confusedPairs: Array(confusions.prefix(topConfusions)))
    }
}
