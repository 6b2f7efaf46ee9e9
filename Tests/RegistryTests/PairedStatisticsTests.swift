import Registry
import XCTest

/// The statistics against values computed independently, with statsmodels 0.14 and SciPy 1.17 (Python 3.11):
///   statsmodels.stats.contingency_tables.mcnemar([[0, b], [c, 0]], exact=True).pvalue  (= scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue)
///   statsmodels.stats.proportion.proportions_ztest([sB, sA], [nB, nA])  → (z, p)
///   numpy.quantile(values, q)  (linear interpolation)
final class PairedStatisticsTests: XCTestCase {
    func testMcNemarExactMatchesStatsmodels() {
        let reference: [(Int, Int, Double)] = [
            (12, 64, 1.0023457813247953e-09), (0, 0, 1.0), (5, 5, 1.0), (1, 9, 0.021484375), (30, 18, 0.11140289106101878),
            (0, 7, 0.015625), (400, 460, 0.04416954819458914), (2500, 2380, 0.08846792399051952),
        ]
        for (b, c, p) in reference {
            let got = PairedStatistics.mcNemarExact(onlyA: b, onlyB: c)
            XCTAssertEqual(got, p, accuracy: p * 1e-9 + 1e-15, "b \(b) c \(c)")
            XCTAssertEqual(PairedStatistics.mcNemarExact(onlyA: c, onlyB: b), got, "symmetric")
        }
    }

    func testTwoProportionZMatchesStatsmodels() {
        let reference: [(Int, Int, Int, Int, Double, Double)] = [
            (450, 1000, 480, 1000, 1.344939935763293, 0.17864463220348226),
            (90, 100, 80, 100, -1.9802950859533481, 0.047670380656161464),
            (5000, 10000, 5100, 10000, 1.4142842783549578, 0.15727845115653802),
            (7, 50, 15, 60, 1.436140661634507, 0.15096231976025204),
        ]
        for (sa, na, sb, nb, z, p) in reference {
            let got = PairedStatistics.twoProportionZ(successesA: sa, trialsA: na, successesB: sb, trialsB: nb)
            XCTAssertEqual(got.z, z, accuracy: 1e-9)
            XCTAssertEqual(got.p, p, accuracy: 1e-9)
        }
    }

    /// A paired bootstrap of a mean difference: the interval holds the observed difference, is seeded (the same
    /// every run), and for 0/1 differences of known mean matches the normal approximation's width roughly.
    func testBootstrapIntervalIsSeededAndAroundTheEstimate() {
        let diffs: [Double] = (0..<2000).map { $0 % 10 < 3 ? 1 : ($0 % 10 < 4 ? -1 : 0) }  // mean 0.2
        let mean: ([Int]) -> Double = { idx in idx.reduce(0) { $0 + diffs[$1] } / Double(idx.count) }
        let first = PairedStatistics.bootstrapInterval(count: diffs.count, statistic: mean)
        let again = PairedStatistics.bootstrapInterval(count: diffs.count, statistic: mean)
        XCTAssertEqual(first.low, again.low)
        XCTAssertEqual(first.high, again.high)
        XCTAssertLessThan(first.low, 0.2)
        XCTAssertGreaterThan(first.high, 0.2)
        // sd of one difference: sqrt(0.4 − 0.04) = 0.6; 95% half-width ≈ 1.96 × 0.6 / sqrt(2000) = 0.0263.
        XCTAssertEqual((first.high - first.low) / 2, 0.0263, accuracy: 0.004)
    }
}
