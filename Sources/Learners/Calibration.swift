import Features
import Foundation

/// How well top-1 probabilities match how often the top label is right: the examples binned by their
/// probability into equal-width bins, each bin's mean probability beside its accuracy. The expected
/// calibration error (ECE) is the example-weighted mean gap |accuracy − confidence| over the bins, with
/// 15 bins as in Guo et al. 2017 ("On Calibration of Modern Neural Networks"), the usual reference.
package struct Reliability: Codable, Sendable, Equatable {
    package struct Bin: Codable, Sendable, Equatable {
        package var lower: Double
        package var upper: Double
        package var count: Int
        /// Mean top-1 probability of the bin's examples (0 when empty).
        package var confidence: Double
        /// Share of the bin's examples whose top label was right (0 when empty).
        package var accuracy: Double
    }

    package var bins: [Bin]
    package var expectedCalibrationError: Double

    /// `confidences[i]` is example i's top-1 probability, `correct[i]` whether that label was right. A
    /// probability of exactly 1 falls in the last bin, 0 in the first; bins are (lower, upper].
    package init(confidences: [Float], correct: [Bool], binCount: Int = 15) {
        precondition(confidences.count == correct.count && binCount > 0)
        var count = [Int](repeating: 0, count: binCount)
        var confidenceSum = [Double](repeating: 0, count: binCount)
        var right = [Int](repeating: 0, count: binCount)
        for (p, ok) in zip(confidences, correct) {
            // A non-finite probability (a diverged model) lands in the first bin instead of trapping.
            let b = p.isFinite ? min(binCount - 1, max(0, Int((Double(p) * Double(binCount)).rounded(.up)) - 1)) : 0
            count[b] += 1
            confidenceSum[b] += Double(p)
            if ok { right[b] += 1 }
        }
        let n = Double(max(1, confidences.count))
        var ece = 0.0
        bins = (0..<binCount).map { b in
            let c = Double(max(1, count[b]))
            let bin = Bin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount), count: count[b],
                          confidence: confidenceSum[b] / c, accuracy: Double(right[b]) / c)
            ece += Double(count[b]) / n * abs(bin.accuracy - bin.confidence)
            return bin
        }
        expectedCalibrationError = ece
    }
}

