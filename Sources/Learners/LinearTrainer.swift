import CSupport
import Dispatch
import DomainKit
import Features

/// SGD for `LinearModel`, fastText's supervised update: linearly decaying learning rate,
/// several epochs, one shard of the shuffled examples per thread, Hogwild updates on shared tables.
package enum LinearTrainer {
    /// Called now and then from the first thread with (examples done, examples total, recent mean loss).
    package typealias Progress = @Sendable (Int, Int, Double) -> Void

    /// Stops at `deadline` when one is given (every thread within a few hundred examples of it).
    package static func train(_ model: LinearModel, on bags: FeatureBags, deadline: Deadline? = nil, progress: Progress? = nil) {
        if model.params.trainsSVMs { return SVMTrainer.train(model, on: bags, deadline: deadline, progress: progress) }
        let params = model.params
        let threads = max(1, min(params.threads, bags.count))
        guard bags.count > 0 else { return }
        let total = bags.count * params.epochs
        // Every name of this batch counts toward the idf weights before the first step uses them.
        model.documentFrequency?.add(bags)
        let idf = model.documentFrequency?.idf ?? []
        let labelWeights = LabelBalance.weights(labels: bags.labels, classes: model.labels.count, strength: params.labelBalance ?? 0)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let shard = Array(stride(from: thread, to: bags.count, by: threads))
            let shardTotal = shard.count * params.epochs
            var rng = SplitMix(seed: params.seed &+ UInt64(thread) &* 7919)
            var order = shard
            let dim = params.dimension
            let labelCount = model.labels.count
            var hidden = [Float](repeating: 0, count: dim)
            var gradient = [Float](repeating: 0, count: dim)
            var probabilities = [Float](repeating: 0, count: labelCount)
            var done = 0
            var lossSum = 0.0, lossCount = 0
            // Raw table pointers taken once: touching the tables through the model object would
            // retain/release it per row, and two threads fighting over one refcount is slower than the math.
            let tables = Tables(input: model.input.storage.baseAddress!, output: model.output.storage.baseAddress!, dim: dim,
                                direct: params.isDirect, separateBias: params.biasOutsidePool)
            idf.withUnsafeBufferPointer { idf in
            let weights = idf.isEmpty ? nil : idf.baseAddress
            bags.ids.withUnsafeBufferPointer { ids in
                epochs: for _ in 0..<params.epochs {
                    order.shuffle(using: &rng)
                    for example in order {
                        if let deadline, done & 255 == 0, deadline.hasPassed { break epochs }
                        let label = Int(bags.labels[example])
                        let lr = params.learningRate * max(0, 1 - Float(done) / Float(shardTotal)) * (labelWeights.isEmpty ? 1 : labelWeights[label])
                        let features = UnsafeBufferPointer(rebasing: ids[bags.offsets[example]..<bags.offsets[example + 1]])
                        let loss = hidden.withUnsafeMutableBufferPointer { h in
                            gradient.withUnsafeMutableBufferPointer { g in
                                probabilities.withUnsafeMutableBufferPointer { p in
                                    update(tables, features, weights: weights, label: label, lr: lr,
                                           hidden: h, gradient: g, probabilities: p)
                                }
                            }
                        }
                        lossSum += Double(loss); lossCount += 1
                        done += 1
                        if thread == 0, done % 20_000 == 0, let progress {
                            progress(done * threads, total, lossSum / Double(lossCount))
                            lossSum = 0; lossCount = 0
                        }
                    }
                }
            }
            }
            if thread == 0 { progress?(total, total, lossCount > 0 ? lossSum / Double(lossCount) : 0) }
        }
    }

    /// One example: forward, softmax, then the output rows and every feature row move. Returns -log p(label).
    /// `weights` (idf per bucket) make the pooled vector Σ wᵢ·rowᵢ / ‖w‖ instead of the mean; with direct
    /// scores the pooled vector is the scores, and no output matrix moves.
    @inline(__always)
    static func update(_ t: Tables, _ features: UnsafeBufferPointer<UInt32>, weights: UnsafePointer<Float>?, label: Int, lr: Float,
                       hidden h: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeMutableBufferPointer<Float>,
                       probabilities p: UnsafeMutableBufferPointer<Float>) -> Float {
        let dim = h.count
        guard features.count > 0 else { return 0 }
        for id in features { dc_prefetch(t.input + Int(id) * dim) }
        for c in 0..<dim { h[c] = 0; g[c] = 0 }
        // The bias row outside the pool (`LinearParams.separateBias`): added after the normalisation, moved by
        // the gradient as it is.
        let bias = t.separateBias ? t.input + Int(features[0]) * dim : nil
        let features = t.separateBias ? UnsafeBufferPointer(rebasing: features.dropFirst()) : features
        let inv: Float
        if let weights {
            var norm: Float = 0
            for id in features {
                let row = t.input + Int(id) * dim, w = weights[Int(id)]
                norm += w * w
                for c in 0..<dim { h[c] += w * row[c] }
            }
            inv = 1 / max(norm.squareRoot(), .leastNormalMagnitude)
        } else {
            for id in features {
                let row = t.input + Int(id) * dim
                for c in 0..<dim { h[c] += row[c] }
            }
            inv = 1 / Float(features.count)
        }
        for c in 0..<dim { h[c] *= inv }
        if let bias { for c in 0..<dim { h[c] += bias[c] } }
        if t.direct {
            for l in 0..<p.count { p[l] = h[l] }
        } else {
            for l in 0..<p.count { p[l] = VectorMath.dot(t.output + l * dim, h.baseAddress!, dim) }
        }
        Softmax.normalise(p)
        let loss = -logf(max(p[label], 1e-10))
        if t.direct {
            for l in 0..<p.count { g[l] = lr * ((l == label ? 1 : 0) - p[l]) }
        } else {
            for l in 0..<p.count {
                let alpha = lr * ((l == label ? 1 : 0) - p[l])
                let w = t.output + l * dim
                for c in 0..<dim {
                    g[c] += alpha * w[c]
                    w[c] += alpha * h[c]
                }
            }
        }
        if let bias { for c in 0..<dim { bias[c] += g[c] } }
        for c in 0..<dim { g[c] *= inv }
        if let weights {
            for id in features {
                let row = t.input + Int(id) * dim, w = weights[Int(id)]
                for c in 0..<dim { row[c] += w * g[c] }
            }
        } else {
            for id in features {
                let row = t.input + Int(id) * dim
                for c in 0..<dim { row[c] += g[c] }
            }
        }
        return loss
    }
}

struct Tables {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let dim: Int
    let direct: Bool
    let separateBias: Bool
}

#if canImport(Glibc)
import Glibc
#endif
