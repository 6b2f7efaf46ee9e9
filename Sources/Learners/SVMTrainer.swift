import Dispatch
import DomainKit
import Foundation

/// One-vs-rest linear SVMs for a `LinearModel` with direct scores: for each label, the L2-regularised
/// squared-hinge problem min ½‖w − w₀‖² + C Σᵢ max(0, 1 − yᵢ w·xᵢ)² solved in the dual by coordinate descent
/// with shrinking (Hsieh et al. 2008, "A Dual Coordinate Descent Method for Large-scale Linear SVM" — what
/// LIBLINEAR and scikit-learn's `LinearSVC` run). xᵢ is exactly the vector classify pools (idf-weighted,
/// normalised, the bias feature included), so the scores classify sums are the SVMs' decision values.
/// w₀ is the model's column before this run: zero for a new model; for a continued one the problem keeps
/// the new weights near the earlier ones (regularisation toward them), so a small batch cannot erase them.
package enum SVMTrainer {
    /// The dual solver's stopping rule on the projected gradient's spread: a tenth of LIBLINEAR's default
    /// (0.1), for a solution near the exact one (UT1: the same validation figures, 20% more time).
    static let tolerance: Float = 0.01
    static let maxPasses = 1000

    /// Labels split over `params.threads`; `progress` gets (labels done, labels, 0: no loss to show).
    package static func train(_ model: LinearModel, on bags: FeatureBags, deadline: Deadline? = nil,
                              progress: LinearTrainer.Progress? = nil) {
        guard bags.count > 0 else { return }
        model.documentFrequency?.add(bags)
        let vectors = SparseVectors(bags, idf: model.documentFrequency?.idf, separateBias: model.params.biasOutsidePool)
        let labelCount = model.labels.count, buckets = model.params.buckets
        let cost = model.params.cost ?? 1
        // `--label-balance`: a rare label's names weigh more in every label's hinge (LinearSVC's class_weight).
        let balance = LabelBalance.weights(labels: bags.labels, classes: model.labels.count, strength: model.params.labelBalance ?? 0)
        let costs = vectors.labels.map { balance.isEmpty ? cost : cost * balance[Int($0)] }
        let threads = max(1, min(model.params.threads, labelCount))
        let table = model.input.storage.baseAddress!
        // Only the buckets the names have are read or moved: w = w₀ + Σ αᵢyᵢxᵢ. A column is read and written
        // at those rows alone (a whole column is a cache miss per bucket).
        let used = vectors.usedBuckets(of: buckets)
        let counter = DoneCounter()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var weights = [Float](repeating: 0, count: buckets)
            var rng = SplitMix(seed: model.params.seed &+ UInt64(thread))
            for label in stride(from: thread, to: labelCount, by: threads) {
                if deadline?.hasPassed == true { return }
                for b in used { weights[b] = table[b * labelCount + label] }
                weights.withUnsafeMutableBufferPointer { w in
                    solve(vectors, positive: Int32(label), costs: costs, weights: w, rng: &rng, deadline: deadline)
                }
                for b in used { table[b * labelCount + label] = weights[b] }
                let done = counter.add()
                if thread == 0 || done == labelCount { progress?(done, labelCount, 0) }
            }
        }
    }

    /// One label's dual coordinate descent, C per name in `costs`. `weights` holds w₀ on entry, w on return.
    static func solve(_ x: SparseVectors, positive: Int32, costs: [Float], weights w: UnsafeMutableBufferPointer<Float>,
                      rng: inout SplitMix, deadline: Deadline?) {
        let n = x.count
        var alpha = [Float](repeating: 0, count: n)
        var index = Array(0..<n)
        var activeSize = n
        var maxOld = Float.infinity, minOld = -Float.infinity
        var passes = 0
        while passes < Self.maxPasses {
            if let deadline, deadline.hasPassed { break }
            var maxNew = -Float.infinity, minNew = Float.infinity
            index.withUnsafeMutableBufferPointer { index in
                for s in stride(from: activeSize - 1, to: 0, by: -1) { index.swapAt(s, Int(rng.next() % UInt64(s + 1))) }
                var s = 0
                while s < activeSize {
                    let i = index[s]
                    let y: Float = x.labels[i] == positive ? 1 : -1
                    let diagonal = 0.5 / costs[i]
                    let g = y * x.dot(i, w) - 1 + alpha[i] * diagonal
                    var projected: Float = g
                    if alpha[i] == 0 {
                        if g > maxOld {
                            // At its bound and likely to stay there: out of the active set until the check pass.
                            activeSize -= 1
                            index.swapAt(s, activeSize)
                            continue
                        }
                        if g > 0 { projected = 0 }
                    }
                    maxNew = max(maxNew, projected)
                    minNew = min(minNew, projected)
                    if abs(projected) > 1e-12 {
                        let old = alpha[i]
                        alpha[i] = max(old - g / (x.squaredNorms[i] + diagonal), 0)
                        x.add((alpha[i] - old) * y, i, to: w)
                    }
                    s += 1
                }
            }
            passes += 1
            if maxNew - minNew <= Self.tolerance {
                if activeSize == n { break }
                // Converged on the active set: one more pass over all of them before stopping.
                activeSize = n
                maxOld = .infinity; minOld = -.infinity
                continue
            }
            maxOld = maxNew > 0 ? maxNew : .infinity
            minOld = minNew < 0 ? minNew : -.infinity
        }
    }
}

