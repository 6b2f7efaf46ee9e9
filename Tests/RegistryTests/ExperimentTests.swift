import DomainKit
import Registry
import XCTest

final class ExperimentTests: XCTestCase {
    func experiment(id: Int = 1, share: Double = 0.1, unit: Experiment.Unit = .registrable) -> Experiment {
        Experiment(id: id, control: "1.0.0", treatment: "1.1.0", mode: .split, share: share, unit: unit, minimumEffect: 0.01,
                   running: true, startedAt: "", stoppedAt: nil, decision: nil)
    }

    /// One unit, one arm; the treatment's share of many units is the share asked for; another experiment
    /// draws its arms independently.
    func testRoutingIsConsistentAndSplitsByTheShare() {
        let suffixes = PublicSuffixList(text: "com\n")
        let e = experiment()
        XCTAssertEqual(e.arm(forUnitKey: e.unitKey(name: "a.example.com", client: nil, suffixes: suffixes)),
                       e.arm(forUnitKey: e.unitKey(name: "b.c.example.com", client: nil, suffixes: suffixes)), "one registrable name, one arm")
        let keys = (0..<20_000).map { "site\($0).com" }
        let treated = keys.filter { e.arm(forUnitKey: $0) == .treatment }
        XCTAssertEqual(Double(treated.count) / 20_000, 0.1, accuracy: 0.006)  // 3 sd of a binomial share
        let other = experiment(id: 2)
        let both = treated.filter { other.arm(forUnitKey: $0) == .treatment }.count
        XCTAssertEqual(Double(both) / Double(treated.count), 0.1, accuracy: 0.025, "independent of experiment 1")
        XCTAssertEqual(experiment(unit: .client).unitKey(name: "x.site.com", client: "10.0.0.7", suffixes: suffixes), "10.0.0.7")
        var shadow = e
        shadow.mode = .shadow
        XCTAssertTrue(keys.prefix(100).allSatisfy { shadow.arm(forUnitKey: $0) == .control }, "shadow answers with the control")
    }

    /// Names per arm to detect an effect, against statsmodels 0.14's
    /// samplesize_proportions_2indep_onetail(diff, p, power=0.8, ratio=1, alpha=0.05, alternative='two-sided').
    func testSampleSizeMatchesStatsmodels() {
        let reference: [(Double, Double, Double)] = [
            (0.80, 0.01, 24640.378956344164), (0.80, 0.02, 6038.533884755637), (0.90, 0.005, 55251.00993850081), (0.50, 0.05, 1564.6720527749528),
        ]
        for (p, effect, n) in reference {
            XCTAssertEqual(ExperimentStatus.sampleSize(baseline: p, effect: effect), Int(n.rounded(.up)), "p \(p) effect \(effect)")
        }
    }

    func testRecommendations() {
        var shadow = experiment()
        shadow.mode = .shadow
        let significant = ExperimentStatus(experiment: shadow, control: .init(version: "1.0.0", examples: 4464, correct: 4019),
                                           treatment: .init(version: "1.1.0", examples: 4464, correct: 4071),
                                           pairs: .init(bothRight: 4007, onlyControl: 12, onlyTreatment: 64, bothWrong: 381))
        XCTAssertEqual(significant.recommendation, .promote)
        XCTAssertEqual(significant.p, 1.0023457813247953e-09, accuracy: 1e-17)
        XCTAssertLessThan(significant.interval[0], significant.difference)
        let small = ExperimentStatus(experiment: experiment(), control: .init(version: "1.0.0", examples: 500, correct: 400),
                                     treatment: .init(version: "1.1.0", examples: 60, correct: 50), pairs: nil)
        XCTAssertEqual(small.recommendation, .needMoreData)
        XCTAssertEqual(small.test, "two-proportion z")
        let worse = ExperimentStatus(experiment: experiment(), control: .init(version: "1.0.0", examples: 10_000, correct: 9_000),
                                     treatment: .init(version: "1.1.0", examples: 10_000, correct: 8_800), pairs: nil)
        XCTAssertEqual(worse.recommendation, .keep)
    }
}
