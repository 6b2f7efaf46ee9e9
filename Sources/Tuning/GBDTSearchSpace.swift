import Corpora
import DomainKit
import Features
import Foundation
import Learners
import Training

/// `gbdt`: the trees (rounds, leaves, learning rate, L2), the feature counts (projected + shape) and the
/// pooling of token vectors. The embeddings stay `linear` (the default, and what `learned` pooling needs).
package struct GBDTSearchSpace: SearchSpace {
    package struct Choice: Codable, Equatable, Sendable {
        var rounds: Int
        var leaves: Int
        var learningRate: Float
        var lambdaL2: Float
        var projected: Int
        var shape: Int
        var pooling: PoolingWeights
    }

    /// Training names, for `--features auto`'s sizes (the defaults).
    let examples: Int

    package init(examples: Int) { self.examples = examples }

    package var kind: ModelKind { .gbdt }

    package var defaults: Choice {
        let sizes = FeatureSizes.auto(examples: examples), o = GBDTJobOptions()
        return Choice(rounds: sizes.rounds, leaves: sizes.leaves, learningRate: o.learningRate, lambdaL2: o.lambdaL2,
                      projected: sizes.projected, shape: sizes.shape, pooling: .features)
    }

    package func sample(_ rng: inout SplitMix) -> Choice {
        Choice(rounds: rng.pick([50, 100, 150, 200, 300]), leaves: rng.pick([15, 31, 63]),
               learningRate: Float(rounded(rng.logUniform(0.03, 0.3))), lambdaL2: Float(rounded(rng.logUniform(0.1, 10))),
               projected: rng.pick([12, 16, 20, 24]), shape: rng.pick([3, 4, 5]), pooling: rng.pick([.features, .learned]))
    }

    package func neighbour(of choice: Choice, _ rng: inout SplitMix) -> Choice {
        var c = choice
        for _ in 0..<(rng.chance(0.5) ? 1 : 2) {
            switch rng.next() % 6 {
            case 0: c.rounds = max(20, min(500, Int(rng.nudge(Double(c.rounds), by: 1.5).rounded())))
            case 1: c.leaves = rng.pick([15, 31, 63])
            case 2: c.learningRate = Float(rounded(min(0.5, rng.nudge(Double(c.learningRate), by: 2))))
            case 3: c.lambdaL2 = Float(rounded(rng.nudge(Double(c.lambdaL2), by: 3)))
            case 4: c.projected = max(4, min(32, c.projected + rng.pick([-4, 4]))); c.shape = rng.pick([3, 4, 5])
            default: c.pooling = c.pooling == .features ? .learned : .features
            }
        }
        return c
    }

    package func apply(_ c: Choice, to job: inout TrainJob) {
        job.kind = .gbdt
        job.gbdt.rounds = c.rounds
        job.gbdt.leaves = c.leaves
        job.gbdt.learningRate = c.learningRate
        job.gbdt.lambdaL2 = c.lambdaL2
        job.gbdt.features = "\(c.projected)+\(c.shape)"
        job.gbdt.pooling = c.pooling
    }

    package func train(_ job: TrainJob, on corpus: LabelledCorpus, labels: [String], valid: LabelledCorpus) throws -> any DomainClassifier {
        var job = job
        job.gbdt.corpusSize = corpus.count
        return try job.trainGBDT(corpus, continuing: nil, valid: valid, first: true)
    }

    package func summary(_ c: Choice) -> String {
        String(format: "rounds %d leaves %d lr %g l2 %g features %d+%d %@", c.rounds, c.leaves, c.learningRate, c.lambdaL2,
               c.projected, c.shape, c.pooling.rawValue)
    }
}
