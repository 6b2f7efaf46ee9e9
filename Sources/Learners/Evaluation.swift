import Dispatch
import DomainKit

package enum Evaluation {
    /// Classifies every example on `threads` threads and scores the answers. Truth labels the model
    /// has never seen count as errors (they join the label list of the report).
    package static func evaluate(_ classifier: any DomainClassifier, domains: [Domain], truth: [String], threads: Int = 2) -> EvaluationReport {
        var names = classifier.labels
        var index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let truthIndex = truth.map { label -> Int in
            if let i = index[label] { return i }
            index[label] = names.count
            names.append(label)
            return names.count - 1
        }
        let parts = max(1, min(threads, domains.count / 256 + 1))
        var predictions = [Int32](repeating: 0, count: domains.count)
        predictions.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let workspace = ClassifierWorkspace()
                var top: [LabelScore] = []
                for i in part * domains.count / parts..<(part + 1) * domains.count / parts {
                    classifier.classify(domains[i], k: 1, workspace: workspace, into: &top)
                    base[i] = top.first?.label ?? 0
                }
            }
        }
        var counter = ConfusionCounter(labels: names)
        for (t, p) in zip(truthIndex, predictions) { counter.add(truth: t, predicted: Int(p)) }
        return counter.report()
    }
}
