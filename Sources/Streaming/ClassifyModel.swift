import Learners

/// One model of a run: its name (its output columns, its JSON key), its classifier, and its digest (the
/// namespace of its cached answers, so a new model never serves an old answer).
package struct ClassifyModel: Sendable {
    package let name: String
    package let classifier: any DomainClassifier
    package let digest: String

    package init(name: String, classifier: any DomainClassifier, digest: String) {
        self.name = name
        self.classifier = classifier
        self.digest = digest
    }
}