/// The training names as classify sees them: each name's distinct buckets with their pooled weight
/// (count × idf / the norm classify divides by), flat arrays with offsets.
struct SparseVectors {
    var buckets: [Int32] = []
    var values: [Float] = []
    var offsets: [Int] = [0]
    var squaredNorms: [Float] = []
    var labels: [Int32]
    var count: Int { labels.count }

    init(_ bags: FeatureBags, idf: [Float]?, separateBias: Bool) {
        labels = bags.labels
        var merged: [UInt32: Float] = [:]
        for e in 0..<bags.count {
            merged.removeAll(keepingCapacity: true)
            var norm: Float = 0
            let pooled = (separateBias ? bags.offsets[e] + 1 : bags.offsets[e])..<bags.offsets[e + 1]
            for k in pooled {
                let b = bags.ids[k]
                let weight = idf?[Int(b)] ?? 1
                norm += weight * weight
                merged[b, default: 0] += weight
            }
            // The same divisor as `LinearModel.scores`: the weights' L2 norm, or the feature count for the mean.
            let divisor = idf == nil ? Float(pooled.count) : norm.squareRoot()
            let inv = 1 / max(divisor, .leastNormalMagnitude)
            for b in merged.keys { merged[b]! *= inv }
            // The bias row joins after the normalisation, with weight 1.
            if separateBias, bags.offsets[e] < bags.offsets[e + 1] { merged[bags.ids[bags.offsets[e]], default: 0] += 1 }
            var squared: Float = 0
            for (b, v) in merged.sorted(by: { $0.key < $1.key }) {
                buckets.append(Int32(b)); values.append(v); squared += v * v
            }
            offsets.append(buckets.count)
            squaredNorms.append(squared)
        }
    }

    /// Every bucket some name has, ascending.
    func usedBuckets(of count: Int) -> [Int] {
        var seen = [Bool](repeating: false, count: count)
        for b in buckets { seen[Int(b)] = true }
        return seen.indices.filter { seen[$0] }
    }

    @inline(__always)
    func dot(_ i: Int, _ w: UnsafeMutableBufferPointer<Float>) -> Float {
        var s: Float = 0
        for k in offsets[i]..<offsets[i + 1] { s += values[k] * w[Int(buckets[k])] }
        return s
    }

    @inline(__always)
    func add(_ scale: Float, _ i: Int, to w: UnsafeMutableBufferPointer<Float>) {
        for k in offsets[i]..<offsets[i + 1] { w[Int(buckets[k])] += scale * values[k] }
    }
}

/// Labels finished across threads.
private final class DoneCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    func add() -> Int { lock.withLock { done += 1; return done } }
}
