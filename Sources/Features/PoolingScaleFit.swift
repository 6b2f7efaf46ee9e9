import DomainKit
#if canImport(Glibc)
import Glibc
#endif

/// Fits `learned` pooling: one multiplier per token kind on the `features` weights (and on the bias row),
/// chosen so that a linear read-out of the pooled vector names the right label most often (log-likelihood
/// breaks ties; alone it is a poor guide: scaling up a kind whose vectors are near zero for new names
/// only tempers the scores, which raises the likelihood without ranking one label better). Samples
/// should be names the table never saw (out of fold), as new names look.
///
/// The read-out is linear, so a name's scores under any multipliers s follow from per-kind parts:
/// scores = Σ_k s_k·R·V_k / Σ_k s_k·W_k, where V_k is the kind's weighted vector sum and W_k its weight
/// sum. Each sample keeps R·V_k and W_k; a candidate costs kinds × labels per sample, no pooling.
package struct PoolingScaleFit: Sendable {
    /// The kinds that get a multiplier; n-grams ride with their label.
    package static let kinds: [TokenKind] = [.name, .registrable, .suffix, .label, .subToken, .bias]
    /// log2 steps tried per kind and sweep, around the current value.
    static let steps: [Float] = [-2, -1, -0.5, 0.5, 1, 2]

    package let classes: Int
    private var parts: [Float] = []
    private var weightSums: [Float] = []
    private var labels: [Int32] = []
    package var count: Int { labels.count }

    package init(classes: Int) { self.classes = classes }

    /// Adds one labelled name, pooled with `pooling` (`learned` weighting, unit scales) and scored by
    /// `readout` (labels × dimension rows, no mean: `Featurizer.readout` of a label-score model).
    package mutating func add(_ domain: Domain, label: Int32, pooling: AttentionPooling, readout: LinearProjection, hashes: inout [UInt64]) {
        precondition(readout.outputDimension == classes && readout.inputDimension == pooling.dimension, "PoolingScaleFit: read-out shape")
        let d = pooling.dimension, kinds = Self.kinds.count
        var sums = [Float](repeating: 0, count: kinds * d)
        var weights = [Float](repeating: 0, count: kinds)
        var vector = [Float](repeating: 0, count: d)
        var name = domain.name
        name.withUTF8 { bytes in
            vector.withUnsafeMutableBufferPointer { scratch in
                pooling.forEachWeightedVector(bytes, hashes: &hashes, scratch: scratch.baseAddress!) { kind, w, v in
                    guard let k = Self.kinds.firstIndex(of: kind) else { return }
                    for c in 0..<d { sums[k * d + c] += w * v[c] }
                    weights[k] += w
                }
            }
        }
        var scores = [Float](repeating: 0, count: classes)
        for k in 0..<kinds {
            sums.withUnsafeBufferPointer { s in
                scores.withUnsafeMutableBufferPointer { readout.project(UnsafeBufferPointer(rebasing: s[k * d..<(k + 1) * d]), into: $0) }
            }
            parts.append(contentsOf: scores)
        }
        weightSums.append(contentsOf: weights)
        labels.append(label)
    }

    /// How a set of multipliers scores: the share of samples whose label scores highest, then the mean
    /// log-likelihood of the labels.
    package struct Score: Comparable, Sendable {
        package var accuracy: Double
        package var logLikelihood: Double
        package static func < (a: Score, b: Score) -> Bool {
            (a.accuracy, a.logLikelihood) < (b.accuracy, b.logLikelihood)
        }
    }

    /// The score of multipliers `scales` (one per `kinds` entry).
    package func score(_ scales: [Float]) -> Score {
        let kinds = Self.kinds.count
        var total = 0.0
        var right = 0
        var scores = [Float](repeating: 0, count: classes)
        for i in 0..<count {
            var denominator: Float = 0
            for k in 0..<kinds { denominator += scales[k] * weightSums[i * kinds + k] }
            guard denominator > 0 else { continue }
            for c in 0..<classes { scores[c] = 0 }
            for k in 0..<kinds where scales[k] != 0 {
                let base = (i * kinds + k) * classes
                for c in 0..<classes { scores[c] += scales[k] * parts[base + c] }
            }
            var top = -Float.infinity
            for c in 0..<classes { scores[c] /= denominator; top = max(top, scores[c]) }
            let label = Int(labels[i])
            total += scores.withUnsafeBufferPointer { Softmax.logProbability($0, label: label) }
            if scores[label] == top { right += 1 }
        }
        let n = Double(max(count, 1))
        return Score(accuracy: Double(right) / n, logLikelihood: total / n)
    }

    /// Coordinate search over log2 multipliers from all 1 (the `features` pooling); a step is kept only
    /// when it raises the score, so the result is never worse than `features` on these samples.
    /// Returns `AttentionPooling.kindScales` (indexed by `TokenKind.rawValue`) and the scores.
    package func fit(sweeps: Int = 2) -> (kindScales: [Float], before: Score, after: Score) {
        var logScales = [Float](repeating: 0, count: Self.kinds.count)
        let scales = { (l: [Float]) in l.map { exp2f($0) } }
        let before = score(scales(logScales))
        var best = before
        for _ in 0..<sweeps {
            for k in logScales.indices {
                let start = logScales[k]
                for step in Self.steps {
                    var trial = logScales
                    trial[k] = start + step
                    let value = score(scales(trial))
                    if value > best { best = value; logScales = trial }
                }
            }
        }
        var kindScales = AttentionPooling.unitScales
        for (k, kind) in Self.kinds.enumerated() { kindScales[Int(kind.rawValue)] = exp2f(logScales[k]) }
        return (kindScales, before, best)
    }
}
