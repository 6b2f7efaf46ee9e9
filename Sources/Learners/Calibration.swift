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
            let b = min(binCount - 1, max(0, Int((Double(p) * Double(binCount)).rounded(.up)) - 1))
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
