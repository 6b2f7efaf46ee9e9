import DomainKit
#if canImport(Glibc)
import Glibc
#endif

/// domain → pooled token vector → projection (PCA or LDA) ⧺ the most informative shape features:
/// the few numbers (25 for a large corpus) the gradient-boosted trees learn from.
public struct Featurizer: Sendable {
    public let pooling: AttentionPooling
    /// Optional learned read-out after pooling (a `linear` model's output rows: one score per label).
    /// Label scores mean the same thing in every model trained on the same labels, unlike the
    /// coordinates of an embedding table, so out-of-fold rows and the final table agree.
    public let readout: PCAProjection?
    public let projection: PCAProjection
    /// Indices into `ShapeFeatures.names`, best ANOVA F first.
    public let shapeSelection: [Int]

    public init(pooling: AttentionPooling, readout: PCAProjection? = nil, projection: PCAProjection, shapeSelection: [Int]) {
        precondition(readout.map { $0.inputDimension == pooling.dimension } ?? true, "Featurizer: readout input differs from the pooled width")
        precondition(projection.inputDimension == (readout?.outputDimension ?? pooling.dimension), "Featurizer: projection input differs from the pooled width")
        self.readout = readout
        precondition(shapeSelection.allSatisfy { (0..<ShapeFeatures.count).contains($0) }, "Featurizer: shape index")
        self.pooling = pooling
        self.projection = projection
        self.shapeSelection = shapeSelection
    }

    /// Output width: projected dimensions, then shape features.
    public var width: Int { projection.outputDimension + shapeSelection.count }
    /// Floats of scratch `features` needs.
    public var scratchCount: Int { 2 * pooling.dimension + (readout?.outputDimension ?? 0) + ShapeFeatures.count }
    /// Width of what the projection reads: the read-out's, or the pooled vector's.
    public var projectedInput: Int { readout?.outputDimension ?? pooling.dimension }

    /// Column names for exported tables: pc1…pcN then the shape features' names.
    public var columnNames: [String] {
        (1...max(projection.outputDimension, 1)).prefix(projection.outputDimension).map { "pc\($0)" } + shapeSelection.map { ShapeFeatures.names[$0] }
    }

    /// Writes `width` floats for a lower-case ASCII name. Allocates nothing once `hashes` has grown
    /// (beyond what `ShapeFeatures.compute` does itself).
    public func features(_ bytes: UnsafeBufferPointer<UInt8>, hashes: inout [UInt64], scratch: UnsafeMutablePointer<Float>,
                         into out: UnsafeMutablePointer<Float>) {
        let d = pooling.dimension
        let r = readout?.outputDimension ?? 0
        let pooled = scratch, tokenScratch = scratch + d, scores = scratch + 2 * d, shape = scratch + 2 * d + r
        pooling.pool(bytes, hashes: &hashes, scratch: tokenScratch, into: pooled)
        var input = UnsafeBufferPointer(start: pooled, count: d)
        if let readout {
            readout.project(input, into: UnsafeMutableBufferPointer(start: scores, count: r))
            // Probabilities, not raw scores: scores of one model lie in its own d-dim subspace, which
            // differs between the out-of-fold models and the final one; probabilities do not.
            var top = -Float.infinity
            for i in 0..<r where scores[i] > top { top = scores[i] }
            var sum: Float = 0
            for i in 0..<r { scores[i] = expf(scores[i] - top); sum += scores[i] }
            for i in 0..<r { scores[i] /= sum }
            input = UnsafeBufferPointer(start: scores, count: r)
        }
        projection.project(input, into: UnsafeMutableBufferPointer(start: out, count: projection.outputDimension))
        if !shapeSelection.isEmpty {
            let suffixLabels = max(1, pooling.tokenizer.suffixes.suffixLabelCount(bytes))
            ShapeFeatures.compute(bytes, suffixLabels: suffixLabels, into: UnsafeMutableBufferPointer(start: shape, count: ShapeFeatures.count))
            let p = projection.outputDimension
            for (i, s) in shapeSelection.enumerated() { out[p + i] = shape[s] }
        }
    }

    /// All 12 shape values of a name (for choosing which to keep).
    public static func shapeValues(_ bytes: UnsafeBufferPointer<UInt8>, suffixes: PublicSuffixList, into out: UnsafeMutablePointer<Float>) {
        ShapeFeatures.compute(bytes, suffixLabels: max(1, suffixes.suffixLabelCount(bytes)),
                              into: UnsafeMutableBufferPointer(start: out, count: ShapeFeatures.count))
    }
}

/// `--features auto`: how many projected and shape dimensions, and how many boosting rounds, a
/// corpus of a given size gets, so nobody has to tune to start. Small corpora get fewer dimensions
/// (fewer splits to overfit) and fewer rounds.
///
/// | training domains | projected + shape | rounds | leaves | min data in leaf |
/// |---|---|---|---|---|
/// | < 1,000          | 8 + 3   | 50  | 15 | 5  |
/// | < 10,000         | 12 + 4  | 100 | 31 | 10 |
/// | ≥ 10,000         | 20 + 5  | 100 | 31 | 20 |
///
/// (A 16 + 5 row for < 100,000 was dropped: v2fly, 11k names and 123 labels, measured test macro-F1
/// 0.765 with 16 + 5 against 0.790 with 20 + 5; LDA of many labels wants the dimensions.)
public struct FeatureSizes: Sendable, Codable, Equatable {
    public var projected: Int
    public var shape: Int
    public var rounds: Int
    public var leaves: Int
    public var minDataInLeaf: Int

    public init(projected: Int, shape: Int, rounds: Int = 100, leaves: Int = 31, minDataInLeaf: Int = 20) {
        self.projected = projected
        self.shape = shape
        self.rounds = rounds
        self.leaves = leaves
        self.minDataInLeaf = minDataInLeaf
    }

    public static func auto(examples n: Int) -> FeatureSizes {
        switch n {
        case ..<1_000: FeatureSizes(projected: 8, shape: 3, rounds: 50, leaves: 15, minDataInLeaf: 5)
        case ..<10_000: FeatureSizes(projected: 12, shape: 4, rounds: 100, leaves: 31, minDataInLeaf: 10)
        default: FeatureSizes(projected: 20, shape: 5)
        }
    }

    /// "auto" or "P+S" (e.g. "20+5").
    public static func parse(_ text: String, examples: Int) -> FeatureSizes? {
        if text == "auto" { return auto(examples: examples) }
        let parts = text.split(separator: "+")
        guard parts.count == 2, let p = Int(parts[0]), let s = Int(parts[1]), p >= 0, s >= 0, s <= ShapeFeatures.count, p + s > 0 else { return nil }
        var sizes = auto(examples: examples)
        sizes.projected = p
        sizes.shape = s
        return sizes
    }
}
