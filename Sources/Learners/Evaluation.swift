import Dispatch
import DomainKit
import Foundation

package enum Evaluation {
    /// Classifies every example on `threads` threads and scores the answers. Truth labels the model
    /// has never seen count as errors (they join the label list of the report).
    package static func evaluate(_ classifier: any DomainClassifier, domains: [Domain], truth: [String], threads: Int = 2) -> EvaluationReport {
        report(labels: classifier.labels, answers: topAnswers(classifier, domains: domains, threads: threads), truth: truth)
    }

    /// Scores answers already computed (`topAnswers`) against the truth, as `evaluate`.
    package static func report(labels: [String], answers: [LabelScore], truth: [String]) -> EvaluationReport {
        var names = labels
        var index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let truthIndex = truth.map { label -> Int in
            if let i = index[label] { return i }
            index[label] = names.count
            names.append(label)
            return names.count - 1
        }
        var counter = ConfusionCounter(labels: names)
        for (t, a) in zip(truthIndex, answers) { counter.add(truth: t, predicted: Int(a.label)) }
        var report = counter.report()
        report.calibration = Reliability(confidences: answers.map(\.probability),
                                         correct: zip(truthIndex, answers).map { $0 == Int($1.label) })
        return report
    }

    /// Every example's most probable label, in order.
    package static func topAnswers(_ classifier: any DomainClassifier, domains: [Domain], threads: Int = 2) -> [LabelScore] {
        var answers = [LabelScore](repeating: LabelScore(label: 0, probability: 0), count: domains.count)
        answers.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            forEach(classifier, domains, threads: threads, k: 1) { i, top in if let first = top.first { base[i] = first } }
        }
        return answers
    }

    /// Every example's log-probability of every label (`domains.count` × `labels.count`, row-major), for
    /// fitting a temperature. A label a kind left out of its answer counts as p = 1e-30.
    package static func logProbabilities(_ classifier: any DomainClassifier, domains: [Domain], threads: Int = 2) -> [Float] {
        let classes = classifier.labels.count
        var rows = [Float](repeating: logf(1e-30), count: domains.count * classes)
        rows.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            forEach(classifier, domains, threads: threads, k: classes) { i, top in
                for s in top { base[i * classes + Int(s.label)] = logf(max(s.probability, 1e-30)) }
            }
        }
        return rows
    }

    /// Classifies `domains` on `threads` threads; `body(i, top)` runs on those threads, each i once.
    private static func forEach(_ classifier: any DomainClassifier, _ domains: [Domain], threads: Int, k: Int,
                                _ body: (Int, [LabelScore]) -> Void) {
        let parts = max(1, min(threads, domains.count / 256 + 1))
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let workspace = ClassifierWorkspace()
                var top: [LabelScore] = []
                for i in part * domains.count / parts..<(part + 1) * domains.count / parts {
                    classifier.classify(domains[i], k: k, workspace: workspace, into: &top)
                    body(i, top)
                }
            }
        }
    }
}
