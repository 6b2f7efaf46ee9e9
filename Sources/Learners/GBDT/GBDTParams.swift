/// Hyper-parameters of gradient-boosted trees, named and defaulted as in LightGBM so results
/// can be compared setting for setting.
public struct GBDTParams: Sendable, Codable, Equatable {
    /// Boosting rounds; each round adds one tree per class.
    public var rounds = 100
    /// Leaf-wise growth stops at this many leaves per tree.
    public var numLeaves = 31
    /// Shrinkage applied to every leaf value.
    public var learningRate: Float = 0.1
    /// Fraction of features each tree may split on (drawn per tree).
    public var featureFraction: Float = 0.8
    /// Fraction of rows each round trains on, redrawn every `baggingFreq` rounds (0 = no bagging).
    public var baggingFraction: Float = 0.8
    public var baggingFreq = 1
    /// L2 penalty on leaf values: output = −G / (H + lambdaL2).
    public var lambdaL2: Float = 0
    public var minDataInLeaf = 20
    public var minSumHessianInLeaf: Float = 1e-3
    /// Histogram bins per feature, at most 255 (bins are stored as bytes).
    public var maxBins = 255
    /// Depth limit on top of `numLeaves`; ≤ 0 means none.
    public var maxDepth = -1
    /// Stop when the validation multi-logloss has not improved for this many rounds (≤ 0: never).
    public var earlyStoppingRounds = 10
    /// Worker threads for histogram building, gradients and binning.
    public var threads = 2
    /// Seeds bagging, feature sampling and the binning sample.
    public var seed: UInt64 = 1

    public init() {}
}
