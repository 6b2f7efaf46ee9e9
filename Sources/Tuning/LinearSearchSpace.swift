import Corpora
import DomainKit
import Foundation
import Learners
import Training

/// `linear`: the loss (with the SVMs' C, or softmax's learning rate and epochs), the hash space, which
/// n-grams, how rows are pooled and read out, and how much rare labels weigh. Ranges hold what
/// issue 16 measured as sensible on both corpora.
package struct LinearSearchSpace: SearchSpace {
    package struct Choice: Codable, Equatable, Sendable {
        var learningRate: Float
        var epochs: Int
        var bucketBits: Int
        /// The whole name's n-grams, min…max.
        var nameMinn: Int
        var nameMaxn: Int
        /// The labels' 3…6-grams as well.
        var labelNgrams: Bool
        var weighting: FeatureWeighting
        var output: OutputLayer
        /// Only read with `.embedding` output (direct scores have one column per label).
        var dimension: Int
        var labelBalance: Float
        /// nil in trial logs written before the SVMs: softmax.
        var loss: LinearLoss?
        var cost: Float?
        var isSVM: Bool { loss == .svm && output == .direct }
    }

    package init() {}

    package var kind: ModelKind { .linear }

    package var defaults: Choice {
        let p = LinearParams()
        return Choice(learningRate: p.learningRate, epochs: p.epochs, bucketBits: LinearParams.directBucketBits,
                      nameMinn: p.tokenizer.nameNgrams?.min ?? 2, nameMaxn: p.tokenizer.nameNgrams?.max ?? 5,
                      labelNgrams: p.tokenizer.labelNgrams ?? false, weighting: p.weighting ?? .idf, output: p.output ?? .direct,
                      dimension: p.dimension, labelBalance: p.labelBalance ?? 0, loss: p.loss, cost: p.cost)
    }

    package func sample(_ rng: inout SplitMix) -> Choice {
        Choice(learningRate: Float(rounded(rng.logUniform(0.25, 4))), epochs: Int(rng.logUniform(5, 41)),
               bucketBits: rng.pick([19, 20, 21, 22]), nameMinn: rng.pick([1, 2, 3]), nameMaxn: rng.pick([4, 5, 6]),
               labelNgrams: rng.chance(0.3), weighting: rng.chance(0.75) ? .idf : .mean,
               output: rng.chance(0.75) ? .direct : .embedding, dimension: rng.pick([16, 32, 64]),
               labelBalance: rng.chance(0.3) ? 0 : Float(rounded(rng.uniform(0.1, 1))),
               loss: rng.chance(0.6) ? .svm : .softmax, cost: Float(rounded(rng.logUniform(0.25, 8))))
    }

    package func neighbour(of choice: Choice, _ rng: inout SplitMix) -> Choice {
        var c = choice
        for _ in 0..<(rng.chance(0.5) ? 1 : 2) {
            switch rng.next() % 9 {
            case 0 where c.isSVM: c.cost = Float(rounded(min(32, rng.nudge(Double(c.cost ?? 1), by: 2))))
            case 0: c.learningRate = Float(rounded(min(8, rng.nudge(Double(c.learningRate), by: 2))))
            case 1 where c.isSVM: c.cost = Float(rounded(min(32, rng.nudge(Double(c.cost ?? 1), by: 1.4))))
            case 1: c.epochs = max(3, min(60, Int(rng.nudge(Double(c.epochs), by: 1.6).rounded())))
            case 8: c.loss = c.loss == .svm ? .softmax : .svm
            case 2: c.bucketBits = max(18, min(23, c.bucketBits + rng.pick([-1, 1])))
            case 3: c.nameMinn = max(1, min(c.nameMaxn, c.nameMinn + rng.pick([-1, 1])))
            case 4: c.nameMaxn = max(c.nameMinn, min(7, c.nameMaxn + rng.pick([-1, 1])))
            case 5: c.labelNgrams.toggle()
            case 6: c.weighting = c.weighting == .idf ? .mean : .idf
            default: c.labelBalance = Float(rounded(max(0, min(1, Double(c.labelBalance) + rng.uniform(-0.3, 0.3)))))
            }
        }
        return c
    }

    package func apply(_ c: Choice, to job: inout TrainJob) {
        job.kind = .linear
        job.linear.learningRate = c.learningRate
        job.linear.epochs = c.epochs
        job.linear.bucketBits = c.bucketBits
        job.linear.tokenizer.nameNgrams = NgramLengths(min: c.nameMinn, max: c.nameMaxn)
        job.linear.tokenizer.labelNgrams = c.labelNgrams
        job.linear.weighting = c.weighting
        job.linear.output = c.output
        job.linear.dimension = c.dimension
        job.linear.labelBalance = c.labelBalance > 0 ? c.labelBalance : nil
        job.linear.loss = c.isSVM ? .svm : nil
        job.linear.cost = c.isSVM ? (c.cost ?? 1) : nil
    }

    package func train(_ job: TrainJob, on corpus: LabelledCorpus, labels: [String], valid: LabelledCorpus) throws -> any DomainClassifier {
        let model = LinearModel(labels: labels, params: job.linear, suffixes: job.suffixes)
        job.fit(model, on: corpus)
        return model
    }

    package func summary(_ c: Choice) -> String {
        let loss = c.isSVM ? String(format: "svm C %g", c.cost ?? 1) : String(format: "lr %g epochs %d", c.learningRate, c.epochs)
        var parts = [loss, "bits \(c.bucketBits)",
                     "name \(c.nameMinn)-\(c.nameMaxn)", c.labelNgrams ? "+label 3-6" : nil, c.weighting.rawValue,
                     c.output == .direct ? "direct" : "dim \(c.dimension)"].compactMap { $0 }
        if c.labelBalance > 0 { parts.append(String(format: "balance %g", c.labelBalance)) }
        return parts.joined(separator: " ")
    }
}
