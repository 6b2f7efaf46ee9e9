/// Hyper-parameters of gradient-boosted trees, named and defaulted as in LightGBM so results
/// can be compared setting for setting.
package struct GBDTParams: Sendable, Codable, Equatable {
    /// Boosting rounds; each round adds one tree per class.
    package var rounds = 100
    /// Leaf-wise growth stops at this many leaves per tree.
    package var numLeaves = 31
    /// Shrinkage applied to every leaf value.
    package var learningRate: Float = 0.1
    /// Fraction of features each tree may split on (drawn per tree).
    package var featureFraction: Float = 0.8
    /// Fraction of rows each round trains on, redrawn every `baggingFreq` rounds (0 = no bagging).
    package var baggingFraction: Float = 0.8
    package var baggingFreq = 1
    /// L2 penalty on leaf values: output = −G / (H + lambdaL2).
    package var lambdaL2: Float = 0
    package var minDataInLeaf = 20
    package var minSumHessianInLeaf: Float = 1e-3
    /// Histogram bins per feature, at most 255 (bins are stored as bytes).
    package var maxBins = 255
    /// Depth limit on top of `numLeaves`; ≤ 0 means none.
    package var maxDepth = -1
    /// Stop when the validation multi-logloss has not improved for this many rounds (≤ 0: never).
    package var earlyStoppingRounds = 10
    /// Worker threads for histogram building, gradients and binning.
    package var threads = 2
    /// Seeds bagging, feature sampling and the binning sample.
    package var seed: UInt64 = 1

    package init() {}
}
