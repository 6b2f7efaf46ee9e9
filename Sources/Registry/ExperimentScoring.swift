import DomainKit
import Learners

/// Labelled names that came later, scored as the experiment would have answered them: in shadow mode both
/// arms answer every name (paired); in split mode each name is answered by its unit's arm (offline there is
/// no client, so `client` units fall back to the registrable name).
package enum ExperimentScoring {
    package struct Tallies: Sendable {
        package var control = (examples: 0, correct: 0)
        package var treatment = (examples: 0, correct: 0)
        package var pairs: ExperimentStatus.Pairs?
        package init() {}
    }

    package static func score(_ experiment: Experiment, control: any DomainClassifier, treatment: any DomainClassifier,
                              domains: [Domain], truth: [String], suffixes: PublicSuffixList, threads: Int = 2) -> Tallies {
        func right(_ classifier: any DomainClassifier, _ indices: [Int]) -> [Bool] {
            let answers = Evaluation.topAnswers(classifier, domains: indices.map { domains[$0] }, threads: threads)
            return zip(indices, answers).map { classifier.labels[Int($1.label)] == truth[$0] }
        }
        var tallies = Tallies()
        switch experiment.mode {
        case .shadow:
            let all = Array(domains.indices)
            let c = right(control, all), t = right(treatment, all)
            var pairs = ExperimentStatus.Pairs()
            for (a, b) in zip(c, t) {
                switch (a, b) {
                case (true, true): pairs.bothRight += 1
                case (true, false): pairs.onlyControl += 1
                case (false, true): pairs.onlyTreatment += 1
                case (false, false): pairs.bothWrong += 1
                }
            }
            tallies.control = (all.count, c.filter { $0 }.count)
            tallies.treatment = (all.count, t.filter { $0 }.count)
            tallies.pairs = pairs
        case .split:
            var arms: [Experiment.Arm: [Int]] = [.control: [], .treatment: []]
            for (i, domain) in domains.enumerated() {
                arms[experiment.arm(forUnitKey: experiment.unitKey(name: domain.name, client: nil, suffixes: suffixes))]!.append(i)
            }
            let c = right(control, arms[.control]!), t = right(treatment, arms[.treatment]!)
            tallies.control = (c.count, c.filter { $0 }.count)
            tallies.treatment = (t.count, t.filter { $0 }.count)
        }
        return tallies
    }
}
