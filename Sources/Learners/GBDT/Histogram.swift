/// Gradient histograms: for every (feature, bin) the sums of gradients and hessians of a leaf's
/// rows, as `SIMD2<Double>` (g, h) so one vector add updates both. Features lie back to back
/// (`offsets[f]` is the first bin of feature f), so a leaf's histogram is one flat buffer and the
/// larger child of a split is `parent − smaller child` without touching its rows.
enum Histogram {
    typealias Bin = SIMD2<Double>

    /// Adds one feature of the rows `rows[0..<count]` (ascending) into that feature's histogram.
    /// Feature at a time, so the histogram (≤ 255 bins, 4 KB) stays in L1 while the column is
    /// read in ascending row order; `orderedGradients[i]` belongs to `rows[i]` (gathered once per leaf).
    static func accumulateColumn(
        into histogram: UnsafeMutablePointer<Bin>, rows: UnsafePointer<Int32>, count: Int,
        column: UnsafePointer<UInt8>, orderedGradients: UnsafePointer<SIMD2<Float>>
    ) {
        for i in 0..<count {
            let g = orderedGradients[i]
            histogram[Int(column[Int(rows[i])])] += Bin(Double(g.x), Double(g.y))
        }
    }

    /// Zeroes the selected features' ranges.
    static func clear(_ histogram: UnsafeMutablePointer<Bin>, ranges: UnsafeBufferPointer<Range<Int>>) {
        for range in ranges { (histogram + range.lowerBound).update(repeating: .zero, count: range.count) }
    }

    /// `target -= other` over the selected features' ranges (the subtraction trick).
    static func subtract(_ other: UnsafePointer<Bin>, from target: UnsafeMutablePointer<Bin>, ranges: UnsafeBufferPointer<Range<Int>>) {
        for range in ranges { for i in range { target[i] -= other[i] } }
    }
}

/// The best way found to split one leaf.
struct SplitCandidate {
    /// Loss reduction over not splitting; ≤ 0 means "do not split".
    var gain: Double = -.infinity
    var feature: Int = -1
    /// Rows with bin ≤ `bin` go left.
    var bin: Int = 0
    var leftGradient: Double = 0
    var leftHessian: Double = 0

    static let none = SplitCandidate()
}

/// Exhaustive scan of the histogram bins for the split with the largest second-order gain
/// `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)` under the leaf-size constraints.
struct SplitFinder {
    let lambda: Double
    let minDataInLeaf: Int
    let minSumHessian: Double

    init(_ params: GBDTParams) {
        lambda = Double(params.lambdaL2)
        minDataInLeaf = max(1, params.minDataInLeaf)
        minSumHessian = Double(params.minSumHessianInLeaf)
    }

    func canSplit(count: Int, sumHessian: Double) -> Bool {
        count >= 2 * minDataInLeaf && sumHessian >= 2 * minSumHessian
    }

    /// Row counts per bin are not stored; like LightGBM they are estimated from the hessian
    /// share (`count × H_bin / H_leaf`), which keeps a histogram entry at 16 bytes.
    func best(
        in histogram: UnsafePointer<Histogram.Bin>, features: UnsafeBufferPointer<Int32>,
        offsets: UnsafeBufferPointer<Int32>, binCounts: UnsafeBufferPointer<Int32>,
        sumGradient: Double, sumHessian: Double, count: Int
    ) -> SplitCandidate {
        var best = SplitCandidate.none
        guard canSplit(count: count, sumHessian: sumHessian) else { return best }
        let countPerHessian = Double(count) / sumHessian
        let parentScore = sumGradient * sumGradient / (sumHessian + lambda)
        var bestScore = parentScore
        for feature in features {
            let f = Int(feature)
            let bins = histogram + Int(offsets[f])
            var leftG = 0.0, leftH = 0.0
            for b in 0..<(Int(binCounts[f]) - 1) {
                leftG += bins[b].x
                leftH += bins[b].y
                let leftCount = Int((leftH * countPerHessian).rounded())
                if leftCount < minDataInLeaf || leftH < minSumHessian { continue }
                let rightH = sumHessian - leftH
                if count - leftCount < minDataInLeaf || rightH < minSumHessian { break }
                let rightG = sumGradient - leftG
                let score = leftG * leftG / (leftH + lambda) + rightG * rightG / (rightH + lambda)
                if score > bestScore {
                    bestScore = score
                    best = SplitCandidate(gain: score - parentScore, feature: f, bin: b, leftGradient: leftG, leftHessian: leftH)
                }
            }
        }
        return best
    }
}
