import DomainKit
import Foundation

/// The standard tests for two classifiers scored on the same names, and for two proportions.
package enum PairedStatistics {
    /// McNemar's exact test: two-sided p of the binomial test on the discordant pairs — `onlyA` names only
    /// A got right, `onlyB` names only B got right — under H0 that each is as likely (p = ½).
    package static func mcNemarExact(onlyA: Int, onlyB: Int) -> Double {
        let n = onlyA + onlyB
        guard n > 0 else { return 1 }
        let k = min(onlyA, onlyB)
        // log P(X = i) for X ~ Binomial(n, ½), summed in log space so n in the millions stays exact enough.
        let logHalf: Double = Double(n) * log(0.5)
        let logNFactorial: Double = lgamma(Double(n + 1))
        let terms: [Double] = (0...k).map { i in
            let logChoose: Double = logNFactorial - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
            return logChoose + logHalf
        }
        let top = terms.max()!
        let tail = exp(top) * terms.reduce(0) { $0 + exp($1 - top) }
        return min(1, 2 * tail)
    }

    /// Two-proportion z-test (pooled), two-sided: `successesA` of `trialsA` against `successesB` of `trialsB`.
    package static func twoProportionZ(successesA: Int, trialsA: Int, successesB: Int, trialsB: Int) -> (z: Double, p: Double) {
        guard trialsA > 0, trialsB > 0 else { return (0, 1) }
        let pa = Double(successesA) / Double(trialsA), pb = Double(successesB) / Double(trialsB)
        let pooled = Double(successesA + successesB) / Double(trialsA + trialsB)
        let se = (pooled * (1 - pooled) * (1 / Double(trialsA) + 1 / Double(trialsB))).squareRoot()
        guard se > 0 else { return (0, 1) }
        let z = (pb - pa) / se
        return (z, erfc(abs(z) / 2.0.squareRoot()))
    }

    /// A 95% percentile interval of `statistic` over `resamples` paired bootstrap samples of `count` items
    /// (the same indices for both models, so their correlation is kept). Seeded: the same interval every run.
    package static func bootstrapInterval(count: Int, resamples: Int = 1000, seed: UInt64 = 1,
                                          statistic: (_ indices: [Int]) -> Double) -> (low: Double, high: Double) {
        guard count > 0 else { return (0, 0) }
        var random = SplitMix(seed: seed)
        var indices = [Int](repeating: 0, count: count)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in 0..<count { indices[i] = Int(random.next() % UInt64(count)) }
            values.append(statistic(indices))
        }
        values.sort()
        return (quantile(values, 0.025), quantile(values, 0.975))
    }

    /// Linear interpolation between order statistics (numpy's default, "type 7").
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (position - Double(below)) * (sorted[above] - sorted[below])
    }
}
