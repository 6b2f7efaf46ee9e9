import Learners

/// What a search maximises on the validation names.
package enum TuningMetric: String, CaseIterable, Sendable, Codable {
    case macroF1 = "macro-f1"
    case accuracy

    package func score(_ report: EvaluationReport) -> Double {
        switch self {
        case .macroF1: report.macroF1
        case .accuracy: report.accuracy
        }
    }

    /// For tables and progress lines.
    package var title: String { self == .macroF1 ? "macro-F1" : "accuracy" }
}
