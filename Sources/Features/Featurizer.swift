import DomainKit
#if canImport(Glibc)
import Glibc
#endif

/// domain → pooled token vector → projection (PCA or LDA) ⧺ the most informative shape features:
/// the few numbers (25 for a large corpus) the gradient-boosted trees learn from.
package struct Featurizer: Sendable {
    package let pooling: AttentionPooling
    /// Optional learned read-out after pooling (a `linear` model's output rows: one score per label).
    /// Label scores mean the same thing in every model trained on the same labels, unlike the
    /// coordinates of an embedding table, so out-of-fold rows and the final table agree.
    package let readout: LinearProjection?
    package let projection: LinearProjection
    /// Indices into `ShapeFeatures.names`, best ANOVA F first.
    package let shapeSelection: [Int]

    package init(pooling: AttentionPooling, readout: LinearProjection? = nil, projection: LinearProjection, shapeSelection: [Int]) {
        precondition(readout.map { $0.inputDimension == pooling.dimension } ?? true, "Featurizer: readout input differs from the pooled width")
        precondition(projection.inputDimension == (readout?.outputDimension ?? pooling.dimension), "Featurizer: projection input differs from the pooled width")
        self.readout = readout
        precondition(shapeSelection.allSatisfy { (0..<ShapeFeatures.count).contains($0) }, "Featurizer: shape index")
        self.pooling = pooling
        self.projection = projection
        self.shapeSelection = shapeSelection
    }

    /// Output width: projected dimensions, then shape features.
    package var width: Int { projection.outputDimension + shapeSelection.count }
    /// Floats of scratch `features` needs.
    package var scratchCount: Int { 2 * pooling.dimension + (readout?.outputDimension ?? 0) + ShapeFeatures.count }
    /// Width of what the projection reads: the read-out's, or the pooled vector's.
    package var projectedInput: Int { readout?.outputDimension ?? pooling.dimension }

    /// Column names for exported tables: pc1…pcN then the shape features' names.
    package var columnNames: [String] {
        (1...max(projection.outputDimension, 1)).prefix(projection.outputDimension).map { "pc\($0)" } + shapeSelection.map { ShapeFeatures.names[$0] }
    }

    /// Writes `width` floats for a lower-case ASCII name. Allocates nothing once `hashes` has grown
    /// (beyond what `ShapeFeatures.compute` does itself).
    package func features(_ bytes: UnsafeBufferPointer<UInt8>, hashes: inout [UInt64], scratch: UnsafeMutablePointer<Float>,
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
            Softmax.normalise(UnsafeMutableBufferPointer(start: scores, count: r))
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
    package static func shapeValues(_ bytes: UnsafeBufferPointer<UInt8>, suffixes: PublicSuffixList, into out: UnsafeMutablePointer<Float>) {
        ShapeFeatures.compute(bytes, suffixLabels: max(1, suffixes.suffixLabelCount(bytes)),
                              into: UnsafeMutableBufferPointer(start: out, count: ShapeFeatures.count))
    }
}
