import Features
import Foundation

/// A trained multiclass gradient-boosted tree ensemble: per-class base scores plus one tree per
/// class per round. Immutable once built, so one instance serves any number of threads.
package final class GBDTModel: @unchecked Sendable {
    package let numClasses: Int
    package let numFeatures: Int
    /// Bin edges fixed by the first training batch; continued boosting reuses them.
    package let binMapper: BinMapper
    /// Starting logits (log class priors of the first batch that saw each class).
    package let baseScores: [Float]
    package let forest: Forest

    package var treeCount: Int { forest.treeCount }

    package init(numClasses: Int, binMapper: BinMapper, baseScores: [Float], forest: Forest) {
        self.numClasses = numClasses
        self.numFeatures = binMapper.featureCount
        self.binMapper = binMapper
        self.baseScores = baseScores
        self.forest = forest
    }

    /// Trains a model, or continues `initModel` (LightGBM's `init_model`): the new trees fit the
    /// gradients of `initModel`'s scores on `data`, and are appended to its trees. `classes` may
    /// exceed `initModel.numClasses`; new classes start from their prior in `data`.
    /// `progress(round, loss)` reports the validation multi-logloss after each round (the
    /// training one when there is no validation set). No round starts after `deadline`.
    package static func train(
        _ data: GBDTDataset, classes: Int, params: GBDTParams, validation: GBDTDataset? = nil,
        initModel: GBDTModel? = nil, deadline: Deadline? = nil, progress: ((Int, Double) -> Void)? = nil
    ) -> GBDTModel {
        var trainer = GBDTTrainer(data: data, classes: classes, params: params, validation: validation, initModel: initModel)
        return trainer.run(deadline: deadline, progress: progress)
    }

    /// Writes `numClasses` logits for one row of `numFeatures` values. Allocates nothing.
    package func predictRaw(_ row: UnsafePointer<Float>, into scores: UnsafeMutablePointer<Float>) {
        baseScores.withUnsafeBufferPointer { base in
            for c in 0..<numClasses { scores[c] = base[c] }
        }
        forest.accumulate(row, into: scores)
    }

    /// `predictRaw` for `count` rows (row-major), `numClasses` logits per row into `scores`.
    package func predictRaw(rows: UnsafePointer<Float>, count: Int, into scores: UnsafeMutablePointer<Float>) {
        baseScores.withUnsafeBufferPointer { base in
            for r in 0..<count { (scores + r * numClasses).update(from: base.baseAddress!, count: numClasses) }
        }
        forest.accumulate(rows: rows, width: numFeatures, count: count, into: scores, classes: numClasses)
    }

    /// Writes `numClasses` softmax probabilities for one row. Allocates nothing.
    package func predictProbabilities(_ row: UnsafePointer<Float>, into p: UnsafeMutablePointer<Float>, temperature: Float = 1) {
        predictRaw(row, into: p)
        Softmax.normalise(UnsafeMutableBufferPointer(start: p, count: numClasses), temperature: temperature)
    }
}
