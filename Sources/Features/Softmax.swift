#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The softmax every kind and every fit uses: scores shifted by their maximum first, so no exponent
/// overflows.
package enum Softmax {
    /// Scores → probabilities, in place; the scores are divided by `temperature` first (a calibrated
    /// model's fitted temperature; 1 leaves them as they are).
    @inline(__always)
    package static func normalise(_ scores: UnsafeMutableBufferPointer<Float>, temperature: Float = 1) {
        var maxScore = -Float.infinity
        for s in scores where s > maxScore { maxScore = s }
        let inverse = 1 / temperature
        var sum: Float = 0
        for i in scores.indices {
            let e = expf((scores[i] - maxScore) * inverse)
            scores[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in scores.indices { scores[i] *= inv }
    }

    /// log p of `label` under the softmax of `scores`, in double precision (for log-likelihoods and losses).
    package static func logProbability(_ scores: UnsafeBufferPointer<Float>, label: Int) -> Double {
        var maxScore = -Float.infinity
        for s in scores where s > maxScore { maxScore = s }
        var sum = 0.0
        for s in scores { sum += exp(Double(s - maxScore)) }
        return Double(scores[label] - maxScore) - log(sum)
    }
}
