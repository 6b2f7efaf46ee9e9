/// Per-label weights on the learning rate, so rare labels count for more than their share of examples:
/// label l with c examples gets c^-strength, scaled so the weights average 1 over the examples (the total
/// step size stays that of the unweighted run), at most `maxWeight`. Strength 0 is plain SGD, 1 gives every
/// label the same total weight. Macro-F1 counts every label alike, and UT1's labels run 341…129,524 names.
package enum LabelBalance {
    /// A rare label's steps stay at most this many times the learning rate: beyond, SGD overshoots.
    package static let maxWeight: Float = 10

    /// One weight per label; empty when `strength` is 0 (no weighting).
    package static func weights(labels: [Int32], classes: Int, strength: Float) -> [Float] {
        guard strength > 0, !labels.isEmpty else { return [] }
        var counts = [Double](repeating: 0, count: classes)
        for l in labels where Int(l) < classes { counts[Int(l)] += 1 }
        let raw = counts.map { $0 > 0 ? pow($0, -Double(strength)) : 0 }
        let total = zip(raw, counts).reduce(0) { $0 + $1.0 * $1.1 }
        let scale = Double(labels.count) / total
        return raw.map { Float(min(Double(maxWeight), $0 * scale)) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
