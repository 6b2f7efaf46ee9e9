import Corpora
import DomainKit
import Learners
import Training

/// The parameters of one kind that a search varies: the defaults (trial 0, the bar), random draws, and
/// steps near a good choice; and how a choice becomes a training job and a model.
package protocol SearchSpace: Sendable {
    associatedtype Choice: Codable, Equatable, Sendable
    var kind: ModelKind { get }
    /// What `domcat train` does without options.
    var defaults: Choice { get }
    func sample(_ rng: inout SplitMix) -> Choice
    /// One or two of `choice`'s parameters moved a little.
    func neighbour(of choice: Choice, _ rng: inout SplitMix) -> Choice
    func apply(_ choice: Choice, to job: inout TrainJob)
    /// Trains a model of `choice` on `corpus` (the job already holds it and the deadline).
    func train(_ job: TrainJob, on corpus: LabelledCorpus, labels: [String], valid: LabelledCorpus) throws -> any DomainClassifier
    /// One line for tables: `lr 0.72 epochs 18 …`.
    func summary(_ choice: Choice) -> String
}
