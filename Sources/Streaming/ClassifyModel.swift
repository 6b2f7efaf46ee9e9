import Learners

/// One model of a run: its name (its output columns, its JSON key), its classifier, and its digest (the
/// namespace of its cached answers, so a new model never serves an old answer).
package struct ClassifyModel: Sendable {
    package let name: String
    package let classifier: any DomainClassifier
    package let digest: String
    /// An answer whose top probability is below this says `unknown` (`--min-p`, or the model's own threshold).
    package let minProbability: Float

    package init(name: String, classifier: any DomainClassifier, digest: String, minProbability: Float = 0) {
        self.name = name
        self.classifier = classifier
        self.digest = digest
        self.minProbability = minProbability
    }
}