/// How a model's probabilities are made to mean what they say, fitted on validation names at training
/// time: a softmax temperature (`TemperatureScaling`: one number, the whole distribution), then a monotone
/// map of the top-1 probability to the share of such answers that were right (isotonic regression by pool
/// adjacent violators, Zadrozny & Elkan 2002), which fixes what one temperature cannot — a model sure of
/// itself at the top and too shy in the middle. The other top-k probabilities are scaled to keep the sum.
package struct Calibration: Codable, Sendable, Equatable {
    package var temperature: Float = 1
    /// Breakpoints of the top-1 map, ascending in both; empty: no map.
    package var confidence: [Float] = []
    package var accuracy: [Float] = []

    package init(temperature: Float = 1, confidence: [Float] = [], accuracy: [Float] = []) {
        self.temperature = temperature
        self.confidence = confidence
        self.accuracy = accuracy
    }

    package var isIdentity: Bool { temperature == 1 && confidence.isEmpty }

    /// Rewrites the probabilities of `top` (most probable first) through the top-1 map.
    @inline(__always)
    package func adjust(_ top: inout [LabelScore]) {
        guard !confidence.isEmpty, let best = top.first else { return }
        let mapped = map(best.probability)
        let rest = 1 - best.probability
        let scale = rest > 0 ? (1 - mapped) / rest : 0
        top[0].probability = mapped
        for i in 1..<top.count { top[i].probability = min(top[i].probability * scale, mapped) }
    }

    /// The lowest top probability at which the answers at or above it are right at least `precision` of the
    /// time (`confidences`, `correct`: held-out answers); 1 when none is.
    package static func threshold(precision: Double, confidences: [Float], correct: [Bool]) -> Float {
        let order = confidences.indices.sorted { confidences[$0] > confidences[$1] }
        var right = 0, best: Float = 1
        for (n, i) in order.enumerated() {
            if correct[i] { right += 1 }
            // Only where the next answer is less sure: equal probabilities stand or fall together.
            let last = n + 1 == order.count || confidences[order[n + 1]] < confidences[i]
            if last, Double(right) / Double(n + 1) >= precision { best = confidences[i] }
        }
        return best
    }

    /// Piecewise-linear through the breakpoints, flat beyond them.
    package func map(_ p: Float) -> Float {
        guard let first = confidence.first, let last = confidence.last else { return p }
        if p <= first { return accuracy[0] }
        if p >= last { return accuracy[accuracy.count - 1] }
        var high = 1
        while confidence[high] < p { high += 1 }
        let low = high - 1
        let span = confidence[high] - confidence[low]
        let t = span > 0 ? (p - confidence[low]) / span : 1
        return accuracy[low] + t * (accuracy[high] - accuracy[low])
    }

    /// The top-1 map for answers with these probabilities, right or not: pool adjacent violators over the
    /// examples sorted by probability, each pooled block becoming one breakpoint (its mean probability, its
    /// share right). Blocks of fewer than `minimumBlock` examples are merged with a neighbour first, so a few
    /// names cannot bend the map.
    package static func isotonic(confidences: [Float], correct: [Bool], minimumBlock: Int = 50) -> (confidence: [Float], accuracy: [Float]) {
        guard confidences.count >= 2 * minimumBlock else { return ([], []) }
        let order = confidences.indices.sorted { confidences[$0] < confidences[$1] }
        // Blocks as (sum of p, sum right, count), starting from runs of `minimumBlock`.
        var blocks: [(p: Double, right: Double, n: Double)] = []
        var i = 0
        while i < order.count {
            let end = order.count - i < 2 * minimumBlock ? order.count : i + minimumBlock
            var block = (p: 0.0, right: 0.0, n: 0.0)
            for j in order[i..<end] { block.p += Double(confidences[j]); block.right += correct[j] ? 1 : 0; block.n += 1 }
            blocks.append(block)
            i = end
        }
        var pooled: [(p: Double, right: Double, n: Double)] = []
        for block in blocks {
            pooled.append(block)
            while pooled.count > 1, pooled[pooled.count - 2].right / pooled[pooled.count - 2].n >= pooled[pooled.count - 1].right / pooled[pooled.count - 1].n {
                let last = pooled.removeLast()
                pooled[pooled.count - 1].p += last.p; pooled[pooled.count - 1].right += last.right; pooled[pooled.count - 1].n += last.n
            }
        }
        return (pooled.map { Float($0.p / $0.n) }, pooled.map { Float($0.right / $0.n) })
    }
}

/// Temperature scaling (Guo et al. 2017): one number T that divides every score before the softmax, chosen
/// to minimise the negative log-likelihood of held-out labels. It never changes which label comes first,
/// only how sure the answer says it is.
package enum TemperatureScaling {
    /// The fitted temperature for held-out examples given as log-probabilities at T = 1 (`rows` × `classes`,
    /// row-major; any per-row constant shift is allowed, so log-probabilities and raw scores both work)
    /// and their true labels (-1: a label the model does not have, skipped). Golden-section search on
    /// log T over [1/20, 20]: the likelihood is smooth and unimodal in T.
    package static func fit(logits: [Float], labels: [Int32], classes: Int) -> Float {
        let rows = labels.count
        guard classes > 1, logits.count == rows * classes, labels.contains(where: { $0 >= 0 }) else { return 1 }
        func loss(_ logT: Double) -> Double {
            let inverse = Float(exp(-logT))
            var total = 0.0
            var scaled = [Float](repeating: 0, count: classes)
            for r in 0..<rows where labels[r] >= 0 {
                for c in 0..<classes { scaled[c] = logits[r * classes + c] * inverse }
                total -= scaled.withUnsafeBufferPointer { Softmax.logProbability($0, label: Int(labels[r])) }
            }
            return total
        }
        var low = log(1.0 / 20), high = log(20.0)
        let ratio = (sqrt(5.0) - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var la = loss(a), lb = loss(b)
        for _ in 0..<40 {
            if la < lb {
                high = b; b = a; lb = la
                a = high - ratio * (high - low); la = loss(a)
            } else {
                low = a; a = b; la = lb
                b = low + ratio * (high - low); lb = loss(b)
            }
        }
        return Float(exp((low + high) / 2))
    }
}
