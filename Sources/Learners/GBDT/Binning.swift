import DomainKit
import Dispatch

/// Per-feature bin edges: fixed at the first batch from a sample, stored in the model and
/// reused by every later batch, so continued boosting sees the same histogram grid.
///
/// Bin `b` of feature `f` holds values `x` with `upperBounds[f][b-1] < x <= upperBounds[f][b]`;
/// the last bound is +∞ and NaN falls into bin 0. A split "bin ≤ s" is therefore exactly the
/// raw test `x <= upperBounds[f][s]`, which is what prediction evaluates (NaN goes left).
package struct BinMapper: Equatable {
    package var upperBounds: [[Float]]

    package init(upperBounds: [[Float]]) { self.upperBounds = upperBounds }

    var featureCount: Int { upperBounds.count }

    /// Rows sampled for the edges (LightGBM's `bin_construct_sample_cnt`).
    static let sampleSize = 200_000

    static func fit(_ data: GBDTDataset, maxBins: Int, seed: UInt64) -> BinMapper {
        let binLimit = max(2, min(maxBins, 255))
        var sample = Array(0..<data.rows)
        if data.rows > sampleSize {
            var generator = SplitMix(seed: seed ^ 0xB1A5_ED6E)
            for i in 0..<sampleSize {
                let j = i + Int(generator.next() % UInt64(data.rows - i))
                sample.swapAt(i, j)
            }
            sample.removeLast(data.rows - sampleSize)
        }
        var bounds: [[Float]] = []
        bounds.reserveCapacity(data.columns)
        var values = [Float]()
        values.reserveCapacity(sample.count)
        for f in 0..<data.columns {
            values.removeAll(keepingCapacity: true)
            for r in sample {
                let x = data.features[r * data.columns + f]
                if !x.isNaN { values.append(x) }
            }
            values.sort()
            bounds.append(edges(sortedValues: values, maxBins: binLimit))
        }
        return BinMapper(upperBounds: bounds)
    }

    /// Quantile edges between distinct values: every distinct value gets its own bin when they
    /// fit, otherwise bins of roughly equal sample count, recomputed after every cut so a heavy
    /// value does not starve the bins after it.
    static func edges(sortedValues values: [Float], maxBins: Int) -> [Float] {
        var distinct: [Float] = []
        var counts: [Int] = []
        for x in values {
            if let last = distinct.last, last == x { counts[counts.count - 1] += 1 } else {
                distinct.append(x)
                counts.append(1)
            }
        }
        var bounds: [Float] = []
        if distinct.count <= maxBins {
            for i in 0..<max(0, distinct.count - 1) { bounds.append(midpoint(distinct[i], distinct[i + 1])) }
        } else {
            var remaining = values.count
            var inBin = 0
            var target = Double(remaining) / Double(maxBins)
            for i in 0..<(distinct.count - 1) {
                inBin += counts[i]
                if Double(inBin) >= target && bounds.count < maxBins - 1 {
                    bounds.append(midpoint(distinct[i], distinct[i + 1]))
                    remaining -= inBin
                    inBin = 0
                    target = Double(remaining) / Double(maxBins - bounds.count)
                }
            }
        }
        bounds.append(.infinity)
        return bounds
    }

    /// A bound with `a <= bound < b`, so `a` goes left and `b` right.
    private static func midpoint(_ a: Float, _ b: Float) -> Float {
        let mid = a / 2 + b / 2
        return mid >= a && mid < b ? mid : a
    }

    @inline(__always)
    static func bin(_ x: Float, bounds: UnsafeBufferPointer<Float>) -> UInt8 {
        if x.isNaN { return 0 }
        var low = 0, high = bounds.count - 1
        while low < high {
            let mid = (low + high) >> 1
            if x <= bounds[mid] { high = mid } else { low = mid + 1 }
        }
        return UInt8(truncatingIfNeeded: low)
    }

    /// The dataset as bytes, feature-major (`columns[f * rows + r]`): histograms are built one
    /// feature at a time, reading a column in ascending row order with the 4 KB histogram in L1.
    func binColumns(_ data: GBDTDataset, threads: Int) -> [UInt8] {
        precondition(data.columns == featureCount, "GBDT: dataset has \(data.columns) columns, model expects \(featureCount)")
        let rows = data.rows, columns = data.columns
        var binned = [UInt8](repeating: 0, count: rows * columns)
        let chunks = max(1, min(threads, columns))
        data.features.withUnsafeBufferPointer { x in
            binned.withUnsafeMutableBufferPointer { out in
                let outBase = out.baseAddress!
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    for f in stride(from: chunk, to: columns, by: chunks) {
                        upperBounds[f].withUnsafeBufferPointer { bounds in
                            let column = outBase + f * rows
                            for r in 0..<rows { column[r] = BinMapper.bin(x[r * columns + f], bounds: bounds) }
                        }
                    }
                }
            }
        }
        return binned
    }
}
