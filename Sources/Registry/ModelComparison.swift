import DomainKit
import Foundation
import Learners

/// Two models on the same labelled names: each one's accuracy and macro-F1, the differences (B − A) with
/// 95% paired-bootstrap intervals, McNemar's exact test, per-label F1 deltas, how often they disagree, and
/// each one's speed on these names; the verdict is McNemar's at 5%.
package struct ModelComparison: Codable, Sendable {
    package struct Side: Codable, Sendable {
        package var name: String
        package var accuracy: Double
        package var macroF1: Double
        package var namesPerSecond: Double
    }
    package struct LabelDelta: Codable, Sendable {
        package var label: String
        package var support: Int
        package var f1A: Double
        package var f1B: Double
    }
    package enum Verdict: String, Codable, Sendable {
        case better, worse
        case noSignificantDifference = "no significant difference"
    }

    package var examples: Int
    package var a: Side
    package var b: Side
    package var accuracyDifference: Double
    package var accuracyInterval: [Double]
    package var macroF1Difference: Double
    package var macroF1Interval: [Double]
    /// Names only A got right, and only B.
    package var onlyA: Int
    package var onlyB: Int
    package var mcNemarP: Double
    package var disagreement: Double
    package var perLabel: [LabelDelta]
    /// B against A.
    package var verdict: Verdict

    package static let significance = 0.05

    package init(a: (name: String, classifier: any DomainClassifier), b: (name: String, classifier: any DomainClassifier),
                 domains: [Domain], truth: [String], threads: Int = 2, resamples: Int = 1000) {
        var labels: [String] = []
        var index: [String: Int] = [:]
        func id(_ label: String) -> Int {
            if let i = index[label] { return i }
            index[label] = labels.count
            labels.append(label)
            return labels.count - 1
        }
        let truthIDs = truth.map(id)
        func answers(_ classifier: any DomainClassifier) -> ([Int], Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let top = Evaluation.topAnswers(classifier, domains: domains, threads: threads)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return (top.map { id(classifier.labels[Int($0.label)]) }, Double(domains.count) / max(seconds, 1e-9))
        }
        let (answersA, speedA) = answers(a.classifier), (answersB, speedB) = answers(b.classifier)

        func report(_ predicted: [Int], _ indices: [Int]? = nil) -> EvaluationReport {
            var counter = ConfusionCounter(labels: labels)
            if let indices {
                for i in indices { counter.add(truth: truthIDs[i], predicted: predicted[i]) }
            } else {
                for i in truthIDs.indices { counter.add(truth: truthIDs[i], predicted: predicted[i]) }
            }
            return counter.report(topConfusions: 0)
        }
        let reportA = report(answersA), reportB = report(answersB)
        examples = domains.count
        self.a = Side(name: a.name, accuracy: reportA.accuracy, macroF1: reportA.macroF1, namesPerSecond: speedA)
        self.b = Side(name: b.name, accuracy: reportB.accuracy, macroF1: reportB.macroF1, namesPerSecond: speedB)
        accuracyDifference = reportB.accuracy - reportA.accuracy
        macroF1Difference = reportB.macroF1 - reportA.macroF1

        let rightA = zip(answersA, truthIDs).map { $0 == $1 }, rightB = zip(answersB, truthIDs).map { $0 == $1 }
        let accuracyCI = PairedStatistics.bootstrapInterval(count: examples, resamples: resamples) { indices in
            var difference = 0
            for i in indices { difference += (rightB[i] ? 1 : 0) - (rightA[i] ? 1 : 0) }
            return Double(difference) / Double(indices.count)
        }
        let f1CI = PairedStatistics.bootstrapInterval(count: examples, resamples: resamples, seed: 2) { indices in
            report(answersB, indices).macroF1 - report(answersA, indices).macroF1
        }
        accuracyInterval = [accuracyCI.low, accuracyCI.high]
        macroF1Interval = [f1CI.low, f1CI.high]
        onlyA = zip(rightA, rightB).filter { $0 && !$1 }.count
        onlyB = zip(rightA, rightB).filter { !$0 && $1 }.count
        mcNemarP = PairedStatistics.mcNemarExact(onlyA: onlyA, onlyB: onlyB)
        disagreement = examples > 0 ? Double(zip(answersA, answersB).filter { $0 != $1 }.count) / Double(examples) : 0
        let f1A = Dictionary(uniqueKeysWithValues: reportA.perLabel.map { ($0.label, $0) })
        perLabel = reportB.perLabel.map { stats in
            LabelDelta(label: stats.label, support: stats.support, f1A: f1A[stats.label]?.f1 ?? 0, f1B: stats.f1)
        }.sorted { abs($0.f1B - $0.f1A) > abs($1.f1B - $1.f1A) }
        verdict = mcNemarP >= Self.significance || onlyA == onlyB ? .noSignificantDifference : (onlyB > onlyA ? .better : .worse)
    }
}
